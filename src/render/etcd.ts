import type { FileEntry } from '../lib/file.js';
import { PORTS, type ClusterModel, type NodeModel } from '../model/model.js';
import { CONFIG_PATHS, SERVICE_USER, TLS_PATHS } from '../node/contract.js';
import type { EtcdNodeSecrets } from '../secrets/node-view.js';

export function etcdPeerUrl(n: NodeModel): string {
  return `https://${n.ip}:${PORTS.etcdPeer}`;
}

export function etcdClientUrl(n: NodeModel): string {
  return `https://${n.ip}:${PORTS.etcdClient}`;
}

/**
 * /etc/default/etcd for one member of a new cluster: v3 API only (etcd 3.4 leaves v2 off by default). Clients
 * and peers alike use TLS and must show a certificate of the cluster CA (Patroni and pgha-etcd-join show their
 * node's, operators the admin certificate). etcd reads the files again for each new connection, so renewed
 * certificates need no restart.
 */
export function renderEtcdEnv(model: ClusterModel, node: NodeModel, secrets: EtcdNodeSecrets): string {
  const vars: [string, string][] = [
    ['ETCD_NAME', node.name],
    ['ETCD_DATA_DIR', model.flavor.paths.etcdDataDir],
    ['ETCD_LISTEN_PEER_URLS', etcdPeerUrl(node)],
    ['ETCD_LISTEN_CLIENT_URLS', `${etcdClientUrl(node)},https://127.0.0.1:${PORTS.etcdClient}`],
    ['ETCD_INITIAL_ADVERTISE_PEER_URLS', etcdPeerUrl(node)],
    ['ETCD_ADVERTISE_CLIENT_URLS', etcdClientUrl(node)],
    ['ETCD_INITIAL_CLUSTER', model.etcdNodes.map((n) => `${n.name}=${etcdPeerUrl(n)}`).join(',')],
    ['ETCD_INITIAL_CLUSTER_STATE', 'new'],
    ['ETCD_INITIAL_CLUSTER_TOKEN', secrets.initialClusterToken],
    ['ETCD_HEARTBEAT_INTERVAL', String(model.etcd.heartbeatIntervalMs)],
    ['ETCD_ELECTION_TIMEOUT', String(model.etcd.electionTimeoutMs)],
    ['ETCD_CERT_FILE', TLS_PATHS.cert],
    ['ETCD_KEY_FILE', TLS_PATHS.key],
    ['ETCD_TRUSTED_CA_FILE', TLS_PATHS.ca],
    ['ETCD_CLIENT_CERT_AUTH', 'true'],
    ['ETCD_PEER_CERT_FILE', TLS_PATHS.cert],
    ['ETCD_PEER_KEY_FILE', TLS_PATHS.key],
    ['ETCD_PEER_TRUSTED_CA_FILE', TLS_PATHS.ca],
    ['ETCD_PEER_CLIENT_CERT_AUTH', 'true'],
  ];
  return `# Written by pgha for etcd member ${node.name} of cluster ${model.name}.\n${vars.map(([k, v]) => `${k}="${v}"`).join('\n')}\n`;
}

/** Lets the etcd unit wait as long as it takes for its peers: Type=notify only reports ready with quorum. */
export function renderEtcdDropin(): string {
  return ['# Written by pgha.', '[Service]', 'TimeoutStartSec=infinity', 'Restart=on-failure', 'RestartSec=2s', ''].join('\n');
}

/** An etcd node's configuration files: the environment file holds the cluster token, readable by etcd only. */
export function etcdFiles(model: ClusterModel, node: NodeModel, secrets: EtcdNodeSecrets): FileEntry[] {
  return [
    { path: CONFIG_PATHS.etcdEnv, owner: `root:${SERVICE_USER.etcd}`, mode: 0o640, content: renderEtcdEnv(model, node, secrets) },
    { path: CONFIG_PATHS.etcdDropin, owner: 'root:root', mode: 0o644, content: renderEtcdDropin() },
  ];
}
