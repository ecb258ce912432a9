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
  const path = join(cacheDir(), `schema-${cacheKey(schemaText, compiler)}.cjs`);
  const cached = readCached(path);
  if (cached !== undefined) return load(cached);
  const ajv = compiler.ajv();
  const validate = ajv.compile(JSON.parse(schemaText) as AnySchema);
  const standalone = (require('ajv/dist/standalone/index.js') as { default: (ajv: Ajv, v: unknown) => string }).default;
  keep(path, standalone(ajv, validate));
  return validate as unknown as Validator;
}

/** A schema's key: its text, Ajv's version and the compiler's recipe. */
function cacheKey(schemaText: string, compiler: SchemaCompiler): string {
  const ajvVersion = (require('ajv/package.json') as { version: string }).version;
  return createHash('sha256').update(`${compiler.recipe}\0${ajvVersion}\0${schemaText}`).digest('hex').slice(0, 32);
}

/** Writes a cache file whole (a temporary file renamed); a cache that cannot be written is skipped. */
function keep(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(cacheDir(), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, content, { mode: 0o644 });
    renameSync(tmp, path);
  } catch {
    // a read-only home or a full disk: the check still works, only slower next time
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the folder itself is not there
    }
  }
}

/** How many valid texts are remembered per schema: the newest, many renders' worth. */
const VALID_KEPT = 4096;

/** The texts a schema's check found valid before, by their SHA-256 (hex), and a way to add to them. */
export interface ValidTexts {
  has: (sha256: string) => boolean;
  add: (sha256s: string[]) => void;
}

/**
 * The SHA-256 of texts already found valid against this schema (same key as its compiled check), so that a
 * render again checks only documents that changed and loads no check at all when none did.
 */
export function validTexts(schemaText: string, compiler: SchemaCompiler): ValidTexts {
  const path = join(cacheDir(), `schema-${cacheKey(schemaText, compiler)}.valid`);
  const set = new Set((readCached(path) ?? '').split('\n').filter((l) => /^[0-9a-f]{64}$/.test(l)));
  return {
    has: (sha256) => set.has(sha256),
    add: (sha256s) => {
      const before = set.size;
      sha256s.forEach((h) => set.add(h));
      if (set.size > before) keep(path, [...set].slice(-VALID_KEPT).join('\n') + '\n');
    },
  };
}
