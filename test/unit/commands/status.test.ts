/** pgha status against stand-in members on loopback addresses (test/fake-cluster.ts). */
import { createServer as createTcp } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_TIMEOUT_S } from '../../../src/commands/status.js';
import { ETCD, etcdRoutes, fakeCluster, PG } from '../../fake-cluster.js';
import { pgha } from '../../helpers.js';

const fake = await fakeCluster();
const { dir, rendered, clients, servers } = fake;
const members = [
  { name: 'pg1', role: 'leader', state: 'running', timeline: 1, tags: {} },
  { name: 'pg2', role: 'replica', state: 'streaming', timeline: 1, lag: 0, tags: {} },
  { name: 'pg3', role: 'replica', state: 'streaming', timeline: 1, lag: 0, tags: { nofailover: true } },
];
const allInFailsafe = Object.fromEntries(PG.map((ip, i) => [`pg${i + 1}`, `https://${ip}:8008/patroni`]));
async function startAll(skip: string[] = [], failsafe: Record<string, string> = allInFailsafe) {
  await Promise.all([
    ...ETCD.map((ip, i) => (skip.includes(`etcd${i + 1}`) ? Promise.resolve() : fake.serve(`etcd${i + 1}`, ip, 2379, etcdRoutes(i + 1)))),
    ...PG.map((ip, i) =>
      skip.includes(`pg${i + 1}`)
        ? Promise.resolve()
        : fake.serve(`pg${i + 1}`, ip, 8008, { 'GET /patroni': { state: 'running', role: i === 0 ? 'master' : 'replica', patroni: { version: '3.0.2' } }, 'GET /cluster': { members }, 'GET /failsafe': failsafe }),
    ),
  ]);
}

test.after.each(() => fake.stopAll());
test.after(() => fake.remove());

test("a member the leader has not yet written into /failsafe: degraded, exit 4, named", async () => {
  const { pg2: _, ...without } = allInFailsafe;
  await startAll([], without);
  const r = await pgha(['status', 's.yaml'], dir);
  assert.is(r.code, 4, r.stdout + r.stderr);
  assert.match(r.stdout, /problem: patroni pg2: not yet in the leader's \/failsafe key/);
});

test('a healthy cluster: exit 0, every member in the table, the admin certificate presented', async () => {
  assert.is(rendered.code, 0, rendered.stderr);
  await startAll();
  const r = await pgha(['status', 's.yaml'], dir);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^cluster st: healthy\n/);
  assert.match(r.stdout, /etcd  etcd1  127\.0\.61\.11  healthy  leader  3\.4\.23  db 20480 B  raft 42\n/);
  assert.match(r.stdout, /etcd  etcd2  127\.0\.61\.12  healthy  follower/);
  assert.match(r.stdout, /patroni  pg2  127\.0\.61\.22  replica  streaming  timeline 1  lag 0 B\n/);
  assert.match(r.stdout, /certificates: the first to end is .*'s, \d{4}-\d\d-\d\d \(\d+ days\)/);
  assert.equal([...clients], ['pgha-admin']);
  const j = await pgha(['status', 's.yaml', '--json'], dir);
  const doc = JSON.parse(j.stdout) as { ok: boolean; health: string; etcd: { leader: boolean }[]; patroni: { role: string; version: string }[] };
  assert.equal([j.code, doc.ok, doc.health], [0, true, 'healthy']);
  assert.equal(doc.etcd.map((e) => e.leader), [true, false, false]);
  assert.equal(doc.patroni.map((p) => [p.role, p.version]), [['leader', '3.0.2'], ['replica', '3.0.2'], ['replica', '3.0.2']]);
});

test('one etcd member and one Patroni member dead, one member that never answers: exit 4 naming them, within the timeout', async () => {
  await startAll(['etcd3', 'pg2']);
  const silent = createTcp(() => undefined);
  servers.push(silent);
  await new Promise<void>((done) => silent.listen(8008, PG[1], done));
  const started = Date.now();
  const r = await pgha(['status', 's.yaml', '--timeout', '0.5', '--json'], dir);
  const took = Date.now() - started;
  assert.is(r.code, 4, r.stderr);
  const doc = JSON.parse(r.stdout) as { ok: boolean; exitCode: number; health: string; problems: string[] };
  assert.equal([doc.ok, doc.exitCode, doc.health], [false, 4, 'degraded']);
  assert.ok(doc.problems.some((p) => p.startsWith('etcd etcd3 (127.0.61.13) is not healthy: ')), doc.problems.join('\n'));
  assert.ok(doc.problems.includes('patroni pg2 (127.0.61.22) does not answer: no answer within 500 ms'), doc.problems.join('\n'));
  assert.ok(took < 2500, `${took} ms`);
});

test('nothing answers: exit 5; no secrets file: exit 2 naming it, never a stack trace', async () => {
  const r = await pgha(['status', 's.yaml', '--timeout', '0.5'], dir);
  assert.is(r.code, 5, r.stdout);
  assert.match(r.stdout, /^cluster st: unreachable \(no member answered within 500 ms\)/);
  const byDefault = await pgha(['status', 's.yaml'], dir);
  assert.match(byDefault.stdout, new RegExp(`^cluster st: unreachable \\(no member answered within ${DEFAULT_TIMEOUT_S * 1000} ms\\)`));
  const none = await pgha(['status', 's.yaml', '--secrets', 'missing.yaml'], dir);
  assert.is(none.code, 2);
  assert.match(none.stderr, /missing\.yaml has no cluster CA and admin certificate/);
  assert.not.match(none.stderr, /\n\s+at /);
  const bad = await pgha(['status', 's.yaml', '--timeout', 'soon'], dir);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /--timeout soon: give seconds/);
});

test.run();
