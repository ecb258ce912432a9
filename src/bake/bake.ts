import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { Templates } from '../assemble/cluster.js';
import { Interrupted, ToolError, UserError } from '../errors.js';
import { onPath } from '../io/tools.js';
import type { ClusterModel } from '../model/model.js';
import { packerFiles, type PackerTarget } from '../render/packer.js';
import { ROLES, type Role } from '../spec/types.js';
import { imageFromManifest, readPackages, sha256File, writeManifest, type ImageRecord } from './manifest.js';
import { packerCommands, writeBuildInputs, type BuildInputs } from './prepare.js';
import { BuildProgress } from './progress.js';

export interface BakeOptions extends BuildInputs {
  out: string;
  roles: Role[];
  onlyValidate: boolean;
  packerTarget: PackerTarget;
  verbose: boolean;
  log: (line: string) => void;
}

const INSTALL_HINT: Record<string, string> = {
  packer: 'install Packer (Debian/Ubuntu: apt-get install packer, or HashiCorp\'s package for >= 1.7)',
  'qemu-system-x86_64': 'install QEMU (Debian/Ubuntu: apt-get install qemu-system-x86)',
  'qemu-img': 'install qemu-img (Debian/Ubuntu: apt-get install qemu-utils)',
  iso: 'install an ISO tool for Packer\'s seed CD (Debian/Ubuntu: apt-get install xorriso)',
};

/** Every missing program, each with what to install, in one error. */
function requireTools(needBuild: boolean): void {
  const missing: string[] = [];
  if (!onPath('packer')) missing.push(`packer not found: ${INSTALL_HINT.packer}`);
  if (needBuild) {
    for (const t of ['qemu-system-x86_64', 'qemu-img']) if (!onPath(t)) missing.push(`${t} not found: ${INSTALL_HINT[t]}`);
    if (!['xorriso', 'mkisofs', 'genisoimage'].some((t) => onPath(t))) missing.push(`no xorriso, mkisofs or genisoimage: ${INSTALL_HINT.iso}`);
  }
  if (missing.length > 0) throw new ToolError(missing.join('\n'));
}

async function packerVersion(): Promise<string> {
  const r = await execa('packer', ['version'], { reject: false });
  const m = /(\d+\.\d+\.\d+)/.exec(r.stdout);
  if (!m) throw new ToolError('packer version: unexpected output', r.stdout + r.stderr);
  return m[1]!;
}

function newerOrEqual(v: string, min: [number, number]): boolean {
  const [a = 0, b = 0] = v.split('.').map(Number);
  return a > min[0] || (a === min[0] && b >= min[1]);
}

/**
 * Runs one Packer command; Ctrl-C reaches Packer once (it runs in its own process group) and stops it cleanly,
 * as does `cancel` (the other role's build failed).
 */
async function runPacker(args: string[], cwd: string, opts: { verbose: boolean; progress?: BuildProgress; cancel?: AbortSignal }): Promise<void> {
  const child: ResultPromise = execa('packer', args, {
    cwd,
    reject: false,
    detached: true,
    all: true,
    buffer: !opts.progress,
    env: { PACKER_NO_COLOR: '1', CHECKPOINT_DISABLE: '1' },
    stdout: opts.verbose ? 'inherit' : 'pipe',
    stderr: opts.verbose ? 'inherit' : 'pipe',
  });
  if (opts.cancel?.aborted) throw new Interrupted('stopped: the other build failed');
  let interrupted = false;
  let force: NodeJS.Timeout | undefined;
  const onSigint = () => {
    if (interrupted) return;
    interrupted = true;
    child.kill('SIGINT');
    // Packer ignores interrupts in some steps (e.g. while it waits for a shutdown): then stop it and QEMU hard.
    force = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 30_000);
  };
  process.on('SIGINT', onSigint);
  opts.cancel?.addEventListener('abort', onSigint);
  try {
    if (opts.progress && child.all) {
      let rest = '';
      child.all.on('data', (d: Buffer) => {
        const lines = (rest + d.toString()).split('\n');
        rest = lines.pop() ?? '';
        for (const l of lines) opts.progress!.feed(l);
      });
    }
    const r = await child;
    if (interrupted) throw new Interrupted('interrupted: Packer was stopped');
    if (r.exitCode !== 0) {
      const tail = opts.progress ? opts.progress.tail.join('\n') : String(r.all ?? '').split('\n').slice(-30).join('\n');
      throw new ToolError(`packer ${args[0]} failed (exit ${r.exitCode})`, tail);
    }
  } finally {
    process.off('SIGINT', onSigint);
    opts.cancel?.removeEventListener('abort', onSigint);
    clearTimeout(force);
  }
}

/**
 * Bakes the role images: templates and scripts into a private work folder, a per-build key and seed, then
 * packer init (modern) and validate of each role, then the builds of the roles at the same time (each VM is
 * one process; a machine with two cores or more bakes both in less time than one after the other; when one
 * fails the other is stopped). The image appears under DIR/images/<role>/ only when its build succeeded;
 * DIR/images/manifest.json records path, size, SHA-256, installed packages and phase timings.
 */
export async function bake(model: ClusterModel, templates: Templates, o: BakeOptions): Promise<ImageRecord[]> {
  requireTools(!o.onlyValidate);
  const version = await packerVersion();
  if (o.packerTarget === 'modern' && !newerOrEqual(version, [1, 7])) {
    throw new UserError(`Packer ${version} cannot read templates with required_plugins: pass --packer-compat 1.6, or install Packer >= 1.7`);
  }
  const imagesDir = resolve(o.out, 'images');
  const work = join(imagesDir, `.work-${process.pid}`);
  mkdirSync(work, { recursive: true, mode: 0o700 });
  const records: ImageRecord[] = [];
  try {
    for (const f of packerFiles(model, o.packerTarget, templates.scripts)) {
      mkdirSync(join(work, f.path, '..'), { recursive: true });
      writeFileSync(join(work, f.path), f.content, { mode: f.mode });
    }
    const builds = await writeBuildInputs(
      {
        dir: work,
        template: (role) => join(work, 'packer', `${role}.pkr.json`),
        outputDirectory: (role) => join(imagesDir, `.partial-${role}`),
        manifestPath: (role) => join(work, `manifest-${role}.json`),
      },
      o.roles,
      o,
    );

    // init and validate one role after the other (packer init of both would install the same plugin at once),
    // then the builds at the same time
    for (const build of builds) {
      for (const args of packerCommands(build, o.packerTarget).map((c) => c.slice(1)).slice(0, -1)) {
        o.log(`[${build.role}] packer ${args[0]}`);
        await runPacker(args, work, { verbose: o.verbose });
      }
    }
    if (o.onlyValidate) return [];
    const cancel = new AbortController();
    let first: unknown;
    const results = await Promise.allSettled(
      builds.map((build) =>
        buildRole(build, { work, imagesDir, o, packer: version, flavor: model.flavor.name, cancel: cancel.signal }).catch((e: unknown) => {
          first ??= e;
          cancel.abort();
          throw e;
        }),
      ),
    );
    if (first !== undefined) throw first;
    for (const r of results) if (r.status === 'fulfilled') records.push(r.value);
  } finally {
    rmSync(work, { recursive: true, force: true });
    for (const role of ROLES) rmSync(join(imagesDir, `.partial-${role}`), { recursive: true, force: true });
  }
  if (records.length > 0) writeManifest(imagesDir, records);
  return records;
}

type Build = Awaited<ReturnType<typeof writeBuildInputs>>[number];

interface BuildContext {
  work: string;
  imagesDir: string;
  o: BakeOptions;
  packer: string;
  flavor: string;
  cancel: AbortSignal;
}

/** One role's packer build; its image moved under its final name, its manifest record. */
async function buildRole(build: Build, { work, imagesDir, o, packer, flavor, cancel }: BuildContext): Promise<ImageRecord> {
  const { role } = build;
  const partial = build.variables.output_directory!;
  rmSync(partial, { recursive: true, force: true });
  const manifest = build.variables.manifest_path!;
  // the arguments of packer build (the last command; init and validate ran before)
  const buildArgs = packerCommands(build, o.packerTarget).at(-1)!.slice(1);

  o.log(`[${role}] packer build (progress below; --verbose shows Packer's own output)`);
  const progress = new BuildProgress((l) => o.log(`[${role}] ${l}`));
  try {
    await runPacker(o.verbose ? buildArgs : ['build', '-machine-readable', ...buildArgs.slice(1)], work, {
      verbose: o.verbose,
      cancel,
      ...(o.verbose ? {} : { progress }),
    });
  } catch (e) {
    rmSync(partial, { recursive: true, force: true });
    throw e;
  }
  const vmName = basename(imageFromManifest(manifest));
  const final = join(imagesDir, role);
  const previous = join(imagesDir, `.previous-${role}`);
  rmSync(previous, { recursive: true, force: true });
  if (existsSync(final)) renameSync(final, previous);
  renameSync(partial, final);
  rmSync(previous, { recursive: true, force: true });
  const image = join(final, vmName);
  const record: ImageRecord = {
    role,
    flavor,
    path: image,
    size_bytes: statSync(image).size,
    sha256: await sha256File(image),
    packages: readPackages(join(final, 'packages.tsv')),
    timings_s: progress.timings(),
    built_at: new Date().toISOString(),
    packer,
  };
  o.log(`[${role}] image ${image} (${(statSync(image).size / 2 ** 20).toFixed(0)} MiB)`);
  return record;
}
