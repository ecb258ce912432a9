import type { FileEntry } from '../lib/file.js';
import { fillTemplate } from '../lib/template.js';
import { patternRoot } from '../model/flavors.js';
import type { ClusterModel } from '../model/model.js';
import {
  ASSET_DIR,
  BACKUP,
  BUILD,
  CONFIG_PATHS,
  NODE_NAME_PATTERN,
  PEERS_MARKERS,
  PGHA_ETC,
  ROLE_UNITS,
  SENTINEL_FILE,
  SERVICE_USER,
  STATE_DIR,
  TLS_DIR,
  TLS_FILES,
  UNITS,
} from '../node/contract.js';

/** The node scripts of assets/node/ that seeds install in ASSET_DIR. */
export const NODE_SCRIPTS = [
  'pgha-node',
  'pgha-createcluster',
  'pgha-clonecluster',
  'pgha-postbootstrap',
  'pgha-check-haproxy',
  'pgha-etcd-join',
  'pgha-peers',
  'pgha-backup',
  'pgha-restorereplica',
  'pgha-restorecluster',
] as const;
export type NodeScript = (typeof NODE_SCRIPTS)[number];

/** The provisioning scripts of assets/image/ that the Packer templates upload and run, in the order they run. */
export const IMAGE_SCRIPTS = ['install-packages.sh', 'configure-services.sh', 'package-versions.sh', 'seal.sh', 'finish.sh', 'hygiene-check.sh'] as const;
export type ImageScript = (typeof IMAGE_SCRIPTS)[number];

/** The scripts' templates, as read from assets/ (io/package-data.ts). */
export interface ScriptTemplates {
  node: Readonly<Record<NodeScript, string>>;
  image: Readonly<Record<ImageScript, string>>;
}

/** What the node and image scripts' @@PLACEHOLDERS@@ stand for: the node contract and the flavour's paths. */
export function scriptValues(model: ClusterModel): Record<string, string> {
  const paths = model.flavor.paths;
  const patterns = model.flavorPathPatterns;
  // the scripts take the PostgreSQL version and cluster name as arguments: $version and $name
  const inScript = (p: string) => p.replaceAll('{pg}', '$version').replaceAll('{cluster}', '$name');
  const seedPaths = [CONFIG_PATHS.patroni, CONFIG_PATHS.keepalived, PGHA_ETC, STATE_DIR, CONFIG_PATHS.etcdDropin, ASSET_DIR, BACKUP.config, BACKUP.secrets];
  return {
    STATE_DIR,
    SENTINEL_FILE,
    TLS_DIR,
    TLS_CA: TLS_FILES.ca,
    TLS_CERT: TLS_FILES.cert,
    TLS_KEY: TLS_FILES.key,
    ETCD_ENV: CONFIG_PATHS.etcdEnv,
    PATRONI_CONFIG: CONFIG_PATHS.patroni,
    PEERS_CONFIG: CONFIG_PATHS.peers,
    USERS_SQL: CONFIG_PATHS.usersSql,
    PEERS_BEGIN: PEERS_MARKERS.begin,
    PEERS_END: PEERS_MARKERS.end,
    NODE_NAME_PATTERN,
    ETCD_UNITS: ROLE_UNITS.etcd.join(' '),
    POSTGRES_UNITS: ROLE_UNITS.postgres.join(' '),
    PATRONI_UNIT: UNITS.patroni,
    HAPROXY_UNIT: UNITS.haproxy,
    KEEPALIVED_UNIT: UNITS.keepalived,
    POSTGRES_PACKAGE_UNIT: UNITS.postgresPackage,
    PGBACKREST_PACKAGE_UNIT: UNITS.pgbackrestPackage,
    BACKUP_ENV: BACKUP.env,
    BACKUP_SPOOL: BACKUP.spoolDir,
    PGBACKREST_ETC: BACKUP.etc,
    ETCD_USER: SERVICE_USER.etcd,
    POSTGRES_USER: SERVICE_USER.postgres,
    ETCD_DATA_DIR: paths.etcdDataDir,
    ETCD_HOME: paths.etcdDataDir.slice(0, paths.etcdDataDir.lastIndexOf('/')),
    PG_DATA_ROOT: patternRoot(patterns.pgDataDir),
    PG_CONFIG_ROOT: patternRoot(patterns.pgConfigDir),
    PG_CONFIG_DIR: inScript(patterns.pgConfigDir),
    PG_BIN_DIR: inScript(patterns.pgBinDir),
    BUILD_USER: BUILD.user,
    BUILD_DIR: BUILD.dir,
    APT_PROXY_CONF: BUILD.aptProxyConf,
    // root-relative: the hygiene check looks for them under the image's root
    SEED_PATHS: seedPaths.map((p) => p.slice(1)).join(' '),
  };
}

/** Every node script, filled in, as the seeds install it. */
export function nodeScriptFiles(model: ClusterModel, templates: ScriptTemplates): Record<NodeScript, FileEntry> {
  const values = scriptValues(model);
  return Object.fromEntries(
    NODE_SCRIPTS.map((n) => [n, { path: `${ASSET_DIR}/${n}`, owner: 'root:root', mode: 0o755, content: fillTemplate(`assets/node/${n}`, templates.node[n], values) }]),
  ) as Record<NodeScript, FileEntry>;
}

/** The provisioning scripts, filled in, beside the Packer templates (DIR/packer/scripts/, found through path.root). */
export function imageScriptFiles(model: ClusterModel, templates: ScriptTemplates): FileEntry[] {
  const values = scriptValues(model);
  return IMAGE_SCRIPTS.map((n) => ({ path: `packer/scripts/${n}`, mode: 0o755, content: fillTemplate(`assets/image/${n}`, templates.image[n], values) }));
}
