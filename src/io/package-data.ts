import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv } from 'ajv';
import type { Templates } from '../assemble/cluster.js';
import type { Flavor, FlavorTable } from '../model/flavors.js';
import { packagePath } from '../paths.js';
import { IMAGE_SCRIPTS, NODE_SCRIPTS, type ScriptTemplates } from '../render/scripts.js';
import type { SpecRules } from '../spec/validate.js';
import { cachedValidator } from './schema-cache.js';

const require = createRequire(import.meta.url);

/**
 * The package's data files, read when a command asks for them (never at import): the flavours, the spec
 * schema, and the templates of assets/.
 */

export const SPEC_SCHEMA_PATH = packagePath('schema', 'pgha-spec.schema.json');

export function loadFlavors(): FlavorTable {
  return new Map(
    readdirSync(packagePath('flavors'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(packagePath('flavors', f), 'utf8')) as Flavor)
      .map((f) => [f.name, f]),
  );
}

const read = (...parts: string[]) => readFileSync(packagePath('assets', ...parts), 'utf8');

export function loadTemplates(): Templates {
  const scripts: ScriptTemplates = {
    node: Object.fromEntries(NODE_SCRIPTS.map((n) => [n, read('node', n)])) as ScriptTemplates['node'],
    image: Object.fromEntries(IMAGE_SCRIPTS.map((n) => [n, read('image', n)])) as ScriptTemplates['image'],
  };
  return { scripts, launch: { node: read('launch', 'virt-install.sh'), all: read('launch', 'virt-install-all.sh'), rollout: read('launch', 'rollout.sh') } };
}

/** The spec schema (Ajv, strict, with the ipv4 format) and the flavours: what validating a spec needs. */
export function loadSpecRules(): SpecRules {
  const validate = cachedValidator(readFileSync(SPEC_SCHEMA_PATH, 'utf8'), {
    recipe: 'pgha-spec: ajv strict, allErrors, allowUnionTypes, ipv4',
    ajv: () => {
      const { Ajv: AjvClass, _ } = require('ajv') as typeof import('ajv');
      const ajv = new AjvClass({ allErrors: true, strict: true, allowUnionTypes: true, code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } });
      (require('ajv-formats') as (a: Ajv, formats: string[]) => Ajv)(ajv, ['ipv4']);
      return ajv;
    },
  });
  return { schemaErrors: (raw) => (validate(raw) ? [] : (validate.errors ?? [])), flavors: loadFlavors() };
}
