import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { BUILT_IN_SPEC } from '../../../src/spec/built-in.js';
import { pgha } from '../../helpers.js';
import { init } from '../../../src/commands/init.js';

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-init-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

test('init writes the default spec with a schema modeline; it validates; init refuses to overwrite unless --force', async () => {
  const r = await pgha(['init', 'cluster.yaml'], dir);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /wrote cluster\.yaml/);
  const text = readFileSync(join(dir, 'cluster.yaml'), 'utf8');
  assert.match(text, /^# yaml-language-server: \$schema=.*schema\/pgha-spec\.schema\.json\n/);
  assert.equal(YAML.parse(text), BUILT_IN_SPEC);
  const v = await pgha(['validate', 'cluster.yaml'], dir);
  assert.is(v.code, 0, v.stderr);
  assert.match(v.stdout, /valid \(3 etcd, 3 postgres nodes\)/);
  const again = await pgha(['init', 'cluster.yaml'], dir);
  assert.is(again.code, 2);
  assert.match(again.stderr, /cluster\.yaml exists: edit it, or pass --force/);
  assert.is((await pgha(['init', 'cluster.yaml', '--force'], dir)).code, 0);
});

test('init without a path writes pgha.yaml; its schema line points at the package\'s schema from where the file is', async () => {
  assert.is((await pgha(['init'], dir)).code, 0);
  const line = readFileSync(join(dir, 'pgha.yaml'), 'utf8').split('\n')[0]!;
  const schema = line.replace('# yaml-language-server: $schema=', '');
  assert.ok(readFileSync(join(dir, schema), 'utf8').includes('"$schema"'), schema);
});

test('the command itself writes the file and returns what it wrote', () => {
  const r = init(join(dir, 'direct.yaml'), {});
  assert.equal(r, { json: { path: join(dir, 'direct.yaml') }, lines: [`wrote ${join(dir, 'direct.yaml')}`] });
  assert.equal(YAML.parse(readFileSync(join(dir, 'direct.yaml'), 'utf8')), BUILT_IN_SPEC);
});

test('init into a folder that does not exist: exit 2 naming the path, not a crash', async () => {
  const r = await pgha(['init', 'missing-dir/x.yaml'], dir);
  assert.is(r.code, 2);
  assert.match(r.stderr, /missing-dir\/x\.yaml: cannot write it: its folder does not exist \(ENOENT\)/);
});

test.run();
