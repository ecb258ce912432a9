import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../../src/cli.js';
import { EXIT } from '../../src/errors.js';
import { pgha } from '../helpers.js';

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-cli-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

test('unknown commands and options are user errors pointing at --help; no command prints the help', async () => {
  const r = await pgha(['frobnicate'], dir);
  assert.is(r.code, EXIT.user);
  assert.match(r.stderr, /unknown command frobnicate: run pgha --help/);
  const opt = await pgha(['validate', '--frob'], dir);
  assert.is(opt.code, EXIT.user);
  const missing = await pgha(['replace'], dir);
  assert.is(missing.code, EXIT.user);
  assert.match(missing.stderr, /missing required args for command `replace <node> \[spec\]`: run pgha --help/);
  const none = await pgha([], dir);
  assert.is(none.code, EXIT.user);
  assert.match(none.stdout, /Usage:\n\s+\$ pgha <command> \[options\]/);
});

test('--version prints the package\'s version; --help lists every command', async () => {
  const v = await pgha(['--version'], dir);
  assert.is(v.code, EXIT.ok);
  assert.match(v.stdout, /^pgha\/0\.1\.0 /);
  const h = await pgha(['--help'], dir);
  for (const c of ['init', 'validate', 'render', 'replace', 'add', 'certs', 'bake']) assert.match(h.stdout, new RegExp(`\\n\\s+${c} `), c);
});

test('an error that is not the user\'s or a tool\'s is a bug: exit 1 with its stack', async () => {
  const err: string[] = [];
  const io = {
    out: () => {
      throw new Error('stdout closed');
    },
    err: (l: string) => err.push(l),
    env: {},
  };
  const code = await runCli(['node', 'pgha', 'validate'], io);
  assert.is(code, EXIT.bug);
  assert.match(err.join('\n'), /internal error \(a bug; please report it\):\n.*\n\s+at /);
});

test('option values reach the commands as typed: not turned into numbers, an empty one refused', async () => {
  const r = await pgha(['render', '--out', '07', '--secrets=0x10', '--no-iso', '--packer-compat', '1.6'], dir);
  assert.is(r.code, EXIT.ok, r.stderr);
  assert.ok(existsSync(join(dir, '07', 'nodes')) && existsSync(join(dir, '0x10')));
  const empty = await pgha(['render', '--out', 'out', '--secrets', '', '--no-iso'], dir);
  assert.is(empty.code, EXIT.user);
  assert.match(empty.stderr, /--secrets needs a value/);
  const twice = await pgha(['render', '--out', 'a', '--out', 'b', '--no-iso'], dir);
  assert.is(twice.code, EXIT.user);
  assert.match(twice.stderr, /--out needs a value, once/);
});

test.run();
