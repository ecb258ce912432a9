import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { userErrorOf } from '../../helpers.js';
import { BUILT_IN_SPEC } from '../../../src/spec/built-in.js';
import { SpecError } from '../../../src/spec/diagnostic.js';
import { loadSpec, parseSpecText } from '../../../src/spec/load.js';
import { toYaml } from '../../../src/lib/yaml.js';
import { MAX_SPEC_BYTES } from '../../../src/spec/load.js';

const dir = mkdtempSync(join(tmpdir(), 'pgha-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('YAML text is parsed into plain data', () => {
  assert.equal(parseSpecText(toYaml(BUILT_IN_SPEC), 'spec.yaml'), BUILT_IN_SPEC);
});

test('JSON text is accepted', () => {
  assert.equal(parseSpecText(JSON.stringify(BUILT_IN_SPEC, null, 2), 'spec.json'), BUILT_IN_SPEC);
});

test('a duplicate key is a UserError naming its line', () => {
  const err = userErrorOf(() => parseSpecText('cluster:\n  name: a\n  name: b\n', 'spec.yaml'));
  assert.match(err.message, 'spec.yaml is not valid YAML');
  assert.is(err.details.length, 1);
  assert.match(err.details[0] ?? '', /^spec\.yaml:3:\d+: /);
  assert.match(err.details[0] ?? '', /unique/);
});

test('YAML errors are a SpecError: each a diagnostic of the whole spec with its line and column', () => {
  const err = userErrorOf(() => parseSpecText('cluster:\n  name: a\n  name: b\n', 'spec.yaml')) as SpecError;
  assert.instance(err, SpecError);
  assert.is(err.diagnostics.length, 1);
  const [d] = err.diagnostics;
  assert.equal([d!.severity, d!.path, d!.line], ['error', '', 3]);
  assert.ok(d!.column! > 0 && /unique/.test(d!.message) && !d!.message.includes('\n'));
});

test('a YAML syntax error is a UserError with file:line:col', () => {
  const err = userErrorOf(() => parseSpecText('cluster:\n  name: a\nnodes: [1, 2\nnetwork: {}\n', 'my.yaml'));
  assert.match(err.message, 'my.yaml is not valid YAML');
  assert.ok(err.details.length > 0);
  for (const d of err.details) assert.match(d, /^my\.yaml:\d+:\d+: \S/);
});

test('loadSpec reads a spec file', () => {
  const path = join(dir, 'pgha.yaml');
  writeFileSync(path, toYaml(BUILT_IN_SPEC));
  const loaded = loadSpec(path);
  assert.equal(loaded.raw, BUILT_IN_SPEC);
  assert.is(loaded.path, path);
  assert.is(loaded.source, path);
  assert.is(loaded.text, toYaml(BUILT_IN_SPEC), 'its text, for the lines of its diagnostics');
});

test('loadSpec names the file in its syntax errors', () => {
  const path = join(dir, 'broken.yaml');
  writeFileSync(path, 'a: 1\na: 2\n');
  const err = userErrorOf(() => loadSpec(path));
  assert.match(err.details[0] ?? '', `${path}:2:`);
});

test('a missing spec file is a UserError pointing at pgha init', () => {
  const path = join(dir, 'missing.yaml');
  const err = userErrorOf(() => loadSpec(path));
  assert.match(err.message, path);
  assert.match(err.message, 'pgha init');
});

test('loadSpec(undefined) returns a deep copy of the built-in default', () => {
  const loaded = loadSpec(undefined);
  assert.equal(loaded.raw, BUILT_IN_SPEC);
  assert.is(loaded.path, undefined);
  assert.is(loaded.source, 'built-in default spec');
  const before = structuredClone(BUILT_IN_SPEC);
  const raw = loaded.raw as typeof BUILT_IN_SPEC;
  raw.cluster.name = 'changed';
  raw.nodes[0]!.ip = '10.0.0.1';
  raw.postgres!.parameters!.max_connections = 1;
  assert.equal(BUILT_IN_SPEC, before);
});

test('a spec too large once its aliases are expanded (or as a file) is a user error, not a crash', () => {
  const big = 'x'.repeat(200_000);
  const text = `cluster: {name: &a "${big}"}\nnodes: [${Array.from({ length: 59 }, () => '*a').join(', ')}]\n`;
  assert.match(userErrorOf(() => parseSpecText(text, 'bomb.yaml')).message, /^bomb\.yaml is larger than 4 MiB once its aliases are expanded/);
  const path = join(dir, 'huge.yaml');
  writeFileSync(path, `# ${'y'.repeat(MAX_SPEC_BYTES)}\n`);
  assert.match(userErrorOf(() => loadSpec(path)).message, /huge\.yaml is larger than 4 MiB: not a spec pgha can render/);
});

test.run();
