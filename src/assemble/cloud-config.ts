import { octalMode, type FileEntry } from '../lib/file.js';
import { toYaml } from '../lib/yaml.js';
import { PORTS, type ClusterModel, type NodeModel } from '../model/model.js';
import { BACKUP, CONFIG_PATHS, ROLE_UNITS, UNITS } from '../node/contract.js';
import { backupUnitFiles, backupUnitsToStart } from '../render/backup-units.js';
import { etcdClientUrl, etcdFiles, etcdPeerUrl } from '../render/etcd.js';
import { haproxyFile } from '../render/haproxy.js';
import { keepalivedFile } from '../render/keepalived.js';
import { patroniFile } from '../render/patroni.js';
import { pgbackrestFiles } from '../render/pgbackrest.js';
import { peersFiles } from '../render/peers.js';
import type { NodeScript } from '../render/scripts.js';
import { tlsFiles } from '../render/tls.js';
import { usersSqlFile } from '../render/users.js';
import { etcdNodeSecrets, postgresNodeSecrets } from '../secrets/node-view.js';
import type { Secrets } from '../secrets/types.js';

/** The node scripts, filled in once per render (render/scripts.ts). */
export type NodeScriptFiles = Readonly<Record<NodeScript, FileEntry>>;

/** What a node role adds to the common base: its files and its ordered first-boot steps. */
interface RoleBootstrap {
  files: FileEntry[];
  steps: string[][];
}

/**
 * An etcd member of the initial cluster starts with the seed's member list; a replacement or added one
 * (generation above 0) first joins the running cluster through the other members (pgha-etcd-join).
 */
function etcdBootstrap(model: ClusterModel, node: NodeModel, secrets: Secrets, scripts: NodeScriptFiles): RoleBootstrap {
  const joins = node.generation > 0;
  const others = model.etcdNodes.filter((n) => n.name !== node.name);
  const view = etcdNodeSecrets(secrets, node);
  const run = scripts['pgha-node'].path;
  return {
    files: [...tlsFiles(node, view.tls), ...etcdFiles(model, node, view), ...(joins ? [scripts['pgha-etcd-join']] : [])],
    steps: [
      [run, 'reset-etcd', model.flavor.paths.etcdDataDir],
      ...(joins ? [[run, 'join-etcd', CONFIG_PATHS.etcdEnv, node.name, etcdPeerUrl(node), ...others.map(etcdClientUrl)]] : []),
      [run, 'start', ...ROLE_UNITS.etcd],
      [run, 'wait-etcd', etcdClientUrl(node)],
    ],
  };
}

/**
 * With the backup section: pgBackRest's files, the backup scripts (the job, the replica method, the custom
 * bootstrap of pgha restore), the job's units and timers, started with the node's other services.
 */
function backupBootstrap(model: ClusterModel, node: NodeModel, secrets: Secrets, scripts: NodeScriptFiles): { files: FileEntry[]; units: string[] } {
  if (!model.backup) return { files: [], units: [] };
  return {
    files: [
      scripts['pgha-backup'],
      scripts['pgha-restorereplica'],
      scripts['pgha-restorecluster'],
      ...pgbackrestFiles(model, node, postgresNodeSecrets(secrets, node)),
      ...backupUnitFiles(model.backup),
    ],
    units: backupUnitsToStart(),
  };
}

function postgresBootstrap(model: ClusterModel, node: NodeModel, secrets: Secrets, scripts: NodeScriptFiles): RoleBootstrap {
  const view = postgresNodeSecrets(secrets, node);
  const run = scripts['pgha-node'].path;
  const backup = backupBootstrap(model, node, secrets, scripts);
  return {
    files: [
      ...tlsFiles(node, view.tls),
      scripts['pgha-createcluster'],
      scripts['pgha-clonecluster'],
      scripts['pgha-postbootstrap'],
      scripts['pgha-check-haproxy'],
      scripts['pgha-peers'],
      patroniFile(model, node, view),
      usersSqlFile(model, view.users),
      haproxyFile(model),
      keepalivedFile(model, node, view.keepalivedAuthPass),
      ...peersFiles(model, node),
      ...backup.files,
    ],
    steps: [
      [run, 'drop-default-cluster'],
      [run, 'start', ...ROLE_UNITS.postgres, UNITS.peers, ...backup.units],
      [run, 'wait-patroni', `https://${node.ip}:${PORTS.patroniRest}/health`],
    ],
  };
}

/** A cloud-config write_files entry: a rendered file handed to cloud-init as opaque content. */
function writeFile(f: FileEntry): { path: string; owner: string; permissions: string; content: string } {
  return { path: f.path, owner: f.owner ?? 'root:root', permissions: octalMode(f.mode), content: f.content };
}

/** The #cloud-config user-data of one node: the common base plus its role's files and steps, then the sentinel. */
export function userDataConfig(model: ClusterModel, node: NodeModel, secrets: Secrets, scripts: NodeScriptFiles): Record<string, unknown> {
  const role = node.role === 'etcd' ? etcdBootstrap(model, node, secrets, scripts) : postgresBootstrap(model, node, secrets, scripts);
  const admin = model.admin;
  const config = {
    hostname: node.name,
    preserve_hostname: false,
    // a seed that writes /etc/hosts (the backup store's name) owns it: cloud-init would write it again at every boot
    manage_etc_hosts: !role.files.some((f) => f.path === BACKUP.hosts),
    ssh_pwauth: false,
    disable_root: true,
    // no keys, no login user: `users: []` keeps cloud-init from creating the image's default user (Ubuntu's ubuntu)
    ...(admin.sshAuthorizedKeys.length === 0
      ? { users: [] }
      : {
          users: [
            {
              name: admin.user,
              groups: ['sudo'],
              shell: '/bin/bash',
              sudo: 'ALL=(ALL) NOPASSWD:ALL',
              lock_passwd: true,
              ssh_authorized_keys: admin.sshAuthorizedKeys,
            },
          ],
        }),
    write_files: [scripts['pgha-node'], ...role.files].map(writeFile),
    runcmd: [...role.steps, [scripts['pgha-node'].path, 'done']],
  };
  return config;
}

/** A node's user-data file: it holds the node's secrets, hence mode 0600. */
export function userDataFile(path: string, config: Record<string, unknown>): FileEntry {
  return { path, content: `#cloud-config\n${toYaml(config)}`, mode: 0o600, data: config };
}
