import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserError } from '../../src/errors.js';
import { OUTPUT_MARKER, writeOutput } from '../../src/output.js';

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-out-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

const files = [
  { path: 'nodes/a/user-data', content: 'secret\n', mode: 0o600 },
  { path: 'nodes/a/meta-data', content: 'm\n', mode: 0o644 },
];

test('writes files with their modes in private folders, and the marker', () => {
  writeOutput(join(dir, 'out'), files);
  assert.is(readFileSync(join(dir, 'out/nodes/a/user-data'), 'utf8'), 'secret\n');
  assert.is(statSync(join(dir, 'out/nodes/a/user-data')).mode & 0o777, 0o600);
  assert.is(statSync(join(dir, 'out/nodes/a/meta-data')).mode & 0o777, 0o644);
  assert.is(statSync(join(dir, 'out/nodes')).mode & 0o777, 0o700);
  assert.ok(existsSync(join(dir, 'out', OUTPUT_MARKER)));
});

test('a second write replaces the output whole: files no longer rendered disappear; no staging folder is left', () => {
  writeOutput(join(dir, 'out'), files);
  writeOutput(join(dir, 'out'), [{ path: 'nodes/b/user-data', content: 'x', mode: 0o600 }]);
  assert.equal(readdirSync(join(dir, 'out/nodes')), ['b']);
  assert.equal(readdirSync(dir), ['out']);
});

test('a failure before the swap leaves the old output untouched and no staging folder', () => {
  writeOutput(join(dir, 'out'), files);
  assert.throws(() =>
    writeOutput(join(dir, 'out'), [{ path: 'nodes/c/user-data', content: 'new', mode: 0o600 }], () => {
      throw new Error('secrets could not be saved');
    }),
  );
  assert.is(readFileSync(join(dir, 'out/nodes/a/user-data'), 'utf8'), 'secret\n');
  assert.equal(readdirSync(dir), ['out']);
});

test('refuses a non-empty folder without the marker, and a file, with a UserError', () => {
  mkdirSync(join(dir, 'mine'));
  writeFileSync(join(dir, 'mine', 'notes.txt'), 'x');
  assert.throws(() => writeOutput(join(dir, 'mine'), files), (e: unknown) => e instanceof UserError && /not written by pgha/.test(e.message));
  writeFileSync(join(dir, 'afile'), 'x');
  assert.throws(() => writeOutput(join(dir, 'afile'), files), (e: unknown) => e instanceof UserError && /not a folder/.test(e.message));
  assert.equal(readdirSync(join(dir, 'mine')), ['notes.txt']);
});

test('a render keeps the baked images of the previous output', () => {
  writeOutput(join(dir, 'out'), files);
  mkdirSync(join(dir, 'out', 'images', 'etcd'), { recursive: true });
  writeFileSync(join(dir, 'out', 'images', 'etcd', 'image.qcow2'), 'image');
  writeOutput(join(dir, 'out'), [{ path: 'nodes/b/user-data', content: 'x', mode: 0o600 }]);
  assert.is(readFileSync(join(dir, 'out', 'images', 'etcd', 'image.qcow2'), 'utf8'), 'image');
  assert.equal(readdirSync(join(dir, 'out', 'nodes')), ['b']);
  assert.equal(readdirSync(dir), ['out']);
});

test('an existing empty folder is accepted', () => {
  mkdirSync(join(dir, 'empty'));
  writeOutput(join(dir, 'empty'), files);
  assert.ok(existsSync(join(dir, 'empty/nodes/a/user-data')));
});

test.run();
