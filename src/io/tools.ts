import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A shell's search path when PATH is unset. */
const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

/** Whether an external program is on PATH, found as a shell finds it (an empty entry is the current folder). */
export function onPath(cmd: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.PATH ?? DEFAULT_PATH).split(delimiter).some((dir) => {
    const path = join(dir || '.', cmd);
    try {
      accessSync(path, constants.X_OK);
      return statSync(path).isFile();
    } catch {
      return false;
    }
  });
}
