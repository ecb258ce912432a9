/** pgha switchover against stand-in members on loopback addresses (test/fake-cluster.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { SWITCHOVER_TIMEOUT_MS } from '../../../src/commands/switchover.js';
import { ETCD, etcdRoutes, fakeCluster, PG } from '../../fake-cluster.js';
import { pgha } from '../../helpers.js';

const fake = await fakeCluster();
const { dir } = fake;
const restPassword = (YAML.parse(readFileSync(join(dir, 's.secrets.yaml'), 'utf8')) as { restApiPassword: string }).restApiPassword;

/** Patroni stand-ins whose leader moves to the candidate when pg1 is asked to switch over. */
async function startCluster(options: { lagging?: boolean; refuse?: boolean; elsewhere?: boolean } = {}) {
  let leader = 'pg1';
  const members = () =>
    ['pg1', 'pg2', 'pg3'].map((name) => ({
      name,
      role: name === leader ? 'leader' : 'replica',
      state: name === leader ? 'running' : 'streaming',
      timeline: 1,
      lag: name === leader ? undefined : name === 'pg2' && options.lagging ? 'unknown' : 0,
    }));
  await Promise.all([
    ...ETCD.map((ip, i) => fake.serve(`etcd${i + 1}`, ip, 2379, etcdRoutes(i + 1))),
    ...PG.map((ip, i) =>
      fake.serve(`pg${i + 1}`, ip, 8008, {
        'GET /patroni': { state: 'running', patroni: { version: '3.2.2' } },
        'GET /cluster': () => ({ members: members() }),
        'POST /switchover': (body: string) => {
          if (options.refuse) return { status: 412, text: 'switchover is not possible: no good candidates have been found' };
          const asked = (JSON.parse(body) as { candidate?: string }).candidate ?? 'pg2';
          leader = options.elsewhere ? 'pg3' : asked;
          if (options.elsewhere) return { status: 200, text: `Switched over to "pg3" instead of "${asked}"` };
          return { status: 200, text: `Successfully switched over to "${leader}"` };
        },
      }),
    ),
  ]);
}

test.after.each(() => fake.stopAll());
test.after(() => fake.remove());

test('to a named replica: POST /switchover to the leader with the REST password, the new leader reported', async () => {
  await startCluster();
  const r = await pgha(['switchover', 's.yaml', '--to', 'pg2', '--json'], dir);
  assert.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { from: string; to: string; switchedMs: number };
  assert.equal([doc.from, doc.to], ['pg1', 'pg2']);
  assert.ok(doc.switchedMs >= 0 && doc.switchedMs < SWITCHOVER_TIMEOUT_MS);
  const post = fake.requests.filter((q) => q.route === 'POST /switchover');
  assert.equal(post.map((q) => [q.name, JSON.parse(q.body)]), [['pg1', { leader: 'pg1', candidate: 'pg2' }]]);
  assert.is(post[0]!.authorization, `Basic ${Buffer.from(`patroni:${restPassword}`).toString('base64')}`);
  assert.not.match(r.stdout + r.stderr, restPassword);
});

test('refused before any request: a nofailover target, a node not in the spec, the leader itself (exit 2)', async () => {
  await startCluster();
  const nofailover = await pgha(['switchover', 's.yaml', '--to', 'pg3'], dir);
  assert.equal([nofailover.code, nofailover.stderr], [2, 'pgha: --to pg3: it has the nofailover tag, Patroni never promotes it: give one of pg1, pg2\n']);
  assert.is((await pgha(['switchover', 's.yaml', '--to', 'etcd1'], dir)).code, 2);
  const self = await pgha(['switchover', 's.yaml', '--to', 'pg1'], dir);
  assert.equal([self.code, self.stderr.trim().split('\n').at(-1)], [2, 'pgha: --to pg1: it is the leader already: give one of pg2']);
  assert.equal(fake.requests.filter((q) => q.route === 'POST /switchover'), []);
});

test('refused on a degraded cluster (exit 4, its problems listed) and when Patroni refuses (exit 4, Patroni\'s reason)', async () => {
  await startCluster({ lagging: true });
  const r = await pgha(['switchover', 's.yaml'], dir);
  assert.is(r.code, 4, r.stderr);
  assert.match(r.stderr, /pgha: the cluster is degraded: no switchover \(pgha status shows it\)\n  patroni pg2: replication lag unknown\n/);
  assert.equal(fake.requests.filter((q) => q.route === 'POST /switchover'), []);
  await fake.stopAll();
  await startCluster({ refuse: true });
  const refused = await pgha(['switchover', 's.yaml', '--to', 'pg2'], dir);
  assert.is(refused.code, 4);
  assert.match(refused.stderr, /Patroni refused the switchover \(HTTP 412\): switchover is not possible: no good candidates have been found/);
  await fake.stopAll();
  await startCluster({ elsewhere: true });
  const elsewhere = await pgha(['switchover', 's.yaml', '--to', 'pg2'], dir);
  assert.equal([elsewhere.code, elsewhere.stderr.trim().split('\n').at(-1)], [4, 'pgha: Patroni handed over to pg3, not pg2: Switched over to "pg3" instead of "pg2"']);
});

test.run();
