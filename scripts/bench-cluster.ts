/**
 * npm run bench:cluster: time to cluster (split into its phases), failover RTO and lost acknowledged writes of the
 * six-machine container cluster (test/system/machines.ts), on each Patroni version pgha's targets ship: Debian
 * 12's 3.0.2, Ubuntu 24.04's 3.2.2 (the upstream release over Debian 12's userland) and Debian 13's 4.0.7. On
 * each: pgha's defaults, pgha's defaults plus synchronous_mode, and the reference's timings (Patroni ttl 30 /
 * loop_wait 10 / retry_timeout 10, HAProxy inter 3s fall 3 rise 2, etcd heartbeat 1000 / election 5000 ms). The
 * runs go one after the other, not at the same time, so that they do not share this machine's two cores. Each
 * run: all machines started -> first write acknowledged through VIP:5000 (with when each phase of the formation
 * was first seen), then KILLS kills of the leader's machine under one write every 100 ms (each machine started
 * again and streaming before the next kill). On 3.0.2 also: the leader cut off from the other machines while
 * writes go through the VIP and directly to it (with and without synchronous_mode), etcd losing quorum for 20 s
 * (with failsafe_mode and, in a run of its own, without), and the replacement of etcd2 and of a replica and the
 * addition of pg4 (pgha replace / pgha add and a new machine), each timed from the new machine's start to
 * healthy. The last line is one JSON object; before it, the paths of one SVG timeline per leader kill and
 * Patroni version (bench-results/, or $PGHA_BENCH_OUT: scripts/failover-timeline.ts). Needs root and a Docker
 * engine (started when none runs).
 */
import { join } from 'node:path';
import { toYaml } from '../src/lib/yaml.js';
import { UNITS } from '../src/node/contract.js';
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
  watchFormation,
  Writer,
  type FormationPhases,
  type LeaderKill,
  type Partition,
} from '../test/system/cluster-client.js';
import { ensureDocker, removeMachineImages, startCluster, STACKS, testSpec, type Stack } from '../test/system/machines.js';
import { writeTimelines } from './failover-timeline.js';

const KILLS = Number(process.env.PGHA_BENCH_KILLS ?? 3);

/** The Patroni versions, each on its stack; 3.2.2 gets the ttl its floor wants, as pgha renders for Ubuntu 24.04. */
const VERSIONS: { version: string; title: string; stack: Stack; ttl?: number }[] = [
  { version: '3.0.2', title: 'Patroni 3.0.2 (Debian 12)', stack: STACKS.debian12 },
  { version: '3.2.2', title: 'Patroni 3.2.2 (Ubuntu 24.04)', stack: STACKS.ubuntuPatroni, ttl: 20 },
  { version: '4.0.7', title: 'Patroni 4.0.7 (Debian 13)', stack: STACKS.debian13 },
];

interface RunSpec {
  key: string;
  title: string;
  synchronous: boolean;
  kills: number;
  partition: boolean;
  quorum: boolean;
  membership: boolean;
  /** The spec's own settings of these sections. */
  settings: Record<string, Record<string, unknown>>;
  /** Only on 3.0.2 (pgha's fastest timings): the faults beyond leader kills. */
  firstVersionOnly?: boolean;
}

const REFERENCE = {
  patroni: { ttl: 30, loopWait: 10, retryTimeout: 10 },
  haproxy: { check: { inter: '3s', fastinter: '3s', downinter: '3s', fall: 3, rise: 2 } },
  etcd: { heartbeatIntervalMs: 1000, electionTimeoutMs: 5000 },
};

/** Each run's cluster and the faults it goes through, on every version. */
const RUNS: RunSpec[] = [
  { key: 'pgha', title: "pgha's defaults", synchronous: false, kills: KILLS, partition: true, quorum: true, membership: true, settings: {} },
  { key: 'sync', title: "pgha's defaults + synchronous_mode", synchronous: true, kills: KILLS, partition: true, quorum: false, membership: false, settings: { patroni: { synchronousMode: true } } },
  { key: 'nofailsafe', title: "pgha's defaults without failsafe_mode", synchronous: false, kills: 0, partition: false, quorum: true, membership: false, settings: { patroni: { failsafeMode: false } }, firstVersionOnly: true },
  { key: 'reference', title: "the reference's timings", synchronous: false, kills: KILLS, partition: false, quorum: false, membership: false, settings: REFERENCE },
];

interface RunResult {
  timeToClusterS: number;
  phases: FormationPhases;
  kills: LeaderKill[];
  /** The kill after which no new leader came (the run's later kills were not made). */
  failedKill?: string;
  /** With pgha's defaults: new machine started -> healthy, for a replaced etcd member, a replaced replica, an added replica. */
  membership?: { replaceEtcdS: number; replacePostgresS: number; addReplicaS: number };
  partition?: Partition;
  quorumLoss?: string;
}

const median = (xs: number[]) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round1 = (x: number) => Math.round(x * 10) / 10;

/** The run's spec sections as YAML, with the version's ttl where the run does not set one. */
function extraYaml(r: RunSpec, ttl: number | undefined): string {
  const settings = structuredClone(r.settings);
  if (ttl !== undefined && settings.patroni?.ttl === undefined) settings.patroni = { ...settings.patroni, ttl };
  return Object.keys(settings).length > 0 ? toYaml(settings) : '';
}

async function run(r: RunSpec, v: (typeof VERSIONS)[number], subnet: number, first: boolean): Promise<RunResult> {
  const name = `bench${r.key}${v.version.replace(/\./g, '')}`;
  const cluster = await startCluster(name, testSpec(name, subnet, extraYaml(r, v.ttl), v.stack.flavor), v.stack);
  const writer = new Writer(cluster, cluster.vip, 5000).start();
  try {
    const phases = await watchFormation(cluster, writer);
    const timeToClusterS = phases.firstWrite;
    console.log(`  time to cluster ${timeToClusterS.toFixed(1)} s: ${Object.entries(phases).map(([k, s]) => `${k} ${s.toFixed(1)}`).join(', ')}`);
    const members = await waitFor('three members', 120_000, async () => {
      const m = await patroniMembers(cluster);
      return m.length === 3 ? m : undefined;
    });
    for (const m of members.filter((x) => x.role !== 'leader')) await streaming(cluster, m.name, 180_000);
    const kills: LeaderKill[] = [];
    let failedKill: string | undefined;
    for (let i = 0; i < r.kills; i++) {
      let k: LeaderKill;
      try {
        k = await killLeader(cluster, writer, r.synchronous);
      } catch (e) {
        // a failover that did not happen is a finding of the run, not the end of the benchmark
        failedKill = `kill ${i + 1}: ${(e as Error).message}`;
        console.log(`  ${failedKill}; Patroni's last words on the machines that run:`);
        for (const n of ['pg1', 'pg2', 'pg3']) {
          const journal = await cluster.exec(n, ['journalctl', '-u', UNITS.patroni, '-n', '12', '--no-pager', '-o', 'cat']).catch(() => '(its machine is down)\n');
          console.log(journal.trimEnd().split('\n').map((l) => `    ${n}: ${l}`).join('\n'));
        }
        break;
      }
      kills.push(k);
      console.log(
        `  kill ${i + 1}: ${k.old} -> ${k.next}, elected after ${k.electedS.toFixed(1)} s, RTO ${k.rtoS.toFixed(1)} s, ` +
          `${k.missing} of ${k.acked} acknowledged writes missing, rejoined in ${k.rejoinS.toFixed(1)} s`,
      );
    }
    const result: RunResult = { timeToClusterS, phases, kills, ...(failedKill ? { failedKill } : {}) };
    if (!first) return result;
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
const results: Record<string, Record<string, RunResult>> = {};
try {
  let subnet = 80;
  for (const [i, v] of VERSIONS.entries()) {
    results[v.version] = {};
    for (const r of RUNS.filter((x) => i === 0 || !x.firstVersionOnly)) {
      console.log(`${v.title}, ${r.title}:`);
      results[v.version]![r.key] = await run(r, v, subnet++, i === 0);
    }
  }
} finally {
  removeMachineImages();
}

const rtos = (v: string, k: string) => results[v]![k]!.kills.map((x) => x.rtoS);
const lost = (v: string, k: string) => results[v]![k]!.kills.reduce((n, x) => n + x.missing, 0);
const range = (xs: number[]) => [round1(Math.min(...xs)), round1(Math.max(...xs))];
console.log('');
console.log('| Patroni | Run | Time to cluster | RTO median | RTO range | Lost acknowledged writes |');
console.log('|---|---|---|---|---|---|');
for (const v of VERSIONS) {
  for (const r of RUNS.filter((x) => x.kills > 0)) {
    const x = rtos(v.version, r.key);
    console.log(`| ${v.version} | ${r.title} | ${results[v.version]![r.key]!.timeToClusterS.toFixed(1)} s | ${median(x).toFixed(1)} s | ${Math.min(...x).toFixed(1)}–${Math.max(...x).toFixed(1)} s | ${lost(v.version, r.key)} |`);
  }
}
const first = VERSIONS[0]!.version;
const at = (k: string) => results[first]![k]!;
const byPatroni = Object.fromEntries(
  VERSIONS.map(({ version }) => {
    const run = (k: string) => results[version]![k]!;
    const ttc = run('pgha').timeToClusterS;
    return [
      version,
      {
        time_to_cluster_s: round1(ttc),
        phases_s: Object.fromEntries(Object.entries(run('pgha').phases).map(([k, s]) => [k, round1(s)])),
        rto_s_median: round1(median(rtos(version, 'pgha'))),
        rto_s_range: range(rtos(version, 'pgha')),
        lost_writes: lost(version, 'pgha'),
        sync_rto_s_median: round1(median(rtos(version, 'sync'))),
        sync_lost_writes: lost(version, 'sync'),
        reference_time_to_cluster_s: round1(run('reference').timeToClusterS),
        reference_rto_s_median: round1(median(rtos(version, 'reference'))),
        reference_rto_s_range: range(rtos(version, 'reference')),
        reference_lost_writes: lost(version, 'reference'),
        failed_kills: Object.fromEntries(Object.entries(results[version]!).flatMap(([k, x]) => (x.failedKill ? [[k, x.failedKill]] : []))),
        time_to_cluster_vs_reference: Math.round((ttc / run('reference').timeToClusterS) * 100) / 100,
        rto_faster_than_reference: round1(median(rtos(version, 'reference')) / median(rtos(version, 'pgha'))),
      },
    ];
  }),
);
// per leader kill and Patroni version, one SVG timeline with a row per run (pgha's timings beside the reference's)
const timelines: string[] = [];
for (const v of VERSIONS) {
  const kills = RUNS.filter((r) => r.kills > 0).map((r) => ({ label: r.title, observations: results[v.version]![r.key]!.kills.map((k) => k.observed) }));
  timelines.push(...(await writeTimelines(join(process.env.PGHA_BENCH_OUT ?? 'bench-results', `patroni-${v.version}`), kills)));
}
console.log(`failover timelines: ${timelines.join(', ')}`);
console.log(
  JSON.stringify({
    kills_per_run: KILLS,
    time_to_cluster_s: round1(at('pgha').timeToClusterS),
    rto_s_median: round1(median(rtos(first, 'pgha'))),
    rto_s_range: range(rtos(first, 'pgha')),
    lost_writes: lost(first, 'pgha'),
    sync_time_to_cluster_s: round1(at('sync').timeToClusterS),
    sync_rto_s_median: round1(median(rtos(first, 'sync'))),
    sync_rto_s_range: range(rtos(first, 'sync')),
    sync_lost_writes: lost(first, 'sync'),
    reference_time_to_cluster_s: round1(at('reference').timeToClusterS),
    reference_rto_s_median: round1(median(rtos(first, 'reference'))),
    reference_rto_s_range: range(rtos(first, 'reference')),
    reference_lost_writes: lost(first, 'reference'),
    partition_dual_primary_writes: at('pgha').partition!.dualPrimaryWrites + at('sync').partition!.dualPrimaryWrites,
    partition_lost_writes: at('sync').partition!.lostWrites,
    partition_lost_writes_async: at('pgha').partition!.lostWrites,
    partition_old_leader_stopped_s: round1(at('pgha').partition!.oldStoppedS),
    etcd_quorum_loss_outcome: at('pgha').quorumLoss,
    etcd_quorum_loss_outcome_without_failsafe: at('nofailsafe').quorumLoss,
    replace_etcd_s: round1(at('pgha').membership!.replaceEtcdS),
    replace_postgres_s: round1(at('pgha').membership!.replacePostgresS),
    add_replica_s: round1(at('pgha').membership!.addReplicaS),
    by_patroni: byPatroni,
  }),
);
