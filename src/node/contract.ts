import type { Role } from '../spec/types.js';

/**
 * The node contract: where pgha's seeds and images put things on a machine, and the names that the node and
 * image scripts (assets/) share with the TypeScript side. Each fact is spelled here once; the scripts receive
 * them as @@PLACEHOLDERS@@ that render/scripts.ts fills when a render writes them out.
 */

/** A node's name (the spec schema's pattern for nodes[].name): pgha-peers takes only such member names. */
export const NODE_NAME_PATTERN = '[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?';

/** Where the seed installs the node scripts of assets/node/. */
export const ASSET_DIR = '/usr/local/lib/pgha';
/** First-boot progress: the status log, the failed step, the sentinel that marks a finished first boot. */
export const STATE_DIR = '/var/lib/pgha';
export const SENTINEL_FILE = 'bootstrap.done';
export const SENTINEL_PATH = `${STATE_DIR}/${SENTINEL_FILE}`;

/** pgha's own configuration folder on a node (nothing of it may be in an image). */
export const PGHA_ETC = '/etc/pgha';
/** The cluster CA's certificate, the node's certificate and its key. */
export const TLS_DIR = `${PGHA_ETC}/tls`;
export const TLS_FILES = { ca: 'ca.crt', cert: 'node.crt', key: 'node.key' } as const;
export const TLS_PATHS = { ca: `${TLS_DIR}/${TLS_FILES.ca}`, cert: `${TLS_DIR}/${TLS_FILES.cert}`, key: `${TLS_DIR}/${TLS_FILES.key}` } as const;

export const UNITS = {
  etcd: 'etcd.service',
  patroni: 'patroni.service',
  haproxy: 'haproxy.service',
  keepalived: 'keepalived.service',
  /** The PostgreSQL package's own service: disabled in the image, never started (Patroni runs PostgreSQL). */
  postgresPackage: 'postgresql.service',
  /** Written by the seed: keeps HAProxy's and Keepalived's member lists in step with Patroni's. */
  peers: 'pgha-peers.service',
  /** pgBackRest's own TLS server (a repository host): disabled in the image, never started (pgha uses S3 stores). */
  pgbackrestPackage: 'pgbackrest.service',
} as const;

/**
 * pgBackRest, with the spec's backup section: its configuration (where pgBackRest looks by default; Debian's
 * package ships the older /etc/pgbackrest.conf, read only when this one is missing), the repository's keys in
 * its include folder (a key must be in exactly one file), the store's CA, the settings the backup job reads.
 */
export const BACKUP = {
  /** The hygiene check looks for repository keys in everything that starts with it (/etc/pgbackrest.conf too). */
  etc: '/etc/pgbackrest',
  config: '/etc/pgbackrest/pgbackrest.conf',
  secrets: '/etc/pgbackrest/conf.d/pgha-secrets.conf',
  ca: `${PGHA_ETC}/backup-ca.crt`,
  env: `${PGHA_ETC}/backup.env`,
  /** Debian's package makes it, postgres-owned: asynchronous archive-push's queue. */
  spoolDir: '/var/spool/pgbackrest',
  hosts: '/etc/hosts',
  /** The backup job: a template instance per kind (full, diff, ensure), started by the timers on every postgres node. */
  unit: 'pgha-backup@.service',
  timers: { full: 'pgha-backup-full.timer', diff: 'pgha-backup-diff.timer', ensure: 'pgha-backup-ensure.timer' },
  /** Reports the repository's state at every boot (status file and journal), never failing the boot. */
  checkUnit: 'pgha-backup-check.service',
  /** Patroni's names for the replica method that restores from the repository and for the custom bootstrap of pgha restore. */
  replicaMethod: 'pgbackrest',
  restoreMethod: 'pgha_restore',
} as const;

/** A role's services from its packages: stopped and disabled in the image, started by the seed at first boot. */
export const ROLE_UNITS: Readonly<Record<Role, readonly string[]>> = {
  etcd: [UNITS.etcd],
  postgres: [UNITS.patroni, UNITS.haproxy, UNITS.keepalived],
};

/**
 * The user each role's services run as, who reads the node's key: on a postgres node PostgreSQL, Patroni's
 * REST API and its etcd client all run as postgres.
 */
export const SERVICE_USER: Readonly<Record<Role, string>> = { etcd: 'etcd', postgres: 'postgres' };

/** Configuration files the seeds write. */
export const CONFIG_PATHS = {
  etcdEnv: '/etc/default/etcd',
  etcdDropin: `/etc/systemd/system/${UNITS.etcd}.d/pgha.conf`,
  patroni: '/etc/patroni/config.yml',
  haproxy: '/etc/haproxy/haproxy.cfg',
  keepalived: '/etc/keepalived/keepalived.conf',
  peers: `${PGHA_ETC}/peers.json`,
  /** The extra database users, as SQL that pgha-postbootstrap runs on the node that creates the cluster. */
  usersSql: `${PGHA_ETC}/users.sql`,
  peersUnit: `/etc/systemd/system/${UNITS.peers}`,
} as const;

/**
 * Lines around the generated lists that pgha-peers rewrites on a running node (HAProxy servers, Keepalived
 * peers); pgha-peers finds a marker by its start.
 */
export const PEERS_MARKERS = { begin: '# pgha-peers begin', end: '# pgha-peers end' } as const;
export const PEERS_BEGIN_LINE = `${PEERS_MARKERS.begin}: kept up to date from Patroni's members by ${UNITS.peers}`;

/** The Debian/Ubuntu cluster name (pg_createcluster VERSION NAME) of the one PostgreSQL cluster Patroni runs. */
export const PG_CLUSTER = 'main';

/** What exists only while an image is baked: the build user, its upload folder, the apt proxy setting. */
export const BUILD = {
  user: 'pgha-build',
  dir: '/var/tmp/pgha-build',
  aptProxyConf: '/etc/apt/apt.conf.d/90pgha-build-proxy',
} as const;
