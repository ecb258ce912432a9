import { existsSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileError, UserError } from '../errors.js';
import { SPEC_SCHEMA_PATH } from '../io/package-data.js';
import { toYaml } from '../lib/yaml.js';
import { BUILT_IN_SPEC } from '../spec/built-in.js';
import type { CommandResult } from './result.js';

/** pgha init: the built-in default spec in a file to edit, with a schema line for editors. */
export function init(path: string, options: { force?: boolean }): CommandResult {
  if (existsSync(path) && !options.force) throw new UserError(`${path} exists: edit it, or pass --force to overwrite it`);
  const schema = relative(dirname(resolve(path)), SPEC_SCHEMA_PATH);
  const header = [
    `# yaml-language-server: $schema=${schema}`,
    '# pgha cluster spec: edit it, then run `pgha validate` and `pgha render --out DIR`.',
    '# The addresses below are the reference deployment\'s examples: replace them with your network\'s.',
  ];
  try {
    writeFileSync(path, `${header.join('\n')}\n${toYaml(BUILT_IN_SPEC)}`, { flag: options.force ? 'w' : 'wx' });
  } catch (e) {
    throw fileError(e, path, 'write it');
  }
  return { json: { path }, lines: [`wrote ${path}`] };
}
