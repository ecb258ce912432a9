import type { ClusterModel } from '../model/model.js';
import { ASSET_DIR, BACKUP, PG_CLUSTER } from '../node/contract.js';

/** What the backup section adds to Patroni's configuration (render/patroni.ts); all empty without it. */
export interface PatroniBackup {
  /** archive_mode, archive_command (asynchronous archive-push), archive_timeout: in the DCS and locally. */
  parameters: Record<string, string | number>;
  /** postgresql.recovery_conf: every replica can fetch WAL from the repository, each fetch bounded in time. */
  recoveryConf: { recovery_conf?: { restore_command: string } };
  /** Replica methods tried before the clone from the leader, with their sections. */
  replicaMethods: string[];
  replicaSections: Record<string, { command: string }>;
  /** pgha restore: the custom bootstrap that restores the repository, instead of a new cluster. */
  bootstrapMethod?: string;
  bootstrapSections: Record<string, { command: string; keep_existing_recovery_conf: boolean }>;
}

/**
 * Archiving, replicas from the repository, and for pgha restore the custom bootstrap. Patroni passes every key
 * of a method's section that it does not know to the command as --key=value, so the sections hold only the
 * command (and for the bootstrap keep_existing_recovery_conf, which Patroni takes: pgBackRest's recovery
 * settings, with --target-action=promote, stay). The restore target is in the command line: Patroni 3.0 gives
 * a custom bootstrap no extra keys.
 *
 * A replica's restore_command is cut off after RESTORE_COMMAND_TIMEOUT_S: with the store down, one archive-get
 * waits for its asynchronous fetch (archive-timeout, 60 s) or tries the store four times (io-timeout 20 s), and
 * a starting standby asks the archive for a history file and each segment before it turns to streaming, so a
 * new replica streamed only after minutes. timeout's own exit status (124) is a plain failure for PostgreSQL,
 * which then reads pg_wal or streams; the fetch goes on in pgBackRest's asynchronous process, so the next call
 * finds the segment in the spool. A cluster restored by pgha restore keeps the unbounded command that
 * pgbackrest restore writes: there the archive is the only source of WAL.
 */
const RESTORE_COMMAND_TIMEOUT_S = 10;

export function patroniBackup(model: ClusterModel): PatroniBackup {
  const backup = model.backup;
  if (!backup) return { parameters: {}, recoveryConf: {}, replicaMethods: [], replicaSections: {}, bootstrapSections: {} };
  const pg = model.postgres.version;
  const pgbackrest = `pgbackrest --stanza=${backup.stanza}`;
  const args = `${pg} ${PG_CLUSTER} ${backup.stanza}`;
  return {
    parameters: { archive_mode: 'on', archive_command: `${pgbackrest} archive-push %p`, archive_timeout: backup.archiveTimeout },
    recoveryConf: { recovery_conf: { restore_command: `timeout ${RESTORE_COMMAND_TIMEOUT_S} ${pgbackrest} archive-get %f "%p"` } },
    replicaMethods: [BACKUP.replicaMethod],
    replicaSections: { [BACKUP.replicaMethod]: { command: `${ASSET_DIR}/pgha-restorereplica ${args}` } },
    ...(backup.restore ? { bootstrapMethod: BACKUP.restoreMethod } : {}),
    bootstrapSections: backup.restore
      ? { [BACKUP.restoreMethod]: { command: `${ASSET_DIR}/pgha-restorecluster ${args} '${backup.restore.to}'`, keep_existing_recovery_conf: true } }
      : {},
  };
}
