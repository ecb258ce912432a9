import { readFileSync } from 'node:fs';
import { packagePath } from '../paths.js';

/** Where the node scripts from cloud-init/ are installed on every node. */
export const ASSET_DIR = '/usr/local/lib/pgha';

export const ASSET_NAMES = ['pgha-node', 'pgha-createcluster', 'pgha-clonecluster', 'pgha-check-haproxy', 'pgha-etcd-join', 'pgha-peers'] as const;
export type AssetName = (typeof ASSET_NAMES)[number];

/** The scripts that seeds install on the nodes, read once from the package's cloud-init/ folder. */
export type Assets = Readonly<Record<AssetName, string>>;

export function loadAssets(): Assets {
  return Object.fromEntries(ASSET_NAMES.map((n) => [n, readFileSync(packagePath('cloud-init', n), 'utf8')])) as Assets;
}
