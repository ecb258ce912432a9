import { cidrContains, deriveMac, isReservedInCidr, parseCidr, parseIpv4, type Cidr } from '../model/net.js';
import { patroniTtlFloor, type Flavor } from '../model/flavors.js';
import { MAX_VRRP_NODES } from '../model/vrrp.js';
import type { Diagnostic } from './diagnostic.js';
import { DEFAULTS, effectivePatroniTimings } from './field-defaults.js';
import type { Spec } from './types.js';

/** The checks beyond the JSON Schema: addresses in the network, duplicates, topology, timings. Each adds its problems to `out`. */

export function checkNetwork(spec: Spec, out: Diagnostic[]): Cidr | undefined {
  const parsed = parseCidr(spec.network.cidr);
  if ('error' in parsed) {
    out.push({ severity: 'error', path: 'network.cidr', message: `is not a valid subnet: ${parsed.error}` });
    return undefined;
  }
  return parsed;
}

function checkAddressIn(cidr: Cidr, ip: string, path: string, what: string, out: Diagnostic[]): void {
  const n = parseIpv4(ip);
  if (n === undefined) return;
  if (!cidrContains(cidr, n)) {
    out.push({ severity: 'error', path, message: `${what} ${ip} is outside network.cidr ${cidr.text}: use an address in it` });
  } else if (isReservedInCidr(cidr, n)) {
    out.push({ severity: 'error', path, message: `${what} ${ip} is the network or broadcast address of ${cidr.text}` });
  }
}

export function checkDuplicates(spec: Spec, out: Diagnostic[]): void {
  const seen = new Map<string, number>();
  const check = (kind: string, value: string, i: number, field: string, hint = '') => {
    const key = `${kind}:${value.toLowerCase()}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else
      out.push({
        severity: 'error',
        path: `nodes[${i}].${field}`,
        message: `duplicate ${kind} ${value} (also nodes[${first}]): give each node its own${hint}`,
      });
  };
  spec.nodes.forEach((n, i) => {
    check('name', n.name, i, 'name');
    check('ip', n.ip, i, 'ip');
    const derived = n.mac === undefined ? ' (this one is derived from the name: set mac explicitly)' : '';
    check('MAC', n.mac ?? deriveMac(spec.cluster.name, n.name), i, 'mac', derived);
  });
}

export function checkTopology(spec: Spec, out: Diagnostic[]): void {
  const etcd = spec.nodes.filter((n) => n.role === 'etcd');
  const pg = spec.nodes.filter((n) => n.role === 'postgres');
  if (etcd.length < 3) {
    out.push({
      severity: 'error',
      path: 'nodes',
      message: `${etcd.length} etcd member(s): at least 3 are needed so that losing one keeps quorum; add etcd nodes`,
    });
  } else if (etcd.length % 2 === 0) {
    out.push({
      severity: 'warning',
      path: 'nodes',
      message: `${etcd.length} etcd members: an even number tolerates no more failures than ${etcd.length - 1}; use an odd number`,
    });
  }
  if (pg.length > MAX_VRRP_NODES) {
    out.push({
      severity: 'error',
      path: 'nodes',
      message: `${pg.length} postgres nodes: Keepalived's VRRP priorities (1 to ${MAX_VRRP_NODES}, one per node) allow at most ${MAX_VRRP_NODES}; use fewer`,
    });
  }
  if (pg.length === 0) {
    out.push({ severity: 'error', path: 'nodes', message: 'no postgres node: add at least two nodes with role postgres' });
  } else if (pg.length === 1) {
    out.push({ severity: 'warning', path: 'nodes', message: 'one postgres node: there is nothing to fail over to' });
  } else if (pg.every((n) => n.tags?.nofailover)) {
    out.push({
      severity: 'error',
      path: 'nodes',
      message: 'every postgres node has tags.nofailover: no node could ever become the leader; remove it from one',
    });
  }
  spec.nodes.forEach((n, i) => {
    if (spec.patroni?.synchronousMode && n.tags?.nofailover && n.tags.nosync === false) {
      out.push({
        severity: 'error',
        path: `nodes[${i}].tags.nosync`,
        message: 'a nofailover node that may be the synchronous standby blocks failover in synchronous mode: remove nosync: false',
      });
    }
    if (n.role !== 'postgres' && n.tags) {
      out.push({ severity: 'error', path: `nodes[${i}].tags`, message: 'Patroni tags apply to postgres nodes only: remove them' });
    }
  });
}

export function checkTimings(spec: Spec, flavor: Flavor, out: Diagnostic[]): void {
  const floor = patroniTtlFloor(flavor);
  const { ttl, loopWait, retryTimeout } = effectivePatroniTimings(spec, floor);
  if (floor !== undefined && ttl < floor) {
    out.push({
      severity: 'error',
      path: 'patroni.ttl',
      message: `${ttl} is below ${floor}, which the Patroni of flavor ${flavor.name} (${flavor.patroniVersion}) raises it to: set ${floor} or more (or leave it out)`,
    });
  }
  if (loopWait + 2 * retryTimeout > ttl) {
    out.push({
      severity: 'error',
      path: 'patroni',
      message: `loopWait + 2 * retryTimeout = ${loopWait + 2 * retryTimeout} exceeds ttl ${ttl}: Patroni could lose the leader key while retrying; raise ttl or lower the others`,
    });
  }
  const { heartbeatIntervalMs: heartbeat, electionTimeoutMs: election } = { ...DEFAULTS.etcd, ...spec.etcd };
  if (election < 5 * heartbeat) {
    out.push({
      severity: 'error',
      path: 'etcd.electionTimeoutMs',
      message: `${election} ms is less than 5 heartbeats (${5 * heartbeat} ms): etcd would hold needless elections; raise it`,
    });
  }
}

export function checkAddresses(spec: Spec, cidr: Cidr, out: Diagnostic[]): void {
  checkAddressIn(cidr, spec.network.gateway, 'network.gateway', 'gateway', out);
  checkAddressIn(cidr, spec.network.vip, 'network.vip', 'VIP', out);
  spec.nodes.forEach((n, i) => {
    checkAddressIn(cidr, n.ip, `nodes[${i}].ip`, 'address', out);
    if (n.ip === spec.network.gateway) {
      out.push({ severity: 'error', path: `nodes[${i}].ip`, message: `is the gateway address: use another` });
    }
    if (n.ip === spec.network.vip) {
      out.push({ severity: 'error', path: 'network.vip', message: `equals the address of ${n.name} (nodes[${i}].ip): the VIP must be free` });
    }
  });
  if (spec.network.vip === spec.network.gateway) {
    out.push({ severity: 'error', path: 'network.vip', message: 'equals network.gateway: the VIP must be free' });
  }
  spec.nodes.forEach((n, i) => {
    if (n.mac && parseInt(n.mac.slice(0, 2), 16) & 1) {
      out.push({ severity: 'error', path: `nodes[${i}].mac`, message: 'is a multicast MAC (first octet odd): use a unicast one' });
    }
  });
}
