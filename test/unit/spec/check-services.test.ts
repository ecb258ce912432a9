import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BUILT_IN_SPEC } from '../../../src/spec/built-in.js';
import { checkAdmin, checkHaproxy } from '../../../src/spec/check-services.js';
import type { Diagnostic } from '../../../src/spec/diagnostic.js';

function run(check: (s: typeof BUILT_IN_SPEC, out: Diagnostic[]) => void, mutate: (s: typeof BUILT_IN_SPEC) => void): string[] {
  const spec = structuredClone(BUILT_IN_SPEC);
  mutate(spec);
  const out: Diagnostic[] = [];
  check(spec, out);
  return out.map((d) => `${d.path}: ${d.message}`);
}

test('HAProxy ports: distinct, and none a port the nodes already use', () => {
  assert.equal(run(checkHaproxy, () => {}), []);
  assert.equal(run(checkHaproxy, (s) => (s.haproxy = { readOnlyPort: 5000 })), ['haproxy.readOnlyPort: equals haproxy.readWritePort: use another port']);
  assert.equal(run(checkHaproxy, (s) => (s.haproxy = { metricsPort: 5001 })), ['haproxy.metricsPort: equals haproxy.readOnlyPort: use another port']);
  assert.match(run(checkHaproxy, (s) => (s.haproxy = { metricsPort: 8008 }))[0]!, /^haproxy\.metricsPort: 8008 is Patroni/);
  for (const [port, what] of [[5432, 'PostgreSQL'], [8008, 'Patroni'], [2379, 'etcd\'s client'], [2380, 'etcd\'s peer'], [22, 'SSH']] as const) {
    assert.match(run(checkHaproxy, (s) => (s.haproxy = { readWritePort: port }))[0]!, new RegExp(`^haproxy\\.readWritePort: ${port} is ${what}`));
  }
});

test('HAProxy check intervals above zero', () => {
  assert.equal(run(checkHaproxy, (s) => (s.haproxy = { check: { inter: '0ms', fastinter: '00s', downinter: '1ms' } })), [
    'haproxy.check.inter: 0ms: HAProxy refuses an interval of zero; give at least 1ms',
    'haproxy.check.fastinter: 00s: HAProxy refuses an interval of zero; give at least 1ms',
  ]);
});

test('the admin user: never a system or service account of the images', () => {
  for (const user of ['root', 'postgres', 'etcd', 'haproxy', 'nobody', 'sshd', '_apt', 'systemd-network', 'pgha-build']) {
    assert.match(run(checkAdmin, (s) => (s.admin = { user }))[0] ?? '', /^admin\.user: .* is a system or service account/, user);
  }
  assert.equal(run(checkAdmin, (s) => (s.admin = { user: 'ops' })), []);
  assert.equal(run(checkAdmin, () => {}), []);
});

test.run();
