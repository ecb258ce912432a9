import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backupUnitFiles, backupUnitsToStart } from '../../../src/render/backup-units.js';
import { backupModel } from '../../helpers.js';

test('the job runs as postgres on every node; the timers fire it on the spec\'s schedule; the check runs at every boot', () => {
  const files = backupUnitFiles(backupModel((b) => (b.schedule = { full: 'Sat 03:00 UTC' })).backup!);
  const byName = Object.fromEntries(files.map((f) => [f.path.slice('/etc/systemd/system/'.length), f.content]));
  assert.equal(Object.keys(byName), ['pgha-backup@.service', 'pgha-backup-check.service', 'pgha-backup-full.timer', 'pgha-backup-diff.timer', 'pgha-backup-ensure.timer']);
  assert.ok(files.every((f) => f.owner === 'root:root' && f.mode === 0o644));
  assert.match(byName['pgha-backup@.service']!, /\nType=oneshot\nUser=postgres\nGroup=postgres\nExecStart=\/usr\/local\/lib\/pgha\/pgha-backup %i\n/);
  assert.not.match(byName['pgha-backup@.service']!, /\[Install\]/, 'started by its timers only');
  assert.match(byName['pgha-backup-check.service']!, /\nExecStart=\/usr\/local\/lib\/pgha\/pgha-backup check\n[\s\S]*WantedBy=multi-user\.target/);
  assert.not.match(byName['pgha-backup-check.service']!, /User=/, 'as root: it writes the status file');
  assert.match(byName['pgha-backup-full.timer']!, /\nOnCalendar=Sat 03:00 UTC\nPersistent=true\nUnit=pgha-backup@full\.service\n[\s\S]*WantedBy=timers\.target/);
  assert.match(byName['pgha-backup-diff.timer']!, /\nOnCalendar=Mon\.\.Sat \*-\*-\* 01:00:00\n[\s\S]*Unit=pgha-backup@diff\.service\n/);
  assert.match(byName['pgha-backup-ensure.timer']!, /\nOnBootSec=2min\nOnUnitInactiveSec=5min\nUnit=pgha-backup@ensure\.service\n/);
  assert.equal(backupUnitsToStart(), ['pgha-backup-full.timer', 'pgha-backup-diff.timer', 'pgha-backup-ensure.timer', 'pgha-backup-check.service']);
});

test.run();
