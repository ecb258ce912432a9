import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { toYaml } from '../../../src/lib/yaml.js';
import { BUILT_IN_SPEC } from '../../../src/spec/built-in.js';
import { pgha } from '../../helpers.js';
import { validate } from '../../../src/commands/validate.js';

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-validate-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

test('the built-in spec is valid', async () => {
  const r = await pgha(['validate'], dir);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'built-in default spec: valid (3 etcd, 3 postgres nodes)\n');
});

test('YAML errors and unknown fields are user errors (exit 2) with line or path; a missing file names pgha init', async () => {
  writeFileSync(join(dir, 'dup.yaml'), 'cluster: {name: a}\ncluster: {name: b}\n');
  const r1 = await pgha(['validate', 'dup.yaml'], dir);
  assert.is(r1.code, 2);
  assert.match(r1.stderr, /dup\.yaml:2:1/);
  writeFileSync(join(dir, 'typo.yaml'), toYaml({ ...structuredClone(BUILT_IN_SPEC), clustr: {} }));
  const r2 = await pgha(['validate', 'typo.yaml'], dir);
  assert.is(r2.code, 2);
  assert.match(r2.stderr, /\[clustr\] is not a known field/);
  const r3 = await pgha(['validate', 'missing.yaml'], dir);
  assert.is(r3.code, 2);
  assert.match(r3.stderr, /pgha init/);
});

test('warnings go to stderr, and the spec is still valid', async () => {
  const spec = structuredClone(BUILT_IN_SPEC);
  spec.nodes.push({ name: 'etcd4', role: 'etcd', ip: '192.168.122.19' });
  writeFileSync(join(dir, 'four.yaml'), toYaml(spec));
  const r = await pgha(['validate', 'four.yaml'], dir);
  assert.is(r.code, 0);
  assert.match(r.stderr, /^warning: \[nodes\] 4 etcd members/);
  assert.match(r.stdout, /four\.yaml: valid \(4 etcd, 3 postgres nodes\)/);
});

test('the command itself returns its result: the lines and the --json fields', () => {
  const r = validate(undefined, { out: () => assert.unreachable('printed'), err: () => {}, env: {} });
  assert.equal(r.lines, ['built-in default spec: valid (3 etcd, 3 postgres nodes)']);
  assert.equal(r.json, { spec: null, valid: true, nodes: { etcd: 3, postgres: 3 }, diagnostics: [] });
});

test.run();
