/**
 * The backup and recovery scenarios of test/system/backup.test.ts and `npm run bench:backup`, on a container
 * cluster (machines.ts) whose seeds carry the backup section for the test object store (object-store.ts). The
 * test host acts as a client and as the operator: SQL through the VIP or to a node, pgha render/restore/replace,
 * new machines from the new seeds. Exec into a machine only observes it (pgBackRest's info, the journal) or
 * does what a timer would (start pgha-backup@full.service).
 */
import { leaderOf, missingAcks, patroniMembers, query, sleep, waitFor, type Ack, type Writer } from './cluster-client.js';
import { STACKS, startCluster, testSpec, type Cluster } from './machines.js';
import { STORE_KEYS, type ObjectStore } from './object-store.js';

/** Seconds: archive_timeout of the test clusters, the bound of their RPO. */
export const ARCHIVE_TIMEOUT = 10;

const POSTGRES = ['pg1', 'pg2', 'pg3'];

/** A six-machine cluster with backups to `store`, which starts on the network's gateway before the machines. */
export async function startBackupCluster(name: string, subnet: number, store: ObjectStore): Promise<Cluster> {
  Object.assign(process.env, STORE_KEYS);
  const gateway = `10.${subnet}.0.1`;
  const spec = testSpec(name, subnet, store.backupSection(gateway, { archiveTimeout: ARCHIVE_TIMEOUT }));
  return startCluster(name, spec, STACKS.debian12, { beforeMachines: () => store.start(gateway) });
}

export interface BackupInfo {
  label: string;
  type: string;
  timestamp: { start: number; stop: number };
  archive: { start: string };
  info: { size: number; repository: { size: number } };
}

/** pgBackRest's backups of the cluster's stanza, as a node sees them (`pgbackrest info`). */
export async function backups(cluster: Cluster, node: string): Promise<BackupInfo[]> {
  const out = await cluster.exec(node, ['runuser', '-u', 'postgres', '--', 'pgbackrest', `--stanza=${cluster.name}`, '--output=json', 'info']);
  return ((JSON.parse(out) as { backup?: BackupInfo[] }[])[0]?.backup ?? []) as BackupInfo[];
}

/** Waits for a backup that ended after `after` (ms since the epoch), asking whichever postgres node answers. */
export async function backupAfter(cluster: Cluster, after: number, timeoutMs = 180_000): Promise<BackupInfo> {
  return waitFor(`a backup that ended after ${new Date(after).toISOString()}`, timeoutMs, async () => {
    const leader = await leaderOf(cluster);
    return leader ? (await backups(cluster, leader)).find((b) => b.timestamp.stop * 1000 >= after) : undefined;
  }, 1000);
}

/** What the full timer does, on every postgres node at once; only the leader backs up. Seconds of the leader's run. */
export async function fullBackupNow(cluster: Cluster): Promise<{ seconds: number; leader: string; idle: string[] }> {
  const leader = (await leaderOf(cluster))!;
  const runs = await Promise.all(
    POSTGRES.map(async (n) => {
      const started = Date.now();
      await cluster.exec(n, ['systemctl', 'start', 'pgha-backup@full.service']);
      const log = await cluster.exec(n, ['journalctl', '-t', 'pgha-backup', '--no-pager', '-o', 'cat', '--since', `@${Math.floor(started / 1000) - 1}`]);
      return { n, seconds: (Date.now() - started) / 1000, idle: log.includes('full: not the leader: nothing to do') };
    }),
  );
  return { seconds: runs.find((r) => r.n === leader)!.seconds, leader, idle: runs.filter((r) => r.idle).map((r) => r.n) };
}

/** Until every WAL up to now is in the repository: a WAL switch, then the archiver past it. */
export async function archived(cluster: Cluster, host: string): Promise<void> {
  const wal = (await query<{ wal: string }>(cluster, host, 5432, 'SELECT pg_walfile_name(pg_switch_wal()) AS wal'))[0]!.wal;
  await waitFor(`${wal} archived`, 60_000, async () => {
    const [row] = await query<{ last: string | null }>(cluster, host, 5432, 'SELECT last_archived_wal AS last FROM pg_stat_archiver');
    return row?.last && row.last.slice(8) >= wal.slice(8) ? true : undefined;
  }, 500);
}

/**
 * Every postgres machine gone, `pgha restore --to TARGET`, a new machine for each: seconds from their start to
 * a leader. The etcd machines run on.
 */
export async function rebuild(cluster: Cluster, target: string): Promise<{ bootedAt: number; leaderS: number; leader: string }> {
  cluster.pgha(['restore', 'spec.yaml', '--out', 'out', '--no-iso', '--to', target]);
  await Promise.all(POSTGRES.map((n) => cluster.boot(n)));
  const bootedAt = Date.now();
  const leader = await waitFor('a leader of the restored cluster', 400_000, () => leaderOf(cluster), 500);
  return { bootedAt, leaderS: (Date.now() - bootedAt) / 1000, leader };
}

export interface PointInTime {
  /** When the restored cluster's machines started (ms since the epoch). */
  bootedAt: number;
  target: string;
  expected: number;
  restored: number;
  leaderS: number;
}

/**
 * 100 rows, a full backup (the timer's job), 10 rows one commit each, T noted (the server's clock after the
 * last of them), 10 more rows, DROP TABLE; the machines destroyed; pgha restore --to T.
 */
export async function pointInTime(cluster: Cluster): Promise<PointInTime & { backup: Awaited<ReturnType<typeof fullBackupNow>> }> {
  const vip = cluster.vip;
  await query(cluster, vip, 5000, 'CREATE TABLE pitr (id integer PRIMARY KEY, at timestamptz DEFAULT clock_timestamp())');
  await query(cluster, vip, 5000, 'INSERT INTO pitr (id) SELECT generate_series(1, 100)');
  const backup = await fullBackupNow(cluster);
  for (let id = 101; id <= 110; id++) await query(cluster, vip, 5000, 'INSERT INTO pitr (id) VALUES ($1)', [id]);
  const t = (await query<{ t: string }>(cluster, vip, 5000, 'SELECT clock_timestamp()::text AS t'))[0]!.t;
  for (let id = 111; id <= 120; id++) await query(cluster, vip, 5000, 'INSERT INTO pitr (id) VALUES ($1)', [id]);
  await query(cluster, vip, 5000, 'DROP TABLE pitr');
  await archived(cluster, cluster.node(backup.leader).ip);
  for (const n of POSTGRES) await cluster.kill(n);
  const { leader, leaderS, bootedAt } = await rebuild(cluster, t);
  const n = (await query<{ n: string }>(cluster, cluster.node(leader).ip, 5432, 'SELECT count(*) AS n FROM pitr'))[0]!.n;
  return { bootedAt, target: t, expected: 110, restored: Number(n), leaderS, backup };
}

export interface Disaster {
  bootedAt: number;
  acked: number;
  lost: number;
  /** The newest acknowledged write before the kill -> the newest one the restored cluster has. */
  rpoS: number;
  /** The new machines started -> the first write acknowledged through VIP:5000. */
  timeToClusterS: number;
}

/** Every postgres machine killed while `writer` writes through the VIP, then pgha restore --to latest. */
export async function disaster(cluster: Cluster, writer: Writer, writingMs = 15_000): Promise<Disaster> {
  const from = (await writer.ackAfter(Date.now(), 120_000)).at;
  await sleep(writingMs);
  for (const n of POSTGRES) await cluster.kill(n);
  const killedAt = Date.now();
  const before: Ack[] = writer.acks.filter((a) => a.at <= killedAt && a.at >= from);
  const { bootedAt } = await rebuild(cluster, 'latest');
  const first = await writer.ackAfter(bootedAt, 400_000);
  const leader = (await leaderOf(cluster))!;
  const missing = new Set(await missingAcks(cluster, cluster.node(leader).ip, 5432, before));
  const kept = before.filter((a) => !missing.has(a.id));
  const newest = before.at(-1)!;
  return { bootedAt, acked: before.length, lost: missing.size, rpoS: (newest.at - (kept.at(-1)?.at ?? from)) / 1000, timeToClusterS: (first.at - bootedAt) / 1000 };
}

/** A replica (neither leader nor `avoid`) for replacement. */
export async function someReplica(cluster: Cluster, avoid: string[] = []): Promise<string> {
  const members = await patroniMembers(cluster);
  return members.find((m) => m.role !== 'leader' && !avoid.includes(m.name))!.name;
}

/** How Patroni created a machine's replica: the method named in its log. */
export async function replicaMethod(cluster: Cluster, node: string): Promise<string | undefined> {
  const log = await cluster.exec(node, ['journalctl', '-u', 'patroni', '--no-pager', '-o', 'cat']);
  return /replica has been created using (\S+)/.exec(log)?.[1];
}
