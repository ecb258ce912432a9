import type { NodeModel } from '../model/model.js';
import type { BackupSecrets, Secrets } from './types.js';

/** What a node holds of the cluster's TLS: the CA's certificate (never its key), its own certificate and key. */
export interface NodeTls {
  ca: string;
  cert: string;
  key: string;
}

/** The secrets an etcd node's files carry. */
export interface EtcdNodeSecrets {
  tls: NodeTls;
  initialClusterToken: string;
}

/** The secrets a postgres node's files carry (Patroni, Keepalived). */
export interface PostgresNodeSecrets {
  tls: NodeTls;
  superuserPassword: string;
  replicationPassword: string;
  rewindPassword: string;
  restApiPassword: string;
  keepalivedAuthPass: string;
  /** Passwords of the spec's extra database users, by name. */
  users: Record<string, string>;
  /** The backup repository's keys and cipher pass (with the spec's backup section). */
  backup?: BackupSecrets;
}

export function nodeTls(secrets: Secrets, node: NodeModel): NodeTls {
  const pair = secrets.tls.nodes[node.name];
  if (!pair) throw new Error(`no certificate for node ${node.name}: completeSecrets issues one for every node`);
  return { ca: secrets.tls.ca.cert, cert: pair.cert, key: pair.key };
}

export function etcdNodeSecrets(secrets: Secrets, node: NodeModel): EtcdNodeSecrets {
  return { tls: nodeTls(secrets, node), initialClusterToken: secrets.etcdInitialClusterToken };
}

export function postgresNodeSecrets(secrets: Secrets, node: NodeModel): PostgresNodeSecrets {
  return {
    tls: nodeTls(secrets, node),
    superuserPassword: secrets.superuserPassword,
    replicationPassword: secrets.replicationPassword,
    rewindPassword: secrets.rewindPassword,
    restApiPassword: secrets.restApiPassword,
    keepalivedAuthPass: secrets.keepalivedAuthPass,
    users: secrets.users,
    ...(secrets.backup ? { backup: secrets.backup } : {}),
  };
}
