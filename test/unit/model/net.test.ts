import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cidrContains, deriveMac, formatIpv4, isReservedInCidr, parseCidr, parseIpv4, type Cidr } from '../../../src/model/net.js';

function ip(s: string): number {
  const n = parseIpv4(s);
  if (n === undefined) throw new Error(`test setup: ${s} is not an IPv4 address`);
  return n;
}

function cidr(s: string): Cidr {
  const c = parseCidr(s);
  if ('error' in c) throw new Error(`test setup: ${s}: ${c.error}`);
  return c;
}

test('parseIpv4 reads valid addresses as unsigned 32-bit integers', () => {
  assert.is(parseIpv4('1.2.3.4'), 0x01020304);
  assert.is(parseIpv4('0.0.0.0'), 0);
  assert.is(parseIpv4('255.255.255.255'), 0xffffffff);
  assert.is(parseIpv4('192.168.122.10'), 0xc0a87a0a);
  assert.is(parseIpv4('10.0.0.0'), 0x0a000000);
});

test('parseIpv4 rejects octets above 255', () => {
  assert.is(parseIpv4('256.1.1.1'), undefined);
  assert.is(parseIpv4('1.2.3.300'), undefined);
  assert.is(parseIpv4('999.999.999.999'), undefined);
});

test('parseIpv4 rejects leading zeros', () => {
  assert.is(parseIpv4('01.2.3.4'), undefined);
  assert.is(parseIpv4('1.2.3.00'), undefined);
  assert.is(parseIpv4('1.02.3.4'), undefined);
});

test('parseIpv4 rejects wrong shapes', () => {
  for (const s of ['', '1.2.3', '1.2.3.4.5', '1..2.3', 'a.b.c.d', '1234.1.1.1', ' 1.2.3.4', '1.2.3.4 ', '+1.2.3.4', '1.2.3.4/24', '::1']) {
    assert.is(parseIpv4(s), undefined, JSON.stringify(s));
  }
});

test('formatIpv4 round-trips parseIpv4', () => {
  for (const s of ['0.0.0.0', '1.2.3.4', '10.0.0.1', '192.168.122.255', '255.255.255.255', '128.0.0.1']) {
    assert.is(formatIpv4(ip(s)), s);
  }
});

test('parseCidr reads a network', () => {
  assert.equal(parseCidr('192.168.122.0/24'), { network: ip('192.168.122.0'), prefix: 24, text: '192.168.122.0/24' });
  assert.equal(parseCidr('0.0.0.0/0'), { network: 0, prefix: 0, text: '0.0.0.0/0' });
  assert.equal(parseCidr('10.1.2.3/32'), { network: ip('10.1.2.3'), prefix: 32, text: '10.1.2.3/32' });
});

test('parseCidr with host bits set names the real network', () => {
  const r = parseCidr('192.168.122.1/24');
  assert.ok('error' in r);
  assert.match(r.error, 'host bits are set');
  assert.match(r.error, '192.168.122.0/24');
  const r2 = parseCidr('10.200.3.4/12');
  assert.ok('error' in r2);
  assert.match(r2.error, '10.192.0.0/12');
});

test('parseCidr rejects a prefix longer than 32', () => {
  const r = parseCidr('10.0.0.0/33');
  assert.ok('error' in r);
  assert.match(r.error, 'longer than 32');
});

test('parseCidr rejects malformed input', () => {
  for (const s of ['10.0.0.0', '10.0.0.0/', '10.0.0.0/100', '10.0.0.0/8/8', '10.0.0.0/x', '300.0.0.0/8', '']) {
    assert.ok('error' in parseCidr(s), JSON.stringify(s));
  }
});

test('cidrContains', () => {
  const c = cidr('10.0.0.0/8');
  assert.ok(cidrContains(c, ip('10.0.0.0')));
  assert.ok(cidrContains(c, ip('10.255.255.255')));
  assert.not.ok(cidrContains(c, ip('11.0.0.0')));
  assert.not.ok(cidrContains(c, ip('9.255.255.255')));
  assert.ok(cidrContains(cidr('0.0.0.0/0'), ip('203.0.113.7')));
  assert.ok(cidrContains(cidr('192.168.1.7/32'), ip('192.168.1.7')));
  assert.not.ok(cidrContains(cidr('192.168.1.7/32'), ip('192.168.1.6')));
  assert.ok(cidrContains(cidr('128.0.0.0/1'), ip('255.1.1.1')));
});

test('isReservedInCidr: network and broadcast of a /24', () => {
  const c = cidr('192.168.122.0/24');
  assert.ok(isReservedInCidr(c, ip('192.168.122.0')));
  assert.ok(isReservedInCidr(c, ip('192.168.122.255')));
  assert.not.ok(isReservedInCidr(c, ip('192.168.122.1')));
  assert.not.ok(isReservedInCidr(c, ip('192.168.122.254')));
});

test('isReservedInCidr: a /30 reserves its first and last address', () => {
  const c = cidr('10.0.0.4/30');
  assert.ok(isReservedInCidr(c, ip('10.0.0.4')));
  assert.ok(isReservedInCidr(c, ip('10.0.0.7')));
  assert.not.ok(isReservedInCidr(c, ip('10.0.0.5')));
});

test('isReservedInCidr: /31 and /32 reserve nothing', () => {
  const p2p = cidr('10.0.0.0/31');
  assert.not.ok(isReservedInCidr(p2p, ip('10.0.0.0')));
  assert.not.ok(isReservedInCidr(p2p, ip('10.0.0.1')));
  assert.not.ok(isReservedInCidr(cidr('10.0.0.9/32'), ip('10.0.0.9')));
});

test('deriveMac is deterministic, in 52:54:00, and distinct per node and cluster', () => {
  const a = deriveMac('16-main', 'patroni1');
  assert.is(a, deriveMac('16-main', 'patroni1'));
  assert.is(a, '52:54:00:45:6a:fe', 'a derived MAC must never change between releases');
  assert.ok(a.startsWith('52:54:00:'));
  assert.match(a, /^52:54:00(:[0-9a-f]{2}){3}$/);
  assert.is.not(deriveMac('16-main', 'patroni2'), a);
  assert.is.not(deriveMac('other', 'patroni1'), a);
  const names = ['etcd1', 'etcd2', 'etcd3', 'patroni1', 'patroni2', 'patroni3'];
  const macs = names.map((n) => deriveMac('16-main', n));
  for (const m of macs) assert.match(m, /^52:54:00(:[0-9a-f]{2}){3}$/);
  assert.is(new Set(macs).size, names.length);
});

test.run();
