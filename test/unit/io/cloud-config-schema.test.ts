import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkCloudConfigs, cloudConfigValidator, findCloudConfigSchema } from '../../../src/io/cloud-config-schema.js';
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

test('checkCloudConfigs: problems per document; a text found valid before is not checked again, and then no check is loaded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgha-ccs-'));
  const xdg = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = dir;
  try {
    const schema = packagePath('test', 'fixtures', 'runcmd-string-schema.json');
    const good = { text: 'runcmd: ok\n', data: { runcmd: 'ok' } };
    const bad = { text: 'runcmd: [[a]]\n', data: { runcmd: [['a']] } };
    assert.equal(checkCloudConfigs(schema, [good, bad]), [[], ['/runcmd must be string']]);
    for (const f of readdirSync(join(dir, 'pgha')).filter((f) => f.endsWith('.cjs'))) rmSync(join(dir, 'pgha', f));
    assert.equal(checkCloudConfigs(schema, [good]), [[]]);
    assert.not.ok(readdirSync(join(dir, 'pgha')).some((f) => f.endsWith('.cjs')), 'no check compiled for a known text');
    assert.equal(checkCloudConfigs(schema, [bad]), [['/runcmd must be string']], 'an invalid text is never remembered');
    assert.equal(checkCloudConfigs(schema, [{ text: good.text, data: bad.data }]), [[]], 'the text is the key: its data is what it reads back as');
  } finally {
    if (xdg === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = xdg;
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
