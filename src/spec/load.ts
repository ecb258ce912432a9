import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { UserError } from '../errors.js';
import { DEFAULT_SPEC } from './default.js';

export interface LoadedSpec {
  raw: unknown;
  /** The spec file, or undefined for the built-in default. */
  path?: string;
  /** For messages: the file name or "built-in default spec". */
  source: string;
}

/** Parses YAML (or JSON, which is YAML) strictly: duplicate keys and syntax errors are errors with line and column. */
export function parseSpecText(text: string, source: string): unknown {
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
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new UserError(`${source} cannot be read: ${(e as Error).message}`);
  }
}

export function loadSpec(path: string | undefined): LoadedSpec {
  if (path === undefined) return { raw: structuredClone(DEFAULT_SPEC), source: 'built-in default spec' };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT' ? `${path} does not exist: give the path of a spec file, or run pgha init to write one` : `${path} cannot be read (${code})`,
    );
  }
  return { raw: parseSpecText(text, path), path, source: path };
}
