import { basename } from 'node:path';
import type { ClusterModel } from '../model.js';
import type { Assets } from '../render/assets.js';
import { renderNetworkConfig } from '../render/network.js';
import { renderTlsFiles } from '../render/tls.js';
import type { Secrets } from '../secrets.js';
import { renderMetaData, renderUserData } from './cloud-config.js';

/** A file of the output directory, by its path relative to it. */
export interface OutputFile {
  path: string;
  content: string;
  mode: number;
}

/**
 * Every node's NoCloud seed files. Pure: the same model, secrets and assets give byte-identical output.
 * user-data holds the node's secrets, hence mode 0600. A replaced node's generation is part of its instance-id,
 * so that even an unchanged seed is a new instance to cloud-init.
 */
export function renderCluster(model: ClusterModel, secrets: Secrets, assets: Assets): OutputFile[] {
  return model.nodes.flatMap((node) => {
    const userData = renderUserData(model, node, secrets, assets);
    const networkConfig = renderNetworkConfig(model, node);
    const dir = `nodes/${node.name}`;
    return [
      { path: `${dir}/user-data`, content: userData, mode: 0o600 },
      // the node's TLS files on their own, for rolling out renewed certificates (pgha certs renew)
      ...renderTlsFiles(node, secrets).map((f) => ({ path: `${dir}/tls/${basename(f.path)}`, content: f.content, mode: parseInt(f.permissions, 8) })),
      { path: `${dir}/meta-data`, content: renderMetaData(model, node, userData + networkConfig + (node.generation > 0 ? `generation ${node.generation}\n` : '')), mode: 0o644 },
      { path: `${dir}/network-config`, content: networkConfig, mode: 0o644 },
    ];
  });
}
