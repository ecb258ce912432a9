import { EXIT } from '../errors.js';
import type { Answer } from '../io/cluster-api.js';
import type { ClusterModel } from '../model/model.js';
import type { CommandResult } from './result.js';

/** What pgha status asked each endpoint (see status.ts), as it came back. */
export interface StatusFacts {
  etcd: { name: string; ip: string; health: Answer; status: Answer }[];
  patroni: { name: string; ip: string; member: Answer }[];
  /** GET /cluster from the first postgres node that answered /patroni and gave it (else the last tried). */
  cluster?: { from: string; answer: Answer };
  /** GET /failsafe from that member, with failsafe_mode on: the members that may take part in a leader race. */
  failsafe?: Answer;
  certificates: { name: string; notAfter: Date }[];
  timeoutMs: number;
}

/** A member as Patroni's GET /cluster lists it. */
export interface ClusterMember {
  name?: string;
  role?: string;
  state?: string;
  timeline?: number;
  lag?: number | string;
  tags?: Record<string, unknown>;
  pending_restart?: boolean;
}

export const LEADER_ROLES = new Set(['leader', 'master', 'primary', 'standby_leader']);

/**
 * Whether a replica's state means it replicates: Patroni 3.0.4 and later say streaming (or in archive
 * recovery) for a replica that receives WAL, and running for one that does not; before 3.0.4 every running
 * replica said running.
 */
function replicating(state: string | undefined, patroniVersion: string | null): boolean {
  if (state === 'streaming' || state === 'in archive recovery') return true;
  const [a = 0, b = 0, c = 0] = (patroniVersion ?? '').split('.').map(Number);
  return state === 'running' && patroniVersion !== null && (a < 3 || (a === 3 && b === 0 && c < 4));
}
const DAY = 86_400_000;
/** Certificates that end sooner than this are reported as a problem: time to run pgha certs renew. */
export const CERT_WARN_DAYS = 30;

const obj = (a: Answer): Record<string, unknown> | undefined =>
  a.ok && a.status >= 200 && a.status < 300 && typeof a.body === 'object' && a.body !== null ? (a.body as Record<string, unknown>) : undefined;
const why = (a: Answer) => (a.ok ? `HTTP ${a.status}` : a.error);

/**
 * The cluster's state from what its endpoints answered: healthy (exit 0), degraded (4: a member down or
 * unhealthy, no leader, lag, a certificate near its end) or unreachable (5: no etcd member and no Patroni
 * member answered). Pure: the facts are gathered by status.ts.
 */
export function statusReport(model: ClusterModel, facts: StatusFacts, now: Date): CommandResult {
  const problems: string[] = [];
  const etcd = facts.etcd.map((m) => {
    const status = obj(m.status);
    const healthy = obj(m.health)?.health === 'true' || obj(m.health)?.health === true;
    if (!healthy) problems.push(`etcd ${m.name} (${m.ip}) is not healthy: ${obj(m.health) ? JSON.stringify(obj(m.health)) : why(m.health)}`);
    const header = status?.header as Record<string, unknown> | undefined;
    return {
      name: m.name,
      ip: m.ip,
      reachable: m.health.ok || m.status.ok,
      healthy,
      leader: status !== undefined && header !== undefined && String(status.leader) === String(header.member_id),
      version: status ? String(status.version) : null,
      dbSizeBytes: status ? Number(status.dbSize) : null,
      raftIndex: status ? Number(status.raftIndex) : null,
      ms: m.health.ms,
      ...(healthy ? {} : { error: why(m.health) }),
    };
  });
  const leaders = etcd.filter((e) => e.leader).length;
  if (etcd.some((e) => e.healthy) && leaders !== 1) problems.push(`etcd: ${leaders} members call themselves leader`);

  const clusterDoc = facts.cluster ? obj(facts.cluster.answer) : undefined;
  if (facts.cluster && !clusterDoc) problems.push(`patroni: GET /cluster from ${facts.cluster.from} failed: ${why(facts.cluster.answer)}`);
  if (clusterDoc?.pause === true) problems.push('patroni: the cluster is paused (maintenance mode): no automatic failover');
  const listed = (clusterDoc?.members ?? []) as ClusterMember[];
  // failsafe_mode: a member missing from /failsafe never takes the leader lock (Patroni's is_healthiest_node)
  const failsafe = facts.failsafe ? obj(facts.failsafe) : undefined;
  const byName = new Map(listed.map((m) => [m.name, m]));
  const patroni = facts.patroni.map((p) => {
    const m = byName.get(p.name);
    const self = obj(p.member);
    const leader = m?.role !== undefined && LEADER_ROLES.has(m.role);
    const version = self ? String((self.patroni as Record<string, unknown> | undefined)?.version ?? '') || null : null;
    if (!self) problems.push(`patroni ${p.name} (${p.ip}) does not answer: ${why(p.member)}`);
    else if (!clusterDoc) problems.push(`patroni ${p.name}: its role is unknown (no member list)`);
    else if (!m) problems.push(`patroni ${p.name} is not a member of the cluster (not in /cluster)`);
    else if (leader && m.state !== 'running') problems.push(`patroni ${p.name}: the leader's state is ${m.state ?? 'unknown'}`);
    else if (!leader && !replicating(m.state, version)) problems.push(`patroni ${p.name}: state ${m.state ?? 'unknown'}${m.state === 'running' ? ' (not receiving WAL)' : ''}`);
    else if (!leader && typeof m.lag !== 'number') problems.push(`patroni ${p.name}: replication lag ${m.lag ?? 'unknown'}`);
    else if (!leader && typeof m.lag === 'number' && m.lag > model.patroni.maximumLagOnFailover) {
      problems.push(`patroni ${p.name}: ${m.lag} bytes behind, more than maximumLagOnFailover`);
    } else if (failsafe && !(p.name in failsafe)) {
      problems.push(`patroni ${p.name}: not yet in the leader's /failsafe key, so it cannot take over if the leader dies now (the leader adds it at its next loop)`);
    }
    return {
      name: p.name,
      ip: p.ip,
      reachable: self !== undefined,
      role: m?.role ?? null,
      state: m?.state ?? (self ? String(self.state) : null),
      timeline: m?.timeline ?? null,
      lagBytes: typeof m?.lag === 'number' ? m.lag : null,
      pendingRestart: Boolean(m?.pending_restart ?? self?.pending_restart),
      tags: m?.tags ?? {},
      version,
      ms: p.member.ms,
    };
  });
  const pgLeaders = patroni.filter((p) => p.role !== null && LEADER_ROLES.has(p.role));
  if (patroni.some((p) => p.reachable) && pgLeaders.length !== 1) problems.push(`patroni: ${pgLeaders.length} leaders`);

  const certificates = facts.certificates
    .map((c) => ({ name: c.name, notAfter: c.notAfter.toISOString(), daysLeft: Math.floor((c.notAfter.getTime() - now.getTime()) / DAY) }))
    .sort((a, b) => a.daysLeft - b.daysLeft);
  for (const c of certificates.filter((x) => x.daysLeft < CERT_WARN_DAYS)) {
    problems.push(`certificate ${c.name} ends ${c.notAfter.slice(0, 10)} (${c.daysLeft} days): run pgha certs renew`);
  }

  const unreachable = !etcd.some((e) => e.reachable) && !patroni.some((p) => p.reachable);
  const health = unreachable ? 'unreachable' : problems.length > 0 ? 'degraded' : 'healthy';
  const row = (cells: (string | number | null)[]) => cells.filter((c) => c !== null).join('  ');
  const lines = [
    `cluster ${model.name}: ${health}${unreachable ? ` (no member answered within ${facts.timeoutMs} ms)` : ''}`,
    ...etcd.map((e) =>
      row(['etcd', e.name, e.ip, e.healthy ? 'healthy' : 'DOWN', e.leader ? 'leader' : e.healthy ? 'follower' : null, e.version, e.dbSizeBytes !== null ? `db ${e.dbSizeBytes} B` : null, e.raftIndex !== null ? `raft ${e.raftIndex}` : null]),
    ),
    ...patroni.map((p) =>
      row(['patroni', p.name, p.ip, p.reachable ? p.role : 'DOWN', p.state, p.timeline !== null ? `timeline ${p.timeline}` : null, p.lagBytes !== null ? `lag ${p.lagBytes} B` : null, p.pendingRestart ? 'pending restart' : null]),
    ),
    ...(certificates[0] ? [`certificates: the first to end is ${certificates[0].name}'s, ${certificates[0].notAfter.slice(0, 10)} (${certificates[0].daysLeft} days)`] : []),
    ...problems.map((p) => `problem: ${p}`),
  ];
  return {
    json: { cluster: model.name, health, problems, etcd, patroni, certificates, timeoutMs: facts.timeoutMs },
    lines,
    exitCode: health === 'healthy' ? EXIT.ok : health === 'degraded' ? EXIT.degraded : EXIT.unreachable,
  };
}
