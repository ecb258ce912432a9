import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv } from 'ajv';
import { UserError } from '../errors.js';
import { cachedValidator } from './schema-cache.js';

const require = createRequire(import.meta.url);
const SCHEMA_FILE = 'cloudinit/config/schemas/schema-cloud-config-v1.json';

/** Where an installed cloud-init keeps its cloud-config schema (Debian/Ubuntu's package, or a pip install). */
export function findCloudConfigSchema(): string | undefined {
  const roots = ['/usr/lib/python3/dist-packages'];
  for (const lib of ['/usr/lib', '/usr/local/lib']) {
    if (!existsSync(lib)) continue;
    for (const d of readdirSync(lib).filter((d) => /^python3(\.\d+)?$/.test(d)).sort()) {
      roots.push(`${lib}/${d}/dist-packages`, `${lib}/${d}/site-packages`);
    }
  }
  return roots.map((r) => `${r}/${SCHEMA_FILE}`).find((p) => existsSync(p));
}

/** The problems of a cloud-config document (the data its YAML holds), empty when it is valid. */
export type CloudConfigValidator = (config: unknown) => string[];

/**
 * The schema with the one rule of older cloud-init that its own code does not follow: before 23.2 (Debian 12
 * has 22.4) it declares `users` non-empty, yet `users: []` works and is the way to create no default user
 * (cloud-init pull request #2124 removed the rule). pgha writes `users: []` when no admin user is wanted.
 */
function relaxed(schema: { $defs?: Record<string, { properties?: Record<string, { minItems?: number }> }> }): object {
  delete schema.$defs?.cc_users_groups?.properties?.users?.minItems;
  return schema;
}

/** Compiles cloud-init's own schema: JSON Schema draft-04 with custom keywords, hence strict: false. */
export function cloudConfigValidator(schemaPath: string): CloudConfigValidator {
  let text: string;
  try {
    text = JSON.stringify(relaxed(JSON.parse(readFileSync(schemaPath, 'utf8'))));
  } catch (e) {
    throw new UserError(`${schemaPath} is not a readable cloud-config schema: ${(e as Error).message}`);
  }
  let validate: ReturnType<typeof cachedValidator>;
  try {
    validate = compile(text);
  } catch (e) {
    throw new UserError(`${schemaPath} is not a usable cloud-config schema: ${(e as Error).message.split('\n')[0]}`);
  }
  return (config) => (validate(config) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`));
}

/** Ajv's check of the schema's text, compiled once per schema and kept (io/schema-cache.ts). */
function compile(text: string) {
  return cachedValidator(text, {
    recipe: 'cloud-config: ajv-draft-04, strict false, allErrors, all formats',
    ajv: () => {
      // CommonJS module whose module.exports is the class itself
      const Ajv04 = require('ajv-draft-04') as new (options: object) => Ajv;
      const { _ } = require('ajv') as typeof import('ajv');
      const ajv = new Ajv04({ strict: false, allErrors: true, code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } });
      (require('ajv-formats') as (a: Ajv) => Ajv)(ajv);
      return ajv;
    },
  });
}
