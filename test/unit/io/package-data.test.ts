import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadFlavors, loadSpecRules, loadTemplates, SPEC_SCHEMA_PATH } from '../../../src/io/package-data.js';
import { packagePath } from '../../../src/paths.js';
import { IMAGE_SCRIPTS, NODE_SCRIPTS } from '../../../src/render/scripts.js';
import { BUILT_IN_SPEC } from '../../../src/spec/built-in.js';

test('the flavours are the files of flavors/, and the spec schema offers exactly them', () => {
  const flavors = loadFlavors();
  assert.equal([...flavors.keys()].sort(), readdirSync(packagePath('flavors')).map((f) => f.replace(/\.json$/, '')).sort());
  const schema = JSON.parse(readFileSync(SPEC_SCHEMA_PATH, 'utf8'));
  assert.equal([...schema.properties.cluster.properties.flavor.enum].sort(), [...flavors.keys()].sort());
});

test('the templates: every node and image script of assets/, and both launch scripts', () => {
  const t = loadTemplates();
  assert.equal(Object.keys(t.scripts.node).sort(), [...NODE_SCRIPTS].sort());
  assert.equal(readdirSync(packagePath('assets', 'node')).sort(), [...NODE_SCRIPTS].sort(), 'no script of assets/node/ is left out');
  assert.equal(readdirSync(packagePath('assets', 'image')).sort(), [...IMAGE_SCRIPTS].sort());
  assert.match(t.launch.node, /^#!\/bin\/bash\n/);
  assert.match(t.launch.all, /@@NODE_COMMANDS@@/);
});

test('the spec rules: the schema passes the built-in spec and names a wrong field', () => {
  const rules = loadSpecRules();
  assert.equal(rules.schemaErrors(structuredClone(BUILT_IN_SPEC)), []);
  const errors = rules.schemaErrors({ ...structuredClone(BUILT_IN_SPEC), clustr: 1 });
  assert.ok(errors.some((e) => e.keyword === 'additionalProperties' && e.params.additionalProperty === 'clustr'));
  assert.ok(rules.flavors.has('debian-12'));
});

test.run();
