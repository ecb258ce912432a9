import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the folder holding package.json), found from this module both in src/ and in dist/src/. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('pgha package root not found');
    dir = up;
  }
  return dir;
}

export const PACKAGE_ROOT = findRoot();

export function packagePath(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}
