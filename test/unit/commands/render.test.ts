import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { render } from '../../../src/commands/render.js';
import { UserError } from '../../../src/errors.js';
import { toYaml } from '../../../src/lib/yaml.js';
import { packagePath } from '../../../src/paths.js';
import { BUILT_IN_SPEC } from '../../../src/spec/built-in.js';
import { pgha, tree } from '../../helpers.js';

const SCHEMA = ['--no-iso', '--cloud-init-schema', packagePath('test', 'fixtures', 'permissive-schema.json')];
let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-render-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

test('render with no spec writes the default cluster and a 0600 secrets file beside the output', async () => {
  const r = await pgha(['render', '--out', 'out', ...SCHEMA], dir);
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
  assert.match(r.stdout, /generated secrets: .*out\.secrets\.yaml/);
});

test('re-rendering reuses the secrets and gives byte-identical files', async () => {
  assert.is((await pgha(['render', '--out', 'out', ...SCHEMA], dir)).code, 0);
  const first = tree(join(dir, 'out'));
  const r = await pgha(['render', '--out', 'out', ...SCHEMA], dir);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /reused secrets/);
  assert.equal(tree(join(dir, 'out')), first);
});

test('a bad spec: exit 2, every problem with its spec path, nothing written', async () => {
  const spec = structuredClone(BUILT_IN_SPEC);
  spec.nodes[1]!.ip = '10.0.0.5';
  spec.nodes[4]!.name = 'patroni1';
  spec.patroni = { ttl: 10, loopWait: 10, retryTimeout: 10 };
  writeFileSync(join(dir, 'bad.yaml'), toYaml(spec));
  const r = await pgha(['render', 'bad.yaml', '--out', 'out'], dir);
  assert.is(r.code, 2);
  assert.match(r.stderr, /\[nodes\[1\]\.ip\] address 10\.0\.0\.5 is outside network\.cidr/);
  assert.match(r.stderr, /\[nodes\[4\]\.name\] duplicate name patroni1/);
  assert.match(r.stderr, /\[patroni\] loopWait \+ 2 \* retryTimeout = 30 exceeds ttl 10/);
  assert.not.ok(existsSync(join(dir, 'out')));
  assert.not.ok(existsSync(join(dir, 'bad.secrets.yaml')));
});

test('render refuses to replace a folder that pgha did not write, and leaves it alone', async () => {
  mkdirSync(join(dir, 'home'));
  writeFileSync(join(dir, 'home', 'precious.txt'), 'keep me');
  const r = await pgha(['render', '--out', 'home', '--no-iso'], dir);
  assert.is(r.code, 2);
  assert.match(r.stderr, /was not written by pgha/);
  assert.equal(readdirSync(join(dir, 'home')), ['precious.txt']);
});

test('a secrets file readable by others gets a warning naming the fix, not the values', async () => {
  assert.is((await pgha(['render', '--out', 'out', ...SCHEMA], dir)).code, 0);
  chmodSync(join(dir, 'out.secrets.yaml'), 0o644);
  const r = await pgha(['render', '--out', 'out', ...SCHEMA], dir);
  assert.is(r.code, 0);
  assert.match(r.stderr, /chmod 600/);
});

test('warnings do not stop a render; --out is required', async () => {
  const spec = structuredClone(BUILT_IN_SPEC);
  spec.nodes.push({ name: 'etcd4', role: 'etcd', ip: '192.168.122.19' });
  writeFileSync(join(dir, 'four.yaml'), toYaml(spec));
  const r = await pgha(['render', 'four.yaml', '--out', 'out', ...SCHEMA], dir);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: \[nodes\] 4 etcd members/);
  assert.ok(existsSync(join(dir, 'four.secrets.yaml')));
  const missing = await pgha(['render'], dir);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /--out DIR is missing: say where to write the seeds/);
});

test('--packer-compat 1.6 writes templates without required_plugins; a wrong value is a user error', async () => {
  assert.is((await pgha(['render', '--out', 'out', '--packer-compat', '1.6', ...SCHEMA], dir)).code, 0);
  assert.not.ok('packer' in JSON.parse(readFileSync(join(dir, 'out', 'packer', 'etcd.pkr.json'), 'utf8')));
  assert.is((await pgha(['render', '--out', 'out', ...SCHEMA], dir)).code, 0);
  assert.ok('packer' in JSON.parse(readFileSync(join(dir, 'out', 'packer', 'etcd.pkr.json'), 'utf8')));
  const bad = await pgha(['render', '--out', 'out', '--packer-compat', '1.5', ...SCHEMA], dir);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /only compatibility target is 1\.6/);
});

test('the command itself: a missing --out is a UserError before anything is read', async () => {
  const io = { out: () => {}, err: () => {}, env: {} };
  await render('/nonexistent/spec.yaml', {}, io).then(
    () => assert.unreachable('no error'),
    (e: unknown) => {
      assert.instance(e, UserError);
      assert.match((e as Error).message, /--out DIR is missing/);
    },
  );
});

test.run();
