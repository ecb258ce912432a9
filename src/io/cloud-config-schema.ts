import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv } from 'ajv';
import { UserError } from '../errors.js';
import { cachedValidator, validTexts, type SchemaCompiler } from './schema-cache.js';

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

/** The schema file's text as pgha checks with it (relaxed). */
function schemaText(schemaPath: string): string {
  try {
    return JSON.stringify(relaxed(JSON.parse(readFileSync(schemaPath, 'utf8'))));
  } catch (e) {
    throw new UserError(`${schemaPath} is not a readable cloud-config schema: ${(e as Error).message}`);
  }
}

/** Compiles cloud-init's own schema: JSON Schema draft-04 with custom keywords, hence strict: false. */
export function cloudConfigValidator(schemaPath: string): CloudConfigValidator {
  return validatorOf(schemaPath, schemaText(schemaPath));
}

function validatorOf(schemaPath: string, text: string): CloudConfigValidator {
  let validate: ReturnType<typeof cachedValidator>;
  try {
    validate = cachedValidator(text, COMPILER);
  } catch (e) {
    throw new UserError(`${schemaPath} is not a usable cloud-config schema: ${(e as Error).message.split('\n')[0]}`);
  }
  return (config) => (validate(config) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`));
}

/** A cloud-config document: its YAML text and the data that text reads back as. */
export interface CloudConfigDocument {
  text: string;
  data: unknown;
}

/**
 * The problems of each document, in order. A text this schema found valid before (its SHA-256 remembered in
 * the cache folder, io/schema-cache.ts) is not checked again, and when every text is such, no check is loaded.
 */
export function checkCloudConfigs(schemaPath: string, docs: CloudConfigDocument[]): string[][] {
  const text = schemaText(schemaPath);
  const valid = validTexts(text, COMPILER);
  const hashes = docs.map((d) => createHash('sha256').update(d.text).digest('hex'));
  let check: CloudConfigValidator | undefined;
  const problems = docs.map((d, i) => (valid.has(hashes[i]!) ? [] : (check ??= validatorOf(schemaPath, text))(d.data)));
  valid.add(hashes.filter((_, i) => problems[i]!.length === 0));
  return problems;
}

/** How Ajv compiles the schema (the recipe is part of the cache key). */
const COMPILER: SchemaCompiler = {
  recipe: 'cloud-config: ajv-draft-04, strict false, allErrors, all formats',
  ajv: () => {
    // CommonJS module whose module.exports is the class itself
    const Ajv04 = require('ajv-draft-04') as new (options: object) => Ajv;
    const { _ } = require('ajv') as typeof import('ajv');
    const ajv = new Ajv04({ strict: false, allErrors: true, code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } });
    (require('ajv-formats') as (a: Ajv) => Ajv)(ajv);
    return ajv;
  },
};
