import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { FileEntry } from '../lib/file.js';
import { UserError } from '../errors.js';

/** Marks a folder as pgha's output, so that a later render may replace it and nothing else. */
export const OUTPUT_MARKER = '.pgha-output';

function assertReplaceable(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new UserError(`${dir} exists and is not a folder: choose another --out`);
  const entries = readdirSync(dir);
  // a folder that only holds what pgha bake wrote (images/) is pgha's too
  if (entries.some((e) => !KEPT_ON_RENDER.includes(e)) && !entries.includes(OUTPUT_MARKER)) {
    throw new UserError(`${dir} exists and was not written by pgha: choose an empty or new folder for --out`);
  }
}

/** What other commands keep in the output folder and a render carries over: the baked images (pgha bake). */
export const KEPT_ON_RENDER = ['images'];

/**
 * Writes the files into a staging folder beside DIR, then swaps it in, so DIR is either the old output or
 * the complete new one (with the old KEPT_ON_RENDER entries moved over). `afterWrite` may add files made from
 * the written ones (seed ISOs); `beforeSwap` runs once the staging folder is complete (e.g. to save the secrets).
 */
export async function writeOutput(
  dir: string,
  files: FileEntry[],
  hooks: { afterWrite?: (staging: string) => Promise<void>; beforeSwap?: () => void } = {},
): Promise<void> {
  const target = resolve(dir);
  assertReplaceable(target);
  try {
    mkdirSync(dirname(target), { recursive: true });
  } catch (e) {
    throw new UserError(`${dir}: cannot create its parent folder (${(e as NodeJS.ErrnoException).code}): choose another --out`);
  }
  const staging = join(dirname(target), `.${basename(target)}.pgha-new-${process.pid}`);
  const old = join(dirname(target), `.${basename(target)}.pgha-old-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    mkdirSync(staging, { mode: 0o700 });
    const all = [...files, { path: OUTPUT_MARKER, content: 'This folder is written by pgha render and replaced whole by the next render.\n', mode: 0o644 }];
    for (const d of new Set(all.map((f) => dirname(join(staging, f.path))))) mkdirSync(d, { recursive: true, mode: 0o700 });
    // many small files: written concurrently, as opening them is most of a large cluster's render time
    await Promise.all(all.map((f) => writeFile(join(staging, f.path), f.content, { mode: f.mode, flag: 'wx' })));
    await hooks.afterWrite?.(staging);
    hooks.beforeSwap?.();
    const hadOld = existsSync(target);
    if (hadOld) renameSync(target, old);
    renameSync(staging, target);
    if (hadOld) {
      for (const kept of KEPT_ON_RENDER.filter((k) => existsSync(join(old, k)))) renameSync(join(old, kept), join(target, kept));
    }
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
