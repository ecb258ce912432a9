import { randomInt } from 'node:crypto';
import { closeSync, constants, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import YAML from 'yaml';
import { UserError } from './errors.js';
import type { ClusterModel } from './model.js';
import { completePki, pairProblem, type ClusterPki, type PkiOptions } from './pki.js';
import { toYaml } from './yaml.js';

/** Every secret of a cluster. Kept in its own file (mode 0600), never in templates, images or logs. */
export interface Secrets {
  superuserPassword: string;
  replicationPassword: string;
  rewindPassword: string;
  restApiPassword: string;
  /** Keepalived silently truncates PASS authentication to 8 characters, so it has exactly 8. */
  keepalivedAuthPass: string;
  etcdInitialClusterToken: string;
  /** Passwords of the spec's extra database users, by user name. */
  users: Record<string, string>;
  /** The cluster CA, its key, and the certificates it issued. */
  tls: ClusterPki;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random string from a CSPRNG over [A-Za-z0-9]: safe unquoted in every config format pgha writes. */
export function randomSecret(length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

const FIXED_KEYS = [
  'superuserPassword',
  'replicationPassword',
  'rewindPassword',
  'restApiPassword',
  'keepalivedAuthPass',
  'etcdInitialClusterToken',
] as const;

const LENGTHS: Record<(typeof FIXED_KEYS)[number], number> = {
  superuserPassword: 32,
  replicationPassword: 32,
  rewindPassword: 32,
  restApiPassword: 32,
  keepalivedAuthPass: 8,
  etcdInitialClusterToken: 24,
};

export interface CompletedSecrets {
  secrets: Secrets;
  changed: boolean;
  /** Certificates issued by this call (names only). */
  issued: string[];
  warnings: string[];
}

/**
 * Keeps every secret already present and generates only the missing ones; certificates are issued for new
 * nodes, nodes whose names or addresses changed, or all of them on renew (see completePki).
 */
export async function completeSecrets(model: ClusterModel, existing: Partial<Secrets> | undefined, pkiOptions: PkiOptions): Promise<CompletedSecrets> {
  let changed = existing === undefined;
  const fixed = Object.fromEntries(
    FIXED_KEYS.map((k) => {
      const v = existing?.[k];
      if (typeof v === 'string' && v.length > 0) return [k, v];
      changed = true;
      return [k, randomSecret(LENGTHS[k])];
    }),
  ) as Omit<Secrets, 'users' | 'tls'>;
  const users: Record<string, string> = { ...(existing?.users ?? {}) };
  for (const u of model.postgres.users) {
    if (!users[u.name]) {
      users[u.name] = randomSecret(32);
      changed = true;
    }
  }
  const { pki, issued, warnings } = await completePki(model, existing?.tls, pkiOptions);
  return {
    secrets: { ...fixed, users: Object.fromEntries(Object.entries(users).sort(([a], [b]) => (a < b ? -1 : 1))), tls: pki },
    changed: changed || issued.length > 0,
    issued,
    warnings,
  };
}

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The tls section: PEM certificates with their keys; messages name fields, never values. */
function checkTls(tls: unknown, where: string): void {
  if (!isMapping(tls)) throw new UserError(`${where}: tls must be a mapping (ca, admin, nodes): fix it, or delete it to have new certificates issued`);
  const pair = (v: unknown, field: string) => {
    if (!isMapping(v) || typeof v.cert !== 'string' || typeof v.key !== 'string') {
      throw new UserError(`${where}: ${field} must have cert and key (PEM text): fix it, or delete it to have it issued again`);
    }
    const problem = pairProblem({ cert: v.cert, key: v.key });
    if (problem) throw new UserError(`${where}: ${field}.${problem}: fix it, or delete it to have it issued again`);
  };
  if (tls.ca !== undefined) pair(tls.ca, 'tls.ca');
  if (tls.admin !== undefined) pair(tls.admin, 'tls.admin');
  if (tls.nodes !== undefined) {
    if (!isMapping(tls.nodes)) throw new UserError(`${where}: tls.nodes must be a mapping of node name to cert and key`);
    for (const [name, v] of Object.entries(tls.nodes)) pair(v, `tls.nodes.${name}`);
  }
  if (tls.ca === undefined && (tls.admin !== undefined || (isMapping(tls.nodes) && Object.keys(tls.nodes).length > 0))) {
    throw new UserError(`${where}: tls has certificates but no ca: restore tls.ca, or delete tls to issue a new CA and certificates`);
  }
}

/** Checks the shape of a parsed secrets file; the messages name fields, never values. */
function parseSecrets(text: string, path: string): Partial<Secrets> {
  let data: unknown;
  try {
    data = YAML.parse(text, { version: '1.1' });
  } catch {
    throw new UserError(`${path}: not a readable secrets file (YAML syntax error): fix or remove it`);
  }
  if (!isMapping(data)) throw new UserError(`${path}: not a secrets file (expected a mapping): fix or remove it`);
  const rec = data;
  // Secrets go unquoted into shell-sourced and other config files: letters and digits only.
  const safe = (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9]+$/.test(v);
  for (const k of FIXED_KEYS) {
    if (rec[k] !== undefined && typeof rec[k] !== 'string') throw new UserError(`${path}: ${k} must be a string`);
    if (rec[k] !== undefined && !safe(rec[k])) throw new UserError(`${path}: ${k} may hold only letters and digits: change it, or delete it to have one generated`);
  }
  if (typeof rec.keepalivedAuthPass === 'string' && rec.keepalivedAuthPass.length > 8) {
    throw new UserError(`${path}: keepalivedAuthPass is longer than 8 characters, which Keepalived silently truncates: shorten it`);
  }
  if (rec.users !== undefined) {
    if (!isMapping(rec.users)) throw new UserError(`${path}: users must be a mapping of user name to password`);
    for (const [name, v] of Object.entries(rec.users)) {
      if (typeof v !== 'string') throw new UserError(`${path}: users.${name} must be a string`);
      if (!safe(v)) throw new UserError(`${path}: users.${name} may hold only letters and digits: change it, or delete it to have one generated`);
    }
  }
  if (rec.tls !== undefined) checkTls(rec.tls, path);
  return rec as Partial<Secrets>;
}

export function secretsToYaml(s: Secrets, clusterName: string): string {
  return `# pgha secrets of cluster ${clusterName}. Keep this file private (mode 0600) and out of version control.\n${toYaml(s)}`;
}

export interface LoadedSecrets {
  secrets: Partial<Secrets> | undefined;
  /** A warning to print when the file is readable by others. */
  warning?: string;
}

export function readSecretsFile(path: string): LoadedSecrets {
  if (!existsSync(path)) {
    if (!existsSync(dirname(path))) throw new UserError(`${path}: its folder does not exist: create it, or choose another --secrets`);
    return { secrets: undefined };
  }
  const st = statSync(path);
  if (!st.isFile()) throw new UserError(`${path} is not a file: choose another --secrets`);
  const mode = st.mode & 0o777;
  const warning =
    mode & 0o077 ? `${path} has mode ${mode.toString(8).padStart(4, '0')}: others can read the cluster's secrets; run chmod 600 ${path}` : undefined;
  return { secrets: parseSecrets(readFileSync(path, 'utf8'), path), ...(warning ? { warning } : {}) };
}

/** Writes the secrets file atomically with mode 0600 from its creation on. */
export function writeSecretsFile(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/** PGHA_SECRET_SUPERUSER_PASSWORD, ... and PGHA_SECRET_USER_<NAME> for the spec's users: the environment variable of each secret. */
export function secretEnvName(key: (typeof FIXED_KEYS)[number]): string {
  return `PGHA_SECRET_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** The tls section of a secrets file (CA, admin and node certificates with their keys), as YAML. */
export const TLS_ENV = 'PGHA_SECRET_TLS';

/**
 * Secrets given in the environment (for CI), over those of the secrets file. When the environment holds them
 * all, nothing is generated and no secrets file is written. Checked like the file's; messages name variables,
 * never values.
 */
export function secretsFromEnv(env: NodeJS.ProcessEnv, base: Partial<Secrets> | undefined): Partial<Secrets> | undefined {
  const fixed: Record<string, string> = {};
  for (const k of FIXED_KEYS) {
    const v = env[secretEnvName(k)];
    if (v !== undefined) fixed[k] = v;
  }
  const users: Record<string, string> = {};
  for (const [name, v] of Object.entries(env)) {
    const m = /^PGHA_SECRET_USER_(.+)$/.exec(name);
    if (m && v !== undefined) users[m[1]!.toLowerCase()] = v;
  }
  let tls: unknown;
  const tlsText = env[TLS_ENV];
  if (tlsText !== undefined) {
    try {
      tls = YAML.parse(tlsText, { version: '1.1' });
    } catch {
      throw new UserError(`${TLS_ENV} is not YAML: give it the tls section of a secrets file`);
    }
  }
  if (Object.keys(fixed).length === 0 && Object.keys(users).length === 0 && tls === undefined) return base;
  const merged = { ...base, ...fixed, users: { ...(base?.users ?? {}), ...users }, ...(tls === undefined ? {} : { tls }) };
  return parseSecrets(YAML.stringify(merged), 'the PGHA_SECRET_* environment variables');
}
