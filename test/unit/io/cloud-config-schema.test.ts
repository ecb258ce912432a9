import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cloudConfigValidator, findCloudConfigSchema } from '../../../src/io/cloud-config-schema.js';
import { packagePath } from '../../../src/paths.js';
import { userErrorOf } from '../../helpers.js';

test('findCloudConfigSchema: the installed cloud-init\'s schema file, or nothing when cloud-init is not installed', () => {
  const found = findCloudConfigSchema();
  if (found !== undefined) {
    assert.match(found, /\/cloudinit\/config\/schemas\/schema-cloud-config-v1\.json$/);
    assert.ok(existsSync(found));
  }
});

test('the validator returns the problems of a cloud-config document, none when it conforms', () => {
  const check = cloudConfigValidator(packagePath('test', 'fixtures', 'runcmd-string-schema.json'));
  assert.equal(check({ runcmd: 'ok' }), []);
  assert.equal(check({ runcmd: [['a']] }), ['/runcmd must be string']);
  assert.equal(cloudConfigValidator(packagePath('test', 'fixtures', 'permissive-schema.json'))({ anything: 1 }), []);
});

test('a schema file that is not JSON is a user error naming it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgha-ccs-'));
  try {
    writeFileSync(join(dir, 's.json'), '{ not json');
    assert.match(userErrorOf(() => cloudConfigValidator(join(dir, 's.json'))).message, /s\.json is not a readable cloud-config schema/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a schema whose reference resolves to nothing is a user error naming it, not a crash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgha-ccs-'));
  try {
    writeFileSync(join(dir, 's.json'), JSON.stringify({ $schema: 'http://json-schema.org/draft-04/schema#', properties: { a: { $ref: '#/definitions/missing' } } }));
    assert.match(userErrorOf(() => cloudConfigValidator(join(dir, 's.json'))).message, /s\.json is not a usable cloud-config schema: can't resolve reference/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
