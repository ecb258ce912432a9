/**
 * The command line as its own process (src/bin.ts through tsx, as `npm run pgha` runs dist/bin.js): exit
 * codes reach the shell, errors print without a stack, and tools are looked up on the process's PATH. The
 * commands themselves are tested in-process (test/unit/commands/).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runPgha } from '../helpers.js';

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-bin-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

test('a user error: exit 2 and its message, no stack trace', () => {
  const r = runPgha(['validate', 'missing.yaml'], dir);
  assert.is(r.status, 2);
  assert.match(r.stderr, /^pgha: missing\.yaml does not exist: give the path of a spec file, or run pgha init/);
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
});

test('render without an ISO tool on PATH: exit 3 naming xorriso, genisoimage and cloud-localds, and --no-iso; nothing written', () => {
  const r = runPgha(['render', '--out', 'out'], dir, { ...process.env, PATH: join(dir, 'empty-bin') });
  assert.is(r.status, 3, r.stderr);
  assert.match(r.stderr, /no ISO tool for the seed ISOs: install xorriso .*genisoimage.*cloud-localds.*--no-iso/);
  assert.not.ok(existsSync(join(dir, 'out')));
  assert.not.ok(existsSync(join(dir, 'out.secrets.yaml')));
});

test('bake without Packer, QEMU or an ISO tool: exit 3 and one line per missing program', () => {
  const r = runPgha(['bake', '--out', 'out'], dir, { ...process.env, PATH: join(dir, 'empty-bin') });
  assert.is(r.status, 3, r.stderr);
  assert.match(r.stderr, /packer not found: install Packer/);
  assert.match(r.stderr, /qemu-system-x86_64 not found: install QEMU/);
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
});

test('success: exit 0, output on stdout', () => {
  const r = runPgha(['validate'], dir);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'built-in default spec: valid (3 etcd, 3 postgres nodes)\n');
});

test.run();
