import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Answer } from '../../../src/io/cluster-api.js';
import { statusReport, type StatusFacts } from '../../../src/commands/status-report.js';
import { defaultModel } from '../../helpers.js';

const model = defaultModel();
const ok = (body: unknown): Answer => ({ ok: true, status: 200, body, text: JSON.stringify(body), ms: 3 });
const down: Answer = { ok: false, error: 'ECONNREFUSED: connect ECONNREFUSED', ms: 1 };
const now = new Date('2026-12-02T00:00:00Z');
const later = new Date('2027-12-02T00:00:00Z');

function facts(members: Record<string, unknown>[], change: Partial<StatusFacts> = {}): StatusFacts {
  return {
    etcd: model.etcdNodes.map((n, i) => ({ name: n.name, ip: n.ip, health: ok({ health: 'true' }), status: ok({ header: { member_id: `${i}` }, leader: '0', version: '3.5.16', dbSize: '1', raftIndex: '9' }) })),
    patroni: model.postgresNodes.map((n) => ({ name: n.name, ip: n.ip, member: ok({ state: 'running', patroni: { version: '4.0.7' } }) })),
    cluster: { from: model.postgresNodes[0]!.name, answer: ok({ members }) },
    certificates: [{ name: 'the CA', notAfter: later }],
    timeoutMs: 2000,
    ...change,
  };
}
const names = model.postgresNodes.map((n) => n.name);
const healthy = [
  { name: names[0], role: 'leader', state: 'running', timeline: 2 },
  { name: names[1], role: 'sync_standby', state: 'streaming', timeline: 2, lag: 0 },
  { name: names[2], role: 'replica', state: 'streaming', timeline: 2, lag: 16 },
];

test('healthy: one etcd leader, one Patroni leader, replicas streaming within maximumLagOnFailover', () => {
  const r = statusReport(model, facts(healthy), now);
  assert.is(r.exitCode, 0);
  assert.equal(r.json.problems, []);
  assert.is(r.json.health, 'healthy');
});

test('degraded: each finding named (two leaders, a lagging or unknown replica, a stopped one, a certificate near its end)', () => {
  const two = statusReport(model, facts([{ ...healthy[0], name: names[0] }, { ...healthy[1], role: 'leader', state: 'running' }, healthy[2]!]), now);
  assert.equal([two.exitCode, two.json.problems], [4, ['patroni: 2 leaders']]);
  const lag = statusReport(model, facts([healthy[0]!, { ...healthy[1], lag: model.patroni.maximumLagOnFailover + 1 }, { ...healthy[2], lag: 'unknown' }]), now);
  assert.equal(lag.json.problems, [`patroni ${names[1]}: ${model.patroni.maximumLagOnFailover + 1} bytes behind, more than maximumLagOnFailover`, `patroni ${names[2]}: replication lag unknown`]);
  const stopped = statusReport(model, facts([healthy[0]!, healthy[1]!, { ...healthy[2], state: 'stopped' }]), now);
  assert.equal(stopped.json.problems, [`patroni ${names[2]}: state stopped`]);
  const soon = statusReport(model, facts(healthy, { certificates: [{ name: names[0]!, notAfter: new Date('2026-12-20T00:00:00Z') }] }), now);
  assert.equal(soon.json.problems, [`certificate ${names[0]} ends 2026-12-20 (18 days): run pgha certs renew`]);
});

test('the leader must be running, replicas receiving WAL (running is that only before Patroni 3.0.4), the cluster not paused', () => {
  const starting = statusReport(model, facts([{ ...healthy[0], state: 'starting' }, healthy[1]!, healthy[2]!]), now);
  assert.equal(starting.json.problems, [`patroni ${names[0]}: the leader's state is starting`]);
  const idle = [healthy[0]!, healthy[1]!, { ...healthy[2], state: 'running' }];
  assert.equal(statusReport(model, facts(idle), now).json.problems, [`patroni ${names[2]}: state running (not receiving WAL)`], 'on 4.0.7');
  const old = facts(idle, { patroni: model.postgresNodes.map((n) => ({ name: n.name, ip: n.ip, member: ok({ state: 'running', patroni: { version: '3.0.2' } }) })) });
  assert.equal(statusReport(model, old, now).json.problems, [], 'Patroni 3.0.2 says running for a streaming replica');
  const paused = facts(healthy);
  paused.cluster = { from: names[0]!, answer: ok({ members: healthy, pause: true }) };
  assert.equal(statusReport(model, paused, now).json.problems, ['patroni: the cluster is paused (maintenance mode): no automatic failover']);
  const failed = facts(healthy);
  failed.cluster = { from: names[0]!, answer: down };
  const r = statusReport(model, failed, now);
  assert.is(r.exitCode, 4);
  assert.equal((r.json.problems as string[])[0], `patroni: GET /cluster from ${names[0]} failed: ECONNREFUSED: connect ECONNREFUSED`);
});

test('unreachable (exit 5) only when no member at all answered; a member missing from /cluster is degraded', () => {
  const all = facts([], {
    etcd: model.etcdNodes.map((n) => ({ name: n.name, ip: n.ip, health: down, status: down })),
    patroni: model.postgresNodes.map((n) => ({ name: n.name, ip: n.ip, member: down })),
  });
  delete all.cluster;
  const r = statusReport(model, all, now);
  assert.equal([r.exitCode, r.json.health], [5, 'unreachable']);
  assert.match(r.lines[0]!, /unreachable \(no member answered within 2000 ms\)/);
  const missing = statusReport(model, facts(healthy.slice(0, 2)), now);
  assert.equal(missing.json.problems, [`patroni ${names[2]} is not a member of the cluster (not in /cluster)`]);
});

test('failsafe_mode: a member missing from the /failsafe key is degraded (it could not take over yet); no answer from /failsafe is no finding', () => {
  const all = Object.fromEntries(names.map((n) => [n, `https://${n}:8008/patroni`]));
  assert.equal(statusReport(model, facts(healthy, { failsafe: ok(all) }), now).json.problems, []);
  const { [names[1]!]: _, ...without } = all;
  const r = statusReport(model, facts(healthy, { failsafe: ok(without) }), now);
  assert.equal([r.exitCode, r.json.problems], [4, [`patroni ${names[1]}: not yet in the leader's /failsafe key, so it cannot take over if the leader dies now (the leader adds it at its next loop)`]]);
  assert.equal(statusReport(model, facts(healthy, { failsafe: { ok: true, status: 502, body: null, text: '', ms: 1 } }), now).json.problems, [], 'failsafe_mode off in the DCS');
});

test.run();
