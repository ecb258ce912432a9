import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Ajv, AnySchema } from 'ajv';

const require = createRequire(import.meta.url);

/** A compiled JSON Schema check: true when the data conforms, else false with `errors` set. */
export interface Validator {
  (data: unknown): boolean;
  errors?: { keyword: string; instancePath: string; params: Record<string, unknown>; message?: string }[] | null;
}

/** How to make the Ajv instance that compiles a schema; `recipe` names its options (part of the cache key). */
export interface SchemaCompiler {
  recipe: string;
  ajv: () => Ajv;
}

/** Where compiled checks are kept between runs: $XDG_CACHE_HOME/pgha, else ~/.cache/pgha. */
function cacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'pgha');
}

/** Runs Ajv's standalone code for a schema (CommonJS that requires Ajv's runtime helpers). */
function load(code: string): Validator {
  const module = { exports: {} as unknown };
  new Function('require', 'module', 'exports', code)(require, module, module.exports);
  return module.exports as Validator;
}

/** The cached code when it is this user's own file that nobody else may change. */
function readCached(path: string): string | undefined {
  try {
    const st = lstatSync(path);
    if (!st.isFile() || st.uid !== process.getuid?.() || st.mode & 0o022) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The schema's check. Compiling a large schema takes Ajv most of a second (cloud-init's cloud-config schema),
 * so its standalone code is kept in the cache folder under a key of the schema's text, Ajv's version and the
 * compiler's recipe, and later runs load it in milliseconds. A cache that cannot be written is skipped.
 */
export function cachedValidator(schemaText: string, compiler: SchemaCompiler): Validator {
  const ajvVersion = (require('ajv/package.json') as { version: string }).version;
  const key = createHash('sha256').update(`${compiler.recipe}\0${ajvVersion}\0${schemaText}`).digest('hex').slice(0, 32);
  const path = join(cacheDir(), `schema-${key}.cjs`);
  const cached = readCached(path);
  if (cached !== undefined) return load(cached);
  const ajv = compiler.ajv();
  const validate = ajv.compile(JSON.parse(schemaText) as AnySchema);
  const standalone = (require('ajv/dist/standalone/index.js') as { default: (ajv: Ajv, v: unknown) => string }).default;
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(cacheDir(), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, standalone(ajv, validate), { mode: 0o644 });
    renameSync(tmp, path);
  } catch {
    // a read-only home or a full disk: the check still works, only slower next time
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the folder itself is not there
    }
  }
  return validate as unknown as Validator;
}
