import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import YAML from 'yaml';
import { UserError } from '../errors.js';
import { toYaml } from '../lib/yaml.js';
import { checkSecrets } from './check.js';
import type { Secrets } from './types.js';

/** The secrets file's text. */
export function secretsToYaml(s: Secrets, clusterName: string): string {
  return `# pgha secrets of cluster ${clusterName}. Keep this file private (mode 0600) and out of version control.\n${toYaml(s)}`;
}

/** Parses and checks a secrets file's text; the messages name fields, never values. */
export function parseSecrets(text: string, path: string): Partial<Secrets> | undefined {
  // an empty file (made beforehand, say with mode 0600) holds no secrets yet
  if (text.trim() === '') return undefined;
  let data: unknown;
  try {
    data = YAML.parse(text, { version: '1.1' });
  } catch {
    throw new UserError(`${path}: not a readable secrets file (YAML syntax error): fix or remove it`);
  }
  return checkSecrets(data, path);
}

export interface LoadedSecrets {
  secrets: Partial<Secrets> | undefined;
  /** A warning to print when the file is readable by others. */
  warning?: string;
}

export function readSecretsFile(path: string): LoadedSecrets {
  if (!existsSync(path)) {
    if (!existsSync(dirname(path))) throw new UserError(`${path}: its folder does not exist: create it, or choose another --secrets`);
    return { secrets: undefined };
  }
  const st = statSync(path);
  if (!st.isFile()) throw new UserError(`${path} is not a file: choose another --secrets`);
  const mode = st.mode & 0o777;
  const warning =
    mode & 0o077 ? `${path} has mode ${mode.toString(8).padStart(4, '0')}: others can read the cluster's secrets; run chmod 600 ${path}` : undefined;
  return { secrets: parseSecrets(readFileSync(path, 'utf8'), path), ...(warning ? { warning } : {}) };
}
