import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { cidrContains, deriveMac, isReservedInCidr, parseCidr, parseIpv4, type Cidr } from '../net.js';
import { flavor } from '../flavors.js';
import { knownParameters, PARAMETER_LIST_VERSION, PATRONI_MANAGED, PGHA_MANAGED, suggestParameter } from './pg-parameters.js';
import { DEFAULTS, effectivePatroniTimings } from './defaults.js';
import type { Spec } from './types.js';
import { packagePath } from '../paths.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** Where in the spec, e.g. `nodes[2].ip`; empty for the whole spec. */
  path: string;
  message: string;
}

export const SPEC_SCHEMA_PATH = packagePath('schema', 'pgha-spec.schema.json');

const addFormats = addFormatsModule as unknown as (ajv: Ajv, formats: string[]) => Ajv;
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv, ['ipv4']);
const validateSchema = ajv.compile(JSON.parse(readFileSync(SPEC_SCHEMA_PATH, 'utf8')) as object);

/** `/nodes/2/ip` → `nodes[2].ip` */
export function specPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function schemaDiagnostic(e: ErrorObject): Diagnostic {
  const path = specPath(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { severity: 'error', path: join(path, String(p.missingProperty)), message: 'is required: add it' };
    case 'additionalProperties':
      return {
        severity: 'error',
        path: join(path, String(p.additionalProperty)),
        message: 'is not a known field: remove it or fix its spelling (see schema/pgha-spec.schema.json)',
      };
    case 'enum':
      return {
        severity: 'error',
        path,
        message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'propertyNames':
      return { severity: 'error', path: join(path, String(p.propertyName)), message: 'is not a valid name' };
    case 'pattern':
      return { severity: 'error', path, message: `has the wrong form (must match ${String(p.pattern)})` };
    case 'format':
      return { severity: 'error', path, message: `must be an ${String(p.format)} address like 192.168.1.10` };
    default:
      return { severity: 'error', path, message: e.message ?? 'is invalid' };
  }
}

function checkNetwork(spec: Spec, out: Diagnostic[]): Cidr | undefined {
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

function checkDuplicates(spec: Spec, out: Diagnostic[]): void {
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

function checkTopology(spec: Spec, out: Diagnostic[]): void {
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

function checkTimings(spec: Spec, out: Diagnostic[]): void {
  const { ttl, loopWait, retryTimeout } = effectivePatroniTimings(spec);
  const { name: flavorName, patroniMinTtl } = flavor(spec.cluster.flavor);
  if (patroniMinTtl !== undefined && ttl < patroniMinTtl) {
    out.push({
      severity: 'error',
      path: 'patroni.ttl',
      message: `${ttl} is below ${patroniMinTtl}, which the Patroni of flavor ${flavorName} silently raises it to: set ${patroniMinTtl} or more (or leave it out)`,
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
  const { readWritePort, readOnlyPort } = { ...DEFAULTS.haproxy, ...spec.haproxy };
  if (readWritePort === readOnlyPort) {
    out.push({ severity: 'error', path: 'haproxy.readOnlyPort', message: 'equals haproxy.readWritePort: use another port' });
  }
}

function checkPostgres(spec: Spec, out: Diagnostic[]): void {
  const version = spec.postgres?.version ?? flavor(spec.cluster.flavor).postgresVersion;
  const known = knownParameters(version);
  const knownLower = new Map([...known].map((k) => [k.toLowerCase(), k]));
  for (const name of Object.keys(spec.postgres?.parameters ?? {})) {
    const path = `postgres.parameters.${name}`;
    if (name.includes('.')) continue;
    const canonical = knownLower.get(name.toLowerCase());
    if (canonical && PGHA_MANAGED.has(canonical)) {
      out.push({ severity: 'error', path, message: 'is set by pgha (TLS with the cluster\'s certificates, see tls): remove it' });
      continue;
    }
    if (canonical && PATRONI_MANAGED.has(canonical)) {
      out.push({ severity: 'warning', path, message: 'is set by Patroni from its own configuration; this value is ignored' });
      continue;
    }
    if (canonical) continue;
    const suggested = suggestParameter(name.toLowerCase(), new Set(knownLower.keys()));
    const suggestion = suggested && (knownLower.get(suggested) ?? suggested);
    if (suggestion && version <= PARAMETER_LIST_VERSION) {
      out.push({ severity: 'error', path, message: `is not a PostgreSQL ${version} parameter: did you mean ${suggestion}?` });
    } else if (suggestion) {
      out.push({ severity: 'warning', path, message: `is not a known parameter (pgha's list ends at PostgreSQL ${PARAMETER_LIST_VERSION}): did you mean ${suggestion}?` });
    } else {
      out.push({
        severity: 'warning',
        path,
        message: `is not a PostgreSQL ${version} parameter; Patroni will drop it unless an extension defines it`,
      });
    }
  }
  const reserved = new Set(['postgres', 'replicator', 'rewind']);
  const seen = new Set<string>();
  (spec.postgres?.users ?? []).forEach((u, i) => {
    const path = `postgres.users[${i}].name`;
    if (reserved.has(u.name)) out.push({ severity: 'error', path, message: `${u.name} is reserved for Patroni: choose another name` });
    if (seen.has(u.name)) out.push({ severity: 'error', path, message: `duplicate user ${u.name}` });
    seen.add(u.name);
    const opts = new Set(u.options ?? []);
    if (opts.has('login') && opts.has('nologin')) {
      out.push({ severity: 'error', path: `postgres.users[${i}].options`, message: 'has both login and nologin: keep one' });
    }
  });
  (spec.postgres?.clientNetworks ?? []).forEach((c, i) => {
    const parsed = parseCidr(c);
    if ('error' in parsed) {
      out.push({ severity: 'error', path: `postgres.clientNetworks[${i}]`, message: `is not a valid subnet: ${parsed.error}` });
    }
  });
}

function checkAddresses(spec: Spec, cidr: Cidr, out: Diagnostic[]): void {
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

export interface ValidationResult {
  spec?: Spec;
  diagnostics: Diagnostic[];
}

/** Every problem of the spec, with its path; `spec` is set only when there is no error. */
export function validateSpec(raw: unknown): ValidationResult {
  if (!validateSchema(raw)) {
    return { diagnostics: sortDiagnostics((validateSchema.errors ?? []).map(schemaDiagnostic)) };
  }
  const spec = raw as unknown as Spec;
  const out: Diagnostic[] = [];
  const cidr = checkNetwork(spec, out);
  if (cidr) checkAddresses(spec, cidr, out);
  checkDuplicates(spec, out);
  checkTopology(spec, out);
  checkTimings(spec, out);
  checkPostgres(spec, out);
  const diagnostics = sortDiagnostics(out);
  return diagnostics.some((d) => d.severity === 'error') ? { diagnostics } : { spec, diagnostics };
}

function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds
    .filter((d) => {
      const k = `${d.severity}|${d.path}|${d.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.severity}: [${d.path || '(spec)'}] ${d.message}`;
}
