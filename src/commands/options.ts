import { UserError } from '../errors.js';
import type { PackerTarget } from '../render/packer.js';

/**
 * An option's text: the argument parser gives numbers for numeric-looking values (--out 5) and true for a
 * flag given no value; an empty value is a user error naming the option.
 */
export function textOption(value: unknown, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (value === '' || typeof value === 'boolean' || Array.isArray(value)) throw new UserError(`${flag} needs a value, once: give one`);
  return String(value);
}

/** The --out folder, or a user error saying what it is for. */
export function requireOut(out: unknown, purpose: string): string {
  const dir = textOption(out, '--out');
  if (!dir) throw new UserError(`--out DIR is missing: say where ${purpose}`);
  return dir;
}

/** --packer-compat: the Packer that reads the templates. */
export function packerTarget(compat: string | undefined): PackerTarget {
  if (compat === undefined) return 'modern';
  if (String(compat) === '1.6') return '1.6';
  throw new UserError(`--packer-compat ${compat}: the only compatibility target is 1.6 (Debian 12's Packer 1.6.6)`);
}
