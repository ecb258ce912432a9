import { X509Certificate } from 'node:crypto';
import { calendarProblem } from '../lib/calendar.js';
import type { Diagnostic } from './diagnostic.js';
import type { Spec } from './types.js';

/** PostgreSQL parameters that the backup section sets: a value of the spec's own would break archiving. */
export const BACKUP_PARAMETERS = ['archive_mode', 'archive_command', 'archive_library', 'archive_timeout', 'restore_command'] as const;

const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const PEM = /^(-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*)+$/;
const TARGET = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)(Z|[+-]\d{2}(?::?\d{2})?)$/;

/**
 * A restore target as pgBackRest and PostgreSQL take it: `latest`, or a time with its zone in the form
 * `2026-12-02 01:06:42.478817+00` (an ISO 8601 `T` and `Z` are accepted). Undefined when it is neither, or
 * not a real date.
 */
export function restoreTarget(text: string): string | undefined {
  if (text === 'latest') return text;
  const m = TARGET.exec(text);
  if (!m) return undefined;
  const [, day, clock, zone] = m;
  const [y, mo, d] = day!.split('-').map(Number) as [number, number, number];
  const [h, mi, s] = clock!.split(':').map(Number) as [number, number, number];
  const real = new Date(Date.UTC(y, mo - 1, d));
  if (real.getUTCFullYear() !== y || real.getUTCMonth() !== mo - 1 || real.getUTCDate() !== d || h > 23 || mi > 59 || s >= 60) return undefined;
  const offset = zone === 'Z' ? '+00' : zone!.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
  return `${day} ${clock}${offset}`;
}

/** Why an endpoint is not a host name pgBackRest can reach and check (2.45 ignores IP addresses in certificates). */
function endpointProblem(endpoint: string): string | undefined {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(endpoint)) return 'holds a scheme: give the host name only (pgBackRest always speaks HTTPS to the store)';
  if (endpoint.includes('/')) return 'holds a path: give the host name only; the folder in the bucket is backup.repository.path';
  if (endpoint.includes(':')) return 'holds a port (or is an IPv6 address): give the host name only, and the port as backup.repository.port';
  if (/^\d+(\.\d+){3}$/.test(endpoint)) {
    return 'is an IP address, which pgBackRest 2.45 does not find in certificates: give a DNS name that the store\'s certificate carries, and the address as backup.repository.address';
  }
  if (endpoint.length > 253 || !endpoint.split('.').every((l) => LABEL.test(l))) return 'is not a host name (letters, digits, hyphens and dots)';
  return undefined;
}

function bucketProblem(bucket: string): string | undefined {
  if (bucket === '') return 'is empty: give the name of the bucket';
  if (bucket.includes('.')) return 'holds a dot, which pgBackRest refuses in bucket names: use a bucket without dots';
  if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket)) return 'is not an S3 bucket name: 3 to 63 lowercase letters, digits and hyphens';
  return undefined;
}

function certificateProblem(pem: string): string | undefined {
  if (!PEM.test(pem.trim())) return 'is not PEM text of certificates (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)';
  for (const block of pem.trim().split(/(?<=-----END CERTIFICATE-----)\s*/).filter(Boolean)) {
    try {
      new X509Certificate(block);
    } catch {
      return 'holds a block that is not a readable X.509 certificate';
    }
  }
  return undefined;
}

/** The backup section: what pgBackRest and systemd would refuse at the nodes' first boot, said at validation. */
export function checkBackup(spec: Spec, out: Diagnostic[]): void {
  const backup = spec.backup;
  if (!backup) return;
  const error = (path: string, message: string) => out.push({ severity: 'error', path, message });
  const { repository } = backup;
  const endpoint = endpointProblem(repository.endpoint);
  if (endpoint) error('backup.repository.endpoint', endpoint);
  const bucket = bucketProblem(repository.bucket);
  if (bucket) error('backup.repository.bucket', bucket);
  if (repository.caCertificate !== undefined) {
    const ca = certificateProblem(repository.caCertificate);
    if (ca) error('backup.repository.caCertificate', ca);
  }
  for (const kind of ['full', 'diff'] as const) {
    const expr = backup.schedule?.[kind];
    const problem = expr === undefined ? undefined : calendarProblem(expr);
    if (problem) error(`backup.schedule.${kind}`, `is not a systemd calendar event (OnCalendar): ${problem}; e.g. "Sun *-*-* 01:00:00" or "daily"`);
  }
  if (backup.restore && restoreTarget(backup.restore.to) === undefined) {
    error('backup.restore.to', 'is not a date that exists: give latest or a time with its zone, e.g. 2026-12-02 01:06:42+00');
  }
  for (const name of Object.keys(spec.postgres?.parameters ?? {})) {
    if ((BACKUP_PARAMETERS as readonly string[]).includes(name.toLowerCase())) {
      error(`postgres.parameters.${name}`, 'is set by pgha for the backup section (archive_timeout: backup.archiveTimeout): remove it');
    }
  }
}
