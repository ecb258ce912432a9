import { UserError } from '../errors.js';
import { pairProblem } from './pki.js';
import { BACKUP_SECRET_FIELDS, FIXED_KEYS, type Secrets } from './types.js';

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
// Secrets go unquoted into shell-sourced and other config files: letters and digits only.
const safe = (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9]+$/.test(v);

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

/**
 * The backup section: the store's access key id and secret are the user's (AWS secrets hold / and +), so any
 * printable ASCII without spaces, which pgBackRest's configuration file carries as written.
 */
function checkBackupSecrets(backup: unknown, where: string): void {
  if (!isMapping(backup)) throw new UserError(`${where}: backup must be a mapping (s3Key, s3KeySecret, cipherPass)`);
  for (const [field, v] of Object.entries(backup)) {
    if (!(BACKUP_SECRET_FIELDS as readonly string[]).includes(field)) throw new UserError(`${where}: backup.${field} is not a field pgha knows (${BACKUP_SECRET_FIELDS.join(', ')}): remove it or fix its spelling`);
    if (typeof v !== 'string' || !/^[\x21-\x7e]{1,1024}$/.test(v)) {
      throw new UserError(`${where}: backup.${field} must be printable ASCII without spaces (at most 1024 characters): fix it`);
    }
  }
}

/**
 * Checks the shape of secrets read from a file or the environment (`where` names it); the messages name
 * fields, never values.
 */
export function checkSecrets(data: unknown, where: string): Partial<Secrets> {
  if (!isMapping(data)) throw new UserError(`${where}: not a secrets file (expected a mapping): fix or remove it`);
  // another YAML file given as --secrets (or linked to) must not be taken for an empty one and overwritten
  const unknown = Object.keys(data).filter((k) => !(FIXED_KEYS as string[]).includes(k) && k !== 'users' && k !== 'backup' && k !== 'tls');
  if (unknown.length > 0) {
    throw new UserError(`${where}: not a pgha secrets file (it has ${unknown.slice(0, 3).join(', ')}, which pgha does not write): give the cluster's secrets file, or a path where none exists`);
  }
  for (const k of FIXED_KEYS) {
    if (data[k] !== undefined && typeof data[k] !== 'string') throw new UserError(`${where}: ${k} must be a string`);
    if (data[k] !== undefined && !safe(data[k])) throw new UserError(`${where}: ${k} may hold only letters and digits: change it, or delete it to have one generated`);
  }
  if (typeof data.keepalivedAuthPass === 'string' && data.keepalivedAuthPass.length > 8) {
    throw new UserError(`${where}: keepalivedAuthPass is longer than 8 characters, which Keepalived silently truncates: shorten it`);
  }
  if (data.users !== undefined) {
    if (!isMapping(data.users)) throw new UserError(`${where}: users must be a mapping of user name to password`);
    for (const [name, v] of Object.entries(data.users)) {
      if (typeof v !== 'string') throw new UserError(`${where}: users.${name} must be a string`);
      if (!safe(v)) throw new UserError(`${where}: users.${name} may hold only letters and digits: change it, or delete it to have one generated`);
    }
  }
  if (data.backup !== undefined) checkBackupSecrets(data.backup, where);
  if (data.tls !== undefined) checkTls(data.tls, where);
  return data as Partial<Secrets>;
}
