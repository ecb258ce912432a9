/**
 * npm run bench:cluster: time to cluster, failover RTO and lost acknowledged writes of the six-machine container
 * cluster (test/system/machines.ts), with pgha's defaults, with pgha's defaults plus synchronous_mode, and with
 * the reference's timings (Patroni ttl 30 / loop_wait 10 / retry_timeout 10, HAProxy inter 3s fall 3 rise 2,
 * etcd heartbeat 1000 / election 5000 ms). The runs go one after the other, not at the same time, so that they
 * do not share this machine's two cores. Each run: all machines started -> first write acknowledged through
 * VIP:5000, then KILLS kills of the leader's machine under one write every 100 ms (each machine started again
 * and streaming before the next kill). Then the leader is cut off from the other machines while writes go
 * through the VIP and directly to it (pgha's defaults, with and without synchronous_mode), and etcd loses
 * quorum for 20 s (pgha's defaults, with failsafe_mode and, in a run of its own, without). With pgha's defaults it
 * then replaces etcd2, replaces a replica and adds
 * pg4 (pgha replace / pgha add and a new machine), timing each from the new machine's start to healthy. The
 * last line is one JSON object; before it, the paths of one SVG timeline per leader kill (bench-results/, or
 * $PGHA_BENCH_OUT: scripts/failover-timeline.ts). Needs root and a Docker engine
 * (started when none runs).
 */
import {
  addReplica,
  etcdQuorumLoss,
  killLeader,
  leaderOf,
  partitionLeader,
  patroniMembers,
  replaceEtcd,
  replaceReplica,
  streaming,
  vipHolders,
  waitFor,
  Writer,
  type LeaderKill,
  type Partition,
} from '../test/system/cluster-client.js';
import { ensureDocker, removeMachineImages, startCluster, testSpec } from '../test/system/machines.js';
import { writeTimelines } from './failover-timeline.js';

const KILLS = Number(process.env.PGHA_BENCH_KILLS ?? 3);

/** Each run's cluster and the faults it goes through. */
const RUNS = [
  { key: 'pgha', title: "pgha's defaults", synchronous: false, kills: KILLS, partition: true, quorum: true, membership: true, extra: '' },
  {
    key: 'sync',
    title: "pgha's defaults + synchronous_mode",
    synchronous: true,
    kills: KILLS,
    partition: true,
    quorum: false,
    membership: false,
    extra: 'patroni: {synchronousMode: true}\n',
  },
  {
    key: 'nofailsafe',
    title: "pgha's defaults without failsafe_mode",
    synchronous: false,
    kills: 0,
    partition: false,
    quorum: true,
    membership: false,
    extra: 'patroni: {failsafeMode: false}\n',
  },
  {
    key: 'reference',
    title: "the reference's timings",
    synchronous: false,
    kills: KILLS,
    partition: false,
    quorum: false,
    membership: false,
    extra:
      'patroni: {ttl: 30, loopWait: 10, retryTimeout: 10}\n' +
      'haproxy: {check: {inter: 3s, fastinter: 3s, downinter: 3s, fall: 3, rise: 2}}\n' +
      'etcd: {heartbeatIntervalMs: 1000, electionTimeoutMs: 5000}\n',
  },
] as const;

interface RunResult {
  timeToClusterS: number;
  kills: LeaderKill[];
  /** With pgha's defaults: new machine started -> healthy, for a replaced etcd member, a replaced replica, an added replica. */
  membership?: { replaceEtcdS: number; replacePostgresS: number; addReplicaS: number };
  partition?: Partition;
  quorumLoss?: string;
}

type RunSpec = (typeof RUNS)[number];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round1 = (x: number) => Math.round(x * 10) / 10;

async function run(r: RunSpec, subnet: number): Promise<RunResult> {
  const name = `bench${r.key}`;
  const cluster = await startCluster(name, testSpec(name, subnet, r.extra));
  const writer = new Writer(cluster, cluster.vip, 5000).start();
  try {
    const first = await writer.ackAfter(0, 300_000);
    const timeToClusterS = (first.at - cluster.startedAt) / 1000;
    console.log(`  time to cluster ${timeToClusterS.toFixed(1)} s`);
    const members = await waitFor('three members', 120_000, async () => {
      const m = await patroniMembers(cluster);
      return m.length === 3 ? m : undefined;
    });
    for (const m of members.filter((x) => x.role !== 'leader')) await streaming(cluster, m.name, 180_000);
    const kills: LeaderKill[] = [];
    for (let i = 0; i < r.kills; i++) {
      const k = await killLeader(cluster, writer, r.synchronous);
      kills.push(k);
      console.log(
        `  kill ${i + 1}: ${k.old} -> ${k.next}, elected after ${k.electedS.toFixed(1)} s, RTO ${k.rtoS.toFixed(1)} s, ` +
          `${k.missing} of ${k.acked} acknowledged writes missing, rejoined in ${k.rejoinS.toFixed(1)} s`,
      );
    }
    const result: RunResult = { timeToClusterS, kills };
    if (r.partition) {
      const p = await partitionLeader(cluster, writer);
      console.log(
        `  partition of ${p.old}: ${p.next} leads, old leader's last write ${p.oldStoppedS.toFixed(1)} s after the cut, ` +
          `${p.dualPrimaryWrites} writes on two primaries, ${p.lostWrites} acknowledged writes lost, rejoined ${p.rejoinS.toFixed(1)} s after the heal`,
      );
      result.partition = p;
    }
    if (r.quorum) {
      result.quorumLoss = await etcdQuorumLoss(cluster, writer);
      console.log(`  ${result.quorumLoss}`);
    }
    if (!r.membership) return result;
    const replaceEtcdS = await replaceEtcd(cluster, 'etcd2');
    const leader = await leaderOf(cluster);
    const [holder] = await vipHolders(cluster);
    const replica = ['pg1', 'pg2', 'pg3'].find((n) => n !== leader && n !== holder)!;
    const replacePostgresS = await replaceReplica(cluster, replica);
    const addReplicaS = await addReplica(cluster, 'pg4', `10.${subnet}.0.24`);
    console.log(`  etcd2 replaced in ${replaceEtcdS.toFixed(1)} s, ${replica} replaced in ${replacePostgresS.toFixed(1)} s, pg4 added in ${addReplicaS.toFixed(1)} s`);
    return { ...result, membership: { replaceEtcdS, replacePostgresS, addReplicaS } };
  } finally {
    await writer.stop();
    await cluster.dispose();
  }
}

ensureDocker();
const results: Record<string, RunResult> = {};
try {
  let subnet = 80;
  for (const r of RUNS) {
    console.log(`${r.title}:`);
    results[r.key] = await run(r, subnet++);
  }
} finally {
  removeMachineImages();
}

const rtos = (k: string) => results[k]!.kills.map((x) => x.rtoS);
const lost = (k: string) => results[k]!.kills.reduce((n, x) => n + x.missing, 0);
console.log('');
console.log('| Run | Time to cluster | RTO median | RTO range | Lost acknowledged writes |');
console.log('|---|---|---|---|---|');
for (const r of RUNS.filter((x) => x.kills > 0)) {
  const x = rtos(r.key);
  console.log(
    `| ${r.title} | ${results[r.key]!.timeToClusterS.toFixed(1)} s | ${median(x).toFixed(1)} s | ` +
      `${Math.min(...x).toFixed(1)}–${Math.max(...x).toFixed(1)} s | ${lost(r.key)} |`,
  );
}
// per leader kill, one SVG timeline with a row per run (pgha's timings beside the reference's)
const kills = RUNS.filter((r) => r.kills > 0).map((r) => ({ label: r.title, observations: results[r.key]!.kills.map((k) => k.observed) }));
console.log(`failover timelines: ${(await writeTimelines(process.env.PGHA_BENCH_OUT ?? 'bench-results', kills)).join(', ')}`);
console.log(
  JSON.stringify({
    kills_per_run: KILLS,
    time_to_cluster_s: round1(results.pgha!.timeToClusterS),
    rto_s_median: round1(median(rtos('pgha'))),
    rto_s_range: [round1(Math.min(...rtos('pgha'))), round1(Math.max(...rtos('pgha')))],
    lost_writes: lost('pgha'),
    sync_time_to_cluster_s: round1(results.sync!.timeToClusterS),
    sync_rto_s_median: round1(median(rtos('sync'))),
    sync_rto_s_range: [round1(Math.min(...rtos('sync'))), round1(Math.max(...rtos('sync')))],
    sync_lost_writes: lost('sync'),
    reference_time_to_cluster_s: round1(results.reference!.timeToClusterS),
    reference_rto_s_median: round1(median(rtos('reference'))),
    reference_rto_s_range: [round1(Math.min(...rtos('reference'))), round1(Math.max(...rtos('reference')))],
    reference_lost_writes: lost('reference'),
    partition_dual_primary_writes: results.pgha!.partition!.dualPrimaryWrites + results.sync!.partition!.dualPrimaryWrites,
    partition_lost_writes: results.sync!.partition!.lostWrites,
    partition_lost_writes_async: results.pgha!.partition!.lostWrites,
    partition_old_leader_stopped_s: round1(results.pgha!.partition!.oldStoppedS),
    etcd_quorum_loss_outcome: results.pgha!.quorumLoss,
    etcd_quorum_loss_outcome_without_failsafe: results.nofailsafe!.quorumLoss,
    replace_etcd_s: round1(results.pgha!.membership!.replaceEtcdS),
    replace_postgres_s: round1(results.pgha!.membership!.replacePostgresS),
    add_replica_s: round1(results.pgha!.membership!.addReplicaS),
  }),
);
