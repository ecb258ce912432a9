/**
 * Backups, point-in-time recovery and disaster recovery, end to end, on a cluster of its own: six container
 * machines whose seeds carry the backup section, and an S3-compatible store (s3rver over TLS, its certificate
 * from a test CA, reached by name through the seeds' /etc/hosts) on the test network's gateway. The first full
 * backup follows the cluster's formation by itself; a DROP TABLE is undone by pgha restore --to T; the loss of
 * every PostgreSQL machine under writes by pgha restore --to latest; a replaced replica comes from the
 * repository; with the store gone, a new machine says so at boot, clones from the leader and streams.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SENTINEL_PATH } from '../../src/node/contract.js';
import { leaderOf, replaceReplica, waitFor, Writer } from './cluster-client.js';
import { ARCHIVE_TIMEOUT, backupAfter, disaster, pointInTime, replicaMethod, someReplica, startBackupCluster } from './backup-scenario.js';
import { ensureDocker, machineImage, removeMachineImages, type Cluster } from './machines.js';
import { objectStore, type ObjectStore } from './object-store.js';

const SUBNET = 74;
let store: ObjectStore;
let cluster: Cluster;
let writer: Writer | undefined;
/** When the machines of the latest restored cluster started. */
let restoredAt = 0;
const report = (line: string) => console.log(`    ${line}`);
const status = (node: string) => cluster.exec(node, ['cat', '/var/lib/pgha/status']);

test.before(async () => {
  ensureDocker();
  // built (or found in the cache) before any machine starts: a build blocks this process for minutes
  machineImage('etcd');
  machineImage('postgres');
  store = await objectStore();
  cluster = await startBackupCluster('pghabk', SUBNET, store);
});

test.after(async () => {
  await writer?.stop();
  await cluster?.dispose();
  await store?.dispose();
  removeMachineImages();
});

test('the cluster forms with backups on: the first full backup follows by itself; every node reports the repository at boot', async () => {
  const leader = await waitFor('a leader', 400_000, () => leaderOf(cluster), 500);
  const formed = Date.now();
  const first = await backupAfter(cluster, 0, 240_000);
  assert.is(first.type, 'full');
  report(`leader ${leader} ${((formed - cluster.startedAt) / 1000).toFixed(1)} s after the machines started; first full backup ${first.label} done ${(first.timestamp.stop - formed / 1000).toFixed(1)} s after that`);
  for (const n of ['pg1', 'pg2', 'pg3']) {
    await waitFor(`${n}: the repository check in its status`, 120_000, async () => (/backup-check: backup repository (ok|reachable)/.test(await status(n)) ? true : undefined), 1000);
    const modes = await cluster.exec(n, ['stat', '-c', '%n %a %U:%G', '/etc/pgbackrest/pgbackrest.conf', '/etc/pgbackrest/conf.d/pgha-secrets.conf']);
    assert.equal(modes.trim().split('\n'), ['/etc/pgbackrest/pgbackrest.conf 640 root:postgres', '/etc/pgbackrest/conf.d/pgha-secrets.conf 640 root:postgres']);
  }
});

test('a DROP TABLE undone: pgha restore --to T gives a new cluster holding exactly the rows committed up to T', async () => {
  const p = await pointInTime(cluster);
  restoredAt = p.bootedAt;
  report(`full backup (the timer's job on every node) ${p.backup.seconds.toFixed(1)} s on ${p.backup.leader}; the others did nothing (${p.backup.idle.join(', ')})`);
  report(`restore --to '${p.target}': ${p.restored} rows of ${p.expected} expected; a leader ${p.leaderS.toFixed(1)} s after the new machines started`);
  assert.equal(p.backup.idle.sort(), ['pg1', 'pg2', 'pg3'].filter((n) => n !== p.backup.leader).sort(), 'only the leader backs up');
  assert.is(p.restored, p.expected);
});

test('every PostgreSQL machine destroyed under writes: pgha restore --to latest loses at most archive_timeout + 10 s of acknowledged writes', async () => {
  // the restored cluster's own first full backup, on its new timeline
  await backupAfter(cluster, restoredAt);
  writer = new Writer(cluster, cluster.vip, 5000).start();
  const d = await disaster(cluster, writer);
  restoredAt = d.bootedAt;
  report(`lost ${d.lost} of ${d.acked} acknowledged writes: RPO ${d.rpoS.toFixed(1)} s (archive_timeout ${ARCHIVE_TIMEOUT} s); writes through the VIP ${d.timeToClusterS.toFixed(1)} s after the new machines started`);
  assert.ok(d.rpoS <= ARCHIVE_TIMEOUT + 10, `RPO ${d.rpoS} s`);
  assert.ok(d.acked > 50 && d.lost < d.acked);
});

test('a replica replaced after a backup is created from the repository, then streams', async () => {
  await backupAfter(cluster, restoredAt);
  const node = await someReplica(cluster);
  const seconds = await replaceReplica(cluster, node);
  assert.is(await replicaMethod(cluster, node), 'pgbackrest', 'Patroni: replica has been created using pgbackrest');
  report(`replica ${node} replaced: restored from the repository, streaming ${seconds.toFixed(1)} s after its new machine started`);
});

test('the repository unreachable: a new machine reports it at boot, clones from the leader and streams; the cluster takes writes', async () => {
  await store.stop();
  const node = await someReplica(cluster);
  // streaming within replaceReplica's 180 s: each restore_command call gives up after 10 s (render/backup-patroni.ts)
  const seconds = await replaceReplica(cluster, node);
  assert.is(await replicaMethod(cluster, node), 'pgha_clonecluster');
  await waitFor(`${node}: the unusable repository in its status`, 120_000, async () => (/backup-check: backup repository UNUSABLE: /.test(await status(node)) ? true : undefined), 1000);
  await waitFor(`${node}: its first boot done`, 60_000, () => cluster.exec(node, ['test', '-e', SENTINEL_PATH]));
  assert.not.match(await status(node), /FAILED/);
  await writer!.ackAfter(Date.now(), 30_000);
  report(`with the store stopped, replica ${node} cloned from the leader and streaming ${seconds.toFixed(1)} s after its machine started; ${(await status(node)).split('\n').find((l) => l.includes('UNUSABLE'))}`);
});

test.run();
