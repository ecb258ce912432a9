import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

test('every command\'s help says what it writes and its exit codes; --no-iso does not read as off by default', async () => {
  for (const c of ['init', 'validate', 'render', 'replace', 'add', 'certs', 'bake']) {
    const h = await pgha([c, '--help'], dir);
    assert.is(h.code, EXIT.ok);
    assert.match(h.stdout, /\nWrites:\n  \S/, c);
    assert.match(h.stdout, /\nExit codes:\n  0 +done.*\n  1 +a bug in pgha.*\n  2 +\S/, c);
    assert.match(h.stdout, /--json +Print one JSON document on stdout/, c);
    assert.not.match(h.stdout, /\(default: true\)/, c);
  }
  const render = (await pgha(['render', '--help'], dir)).stdout;
  assert.match(render, /--iso +Make each node's seed ISO, nodes\/<name>\/seed\.iso \(on unless --no-iso/);
  assert.match(render, /DIR\/packer\/ \(templates, scripts, VARIABLES\.md\)/);
  assert.match((await pgha(['bake', '--help'], dir)).stdout, /\n  130  interrupted \(Ctrl-C\)/);
  assert.match((await pgha(['--help'], dir)).stdout, /\nExit codes:\n(  .*\n){4}  130  interrupted/);
});

test('validate --json: one document on stdout, the errors still on stderr as text, exit 2; each diagnostic with its line', async () => {
  writeFileSync(join(dir, 'bad.yaml'), 'cluster: {name: c}\nnetwork: {cidr: 10.0.0.0/24, gateway: 10.0.0.1, vip: 10.0.0.1}\nnodes:\n  - {name: p1, role: postgres, ip: 10.0.0.5, color: red}\n');
  const r = await pgha(['validate', 'bad.yaml', '--json'], dir);
  assert.is(r.code, EXIT.user);
  assert.match(r.stderr, /^pgha: bad\.yaml: 1 problem\(s\) to fix\n  error: \[nodes\[0\]\.color\] is not a known field/);
  const doc = JSON.parse(r.stdout);
  assert.equal([doc.command, doc.ok, doc.exitCode], ['validate', false, 2]);
  assert.equal(doc.diagnostics, [
    { severity: 'error', path: 'nodes[0].color', message: 'is not a known field', hint: 'remove it or fix its spelling (see schema/pgha-spec.schema.json)', line: 4, column: 46 },
  ]);
  writeFileSync(join(dir, 'broken.yaml'), 'cluster: [\n');
  const broken = JSON.parse((await pgha(['validate', 'broken.yaml', '--json'], dir)).stdout);
  assert.ok(broken.diagnostics.length > 0 && broken.diagnostics.every((d: { path: string; line: number }) => d.path === '' && d.line > 0));
  const ok = await pgha(['validate', '--json'], dir);
  assert.is(ok.code, EXIT.ok);
  assert.equal(JSON.parse(ok.stdout), { command: 'validate', ok: true, spec: null, valid: true, nodes: { etcd: 3, postgres: 3 }, diagnostics: [] });
  const plain = await pgha(['render', '--json'], dir);
  assert.equal([plain.code, JSON.parse(plain.stdout).error], [EXIT.user, '--out DIR is missing: say where to write the seeds']);
});

test.run();
