import type { FileEntry } from '../lib/file.js';
import { toYaml } from '../lib/yaml.js';
import { patternRoot } from '../model/flavors.js';
import { PORTS, type ClusterModel, type NodeModel } from '../model/model.js';
import { ASSET_DIR, CONFIG_PATHS, PG_CLUSTER, SERVICE_USER, TLS_PATHS } from '../node/contract.js';
import type { PostgresNodeSecrets } from '../secrets/node-view.js';
import { patroniBackup } from './backup-patroni.js';

export const PATRONI_REST_USER = 'patroni';

/** One pg_hba.conf line with aligned columns. */
function hba(type: string, database: string, user: string, address: string, method: string): string {
  return [type.padEnd(8), database.padEnd(12), user.padEnd(12), address.padEnd(20), method].join(' ').trimEnd();
}

/**
 * Remote access: TLS (hostssl) and scram-sha-256 only, never trust; loopback may go without TLS. Replication
 * only for the replication user, from the cluster network: a replacement at a new address or an added node
 * must be able to clone from a leader whose pg_hba came with the first seeds. Other connections from the
 * cluster network (which includes HAProxy on the postgres nodes, passing clients' TLS through) and the listed
 * client networks.
 */
export function renderPgHba(model: ClusterModel): string[] {
  return [
    hba('local', 'all', 'all', '', 'peer'),
    hba('host', 'all', 'all', '127.0.0.1/32', 'scram-sha-256'),
    hba('host', 'all', 'all', '::1/128', 'scram-sha-256'),
    hba('local', 'replication', 'all', '', 'peer'),
    hba('host', 'replication', 'replicator', '127.0.0.1/32', 'scram-sha-256'),
    hba('hostssl', 'replication', 'replicator', model.network.cidr, 'scram-sha-256'),
    hba('hostssl', 'all', 'all', model.network.cidr, 'scram-sha-256'),
    ...model.postgres.clientNetworks.map((c) => hba('hostssl', 'all', 'all', c, 'scram-sha-256')),
  ];
}

/** Members connect to each other (replication, pg_rewind) over TLS and check the name they dialled. */
const VERIFY_FULL = { sslmode: 'verify-full', sslrootcert: TLS_PATHS.ca } as const;

/**
 * Patroni's configuration. The REST API serves HTTPS with the node's certificate; unsafe endpoints need the
 * REST password, and no client certificate (verify_client is off, so that HAProxy's checks and monitoring need
 * none). Members call each other's API checking the other's certificate against the CA: Patroni makes those
 * calls with certificate checks off unless ctl.certfile is set (3.0 to 4.0 alike), so the ctl section names the
 * node's certificate, which also makes patronictl on the node present it. etcd is reached over TLS with the node
 * certificate as client certificate. The extra database users are created by
 * post_bootstrap (pgha-postbootstrap), which works on every Patroni: 4.0 dropped bootstrap.users.
 */
export function renderPatroniConfig(model: ClusterModel, node: NodeModel, secrets: PostgresNodeSecrets): string {
  const pg = model.postgres.version;
  const paths = model.flavor.paths;
  const backup = patroniBackup(model);
  const config = {
    scope: model.name,
    namespace: model.namespace,
    name: node.name,
    restapi: {
      listen: `${node.ip}:${PORTS.patroniRest}`,
      connect_address: `${node.ip}:${PORTS.patroniRest}`,
      authentication: { username: PATRONI_REST_USER, password: secrets.restApiPassword },
      certfile: TLS_PATHS.cert,
      keyfile: TLS_PATHS.key,
      cafile: TLS_PATHS.ca,
    },
    ctl: { certfile: TLS_PATHS.cert, keyfile: TLS_PATHS.key, cacert: TLS_PATHS.ca },
    etcd3: {
      hosts: model.etcdNodes.map((n) => `${n.ip}:${PORTS.etcdClient}`),
      protocol: 'https',
      cacert: TLS_PATHS.ca,
      cert: TLS_PATHS.cert,
      key: TLS_PATHS.key,
    },
    bootstrap: {
      dcs: {
        ttl: model.patroni.ttl,
        loop_wait: model.patroni.loopWait,
        retry_timeout: model.patroni.retryTimeout,
        maximum_lag_on_failover: model.patroni.maximumLagOnFailover,
        synchronous_mode: model.patroni.synchronousMode,
        failsafe_mode: model.patroni.failsafeMode,
        primary_start_timeout: model.patroni.primaryStartTimeout,
        check_timeline: true,
        postgresql: {
          use_pg_rewind: true,
          use_slots: true,
          parameters: { password_encryption: 'scram-sha-256', ...backup.parameters, ...model.postgres.parameters },
        },
      },
      method: backup.bootstrapMethod ?? 'pgha_createcluster',
      pgha_createcluster: { command: `${ASSET_DIR}/pgha-createcluster ${pg} ${PG_CLUSTER}` },
      ...backup.bootstrapSections,
      post_bootstrap: `${ASSET_DIR}/pgha-postbootstrap`,
    },
    postgresql: {
      listen: `${node.ip},127.0.0.1:${PORTS.postgres}`,
      connect_address: `${node.ip}:${PORTS.postgres}`,
      use_unix_socket: true,
      data_dir: paths.pgDataDir,
      bin_dir: paths.pgBinDir,
      config_dir: paths.pgConfigDir,
      pgpass: `${patternRoot(model.flavorPathPatterns.pgDataDir)}/${pg}-${PG_CLUSTER}.pgpass`,
      authentication: {
        superuser: { username: 'postgres', password: secrets.superuserPassword },
        replication: { username: 'replicator', password: secrets.replicationPassword, ...VERIFY_FULL },
        rewind: { username: 'rewind', password: secrets.rewindPassword, ...VERIFY_FULL },
      },
      create_replica_methods: [...backup.replicaMethods, 'pgha_clonecluster'],
      ...backup.replicaSections,
      pgha_clonecluster: { command: `${ASSET_DIR}/pgha-clonecluster ${pg} ${PG_CLUSTER}` },
      ...backup.recoveryConf,
      remove_data_directory_on_rewind_failure: true,
      remove_data_directory_on_diverged_timelines: true,
      parameters: {
        unix_socket_directories: paths.pgSocketDir,
        logging_collector: 'on',
        log_directory: paths.pgLogDir,
        log_filename: `postgresql-${pg}-${PG_CLUSTER}.log`,
        log_file_mode: '0640',
        ssl: 'on',
        ssl_cert_file: TLS_PATHS.cert,
        ssl_key_file: TLS_PATHS.key,
        ...backup.parameters,
      },
      pg_hba: renderPgHba(model),
    },
    tags: node.tags,
  };
  return `# Written by pgha for Patroni member ${node.name} of cluster ${model.name}.\n${toYaml(config)}`;
}

/** Patroni's configuration: it holds the cluster's passwords, so only postgres reads it. */
export function patroniFile(model: ClusterModel, node: NodeModel, secrets: PostgresNodeSecrets): FileEntry {
  const user = SERVICE_USER.postgres;
  return { path: CONFIG_PATHS.patroni, owner: `${user}:${user}`, mode: 0o600, content: renderPatroniConfig(model, node, secrets) };
}
