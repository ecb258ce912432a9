import type { FileEntry } from '../lib/file.js';
import type { NodeModel } from '../model/model.js';
import { SERVICE_USER, TLS_PATHS } from '../node/contract.js';
import type { NodeTls } from '../secrets/node-view.js';

/**
 * A node's TLS files. The key is read by its role's service user, who owns it with mode 0600; HAProxy only
 * reads the CA certificate.
 */
export function tlsFiles(node: NodeModel, tls: NodeTls): FileEntry[] {
  const user = SERVICE_USER[node.role];
  return [
    { path: TLS_PATHS.ca, owner: 'root:root', mode: 0o644, content: tls.ca },
    { path: TLS_PATHS.cert, owner: 'root:root', mode: 0o644, content: tls.cert },
    { path: TLS_PATHS.key, owner: `${user}:${user}`, mode: 0o600, content: tls.key },
  ];
}
