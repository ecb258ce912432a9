import { UserError } from '../errors.js';
import type { OutputOptions } from './write-cluster.js';

/** The options of pgha replace and pgha add. */
export interface MembershipOptions extends Partial<OutputOptions> {
  ip?: string;
  mac?: string;
  role?: string;
  tags?: string;
}

/** The spec file a change is recorded in (a node's generation; a restore's target and namespace). */
export function specFileFor(command: string, spec: string | undefined, what = 'the node\'s generation'): string {
  if (spec === undefined) {
    throw new UserError(`pgha ${command} records the change in the spec file (${what}): give the spec file (pgha init writes the built-in one)`);
  }
  return spec;
}

export function bootHint(out: string, name: string): string {
  return `boot its new machine with ${out}/nodes/${name}/seed.iso (${out}/nodes/${name}/virt-install.sh; --force replaces a dead VM of that name)`;
}
