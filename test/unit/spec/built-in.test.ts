import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BUILT_IN_SPEC } from '../../../src/spec/built-in.js';

test('the built-in spec is the reference deployment\'s topology, with pgha\'s timings, not the reference\'s', () => {
  assert.equal(BUILT_IN_SPEC.nodes.map((n) => [n.name, n.role, n.ip]), [
    ['etcd1', 'etcd', '192.168.122.18'],
    ['etcd2', 'etcd', '192.168.122.104'],
    ['etcd3', 'etcd', '192.168.122.187'],
    ['patroni1', 'postgres', '192.168.122.236'],
    ['patroni2', 'postgres', '192.168.122.188'],
    ['patroni3', 'postgres', '192.168.122.95'],
  ]);
  assert.equal(BUILT_IN_SPEC.nodes[5]!.tags, { nofailover: true });
  assert.equal([BUILT_IN_SPEC.cluster.name, BUILT_IN_SPEC.cluster.namespace, BUILT_IN_SPEC.network.vip, BUILT_IN_SPEC.network.vrrp?.routerId], ['16-main', '/postgresql-common/', '192.168.122.2', 69]);
  assert.equal([BUILT_IN_SPEC.haproxy?.readWritePort, BUILT_IN_SPEC.haproxy?.readOnlyPort], [5000, 5001]);
  assert.is(BUILT_IN_SPEC.patroni, undefined, 'pgha\'s defaults, not ttl 30 / loop_wait 10');
  assert.not.ok('min_log_message' in (BUILT_IN_SPEC.postgres?.parameters ?? {}), 'the reference\'s misspelt parameter is not copied');
});

test.run();
