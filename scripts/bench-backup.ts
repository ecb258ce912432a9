/**
 * npm run bench:backup: backups and recovery on the six-machine container cluster (test/system/machines.ts)
 * with the test object store (s3rver over TLS on the network's gateway), the scenarios of
 * test/system/backup.test.ts measured: a point-in-time restore after a DROP TABLE (rows expected and restored),
 * every PostgreSQL machine destroyed under one write every 100 ms and pgha restore --to latest (lost
 * acknowledged writes, RPO, new machines started -> writes through the VIP), a replica replaced after a backup
 * (restored from the repository or not). Then a database of about 1 GB (pgbench -i -s 70): the full backup
 * through the timer's job on the leader, and on one replica's machine a pgBackRest restore of that backup into
 * an empty folder beside a plain pg_basebackup (what pgha-clonecluster does) of the same database from the
 * leader. The last line is one JSON object. Needs root and a Docker engine (started when none runs).
 */
import { leaderOf, query, replaceReplica, streaming, Writer } from '../test/system/cluster-client.js';
import { backupAfter, backups, disaster, fullBackupNow, pointInTime, replicaMethod, someReplica, startBackupCluster } from '../test/system/backup-scenario.js';
import { ensureDocker, removeMachineImages } from '../test/system/machines.js';
import { objectStore } from '../test/system/object-store.js';

const SCALE = Number(process.env.PGHA_BENCH_PGBENCH_SCALE ?? 70);
const log = (line: string) => console.error(`[bench:backup] ${line}`);
const seconds = async (fn: () => Promise<unknown>) => {
  const t = Date.now();
  await fn();
  return (Date.now() - t) / 1000;
};

ensureDocker();
const store = await objectStore();
const cluster = await startBackupCluster('pghabb', 75, store);
let writer: Writer | undefined;
try {
  const formed = await backupAfter(cluster, 0, 400_000);
  log(`cluster formed, first full backup ${formed.label}`);
  const pitr = await pointInTime(cluster);
  log(`point in time: ${pitr.restored} of ${pitr.expected} rows`);
  await backupAfter(cluster, pitr.bootedAt);
  writer = new Writer(cluster, cluster.vip, 5000).start();
  const dr = await disaster(cluster, writer);
  log(`disaster: ${dr.lost} of ${dr.acked} acknowledged writes lost, RPO ${dr.rpoS} s, writes after ${dr.timeToClusterS} s`);
  await backupAfter(cluster, dr.bootedAt);
  const replica = await someReplica(cluster);
  const replicaS = await replaceReplica(cluster, replica);
  const method = await replicaMethod(cluster, replica);
  log(`replica ${replica} replaced in ${replicaS} s using ${method}`);
  await writer.stop();
  writer = undefined;

  const leader = (await leaderOf(cluster))!;
  const leaderIp = cluster.node(leader).ip;
  const asPostgres = (node: string, cmd: string[]) => cluster.exec(node, ['runuser', '-u', 'postgres', '--', ...cmd]);
  const pgbenchS = await seconds(() => asPostgres(leader, ['/usr/lib/postgresql/15/bin/pgbench', '-i', '-q', '-s', String(SCALE), 'postgres']));
  const databaseMb = Number((await query<{ b: string }>(cluster, leaderIp, 5432, "SELECT pg_database_size('postgres') AS b"))[0]!.b) / 2 ** 20;
  const other = await someReplica(cluster);
  await streaming(cluster, other, 600_000);
  log(`pgbench -i -s ${SCALE}: ${databaseMb.toFixed(0)} MB in ${pgbenchS} s`);
  const full = await fullBackupNow(cluster);
  const last = (await backups(cluster, leader)).at(-1)!;
  log(`full backup ${last.label}: ${full.seconds} s, ${(last.info.repository.size / 2 ** 20).toFixed(0)} MB in the repository`);
  await cluster.exec(other, ['sh', '-c', 'rm -rf /var/tmp/bench-restore /var/tmp/bench-basebackup && install -d -o postgres -g postgres -m 0700 /var/tmp/bench-restore']);
  const restoreS = await seconds(() => asPostgres(other, ['pgbackrest', `--stanza=${cluster.name}`, '--pg1-path=/var/tmp/bench-restore', `--set=${last.label}`, '--type=immediate', 'restore']));
  const password = (cluster.secrets as unknown as { replicationPassword: string }).replicationPassword;
  const basebackupS = await seconds(() =>
    cluster.exec(other, [
      'runuser', '-u', 'postgres', '--', 'env', `PGPASSWORD=${password}`,
      '/usr/lib/postgresql/15/bin/pg_basebackup', '-D', '/var/tmp/bench-basebackup', '--wal-method=stream', '--checkpoint=fast',
      `--dbname=host=${leaderIp} user=replicator sslmode=verify-full sslrootcert=/etc/pgha/tls/ca.crt`,
    ]),
  );
  await cluster.exec(other, ['rm', '-rf', '/var/tmp/bench-restore', '/var/tmp/bench-basebackup']);
  log(`on ${other}: pgBackRest restore ${restoreS} s, pg_basebackup ${basebackupS} s`);

  const round = (x: number) => Math.round(x * 10) / 10;
  console.log(
    JSON.stringify({
      pitr_rows_expected: pitr.expected,
      pitr_rows_restored: pitr.restored,
      dr_lost_acknowledged_writes: dr.lost,
      dr_acknowledged_writes: dr.acked,
      rpo_s: round(dr.rpoS),
      archive_timeout_s: 10,
      database_mb: Math.round(databaseMb),
      backup_full_s: round(full.seconds),
      backup_repository_mb: Math.round(last.info.repository.size / 2 ** 20),
      restore_s: round(restoreS),
      pg_basebackup_s: round(basebackupS),
      replica_from_backup: method === 'pgbackrest',
      replica_from_backup_s: round(replicaS),
      dr_time_to_cluster_s: round(dr.timeToClusterS),
    }),
  );
} finally {
  await writer?.stop();
  await cluster.dispose();
  await store.dispose();
  removeMachineImages();
}
