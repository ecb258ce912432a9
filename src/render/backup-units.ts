import type { FileEntry } from '../lib/file.js';
import type { BackupModel } from '../model/backup.js';
import { ASSET_DIR, BACKUP, SERVICE_USER, UNITS } from '../node/contract.js';

const unitPath = (name: string) => `/etc/systemd/system/${name}`;
const instance = (kind: string) => BACKUP.unit.replace('@', `@${kind}`);

/**
 * The backup job: one instance per kind (full, diff, ensure). Every postgres node runs it; pgha-backup asks
 * the node's Patroni whether it leads and does nothing elsewhere, so a failover moves the backups along with
 * the leader, with no SSH and no listening service.
 */
export function renderBackupUnit(): string {
  return [
    '# Written by pgha: a pgBackRest backup of kind %i (full, diff, ensure) when this node is the Patroni leader.',
    '[Unit]',
    'Description=pgha: pgBackRest %i backup if this node is the Patroni leader',
    `After=network-online.target ${UNITS.patroni}`,
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    `User=${SERVICE_USER.postgres}`,
    `Group=${SERVICE_USER.postgres}`,
    `ExecStart=${ASSET_DIR}/pgha-backup %i`,
    'TimeoutStartSec=infinity',
    'Nice=10',
    'IOSchedulingClass=best-effort',
    'IOSchedulingPriority=7',
    '',
  ].join('\n');
}

/** At every boot: the repository's state into the status file and the journal; it never fails the boot. */
export function renderCheckUnit(): string {
  return [
    '# Written by pgha: reports whether the backup repository is usable; never blocks or fails a boot.',
    '[Unit]',
    'Description=pgha: backup repository check',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    `ExecStart=${ASSET_DIR}/pgha-backup check`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/** A timer of the backup job: `when` is OnCalendar (validated) or monotonic settings. */
export function renderTimer(description: string, kind: string, when: string[]): string {
  return [
    `# Written by pgha: ${description}.`,
    '[Unit]',
    `Description=pgha: ${description}`,
    '',
    '[Timer]',
    ...when,
    `Unit=${instance(kind)}`,
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
}

/**
 * The job's unit, the check and three timers: full and differential on the spec's schedule (Persistent: a
 * run missed while the machine was off happens at boot), and `ensure` every few minutes, which creates the
 * stanza and takes a first full backup whenever the repository has none (a store that was down at the first
 * boot, a failover before the first backup).
 */
export function backupUnitFiles(backup: BackupModel): FileEntry[] {
  const file = (name: string, content: string): FileEntry => ({ path: unitPath(name), owner: 'root:root', mode: 0o644, content });
  return [
    file(BACKUP.unit, renderBackupUnit()),
    file(BACKUP.checkUnit, renderCheckUnit()),
    file(BACKUP.timers.full, renderTimer('full pgBackRest backup (on the leader)', 'full', [`OnCalendar=${backup.schedule.full}`, 'Persistent=true'])),
    file(BACKUP.timers.diff, renderTimer('differential pgBackRest backup (on the leader)', 'diff', [`OnCalendar=${backup.schedule.diff}`, 'Persistent=true'])),
    file(BACKUP.timers.ensure, renderTimer('stanza and a first full backup when the repository has none (on the leader)', 'ensure', ['OnBootSec=2min', 'OnUnitInactiveSec=5min'])),
  ];
}

/** What the first boot starts (and enables) on a postgres node with the backup section. */
export function backupUnitsToStart(): string[] {
  return [BACKUP.timers.full, BACKUP.timers.diff, BACKUP.timers.ensure, BACKUP.checkUnit];
}
