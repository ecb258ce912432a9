import { createHash } from 'node:crypto';
import { closeSync, constants, copyFileSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileError, UserError } from '../errors.js';
import type { FileEntry } from '../lib/file.js';
import { alive } from './lock.js';

/** Marks a folder as pgha's output, so that a later render may replace it and nothing else. */
export const OUTPUT_MARKER = '.pgha-output';

/** What other commands keep in the output folder and a render carries over: the baked images (pgha bake). */
export const KEPT_ON_RENDER = ['images'];

/** A file outside the output folder that is saved together with it: the secrets file, an edited spec. */
export interface AlongsideFile {
  path: string;
  content: string;
  mode: number;
}

/**
 * The file or folder a path names, with every symbolic link followed: pgha writes through a link to its
 * target and never replaces the link. For a path that does not exist yet, its nearest existing folder is
 * resolved.
 */
export function realTarget(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : join(realTarget(parent), basename(abs));
  }
}

/** Whether `path` is `dir` or lies inside it. */
export function isWithin(path: string, dir: string): boolean {
  const r = relative(dir, path);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

function assertReplaceable(dir: string, shown: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new UserError(`${shown} exists and is not a folder: choose another --out`);
  const entries = readdirSync(dir);
  // a folder that only holds what pgha bake wrote (images/) is pgha's too
  if (entries.some((e) => !KEPT_ON_RENDER.includes(e)) && !entries.includes(OUTPUT_MARKER)) {
    throw new UserError(`${shown} exists and was not written by pgha: choose an empty or new folder for --out`);
  }
}

/** Short names beside the target (a long --out name must still leave room): `.pgha-stage-<hash of name>-<pid>`. */
function workNames(target: string): { stage: (pid: number) => string; old: (pid: number) => string; pattern: RegExp } {
  const tag = createHash('sha256').update(basename(target)).digest('hex').slice(0, 8);
  const at = (kind: string) => (pid: number) => join(dirname(target), `.pgha-${kind}-${tag}-${pid}`);
  return { stage: at('stage'), old: at('old'), pattern: new RegExp(`^\\.pgha-(?:stage|old)-${tag}-(\\d+)$`) };
}

/** Beside an alongside file: its staged new content and the hard link that keeps its old content until the end. */
function alongsideNames(path: string): { tmp: string; backup: string } {
  const prefix = join(dirname(path), `.${basename(path)}.pgha-${process.pid}`);
  return { tmp: `${prefix}.tmp`, backup: `${prefix}.bak` };
}

/** Removes what a pgha killed half-way (kill -9) left beside the target and the alongside files: its pid is gone. */
function removeStale(target: string, alongside: string[]): void {
  const { pattern } = workNames(target);
  const patterns = [pattern, ...alongside.map((p) => new RegExp(`^\\.${basename(p).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.pgha-(\\d+)\\.(?:tmp|bak)$`))];
  for (const dir of new Set([dirname(target), ...alongside.map(dirname)])) {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const e of entries) {
      const pid = Number(patterns.map((p) => p.exec(e)?.[1]).find(Boolean));
      if (pid && pid !== process.pid && !alive(pid)) rmSync(join(dir, e), { recursive: true, force: true });
    }
  }
}

/** Writes a file's new content beside it (mode from its creation on, synced to disk), for commitOutput to rename in. */
function stage(f: AlongsideFile): { target: string; tmp: string; backup: string } {
  const target = realTarget(f.path);
  const names = alongsideNames(target);
  try {
    const fd = openSync(names.tmp, 'wx', f.mode);
    try {
      writeSync(fd, f.content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    rmSync(names.tmp, { force: true });
    throw fileError(e, f.path, 'write it');
  }
  return { target, ...names };
}

/** The old content of an alongside file, kept until the commit is through: a hard link, or a copy where none can be made (a bind-mounted file). */
function keepOld(target: string, backup: string): void {
  try {
    linkSync(target, backup);
  } catch {
    copyFileSync(target, backup, constants.COPYFILE_EXCL);
  }
}

/** A complete new output and the staged alongside files, ready to be swapped in. */
export interface OutputPlan {
  target: string;
  staging: string;
  old: string;
  staged: { target: string; tmp: string; backup: string }[];
}

/**
 * Swaps the staged output and files in, all or nothing: the kept entries (images/) move into the new output,
 * the old output steps aside, the new one takes its place, then each alongside file (its old content kept
 * as a hard link until the end). Any failure undoes the steps taken, in reverse, and is reported.
 */
export function commitOutput(plan: OutputPlan, rename: (from: string, to: string) => void = renameSync): void {
  const { target, staging, old, staged } = plan;
  const had = existsSync(target);
  const undo: (() => void)[] = [];
  let failing = { path: target, doing: 'replace the output folder' };
  try {
    for (const kept of KEPT_ON_RENDER.filter((k) => had && existsSync(join(target, k)))) {
      rename(join(target, kept), join(staging, kept));
      undo.push(() => renameSync(join(staging, kept), join(target, kept)));
    }
    if (had) {
      rename(target, old);
      undo.push(() => renameSync(old, target));
    }
    rename(staging, target);
    undo.push(() => renameSync(target, staging));
    for (const f of staged) {
      failing = { path: f.target, doing: 'save it' };
      const existed = existsSync(f.target);
      rmSync(f.backup, { force: true });
      if (existed) keepOld(f.target, f.backup);
      rename(f.tmp, f.target);
      undo.push(() => (existed ? renameSync(f.backup, f.target) : rmSync(f.target)));
    }
  } catch (e) {
    for (const u of undo.reverse()) u();
    for (const f of staged) rmSync(f.backup, { force: true });
    throw fileError(e, failing.path, failing.doing);
  }
  rmSync(old, { recursive: true, force: true });
  for (const f of staged) rmSync(f.backup, { force: true });
}

/**
 * Writes the files into a staging folder beside DIR, then swaps it in together with the alongside files,
 * so that DIR and those files are either all as before or all new. `afterWrite` may add files made from the
 * written ones (seed ISOs). The caller holds the locks (io/lock.ts).
 */
export async function writeOutput(
  dir: string,
  files: FileEntry[],
  options: { afterWrite?: (staging: string) => Promise<void>; alongside?: AlongsideFile[] } = {},
): Promise<void> {
  const target = realTarget(dir);
  assertReplaceable(target, dir);
  try {
    mkdirSync(dirname(target), { recursive: true });
  } catch (e) {
    throw fileError(e, dir, 'create its parent folder');
  }
  const alongside = options.alongside ?? [];
  removeStale(target, alongside.map((f) => realTarget(f.path)));
  const names = workNames(target);
  const staging = names.stage(process.pid);
  const staged: OutputPlan['staged'] = [];
  rmSync(staging, { recursive: true, force: true });
  try {
    try {
      mkdirSync(staging, { mode: 0o700 });
      const all = [...files, { path: OUTPUT_MARKER, content: 'This folder is written by pgha render and replaced whole by the next render.\n', mode: 0o644 }];
      for (const d of new Set(all.map((f) => dirname(join(staging, f.path))))) mkdirSync(d, { recursive: true, mode: 0o700 });
      // many small files: written concurrently, as opening them is most of a large cluster's render time
      await Promise.all(all.map((f) => writeFile(join(staging, f.path), f.content, { mode: f.mode, flag: 'wx' })));
    } catch (e) {
      throw fileError(e, dir, 'write the new output beside it');
    }
    await options.afterWrite?.(staging);
    for (const f of alongside) staged.push(stage(f));
    commitOutput({ target, staging, old: names.old(process.pid), staged });
  } finally {
    rmSync(staging, { recursive: true, force: true });
    for (const f of staged) rmSync(f.tmp, { force: true });
  }
}
