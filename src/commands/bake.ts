import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bake as bakeImages } from '../bake/bake.js';
import { packerCommands, prepareBuild, preparedBuildDir, type RoleBuild } from '../bake/prepare.js';
import { UserError } from '../errors.js';
import { withLocks } from '../io/lock.js';
import { realTarget } from '../io/output.js';
import { loadTemplates } from '../io/package-data.js';
import { shellQuote } from '../lib/text.js';
import type { PackerTarget } from '../render/packer.js';
import { ROLES, type Role } from '../spec/types.js';
import { printWarnings, type Io } from './io.js';
import { packerTarget, requireOut } from './options.js';
import { prepare } from './load.js';
import { diagnosticJson, type CommandResult } from './result.js';

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

/** --only prepare: the build folder and, per role, the Packer commands a pipeline runs (as argument lists for --json). */
function preparedResult(out: string, builds: RoleBuild[], target: PackerTarget, json: Record<string, unknown>): CommandResult {
  const dir = preparedBuildDir(out);
  const roles = builds.map((b) => ({ ...b, commands: packerCommands(b, target) }));
  return {
    json: { ...json, buildDir: dir, packer: target, roles },
    lines: [
      `wrote the build seed and SSH key to ${dir}/ (folders 0700, files 0600): remove it after the build`,
      ...roles.flatMap((r) => [`${r.role}:`, ...r.commands.map((c) => `  ${c.map(shellQuote).join(' ')}`)]),
    ],
  };
}

/** pgha bake: the golden role images with Packer into DIR/images/ (or, with --only, their validation or a build's inputs). */
export async function bake(spec: string | undefined, options: BakeCliOptions, io: Io): Promise<CommandResult> {
  const out = requireOut(options.out, 'the images go (DIR/images/)');
  if (options.role !== undefined && options.role !== 'etcd' && options.role !== 'postgres') {
    throw new UserError(`--role ${options.role}: use etcd or postgres (or leave it out for both)`);
  }
  if (options.only !== undefined && options.only !== 'validate' && options.only !== 'prepare') {
    throw new UserError(`--only ${options.only}: use validate (stop after packer validate) or prepare (write a build's seed and key, print the Packer commands)`);
  }
  if (options.aptProxy !== undefined && !/^https?:\/\/[A-Za-z0-9.-]+(:\d+)?\/?$/.test(String(options.aptProxy))) {
    throw new UserError(`--apt-proxy ${options.aptProxy}: give an http proxy URL such as http://10.0.0.5:3142`);
  }
  const { model, warnings } = prepare(spec);
  printWarnings(io, warnings);
  const roles = options.role ? [options.role as Role] : [...ROLES];
  const target = packerTarget(options.packerCompat);
  const inputs = {
    ...(options.baseImage ? { baseImage: String(options.baseImage) } : {}),
    ...(options.accelerator ? { accelerator: String(options.accelerator) } : {}),
    ...(options.aptProxy ? { aptProxy: String(options.aptProxy) } : {}),
  };
  const json = { out, diagnostics: warnings.map(diagnosticJson) };
  // a render meanwhile would carry DIR/images/ away from under the build: one pgha at a time writes DIR
  if (options.only === 'prepare') {
    const builds = await withLocks([realTarget(out)], () => prepareBuild(model, loadTemplates(), { out, roles, packerTarget: target, ...inputs }));
    return preparedResult(out, builds, target, json);
  }
  const records = await withLocks([realTarget(out)], () =>
    bakeImages(model, loadTemplates(), { out, roles, onlyValidate: options.only === 'validate', packerTarget: target, verbose: Boolean(options.verbose), ...inputs, log: io.out }),
  );
  if (options.only === 'validate') return { json: { ...json, validated: roles }, lines: ['templates valid'] };
  const manifest = join(out, 'images', 'manifest.json');
  return {
    json: { ...json, manifest, ...(JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>) },
    lines: [`baked ${records.length} image(s); manifest: ${manifest}`],
  };
}
