import YAML from 'yaml';
import { UserError } from '../errors.js';
import { checkSecrets } from './check.js';
import { BACKUP_SECRET_FIELDS, FIXED_KEYS, type BackupSecretField, type FixedSecret, type Secrets } from './types.js';

/** PGHA_SECRET_SUPERUSER_PASSWORD, ... and PGHA_SECRET_USER_<NAME> for the spec's users: the environment variable of each secret. */
export function secretEnvName(key: FixedSecret): string {
  return `PGHA_SECRET_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** PGHA_SECRET_BACKUP_S3_KEY, PGHA_SECRET_BACKUP_S3_KEY_SECRET, PGHA_SECRET_BACKUP_CIPHER_PASS: the backup section's secrets. */
export function backupSecretEnvName(field: BackupSecretField): string {
  return `PGHA_SECRET_BACKUP_${field.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
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
  const backup: Record<string, string> = {};
  for (const f of BACKUP_SECRET_FIELDS) {
    const v = env[backupSecretEnvName(f)];
    if (v !== undefined) backup[f] = v;
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
  if (Object.keys(fixed).length === 0 && Object.keys(users).length === 0 && Object.keys(backup).length === 0 && tls === undefined) return base;
  const merged = {
    ...base,
    ...fixed,
    users: { ...(base?.users ?? {}), ...users },
    ...(Object.keys(backup).length > 0 ? { backup: { ...base?.backup, ...backup } } : {}),
    ...(tls === undefined ? {} : { tls }),
  };
  return checkSecrets(merged, 'the PGHA_SECRET_* environment variables');
}
