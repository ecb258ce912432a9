import { restoreTarget } from '../spec/check-backup.js';
import { DEFAULTS } from '../spec/field-defaults.js';
import type { Spec } from '../spec/types.js';

/** The backup section with its defaults applied: pgBackRest's repository, retention, timers and archiving. */
export interface BackupModel {
  /** pgBackRest's stanza: the cluster's name (Patroni's scope). */
  stanza: string;
  repository: {
    endpoint: string;
    port: number;
    address?: string;
    bucket: string;
    region: string;
    path: string;
    uriStyle: 'host' | 'path';
    /** PEM, ending in a newline. */
    caCertificate?: string;
  };
  retention: { full: number; diff: number };
  schedule: { full: string; diff: string };
  archiveTimeout: number;
  encryption: boolean;
  /** pgha restore: the first node bootstraps from the repository, to this target (`latest` or a time with zone). */
  restore?: { to: string };
}

/** The names the store answers to on the nodes: the endpoint, and with virtual-hosted requests BUCKET.ENDPOINT. */
export function storeHostNames(backup: BackupModel): string[] {
  const { endpoint, bucket, uriStyle } = backup.repository;
  return uriStyle === 'host' ? [endpoint, `${bucket}.${endpoint}`] : [endpoint];
}

export function buildBackup(spec: Spec): BackupModel | undefined {
  const b = spec.backup;
  if (!b) return undefined;
  const d = DEFAULTS.backup;
  const r = b.repository;
  const restore = b.restore && restoreTarget(b.restore.to);
  return {
    stanza: spec.cluster.name,
    repository: {
      endpoint: r.endpoint,
      port: r.port ?? d.port,
      ...(r.address ? { address: r.address } : {}),
      bucket: r.bucket,
      region: r.region,
      path: r.path ?? `/pgha/${spec.cluster.name}`,
      uriStyle: r.uriStyle ?? d.uriStyle,
      ...(r.caCertificate ? { caCertificate: `${r.caCertificate.trim().replace(/\r\n/g, '\n')}\n` } : {}),
    },
    retention: { ...d.retention, ...b.retention },
    schedule: { full: (b.schedule?.full ?? d.schedule.full).trim(), diff: (b.schedule?.diff ?? d.schedule.diff).trim() },
    archiveTimeout: b.archiveTimeout ?? d.archiveTimeout,
    encryption: b.encryption ?? d.encryption,
    ...(restore ? { restore: { to: restore } } : {}),
  };
}
