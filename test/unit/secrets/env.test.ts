import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { toYaml } from '../../../src/lib/yaml.js';
import { backupSecretEnvName, secretEnvName, secretsFromEnv, TLS_ENV } from '../../../src/secrets/env.js';
import { BACKUP_SECRET_FIELDS, FIXED_KEYS } from '../../../src/secrets/types.js';
import { TEST_SECRETS, userErrorOf } from '../../helpers.js';

test('each fixed secret has its variable; users and the tls section theirs', () => {
  assert.equal(FIXED_KEYS.map(secretEnvName), [
    'PGHA_SECRET_SUPERUSER_PASSWORD',
    'PGHA_SECRET_REPLICATION_PASSWORD',
    'PGHA_SECRET_REWIND_PASSWORD',
    'PGHA_SECRET_REST_API_PASSWORD',
    'PGHA_SECRET_KEEPALIVED_AUTH_PASS',
    'PGHA_SECRET_ETCD_INITIAL_CLUSTER_TOKEN',
  ]);
  assert.is(TLS_ENV, 'PGHA_SECRET_TLS');
  assert.equal(BACKUP_SECRET_FIELDS.map(backupSecretEnvName), ['PGHA_SECRET_BACKUP_S3_KEY', 'PGHA_SECRET_BACKUP_S3_KEY_SECRET', 'PGHA_SECRET_BACKUP_CIPHER_PASS']);
});

test('the backup repository\'s keys from variables, over the file\'s (an AWS secret holds / and +)', () => {
  const s = secretsFromEnv({ PGHA_SECRET_BACKUP_S3_KEY_SECRET: 'wJal/Rx+Y' }, { backup: { s3Key: 'AKIA1', s3KeySecret: 'old' } });
  assert.equal(s, { backup: { s3Key: 'AKIA1', s3KeySecret: 'wJal/Rx+Y' }, users: {} });
  const e = userErrorOf(() => secretsFromEnv({ PGHA_SECRET_BACKUP_S3_KEY: 'has space' }, undefined));
  assert.match(e.message, /backup\.s3Key must be printable ASCII without spaces/);
  assert.not.match(e.message, /has space/);
});

test('no PGHA_SECRET_* variable: the file\'s secrets, untouched', () => {
  const base = { superuserPassword: 'abc' };
  assert.is(secretsFromEnv({ PATH: '/bin' }, base), base);
  assert.is(secretsFromEnv({}, undefined), undefined);
});

test('variables over the file: fixed secrets, users (names lower-cased), the tls section as YAML', () => {
  const s = secretsFromEnv(
    { PGHA_SECRET_REWIND_PASSWORD: 'FromEnv', PGHA_SECRET_USER_APP: 'AppPass', [TLS_ENV]: toYaml(TEST_SECRETS.tls) },
    { rewindPassword: 'FromFile', superuserPassword: 'Kept', users: { admin: 'AdminPass' } },
  );
  assert.equal(s, { rewindPassword: 'FromEnv', superuserPassword: 'Kept', users: { admin: 'AdminPass', app: 'AppPass' }, tls: TEST_SECRETS.tls });
});

test('a bad variable names the variables, never the value', () => {
  assert.match(userErrorOf(() => secretsFromEnv({ [TLS_ENV]: '{ unclosed' }, undefined)).message, /^PGHA_SECRET_TLS is not YAML/);
  const e = userErrorOf(() => secretsFromEnv({ PGHA_SECRET_USER_APP: 'Two Words' }, undefined));
  assert.match(e.message, /^the PGHA_SECRET_\* environment variables: users\.app may hold only letters and digits/);
  assert.not.match(e.message, /Two Words/);
});

test.run();
