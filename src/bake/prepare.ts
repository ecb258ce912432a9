import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Templates } from '../assemble/cluster.js';
import { UserError } from '../errors.js';
import type { ClusterModel } from '../model/model.js';
import { BUILD } from '../node/contract.js';
import { renderBuildSeed } from '../render/build-seed.js';
import { packerFiles, type PackerTarget } from '../render/packer.js';
import type { Role } from '../spec/types.js';
import { buildKeyPair } from './build-key.js';
import { sha256File } from './manifest.js';

/** What one build run needs besides the templates' defaults. */
export interface BuildInputs {
  /** A local base image instead of the flavour's download (its checksum is computed). */
  baseImage?: string;
  accelerator?: string;
  aptProxy?: string;
}

/** Where a build's files go: its folder (key and seeds), each role's template, image folder and Packer manifest. */
export interface BuildPlaces {
  dir: string;
  template: (role: Role) => string;
  outputDirectory: (role: Role) => string;
  manifestPath: (role: Role) => string;
}

/** One role's build: its template and the value of every variable pgha sets. */
export interface RoleBuild {
  role: Role;
  template: string;
  variables: Record<string, string>;
}

/** A file only its owner reads, written anew (an existing one's mode would survive a plain write). */
function writePrivate(path: string, content: string): void {
  rmSync(path, { force: true });
  writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
}

function privateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
}

/**
 * Writes a per-build SSH key (a new one unless given; 0600) and each role's build-time seed (a 0700 folder,
 * 0600 files) into the build folder, and returns each role's variables: the seed, the key, where the image
 * and the manifest go, and the options given.
 */
export async function writeBuildInputs(places: BuildPlaces, roles: Role[], inputs: BuildInputs, key = buildKeyPair(BUILD.user)): Promise<RoleBuild[]> {
  const base = inputs.baseImage ? resolve(inputs.baseImage) : undefined;
  if (base && !existsSync(base)) throw new UserError(`--base-image ${inputs.baseImage} does not exist`);
  const baseVars: Record<string, string> = base ? { base_image_url: base, base_image_checksum: `sha256:${await sha256File(base)}` } : {};
  privateDir(places.dir);
  const keyFile = join(places.dir, 'build-key');
  writePrivate(keyFile, key.privatePem);
  return roles.map((role) => {
    const seedDir = join(places.dir, `seed-${role}`);
    privateDir(seedDir);
    const seed = renderBuildSeed(key.publicOpenSsh, role);
    writePrivate(join(seedDir, 'user-data'), seed.userData);
    writePrivate(join(seedDir, 'meta-data'), seed.metaData);
    return {
      role,
      template: places.template(role),
      variables: {
        ...baseVars,
        build_seed_dir: seedDir,
        ssh_private_key_file: keyFile,
        output_directory: places.outputDirectory(role),
        manifest_path: places.manifestPath(role),
        ...(inputs.accelerator ? { accelerator: inputs.accelerator } : {}),
        ...(inputs.aptProxy ? { apt_proxy: inputs.aptProxy } : {}),
      },
    };
  });
}

/** A role's `packer init` (templates with required_plugins only), `validate` and `build`, as argument lists. */
export function packerCommands(build: RoleBuild, target: PackerTarget): string[][] {
  const vars = Object.entries(build.variables).flatMap(([k, v]) => ['-var', `${k}=${v}`]);
  return [
    ...(target === 'modern' ? [['packer', 'init', build.template]] : []),
    ['packer', 'validate', ...vars, build.template],
    ['packer', 'build', ...vars, build.template],
  ];
}

/** The build folder of `pgha bake --only prepare`: kept by a render, as DIR/images/ is. */
export function preparedBuildDir(out: string): string {
  return join(resolve(out), 'images', 'build');
}

/**
 * pgha bake --only prepare: the inputs of a build of the templates `pgha render` wrote into DIR/packer/
 * (which must be what this spec renders with this Packer target), for a pipeline that runs Packer itself.
 */
export async function prepareBuild(
  model: ClusterModel,
  templates: Templates,
  o: { out: string; roles: Role[]; packerTarget: PackerTarget } & BuildInputs,
  key?: ReturnType<typeof buildKeyPair>,
): Promise<RoleBuild[]> {
  const packerDir = join(resolve(o.out), 'packer');
  const stale = packerFiles(model, o.packerTarget, templates.scripts).find((f) => {
    const path = join(resolve(o.out), f.path);
    return !existsSync(path) || readFileSync(path, 'utf8') !== f.content;
  });
  if (stale) {
    const compat = o.packerTarget === '1.6' ? ' --packer-compat 1.6' : '';
    throw new UserError(`${o.out}/${stale.path} is missing or not what this spec renders: run pgha render with the same spec and --out ${o.out}${compat} first`);
  }
  const dir = preparedBuildDir(o.out);
  return writeBuildInputs(
    {
      dir,
      template: (role) => join(packerDir, `${role}.pkr.json`),
      outputDirectory: (role) => join(dir, `output-${role}`),
      manifestPath: (role) => join(dir, `manifest-${role}.json`),
    },
    o.roles,
    o,
    key,
  );
}
