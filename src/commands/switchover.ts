import { ClusterRefused, UserError } from '../errors.js';
import { takesWrites } from '../io/postgres.js';
import { PORTS } from '../model/model.js';
import { PATRONI_REST_USER } from '../render/patroni.js';
import type { Io } from './io.js';
import { prepare } from './load.js';
import { textOption } from './options.js';
import type { CommandResult } from './result.js';
import { LEADER_ROLES, statusReport, type ClusterMember } from './status-report.js';
import { gather, type StatusOptions } from './status.js';

export interface SwitchoverOptions extends StatusOptions {
  to?: string;
  wait?: boolean;
}

/** How long Patroni may take to answer the switchover, and --wait for writes through the VIP. */
export const SWITCHOVER_TIMEOUT_MS = 60_000;
const POLL_MS = 200;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * pgha switchover: the leader hands over to a replica through Patroni's REST API (POST /switchover with the
 * REST password), from the operator's machine. Refused (exit 4) unless pgha status finds the cluster healthy;
 * --to must be a postgres node without nofailover that is not the leader. It returns once Patroni reports the
 * new leader running; with --wait, once a write through the VIP's read-write port reaches it, with the time
 * writes paused.
 */
export async function switchover(spec: string | undefined, options: SwitchoverOptions, io: Io): Promise<CommandResult> {
  const { model, specPath } = prepare(spec);
  const target = textOption(options.to, '--to');
  const names = model.postgresNodes.map((n) => n.name);
  const candidates = model.postgresNodes.filter((n) => !n.tags.nofailover).map((n) => n.name);
  if (target !== undefined && !names.includes(target)) throw new UserError(`--to ${target}: not a postgres node of the spec: give one of ${candidates.join(', ')}`);
  if (target !== undefined && !candidates.includes(target)) throw new UserError(`--to ${target}: it has the nofailover tag, Patroni never promotes it: give one of ${candidates.join(', ')}`);

  const { facts, secrets, call } = await gather(model, specPath, options, io);
  if (!secrets.restApiPassword || (options.wait && !secrets.superuserPassword)) {
    throw new UserError(`the secrets have no ${secrets.restApiPassword ? 'superuser password (for --wait)' : 'REST API password'}: give the secrets file of this cluster's render (--secrets FILE)`);
  }
  const health = statusReport(model, facts, new Date());
  if (health.exitCode !== 0) throw new ClusterRefused(`the cluster is ${String(health.json.health)}: no switchover (pgha status shows it)`, health.json.problems as string[]);
  const leader = (health.json.patroni as { name: string; role: string | null }[]).find((p) => p.role !== null && LEADER_ROLES.has(p.role))!.name;
  if (target === leader) throw new UserError(`--to ${target}: it is the leader already: give one of ${candidates.filter((c) => c !== leader).join(', ')}`);
  if (!candidates.some((c) => c !== leader)) throw new ClusterRefused('no replica may take over: every other postgres node has nofailover');

  const ipOf = (name: string) => model.postgresNodes.find((n) => n.name === name)!.ip;
  const rest = (name: string, path: string) => `https://${ipOf(name)}:${PORTS.patroniRest}${path}`;
  io.err(`switching over from ${leader}${target ? ` to ${target}` : ''} ...`);
  const requestedAt = Date.now();
  const answer = await call(rest(leader, '/switchover'), {
    method: 'POST',
    body: JSON.stringify({ leader, ...(target ? { candidate: target } : {}) }),
    auth: { user: PATRONI_REST_USER, password: secrets.restApiPassword },
    timeoutMs: SWITCHOVER_TIMEOUT_MS,
  });
  if (!answer.ok) throw new ClusterRefused(`${leader}'s Patroni did not answer the switchover: ${answer.error}`);
  // 503 "Switchover status unknown": Patroni stopped waiting, the switchover may still finish (the loop below sees)
  const unknown = answer.status === 503 && /status unknown/i.test(answer.text);
  if (answer.status !== 200 && !unknown) throw new ClusterRefused(`Patroni refused the switchover (HTTP ${answer.status}): ${answer.text.trim()}`);

  // Patroni answers once it has handed over; the new leader is whoever /cluster names, running
  let newLeader: string | undefined;
  while (newLeader === undefined && Date.now() - requestedAt < SWITCHOVER_TIMEOUT_MS) {
    for (const name of names) {
      const c = await call(rest(name, '/cluster'));
      const members = c.ok ? ((c.body as { members?: ClusterMember[] } | undefined)?.members ?? []) : [];
      const m = members.find((x) => x.role !== undefined && LEADER_ROLES.has(x.role) && x.state === 'running' && x.name !== leader);
      if (m?.name) {
        newLeader = m.name;
        break;
      }
    }
    if (newLeader === undefined) await sleep(POLL_MS);
  }
  if (newLeader === undefined) throw new ClusterRefused(`Patroni accepted the switchover, but no new leader was running within ${SWITCHOVER_TIMEOUT_MS / 1000} s: run pgha status`);
  const switchedMs = Date.now() - requestedAt;
  // Patroni may hand over to another replica than the one asked ("Switched over to X instead of Y")
  if (target !== undefined && newLeader !== target) throw new ClusterRefused(`Patroni handed over to ${newLeader}, not ${target}: ${answer.text.trim()}`);

  let writesMs: number | undefined;
  if (options.wait) {
    const probe = { host: model.network.vip, port: model.haproxy.readWritePort, password: secrets.superuserPassword!, ca: secrets.tls!.ca.cert, timeoutMs: 2000 };
    while (writesMs === undefined && Date.now() - requestedAt < SWITCHOVER_TIMEOUT_MS) {
      const w = await takesWrites(probe);
      if (w.ok && w.server === ipOf(newLeader)) writesMs = Date.now() - requestedAt;
      else await sleep(POLL_MS);
    }
    if (writesMs === undefined) throw new ClusterRefused(`${newLeader} leads, but writes through ${model.network.vip}:${model.haproxy.readWritePort} did not reach it within ${SWITCHOVER_TIMEOUT_MS / 1000} s`);
  }
  return {
    json: { from: leader, to: newLeader, switchedMs, ...(writesMs !== undefined ? { writesThroughVipMs: writesMs } : {}) },
    lines: [
      `${newLeader} leads now (was ${leader}): Patroni reported it running ${(switchedMs / 1000).toFixed(1)} s after the request`,
      ...(writesMs !== undefined ? [`writes through ${model.network.vip}:${model.haproxy.readWritePort} reach ${newLeader} ${(writesMs / 1000).toFixed(1)} s after the request (writes paused at most this long)`] : []),
    ],
  };
}
