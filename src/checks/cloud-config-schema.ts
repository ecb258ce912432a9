import { existsSync, readFileSync, readdirSync } from 'node:fs';
import ajvDraft04 from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import type { Ajv, ErrorObject } from 'ajv';
import YAML from 'yaml';
import { UserError } from '../errors.js';

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

export type CloudConfigValidator = (userData: string) => string[];

/**
 * Compiles cloud-init's own schema (JSON Schema draft-04 with custom keywords, hence strict: false) into a
 * function returning the problems of a #cloud-config document, empty when it is valid.
 */
export function cloudConfigValidator(schemaPath: string): CloudConfigValidator {
  let schema: object;
  try {
    schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as object;
  } catch (e) {
    throw new UserError(`${schemaPath} is not a readable cloud-config schema: ${(e as Error).message}`);
  }
  // CommonJS module whose module.exports is the class itself
  const Ajv04 = ajvDraft04 as unknown as typeof ajvDraft04.default;
  const ajv = new Ajv04({ strict: false, allErrors: true });
  (addFormatsModule as unknown as (a: Ajv) => Ajv)(ajv as unknown as Ajv);
  const validate = ajv.compile(schema);
  return (userData) => {
    if (!userData.startsWith('#cloud-config\n')) return ['does not start with #cloud-config'];
    if (validate(YAML.parse(userData, { version: '1.1' }))) return [];
    return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
  };
}
