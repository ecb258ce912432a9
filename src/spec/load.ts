import { readFileSync, statSync } from 'node:fs';
import YAML, { type Document } from 'yaml';
import { UserError } from '../errors.js';
import { BUILT_IN_SPEC } from './built-in.js';

export interface LoadedSpec {
  raw: unknown;
  /** The spec file, or undefined for the built-in default. */
  path?: string;
  /** For messages: the file name or "built-in default spec". */
  source: string;
}

/**
 * Parses YAML (or JSON, which is YAML) strictly into a document (for edits that keep comments and style):
 * duplicate keys and syntax errors are errors with line and column.
 */
export function parseSpecDocument(text: string, source: string): Document {
  const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true, strict: true });
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    throw new UserError(
      `${source} is not valid YAML: fix the lines below`,
      problems.map((e) => {
        const pos = e.linePos?.[0];
        const where = pos ? `${source}:${pos.line}:${pos.col}` : source;
        return `${where}: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`;
      }),
    );
  }
  return doc;
}

/** The largest spec pgha reads, with its aliases expanded: a 1000-node cluster takes about 100 KiB. */
export const MAX_SPEC_BYTES = 4 * 2 ** 20;

/** The spec's data, from a document of parseSpecDocument; refused when its aliases make it too large. */
export function specData(doc: Document, source: string): unknown {
  const tooLarge = () => new UserError(`${source} is larger than ${MAX_SPEC_BYTES / 2 ** 20} MiB once its aliases are expanded: a spec that large is not a cluster pgha can render; shorten it`);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    if (e instanceof RangeError) throw tooLarge();
    throw new UserError(`${source} cannot be read: ${(e as Error).message}`);
  }
  let size: number;
  try {
    size = JSON.stringify(data ?? null).length;
  } catch {
    throw tooLarge();
  }
  if (size > MAX_SPEC_BYTES) throw tooLarge();
  return data;
}

export function parseSpecText(text: string, source: string): unknown {
  return specData(parseSpecDocument(text, source), source);
}

export function readSpecText(path: string): string {
  try {
    if (statSync(path).size > MAX_SPEC_BYTES) throw new UserError(`${path} is larger than ${MAX_SPEC_BYTES / 2 ** 20} MiB: not a spec pgha can render`);
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT' ? `${path} does not exist: give the path of a spec file, or run pgha init to write one` : `${path} cannot be read (${code})`,
    );
  }
}

export function loadSpec(path: string | undefined): LoadedSpec {
  if (path === undefined) return { raw: structuredClone(BUILT_IN_SPEC), source: 'built-in default spec' };
  return { raw: parseSpecText(readSpecText(path), path), path, source: path };
}
