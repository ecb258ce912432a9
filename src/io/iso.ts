import { chmodSync, utimesSync } from 'node:fs';
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

/**
 * A NoCloud seed ISO (ISO9660 + Joliet + Rock Ridge, volume label cidata) in each node folder. Many at a time:
 * each xorriso run takes ~0.1 s, nearly all of it a sleep in libburn, not CPU.
 */
export async function makeSeedIsos(tool: IsoTool, nodeDirs: string[], parallel = 32): Promise<void> {
  const { execa } = await import('execa');
  const queue = [...nodeDirs];
  const worker = async () => {
    for (let dir = queue.shift(); dir !== undefined; dir = queue.shift()) {
      for (const f of SEED_FILES) utimesSync(join(dir, f), EPOCH, EPOCH);
      const [cmd, args] = isoCommand(tool, dir);
      const r = await execa(cmd, args, { cwd: dir, reject: false, env: { SOURCE_DATE_EPOCH: String(EPOCH) }, all: true, stdin: 'ignore' });
      if (r.exitCode !== 0) throw new ToolError(`${cmd} failed for ${dir} (exit ${r.exitCode})`, String(r.all ?? '').split('\n').slice(-20).join('\n'));
      chmodSync(join(dir, 'seed.iso'), 0o600); // it holds user-data and so the node's secrets
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, nodeDirs.length) }, worker));
}
