import { UserError } from '../errors.js';
import type { PackerTarget } from '../render/packer.js';

/** The --out folder, or a user error saying what it is for. */
export function requireOut(out: string | undefined, purpose: string): string {
  if (!out) throw new UserError(`--out DIR is missing: say where ${purpose}`);
  return String(out);
}

/** --packer-compat: the Packer that reads the templates. */
export function packerTarget(compat: string | undefined): PackerTarget {
  if (compat === undefined) return 'modern';
  if (String(compat) === '1.6') return '1.6';
  throw new UserError(`--packer-compat ${compat}: the only compatibility target is 1.6 (Debian 12's Packer 1.6.6)`);
}
