import { readFileSync, statSync } from 'node:fs';
import YAML, { type Document } from 'yaml';
import { UserError } from '../errors.js';
import { BUILT_IN_SPEC } from './built-in.js';
import { SpecError, type Diagnostic } from './diagnostic.js';

export interface LoadedSpec {
  raw: unknown;
  /** The spec file, or undefined for the built-in default. */
  path?: string;
  /** For messages: the file name or "built-in default spec". */
  source: string;
  /** The spec file's text (for the lines of its diagnostics); absent for the built-in default. */
  text?: string;
}

/**
 * Parses YAML (or JSON, which is YAML) strictly into a document (for edits that keep comments and style):
 * duplicate keys and syntax errors are errors with line and column.
 */
export function parseSpecDocument(text: string, source: string): Document {
  const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true, strict: true });
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    const diagnostics: Diagnostic[] = problems.map((e) => {
      const pos = e.linePos?.[0];
      const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      return { severity: 'error', path: '', message, ...(pos ? { line: pos.line, column: pos.col } : {}) };
    });
    throw new SpecError(
      `${source} is not valid YAML: fix the lines below`,
      diagnostics,
      diagnostics.map((d) => `${d.line !== undefined ? `${source}:${d.line}:${d.column}` : source}: ${d.message}`),
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
  const text = readSpecText(path);
  return { raw: parseSpecText(text, path), path, source: path, text };
}
