import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { patroniBackup } from '../../../src/render/backup-patroni.js';
import { renderPatroniConfig } from '../../../src/render/patroni.js';
import { postgresNodeSecrets } from '../../../src/secrets/node-view.js';
import { backupModel, defaultModel, modelOf, BACKUP_SPEC, TEST_SECRETS } from '../../helpers.js';

const patroni = (m: ReturnType<typeof defaultModel>) => {
  const node = m.postgresNodes[0]!;
  return YAML.parse(renderPatroniConfig(m, node, postgresNodeSecrets(TEST_SECRETS, node)), { version: '1.1' }) as Record<string, any>;
};

test('without the backup section Patroni\'s configuration has nothing of it', () => {
  assert.equal(patroniBackup(defaultModel()), { parameters: {}, recoveryConf: {}, replicaMethods: [], replicaSections: {}, bootstrapSections: {} });
  const c = patroni(defaultModel());
  assert.equal(c.postgresql.create_replica_methods, ['pgha_clonecluster']);
  assert.not.ok('archive_mode' in c.postgresql.parameters || 'recovery_conf' in c.postgresql);
});

test('archiving through asynchronous archive-push (in the DCS and locally), restore_command for replicas, replicas from the repository before the clone', () => {
  const c = patroni(backupModel());
  const archive = { archive_mode: 'on', archive_command: 'pgbackrest --stanza=16-main archive-push %p', archive_timeout: 10 };
  for (const params of [c.bootstrap.dcs.postgresql.parameters, c.postgresql.parameters]) assert.equal({ archive_mode: params.archive_mode, archive_command: params.archive_command, archive_timeout: params.archive_timeout }, archive);
  assert.equal(c.postgresql.recovery_conf, { restore_command: 'timeout 10 pgbackrest --stanza=16-main archive-get %f "%p"' });
  assert.equal(c.postgresql.create_replica_methods, ['pgbackrest', 'pgha_clonecluster']);
  assert.equal(c.postgresql.pgbackrest, { command: '/usr/local/lib/pgha/pgha-restorereplica 16 main 16-main' }, 'only the command: Patroni passes other keys as --key=value');
  assert.is(c.bootstrap.method, 'pgha_createcluster', 'a new cluster is a new cluster');
  assert.not.ok('pgha_restore' in c.bootstrap);
});

test('pgha restore: the custom bootstrap restores to the target, keeping pgBackRest\'s recovery settings (promote at the target)', () => {
  const c = patroni(modelOf((s) => (s.backup = { ...structuredClone(BACKUP_SPEC), restore: { to: '2026-12-02T01:06:42.5Z' } })));
  assert.is(c.bootstrap.method, 'pgha_restore');
  assert.equal(c.bootstrap.pgha_restore, { command: "/usr/local/lib/pgha/pgha-restorecluster 16 main 16-main '2026-12-02 01:06:42.5+00'", keep_existing_recovery_conf: true });
  assert.is(c.bootstrap.post_bootstrap, '/usr/local/lib/pgha/pgha-postbootstrap', 'which starts the first full backup on the new timeline');
  const latest = patroni(modelOf((s) => (s.backup = { ...structuredClone(BACKUP_SPEC), restore: { to: 'latest' } })));
  assert.is(latest.bootstrap.pgha_restore.command, "/usr/local/lib/pgha/pgha-restorecluster 16 main 16-main 'latest'");
});

test.run();
