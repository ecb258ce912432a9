import { chmodSync, copyFileSync, lstatSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { ToolError } from '../errors.js';
import { onPath } from './tools.js';

export const SEED_FILES = ['user-data', 'meta-data', 'network-config'] as const;

/** Fixed timestamps (2024-01-01T00:00:00Z) on the seed files and the volume, so the same seed gives the same ISO. */
const EPOCH = 1704067200;

export type IsoTool = 'xorriso' | 'genisoimage' | 'cloud-localds';

/** xorriso first (reproducible output), then genisoimage, then cloud-localds (which wraps genisoimage): their ISOs carry the time they were made. */
export function findIsoTool(): IsoTool {
  for (const t of ['xorriso', 'genisoimage', 'cloud-localds'] as const) if (onPath(t)) return t;
  throw new ToolError(
    'no ISO tool for the seed ISOs: install xorriso (Debian/Ubuntu: apt-get install xorriso), genisoimage or cloud-image-utils (cloud-localds), or pass --no-iso',
  );
}

function isoCommand(tool: IsoTool, dir: string): [string, string[]] {
  const out = join(dir, 'seed.iso');
  switch (tool) {
    case 'xorriso':
      return ['xorriso', ['-as', 'mkisofs', '-quiet', '-output', out, '-volid', 'cidata', '-joliet', '-rock', ...SEED_FILES]];
    case 'genisoimage':
      return ['genisoimage', ['-quiet', '-output', out, '-volid', 'cidata', '-joliet', '-rock', ...SEED_FILES]];
    case 'cloud-localds':
      return ['cloud-localds', ['--network-config=network-config', out, 'user-data', 'meta-data']];
  }
}

/** A seed ISO to make in `dir`; `previous` is the same node's folder in the output this render replaces. */
export interface SeedIsoJob {
  dir: string;
  previous?: string;
}

/**
 * The previous render's ISO when it was made by xorriso from the same three seed files: xorriso's ISOs are
 * reproducible (fixed times, SOURCE_DATE_EPOCH), so a copy is what running it again would write.
 */
function reusable(tool: IsoTool, job: SeedIsoJob): string | undefined {
  if (tool !== 'xorriso' || job.previous === undefined) return undefined;
  const iso = join(job.previous, 'seed.iso');
  try {
    if (!lstatSync(iso).isFile()) return undefined;
    return SEED_FILES.every((f) => readFileSync(join(job.previous!, f)).equals(readFileSync(join(job.dir, f)))) ? iso : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A NoCloud seed ISO (ISO9660 + Joliet + Rock Ridge, volume label cidata) in each node folder, or a copy of the
 * previous one when its seed files did not change (a render again). Many at a time: each xorriso run takes
 * ~0.1 s, nearly all of it a sleep in libburn, not CPU.
 */
export async function makeSeedIsos(tool: IsoTool, jobs: SeedIsoJob[], parallel = 32): Promise<void> {
  const queue = [...jobs];
  const worker = async () => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
      const { dir } = job;
      for (const f of SEED_FILES) utimesSync(join(dir, f), EPOCH, EPOCH);
      const previous = reusable(tool, job);
      if (previous !== undefined) {
        copyFileSync(previous, join(dir, 'seed.iso'));
      } else {
        const [cmd, args] = isoCommand(tool, dir);
        const { execa } = await import('execa'); // loaded only when an ISO is made: a render again may make none
        const r = await execa(cmd, args, { cwd: dir, reject: false, env: { SOURCE_DATE_EPOCH: String(EPOCH) }, all: true, stdin: 'ignore' });
        if (r.exitCode !== 0) throw new ToolError(`${cmd} failed for ${dir} (exit ${r.exitCode})`, String(r.all ?? '').split('\n').slice(-20).join('\n'));
      }
      chmodSync(join(dir, 'seed.iso'), 0o600); // it holds user-data and so the node's secrets
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
}
