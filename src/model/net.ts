import { createHash } from "node:crypto";

/** IPv4 helpers on 32-bit unsigned integers. */

export function parseIpv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some((o, i) => o > 255 || (m[i + 1]!.length > 1 && m[i + 1]!.startsWith('0')))) return undefined;
  return ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

export interface Cidr {
  network: number;
  prefix: number;
  text: string;
}

/** Parses a.b.c.d/p; the address must be the network address (no host bits set). */
export function parseCidr(s: string): Cidr | { error: string } {
  const [addr, len, extra] = s.split('/');
  if (addr === undefined || len === undefined || extra !== undefined || !/^\d{1,2}$/.test(len)) {
    return { error: 'expected a.b.c.d/prefix' };
  }
  const ip = parseIpv4(addr);
  const prefix = Number(len);
  if (ip === undefined) return { error: `${addr} is not an IPv4 address` };
  if (prefix > 32) return { error: `prefix /${prefix} is longer than 32` };
  const network = (ip & maskOf(prefix)) >>> 0;
  if (network !== ip) return { error: `host bits are set; the network is ${formatIpv4(network)}/${prefix}` };
  return { network, prefix, text: s };
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function cidrContains(c: Cidr, ip: number): boolean {
  return ((ip & maskOf(c.prefix)) >>> 0) === c.network;
}

/** The network and broadcast addresses of a subnet of /30 or larger, which no host may use. */
export function isReservedInCidr(c: Cidr, ip: number): boolean {
  if (c.prefix >= 31) return false;
  const broadcast = (c.network | ~maskOf(c.prefix)) >>> 0;
  return ip === c.network || ip === broadcast;
}

/** A stable MAC for a node that has none in the spec: 52:54:00 (QEMU/libvirt's locally used range) + 3 bytes of SHA-256. */
export function deriveMac(cluster: string, node: string): string {
  const h = createHash('sha256').update(`pgha/${cluster}/${node}`).digest();
  return ['52', '54', '00', ...[0, 1, 2].map((i) => h[i]!.toString(16).padStart(2, '0'))].join(':');
}
