import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserError } from '../../../src/errors.js';
import { OUTPUT_MARKER, writeOutput } from '../../../src/io/output.js';

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-out-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

async function rejects(p: Promise<unknown>, message: RegExp, type: new (...a: never[]) => Error = Error): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, type);
    assert.match((e as Error).message, message);
    return;
  }
  assert.unreachable('expected a rejection');
}

const files = [
  { path: 'nodes/a/user-data', content: 'secret\n', mode: 0o600 },
  { path: 'nodes/a/meta-data', content: 'm\n', mode: 0o644 },
];

test('writes files with their modes in private folders, and the marker', async () => {
  await writeOutput(join(dir, 'out'), files);
  assert.is(readFileSync(join(dir, 'out/nodes/a/user-data'), 'utf8'), 'secret\n');
  assert.is(statSync(join(dir, 'out/nodes/a/user-data')).mode & 0o777, 0o600);
  assert.is(statSync(join(dir, 'out/nodes/a/meta-data')).mode & 0o777, 0o644);
  assert.is(statSync(join(dir, 'out/nodes')).mode & 0o777, 0o700);
  assert.ok(existsSync(join(dir, 'out', OUTPUT_MARKER)));
});

test('a second write replaces the output whole: files no longer rendered disappear; no staging folder is left', async () => {
  await writeOutput(join(dir, 'out'), files);
  await writeOutput(join(dir, 'out'), [{ path: 'nodes/b/user-data', content: 'x', mode: 0o600 }]);
  assert.equal(readdirSync(join(dir, 'out/nodes')), ['b']);
  assert.equal(readdirSync(dir), ['out']);
});

test('a failure before the swap leaves the old output untouched and no staging folder', async () => {
  await writeOutput(join(dir, 'out'), files);
  await rejects(
    writeOutput(join(dir, 'out'), [{ path: 'nodes/c/user-data', content: 'new', mode: 0o600 }], {
      beforeSwap: () => {
        throw new Error('secrets could not be saved');
      },
    }),
    /secrets could not be saved/,
  );
  assert.is(readFileSync(join(dir, 'out/nodes/a/user-data'), 'utf8'), 'secret\n');
  assert.equal(readdirSync(dir), ['out']);
});

test('refuses a non-empty folder without the marker, and a file, with a UserError', async () => {
  mkdirSync(join(dir, 'mine'));
  writeFileSync(join(dir, 'mine', 'notes.txt'), 'x');
  await rejects(writeOutput(join(dir, 'mine'), files), /not written by pgha/, UserError);
  writeFileSync(join(dir, 'afile'), 'x');
  await rejects(writeOutput(join(dir, 'afile'), files), /not a folder/, UserError);
  assert.equal(readdirSync(join(dir, 'mine')), ['notes.txt']);
});

test('a render keeps the baked images of the previous output', async () => {
  await writeOutput(join(dir, 'out'), files);
  mkdirSync(join(dir, 'out', 'images', 'etcd'), { recursive: true });
  writeFileSync(join(dir, 'out', 'images', 'etcd', 'image.qcow2'), 'image');
  await writeOutput(join(dir, 'out'), [{ path: 'nodes/b/user-data', content: 'x', mode: 0o600 }]);
  assert.is(readFileSync(join(dir, 'out', 'images', 'etcd', 'image.qcow2'), 'utf8'), 'image');
  assert.equal(readdirSync(join(dir, 'out', 'nodes')), ['b']);
  assert.equal(readdirSync(dir), ['out']);
});

test('afterWrite sees the complete staging folder and may add files', async () => {
  await writeOutput(join(dir, 'out'), files, {
    afterWrite: async (staging) => writeFileSync(join(staging, 'nodes', 'a', 'seed.iso'), readFileSync(join(staging, 'nodes', 'a', 'user-data'))),
  });
  assert.is(readFileSync(join(dir, 'out/nodes/a/seed.iso'), 'utf8'), 'secret\n');
});

test('a folder holding only images/ (pgha bake ran first) is accepted, and its images kept', async () => {
  mkdirSync(join(dir, 'out', 'images'), { recursive: true });
  writeFileSync(join(dir, 'out', 'images', 'manifest.json'), '{}');
  await writeOutput(join(dir, 'out'), files);
  assert.is(readFileSync(join(dir, 'out', 'images', 'manifest.json'), 'utf8'), '{}');
  assert.ok(existsSync(join(dir, 'out', OUTPUT_MARKER)));
});

test('an existing empty folder is accepted', async () => {
  mkdirSync(join(dir, 'empty'));
  await writeOutput(join(dir, 'empty'), files);
  assert.ok(existsSync(join(dir, 'empty/nodes/a/user-data')));
});

test.run();
