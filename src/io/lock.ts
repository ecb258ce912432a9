import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileError, UserError } from '../errors.js';

/** Whether a process with this pid runs (on this machine). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock file of a path: beside it, so that two pgha processes writing the same output or secrets meet there. */
export function lockPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.pgha-lock`);
}

function take(path: string): void {
  const lock = lockPath(path);
  for (;;) {
    let fd: number;
    try {
      fd = openSync(lock, 'wx', 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw fileError(e, path, `lock it (${basename(lock)} beside it)`);
      let pid: number;
      try {
        pid = Number(readFileSync(lock, 'utf8').trim());
      } catch {
        continue; // released meanwhile
      }
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new UserError(`${path} is being written by another pgha (pid ${pid}): wait for it to finish, then run this again`);
      }
      rmSync(lock, { force: true }); // left by a pgha that was killed
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return;
  }
}

/**
 * Runs fn holding the locks of the paths (taken in order, released in any case): a second pgha that would
 * write the same output folder or secrets file meanwhile stops with exit 2 instead of racing this one.
 */
export async function withLocks<T>(paths: string[], fn: () => Promise<T>): Promise<T> {
  const held: string[] = [];
  try {
    for (const p of [...new Set(paths)].sort()) {
      take(p);
      held.push(p);
    }
    return await fn();
  } finally {
    for (const p of held) rmSync(lockPath(p), { force: true });
  }
}
