import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildModel as build } from '../../../src/model/model.js';
import { deriveMac } from '../../../src/model/net.js';
import { DEFAULTS } from '../../../src/spec/field-defaults.js';
import type { Spec } from '../../../src/spec/types.js';
import { defaultModel, FLAVORS } from '../../helpers.js';

const buildModel = (spec: Spec) => build(spec, FLAVORS);

const minimal = {
  cluster: { name: 'c1' },
  network: { cidr: '10.9.0.0/24', gateway: '10.9.0.1', vip: '10.9.0.2' },
  nodes: [
    { name: 'p2', role: 'postgres' as const, ip: '10.9.0.22' },
    { name: 'e1', role: 'etcd' as const, ip: '10.9.0.11', mac: '52:54:00:AB:CD:EF' },
    { name: 'p1', role: 'postgres' as const, ip: '10.9.0.21' },
  ],
};

test('omitted fields take the documented defaults', () => {
  const m = buildModel(minimal);
  assert.is(m.namespace, DEFAULTS.namespace);
  assert.is(m.network.interface, 'enp1s0');
  assert.equal(m.network.dns, ['10.9.0.1']);
  assert.equal(m.network.vrrp, DEFAULTS.vrrp);
  assert.equal(m.etcd, DEFAULTS.etcd);
  // Ubuntu 24.04's Patroni (3.2) raises a ttl below 20 to 20: that is the default there
  assert.equal(m.patroni, { ...DEFAULTS.patroni, ttl: 20, primaryStartTimeout: 20 });
  assert.equal(buildModel({ ...minimal, cluster: { name: 'c', flavor: 'debian-12' } }).patroni, { ...DEFAULTS.patroni, primaryStartTimeout: 7 });
  assert.equal(m.haproxy, DEFAULTS.haproxy);
  assert.is(m.flavor.name, 'ubuntu-24.04');
  assert.is(m.postgres.version, 16);
  assert.is(m.flavor.paths.pgDataDir, '/var/lib/postgresql/16/main');
  assert.is(m.flavorPathPatterns.pgDataDir, '/var/lib/postgresql/{pg}/{cluster}');
  assert.equal(m.flavor.packages.postgres.slice(0, 1), ['postgresql-16']);
});

test('nodes are sorted by name and split by role; MACs derived or lower-cased; tags default to false', () => {
  const m = buildModel(minimal);
  assert.equal(m.nodes.map((n) => n.name), ['e1', 'p1', 'p2']);
  assert.equal(m.etcdNodes.map((n) => n.name), ['e1']);
  assert.equal(m.postgresNodes.map((n) => n.name), ['p1', 'p2']);
  assert.is(m.nodes[0]!.mac, '52:54:00:ab:cd:ef');
  assert.is(m.nodes[1]!.mac, deriveMac('c1', 'p1'));
  assert.equal(m.nodes[1]!.tags, { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false });
});

test('an explicit PostgreSQL version overrides the flavour\'s in every path', () => {
  const m = buildModel({ ...minimal, cluster: { name: 'c1', flavor: 'debian-12' }, postgres: { version: 16 } });
  assert.is(m.postgres.version, 16);
  assert.is(m.flavor.paths.pgBinDir, '/usr/lib/postgresql/16/bin');
  assert.is(buildModel({ ...minimal, cluster: { name: 'c1', flavor: 'debian-12' } }).postgres.version, 15);
});

test('the default spec: the reference topology', () => {
  const m = defaultModel();
  assert.equal(m.etcdNodes.map((n) => [n.name, n.ip]), [['etcd1', '192.168.122.18'], ['etcd2', '192.168.122.104'], ['etcd3', '192.168.122.187']]);
  assert.equal(m.postgresNodes.map((n) => [n.name, n.ip, n.tags.nofailover]), [
    ['patroni1', '192.168.122.236', false],
    ['patroni2', '192.168.122.188', false],
    ['patroni3', '192.168.122.95', true],
  ]);
  assert.is(m.network.vip, '192.168.122.2');
  assert.equal([m.patroni.ttl, m.patroni.loopWait, m.patroni.retryTimeout, m.patroni.synchronousMode], [20, 1, 3, false]);
});

test.run();
