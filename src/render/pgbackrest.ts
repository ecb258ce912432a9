import type { FileEntry } from '../lib/file.js';
import { storeHostNames, type BackupModel } from '../model/backup.js';
import { PORTS, type ClusterModel, type NodeModel } from '../model/model.js';
import { BACKUP, SERVICE_USER } from '../node/contract.js';
import type { PostgresNodeSecrets } from '../secrets/node-view.js';
import type { BackupSecrets } from '../secrets/types.js';

/**
 * pgBackRest's configuration on a postgres node: the S3 repository, retention, asynchronous archiving with a
 * spool folder, the stanza (the cluster's name) with the node's data directory. No secret: the keys are in
 * the include file. lz4 is cheap on small machines; io-timeout 20 s bounds what an unreachable store costs
 * (a command tries 4 times, an archive-push worker 8). start-fast: a backup starts with a fast checkpoint.
 */
export function renderPgbackrestConf(model: ClusterModel, backup: BackupModel): string {
  const r = backup.repository;
  const lines = [
    `# Written by pgha: pgBackRest of cluster ${model.name}; the repository's keys are in ${BACKUP.secrets}.`,
    '[global]',
    'repo1-type=s3',
    `repo1-s3-endpoint=${r.endpoint}`,
    `repo1-storage-port=${r.port}`,
    `repo1-s3-bucket=${r.bucket}`,
    `repo1-s3-region=${r.region}`,
    `repo1-s3-uri-style=${r.uriStyle}`,
    `repo1-path=${r.path}`,
    ...(r.caCertificate ? [`repo1-storage-ca-file=${BACKUP.ca}`] : []),
    `repo1-retention-full=${backup.retention.full}`,
    `repo1-retention-diff=${backup.retention.diff}`,
    ...(backup.encryption ? ['repo1-cipher-type=aes-256-cbc'] : []),
    'archive-async=y',
    `spool-path=${BACKUP.spoolDir}`,
    'process-max=2',
    'compress-type=lz4',
    'start-fast=y',
    'io-timeout=20',
    'log-level-file=info',
    '',
    '[global:archive-push]',
    'compress-level=3',
    '',
    '[global:archive-get]',
    'process-max=2',
    '',
    `[${backup.stanza}]`,
    `pg1-path=${model.flavor.paths.pgDataDir}`,
    `pg1-port=${PORTS.postgres}`,
    `pg1-socket-path=${model.flavor.paths.pgSocketDir}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The repository's keys, in pgBackRest's include folder: the only file that holds them. */
export function renderPgbackrestSecrets(backup: BackupModel, secrets: BackupSecrets): string {
  if (!secrets.s3Key || !secrets.s3KeySecret) throw new Error('no backup access keys: commands refuse a render without them');
  if (backup.encryption && !secrets.cipherPass) throw new Error('no cipher pass: completeSecrets makes one');
  const lines = [
    '# Written by pgha: the backup repository\'s keys. Keep private.',
    '[global]',
    `repo1-s3-key=${secrets.s3Key}`,
    `repo1-s3-key-secret=${secrets.s3KeySecret}`,
    ...(backup.encryption ? [`repo1-cipher-pass=${secrets.cipherPass}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** What pgha-backup reads: the stanza and the node's own Patroni REST API, which says whether it leads. */
export function renderBackupEnv(backup: BackupModel, node: NodeModel): string {
  return `# Written by pgha: settings of pgha-backup.\nPGHA_STANZA=${backup.stanza}\nPGHA_PRIMARY_URL=https://${node.ip}:${PORTS.patroniRest}/primary\n`;
}

/**
 * /etc/hosts when the spec gives the store's address: pgBackRest 2.45 checks the store's certificate against
 * the name it dials, never an address. The seed then owns the file (cloud-init's manage_etc_hosts would
 * write it again from its template at every boot), so it carries cloud-init's usual lines too.
 */
export function renderHosts(node: NodeModel, backup: BackupModel): string {
  const lines = [
    '# Written by pgha: the backup store\'s name is listed here (cloud-init\'s manage_etc_hosts is off).',
    `127.0.1.1 ${node.name}`,
    '127.0.0.1 localhost',
    '::1 localhost ip6-localhost ip6-loopback',
    'ff02::1 ip6-allnodes',
    'ff02::2 ip6-allrouters',
    `${backup.repository.address} ${storeHostNames(backup).join(' ')}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The files of the backup section on a postgres node. */
export function pgbackrestFiles(model: ClusterModel, node: NodeModel, secrets: PostgresNodeSecrets): FileEntry[] {
  const backup = model.backup;
  if (!backup) return [];
  const readers = `root:${SERVICE_USER.postgres}`;
  return [
    { path: BACKUP.config, owner: readers, mode: 0o640, content: renderPgbackrestConf(model, backup) },
    { path: BACKUP.secrets, owner: readers, mode: 0o640, content: renderPgbackrestSecrets(backup, secrets.backup ?? {}) },
    ...(backup.repository.caCertificate ? [{ path: BACKUP.ca, owner: 'root:root', mode: 0o644, content: backup.repository.caCertificate }] : []),
    { path: BACKUP.env, owner: 'root:root', mode: 0o644, content: renderBackupEnv(backup, node) },
    ...(backup.repository.address ? [{ path: BACKUP.hosts, owner: 'root:root', mode: 0o644, content: renderHosts(node, backup) }] : []),
  ];
}
