import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import type { FileEntry } from '../lib/file.js';
import type { ClusterModel } from '../model/model.js';
import { CONFIG_PATHS, SERVICE_USER } from '../node/contract.js';

const ITERATIONS = 4096;

/**
 * A password as PostgreSQL stores it for scram-sha-256 (RFC 5802/7677): the node gets the verifier, never the
 * password. The salt is derived from the password and user name (HMAC), so that the same secrets render the
 * same bytes; it is unique per user and password, which is all a salt must be.
 */
export function scramVerifier(user: string, password: string): string {
  return scramVerifierWithSalt(password, createHmac('sha256', password).update(`pgha scram salt ${user}`).digest().subarray(0, 16));
}

/** The verifier for a given salt: SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey, as pg_authid holds it. */
export function scramVerifierWithSalt(password: string, salt: Buffer): string {
  const salted = pbkdf2Sync(password, salt, ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  return `SCRAM-SHA-256$${ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** A role name as an SQL identifier, and text as an SQL literal (the spec's names and options are plain words). */
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The spec's extra database users as idempotent SQL (created when missing, else altered to the spec), run by
 * pgha-postbootstrap from Patroni's post_bootstrap on the node that creates the cluster: Patroni 4 no longer
 * creates `bootstrap.users`. LOGIN unless the spec says NOLOGIN, as Patroni did; statements are not logged.
 */
export function renderUsersSql(model: ClusterModel, passwords: Record<string, string>): string {
  const lines = [`-- Written by pgha: the extra database users of cluster ${model.name} (passwords as SCRAM-SHA-256 verifiers).`, 'SET log_statement TO none;', 'SET log_min_duration_statement TO -1;'];
  for (const u of model.postgres.users) {
    const password = passwords[u.name];
    if (!password) throw new Error(`no password for user ${u.name}: completeSecrets makes one for every user`);
    const options = u.options.map((o) => o.toUpperCase());
    if (!options.includes('LOGIN') && !options.includes('NOLOGIN')) options.push('LOGIN');
    lines.push(
      `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${literal(u.name)}) THEN CREATE ROLE ${ident(u.name)}; END IF; END $$;`,
      `ALTER ROLE ${ident(u.name)} WITH ${options.join(' ')} PASSWORD ${literal(scramVerifier(u.name, password))};`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function usersSqlFile(model: ClusterModel, passwords: Record<string, string>): FileEntry {
  const user = SERVICE_USER.postgres;
  return { path: CONFIG_PATHS.usersSql, owner: `${user}:${user}`, mode: 0o600, content: renderUsersSql(model, passwords) };
}
