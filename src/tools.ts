import { execa } from 'execa';

/** Whether an external program is on PATH (asked through /bin/sh, so an empty PATH still works). */
export async function onPath(cmd: string): Promise<boolean> {
  return (await execa('/bin/sh', ['-c', `command -v ${cmd}`], { reject: false })).exitCode === 0;
}
