import { randomInt } from 'node:crypto';
import type { ClusterModel } from '../model/model.js';
import { completePki, type PkiOptions } from './pki.js';
import { FIXED_KEYS, FIXED_SECRETS, type BackupSecretField, type BackupSecrets, type Secrets } from './types.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random string from a CSPRNG over [A-Za-z0-9]: safe unquoted in every config format pgha writes. */
export function randomSecret(length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

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
      return [k, randomSecret(FIXED_SECRETS[k])];
    }),
  ) as Omit<Secrets, 'users' | 'backup' | 'tls'>;
  const users: Record<string, string> = { ...(existing?.users ?? {}) };
  for (const u of model.postgres.users) {
    if (!users[u.name]) {
      users[u.name] = randomSecret(32);
      changed = true;
    }
  }
  let backup: BackupSecrets | undefined = existing?.backup;
  if (model.backup?.encryption && !backup?.cipherPass) {
    backup = { ...backup, cipherPass: randomSecret(64) };
    changed = true;
  }
  const { pki, issued, warnings } = await completePki(model, existing?.tls, pkiOptions);
  return {
    secrets: { ...fixed, users: Object.fromEntries(Object.entries(users).sort(([a], [b]) => (a < b ? -1 : 1))), ...(backup ? { backup } : {}), tls: pki },
    changed: changed || issued.length > 0,
    issued,
    warnings,
  };
}

/** The backup secrets the model needs and the secrets lack: the access key id and secret, which only the user has. */
export function missingBackupSecrets(model: ClusterModel, secrets: Partial<Secrets>): BackupSecretField[] {
  if (!model.backup) return [];
  const needed: BackupSecretField[] = ['s3Key', 's3KeySecret', ...(model.backup.encryption ? (['cipherPass'] as const) : [])];
  return needed.filter((f) => !secrets.backup?.[f]);
}
