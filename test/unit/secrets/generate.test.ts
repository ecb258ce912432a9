import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildModel } from '../../../src/model/model.js';
import { completeSecrets, missingBackupSecrets, randomSecret } from '../../../src/secrets/generate.js';
import type { Secrets } from '../../../src/secrets/types.js';
import { BUILT_IN_SPEC } from '../../../src/spec/built-in.js';
import { backupModel, FLAVORS, TEST_NOW } from '../../helpers.js';

const ALNUM = /^[A-Za-z0-9]+$/;
const FIXED = ['superuserPassword', 'replicationPassword', 'rewindPassword', 'restApiPassword', 'keepalivedAuthPass', 'etcdInitialClusterToken'] as const;

const model = buildModel(BUILT_IN_SPEC, FLAVORS);
const OPTS = { now: TEST_NOW, lifetimes: model.tls };

test('randomSecret has the requested length over [A-Za-z0-9]', () => {
  for (const n of [1, 8, 32, 200]) {
    const s = randomSecret(n);
    assert.is(s.length, n);
    assert.match(s, ALNUM);
  }
  assert.is(randomSecret(0), '');
});

test('randomSecret differs between calls', () => {
  assert.is.not(randomSecret(32), randomSecret(32));
});

test('completeSecrets without existing secrets generates all of them', async () => {
  const { secrets, changed } = await completeSecrets(model, undefined, OPTS);
  assert.is(changed, true);
  for (const k of FIXED) assert.match(secrets[k], ALNUM, k);
  assert.is(secrets.keepalivedAuthPass.length, 8);
  assert.is(secrets.superuserPassword.length, 32);
  assert.equal(
    Object.keys(secrets.users),
    model.postgres.users.map((u) => u.name),
  );
  assert.ok(model.postgres.users.length > 0, 'the default spec has an extra user');
  for (const u of model.postgres.users) assert.match(secrets.users[u.name] ?? '', /^[A-Za-z0-9]{32}$/);
  assert.is(new Set([...FIXED.map((k) => secrets[k]), ...Object.values(secrets.users)]).size, FIXED.length + model.postgres.users.length);
});

test('completeSecrets keeps a complete set unchanged', async () => {
  const first = (await completeSecrets(model, undefined, OPTS)).secrets;
  const again = await completeSecrets(model, structuredClone(first), OPTS);
  assert.is(again.changed, false);
  assert.equal(again.secrets, first);
});

test('completeSecrets generates only a missing fixed secret', async () => {
  const first = (await completeSecrets(model, undefined, OPTS)).secrets;
  const partial: Partial<Secrets> = structuredClone(first);
  delete partial.restApiPassword;
  const { secrets, changed } = await completeSecrets(model, partial, OPTS);
  assert.is(changed, true);
  assert.is.not(secrets.restApiPassword, first.restApiPassword);
  assert.is(secrets.restApiPassword.length, 32);
  assert.equal({ ...secrets, restApiPassword: first.restApiPassword }, first);
});

test('completeSecrets generates a password only for a new user', async () => {
  const first = (await completeSecrets(model, undefined, OPTS)).secrets;
  const spec = structuredClone(BUILT_IN_SPEC);
  spec.postgres!.users!.push({ name: 'app' });
  const { secrets, changed } = await completeSecrets(buildModel(spec, FLAVORS), structuredClone(first), OPTS);
  assert.is(changed, true);
  assert.match(secrets.users.app ?? '', /^[A-Za-z0-9]{32}$/);
  const { app: _app, ...others } = secrets.users;
  assert.equal({ ...secrets, users: others }, first);
});

test('with backup encryption a cipher pass is generated once and kept; the access keys are only ever the user\'s', async () => {
  const m = backupModel();
  const first = await completeSecrets(m, undefined, OPTS);
  assert.match(first.secrets.backup?.cipherPass ?? '', /^[A-Za-z0-9]{64}$/);
  assert.equal(missingBackupSecrets(m, first.secrets), ['s3Key', 's3KeySecret'], 'pgha cannot make them: the render is refused');
  const given = structuredClone(first.secrets);
  given.backup = { ...given.backup, s3Key: 'k', s3KeySecret: 's' };
  const again = await completeSecrets(m, given, OPTS);
  assert.equal([again.changed, again.secrets.backup], [false, given.backup]);
  assert.equal(missingBackupSecrets(m, again.secrets), []);
  assert.is((await completeSecrets(backupModel((b) => (b.encryption = false)), undefined, OPTS)).secrets.backup, undefined, 'no cipher pass without encryption');
  assert.equal(missingBackupSecrets(model, {}), [], 'nothing is needed without the backup section');
});

test.run();
