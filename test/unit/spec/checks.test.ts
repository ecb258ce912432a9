import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { flavorNamed } from '../../../src/model/flavors.js';
import { BUILT_IN_SPEC } from '../../../src/spec/built-in.js';
import { checkAddresses, checkDuplicates, checkNetwork, checkTimings, checkTopology } from '../../../src/spec/checks.js';
import type { Diagnostic } from '../../../src/spec/diagnostic.js';
import type { Spec } from '../../../src/spec/types.js';
import { FLAVORS } from '../../helpers.js';

const spec = (mutate: (s: Spec) => void = () => {}): Spec => {
  const s = structuredClone(BUILT_IN_SPEC);
  mutate(s);
  return s;
};
const run = (check: (out: Diagnostic[]) => unknown) => {
  const out: Diagnostic[] = [];
  check(out);
  return out.map((d) => `${d.severity} ${d.path}: ${d.message}`);
};

test('the built-in spec passes every check', () => {
  const s = spec();
  const ubuntu = flavorNamed(FLAVORS, 'ubuntu-24.04');
  assert.equal(
    run((out) => {
      const cidr = checkNetwork(s, out);
      if (cidr) checkAddresses(s, cidr, out);
      checkDuplicates(s, out);
      checkTopology(s, out);
      checkTimings(s, ubuntu, out);
    }),
    [],
  );
});

test('checkNetwork: the parsed subnet, or an error naming network.cidr', () => {
  const out: Diagnostic[] = [];
  assert.equal(checkNetwork(spec(), out), { network: 0xc0a87a00, prefix: 24, text: '192.168.122.0/24' });
  assert.is(checkNetwork(spec((s) => (s.network.cidr = '10.0.0.1/24')), out), undefined);
  assert.equal(out.map((d) => d.path), ['network.cidr']);
});

test('checkAddresses: every address inside the subnet and usable; the VIP free', () => {
  const s = spec((x) => {
    x.nodes[0]!.ip = '10.1.1.1';
    x.nodes[1]!.ip = '192.168.122.255';
    x.nodes[2]!.ip = x.network.gateway;
    x.nodes[3]!.mac = '01:00:5e:00:00:01';
  });
  const lines = run((out) => checkAddresses(s, checkNetwork(s, [])!, out));
  assert.equal(lines, [
    'error nodes[0].ip: address 10.1.1.1 is outside network.cidr 192.168.122.0/24: use an address in it',
    'error nodes[1].ip: address 192.168.122.255 is the network or broadcast address of 192.168.122.0/24',
    'error nodes[2].ip: is the gateway address: use another',
    'error nodes[3].mac: is a multicast MAC (first octet odd): use a unicast one',
  ]);
});

test('checkDuplicates: names, addresses and MACs, derived MACs named as such', () => {
  const lines = run((out) => checkDuplicates(spec((s) => (s.nodes[1] = { ...s.nodes[0]!, ip: s.nodes[0]!.ip })), out));
  assert.ok(lines.some((l) => l.startsWith('error nodes[1].name: duplicate name etcd1 (also nodes[0])')));
  assert.ok(lines.some((l) => l.startsWith('error nodes[1].ip: duplicate ip 192.168.122.18')));
  assert.ok(lines.some((l) => /nodes\[1\]\.mac: duplicate MAC .*derived from the name: set mac explicitly/.test(l)));
});

test('checkTopology: at most as many postgres nodes as Keepalived has distinct VRRP priorities', () => {
  const many = (n: number) => spec((s) => {
    s.network.cidr = '10.0.0.0/16';
    s.nodes = [...s.nodes.slice(0, 3), ...Array.from({ length: n }, (_, i) => ({ name: `pg${i}`, role: 'postgres' as const, ip: `10.0.${1 + Math.floor(i / 200)}.${1 + (i % 200)}` }))];
  });
  assert.equal(run((out) => checkTopology(many(254), out)), []);
  assert.equal(run((out) => checkTopology(many(255), out)), ['error nodes: 255 postgres nodes: Keepalived\'s VRRP priorities (1 to 254, one per node) allow at most 254; use fewer']);
});

test('checkTopology: etcd quorum, postgres nodes, tags', () => {
  assert.match(run((out) => checkTopology(spec((s) => s.nodes.splice(0, 1)), out))[0]!, /^error nodes: 2 etcd member\(s\): at least 3 are needed/);
  assert.match(run((out) => checkTopology(spec((s) => (s.nodes[0]!.tags = { nofailover: true })), out))[0]!, /^error nodes\[0\]\.tags: Patroni tags apply to postgres nodes only/);
  assert.match(run((out) => checkTopology(spec((s) => s.nodes.splice(3, 2)), out))[0]!, /^warning nodes: one postgres node/);
});

test('checkTimings: Patroni\'s rule, the flavour\'s ttl floor, etcd\'s election timeout', () => {
  const debian = flavorNamed(FLAVORS, 'debian-12');
  const ubuntu = flavorNamed(FLAVORS, 'ubuntu-24.04');
  assert.equal(run((out) => checkTimings(spec((s) => (s.patroni = { ttl: 7 })), debian, out)), []);
  assert.match(run((out) => checkTimings(spec((s) => (s.patroni = { ttl: 7 })), ubuntu, out))[0]!, /^error patroni\.ttl: 7 is below 20, which the Patroni of flavor ubuntu-24\.04/);
  assert.match(run((out) => checkTimings(spec((s) => (s.patroni = { ttl: 20, loopWait: 10, retryTimeout: 10 })), ubuntu, out))[0]!, /^error patroni: loopWait \+ 2 \* retryTimeout = 30 exceeds ttl 20/);
  assert.match(run((out) => checkTimings(spec((s) => (s.etcd = { heartbeatIntervalMs: 500, electionTimeoutMs: 1000 })), ubuntu, out))[0]!, /^error etcd\.electionTimeoutMs: 1000 ms is less than 5 heartbeats/);
});

test.run();
