import type { NodeModel } from '../model.js';
import type { Secrets } from '../secrets.js';

/** Where a node keeps the cluster CA's certificate, its own certificate and its key. */
export const TLS_DIR = '/etc/pgha/tls';
export const TLS_PATHS = { ca: `${TLS_DIR}/ca.crt`, cert: `${TLS_DIR}/node.crt`, key: `${TLS_DIR}/node.key` } as const;

export interface TlsFile {
  path: string;
  owner: string;
  permissions: string;
  content: string;
}

/**
 * A node's TLS files. The key is read by one service user, who owns it with mode 0600: etcd on an etcd node;
 * postgres on a postgres node, where PostgreSQL, Patroni's REST API and Patroni's etcd client all run as
 * postgres. HAProxy only reads the CA certificate.
 */
export function renderTlsFiles(node: NodeModel, secrets: Secrets): TlsFile[] {
  const pair = secrets.tls.nodes[node.name];
  if (!pair) throw new Error(`no certificate for node ${node.name}: completeSecrets issues one for every node`);
  const user = node.role === 'etcd' ? 'etcd' : 'postgres';
  return [
    { path: TLS_PATHS.ca, owner: 'root:root', permissions: '0644', content: secrets.tls.ca.cert },
    { path: TLS_PATHS.cert, owner: 'root:root', permissions: '0644', content: pair.cert },
    { path: TLS_PATHS.key, owner: `${user}:${user}`, permissions: '0600', content: pair.key },
  ];
}
