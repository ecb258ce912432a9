import { bake as bakeImages } from '../bake/bake.js';
import { UserError } from '../errors.js';
import { withLocks } from '../io/lock.js';
import { realTarget } from '../io/output.js';
import { loadTemplates } from '../io/package-data.js';
import { ROLES, type Role } from '../spec/types.js';
import { printWarnings, type Io } from './io.js';
import { packerTarget, requireOut } from './options.js';
import { prepare } from './load.js';

export interface BakeCliOptions {
  out?: string;
  role?: string;
  only?: string;
  packerCompat?: string;
  verbose?: boolean;
  baseImage?: string;
  accelerator?: string;
  aptProxy?: string;
}

/** pgha bake: the golden role images with Packer into DIR/images/. */
export async function bake(spec: string | undefined, options: BakeCliOptions, io: Io): Promise<void> {
  const out = requireOut(options.out, 'the images go (DIR/images/)');
  if (options.role !== undefined && options.role !== 'etcd' && options.role !== 'postgres') {
    throw new UserError(`--role ${options.role}: use etcd or postgres (or leave it out for both)`);
  }
  if (options.only !== undefined && options.only !== 'validate') throw new UserError(`--only ${options.only}: the only value is validate`);
  if (options.aptProxy !== undefined && !/^https?:\/\/[A-Za-z0-9.-]+(:\d+)?\/?$/.test(String(options.aptProxy))) {
    throw new UserError(`--apt-proxy ${options.aptProxy}: give an http proxy URL such as http://10.0.0.5:3142`);
  }
  const { model, warnings } = prepare(spec);
  printWarnings(io, warnings);
  // a render meanwhile would carry DIR/images/ away from under the build: one pgha at a time writes DIR
  const records = await withLocks([realTarget(out)], () => bakeImages(model, loadTemplates(), {
    out,
    roles: options.role ? [options.role as Role] : [...ROLES],
    onlyValidate: options.only === 'validate',
    packerTarget: packerTarget(options.packerCompat),
    verbose: Boolean(options.verbose),
    ...(options.baseImage ? { baseImage: String(options.baseImage) } : {}),
    ...(options.accelerator ? { accelerator: String(options.accelerator) } : {}),
    ...(options.aptProxy ? { aptProxy: String(options.aptProxy) } : {}),
    log: io.out,
  }));
  io.out(options.only === 'validate' ? 'templates valid' : `baked ${records.length} image(s); manifest: ${out}/images/manifest.json`);
}
