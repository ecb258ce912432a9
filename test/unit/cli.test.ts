import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { packagePath } from '../../src/paths.js';
import { DEFAULT_SPEC } from '../../src/spec/default.js';
import { toYaml } from '../../src/yaml.js';
import { runPgha } from '../helpers.js';

function pgha(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const r = runPgha(args, cwd, env);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else out[`${prefix}${e.name}`] = readFileSync(join(d, e.name), 'utf8');
    }
  };
  walk(dir, '');
  return out;
}

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-cli-'));
});
test.after.each(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('render with no spec writes the default cluster and a 0600 secrets file beside the output', () => {
  const r = pgha(['render', '--out', 'out', '--no-iso', '--cloud-init-schema', packagePath('test', 'fixtures', 'permissive-schema.json')], dir);
  assert.is(r.code, 0, r.stderr);
  const files = Object.keys(tree(join(dir, 'out'))).sort();
  assert.is(files.filter((f) => /^nodes\/[^/]+\/(user-data|meta-data|network-config)$/.test(f)).length, 18);
  assert.is(files.filter((f) => /^nodes\/[^/]+\/virt-install\.sh$/.test(f)).length, 6);
  assert.ok(files.includes('launch/network.xml') && files.includes('packer/etcd.pkr.json'));
  assert.is(statSync(join(dir, 'out.secrets.yaml')).mode & 0o777, 0o600);
  assert.is(statSync(join(dir, 'out', 'nodes', 'patroni1', 'user-data')).mode & 0o777, 0o600);
  const secrets = YAML.parse(readFileSync(join(dir, 'out.secrets.yaml'), 'utf8'));
  for (const v of [secrets.superuserPassword, secrets.keepalivedAuthPass, secrets.users.admin]) {
    assert.not.ok(r.stdout.includes(v) || r.stderr.includes(v), 'a secret was printed');
  }
});

test('re-rendering reuses the secrets and gives byte-identical files', () => {
  const schema = ['--no-iso', '--cloud-init-schema', packagePath('test', 'fixtures', 'permissive-schema.json')];
  assert.is(pgha(['render', '--out', 'out', ...schema], dir).code, 0);
  const first = tree(join(dir, 'out'));
  const r = pgha(['render', '--out', 'out', ...schema], dir);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /reused secrets/);
  assert.equal(tree(join(dir, 'out')), first);
});

test('a bad spec: exit 2, every problem with its spec path, nothing written', () => {
  const spec = structuredClone(DEFAULT_SPEC);
  spec.nodes[1]!.ip = '10.0.0.5';
  spec.nodes[4]!.name = 'patroni1';
  spec.patroni = { ttl: 10, loopWait: 10, retryTimeout: 10 };
  writeFileSync(join(dir, 'bad.yaml'), toYaml(spec));
  const r = pgha(['render', 'bad.yaml', '--out', 'out'], dir);
  assert.is(r.code, 2);
  assert.match(r.stderr, /\[nodes\[1\]\.ip\] address 10\.0\.0\.5 is outside network\.cidr/);
  assert.match(r.stderr, /\[nodes\[4\]\.name\] duplicate name patroni1/);
  assert.match(r.stderr, /\[patroni\] loopWait \+ 2 \* retryTimeout = 30 exceeds ttl 10/);
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
  assert.not.ok(existsSync(join(dir, 'out')));
  assert.not.ok(existsSync(join(dir, 'bad.secrets.yaml')));
});

test('YAML errors and unknown fields are user errors (exit 2) with line or path', () => {
  writeFileSync(join(dir, 'dup.yaml'), 'cluster: {name: a}\ncluster: {name: b}\n');
  const r1 = pgha(['validate', 'dup.yaml'], dir);
  assert.is(r1.code, 2);
  assert.match(r1.stderr, /dup\.yaml:2:1/);
  writeFileSync(join(dir, 'typo.yaml'), toYaml({ ...structuredClone(DEFAULT_SPEC), clustr: {} }));
  const r2 = pgha(['validate', 'typo.yaml'], dir);
  assert.is(r2.code, 2);
  assert.match(r2.stderr, /\[clustr\] is not a known field/);
  const r3 = pgha(['validate', 'missing.yaml'], dir);
  assert.is(r3.code, 2);
  assert.match(r3.stderr, /pgha init/);
});

test('render refuses to replace a folder that pgha did not write, and leaves it alone', () => {
  mkdirSync(join(dir, 'home'));
  writeFileSync(join(dir, 'home', 'precious.txt'), 'keep me');
  const r = pgha(['render', '--out', 'home', '--no-iso'], dir);
  assert.is(r.code, 2);
  assert.match(r.stderr, /was not written by pgha/);
  assert.equal(readdirSync(join(dir, 'home')), ['precious.txt']);
});

test('a secrets file readable by others gets a warning naming the fix, not the values', () => {
  const schema = ['--no-iso', '--cloud-init-schema', packagePath('test', 'fixtures', 'permissive-schema.json')];
  assert.is(pgha(['render', '--out', 'out', ...schema], dir).code, 0);
  chmodSync(join(dir, 'out.secrets.yaml'), 0o644);
  const r = pgha(['render', '--out', 'out', ...schema], dir);
  assert.is(r.code, 0);
  assert.match(r.stderr, /chmod 600/);
});

test('init writes the default spec with a schema modeline; it validates; init refuses to overwrite', () => {
  const r = pgha(['init', 'cluster.yaml'], dir);
  assert.is(r.code, 0, r.stderr);
  const text = readFileSync(join(dir, 'cluster.yaml'), 'utf8');
  assert.match(text, /^# yaml-language-server: \$schema=.*schema\/pgha-spec\.schema\.json\n/);
  assert.equal(YAML.parse(text), DEFAULT_SPEC);
  const v = pgha(['validate', 'cluster.yaml'], dir);
  assert.is(v.code, 0, v.stderr);
  assert.match(v.stdout, /valid \(3 etcd, 3 postgres nodes\)/);
  assert.is(pgha(['init', 'cluster.yaml'], dir).code, 2);
});

test('warnings do not stop a render; unknown commands and missing --out are user errors', () => {
  const spec = structuredClone(DEFAULT_SPEC);
  spec.nodes.push({ name: 'etcd4', role: 'etcd', ip: '192.168.122.19' });
  writeFileSync(join(dir, 'four.yaml'), toYaml(spec));
  const schema = ['--no-iso', '--cloud-init-schema', packagePath('test', 'fixtures', 'permissive-schema.json')];
  const r = pgha(['render', 'four.yaml', '--out', 'out', ...schema], dir);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: \[nodes\] 4 etcd members/);
  assert.ok(existsSync(join(dir, 'four.secrets.yaml')));
  assert.is(pgha(['frobnicate'], dir).code, 2);
  assert.is(pgha(['render'], dir).code, 2);
});

test('render without an ISO tool: exit 3 naming xorriso, genisoimage and cloud-localds, and --no-iso; nothing written', () => {
  const r = pgha(['render', '--out', 'out'], dir, { ...process.env, PATH: join(dir, 'empty-bin') });
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stderr, /no ISO tool for the seed ISOs: install xorriso .*genisoimage.*cloud-localds.*--no-iso/);
  assert.not.ok(existsSync(join(dir, 'out')));
  assert.not.ok(existsSync(join(dir, 'out.secrets.yaml')));
});

test('bake without Packer, QEMU or an ISO tool: exit 3 and one line per missing program saying what to install', () => {
  const r = pgha(['bake', '--out', 'out'], dir, { ...process.env, PATH: join(dir, 'empty-bin') });
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stderr, /packer not found: install Packer/);
  assert.match(r.stderr, /qemu-system-x86_64 not found: install QEMU/);
  assert.match(r.stderr, /no xorriso, mkisofs or genisoimage: install an ISO tool/);
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
});

test('render --packer-compat 1.6 writes templates without required_plugins; a wrong value is a user error', () => {
  const schema = ['--no-iso', '--cloud-init-schema', packagePath('test', 'fixtures', 'permissive-schema.json')];
  assert.is(pgha(['render', '--out', 'out', '--packer-compat', '1.6', ...schema], dir).code, 0);
  const etcd = JSON.parse(readFileSync(join(dir, 'out', 'packer', 'etcd.pkr.json'), 'utf8'));
  assert.not.ok('packer' in etcd);
  assert.is(pgha(['render', '--out', 'out', ...schema], dir).code, 0);
  assert.ok('packer' in JSON.parse(readFileSync(join(dir, 'out', 'packer', 'etcd.pkr.json'), 'utf8')));
  const bad = pgha(['render', '--out', 'out', '--packer-compat', '1.5', ...schema], dir);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /only compatibility target is 1\.6/);
});

test.run();
