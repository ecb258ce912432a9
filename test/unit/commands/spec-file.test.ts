import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bootHint, specFileFor, writeSpecFile } from '../../../src/commands/spec-file.js';
import { userErrorOf } from '../../helpers.js';

test('specFileFor: membership changes need the spec file they are recorded in', () => {
  assert.is(specFileFor('replace', 'c.yaml'), 'c.yaml');
  assert.match(userErrorOf(() => specFileFor('add', undefined)).message, /^pgha add records the change in the spec file/);
});

test('writeSpecFile: the new text replaces the file whole, with its mode, and no temporary file is left', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgha-specfile-'));
  try {
    writeFileSync(join(dir, 'c.yaml'), 'old\n', { mode: 0o640 });
    writeSpecFile(join(dir, 'c.yaml'), 'new\n');
    assert.is(readFileSync(join(dir, 'c.yaml'), 'utf8'), 'new\n');
    assert.is(statSync(join(dir, 'c.yaml')).mode & 0o777, 0o640);
    assert.equal(readdirSync(dir), ['c.yaml']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bootHint names the node\'s seed ISO and its launch script', () => {
  assert.is(bootHint('out', 'etcd2'), 'boot its new machine with out/nodes/etcd2/seed.iso (out/nodes/etcd2/virt-install.sh; --force replaces a dead VM of that name)');
});

test.run();
