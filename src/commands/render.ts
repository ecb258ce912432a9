import { clusterResult } from './cluster-report.js';
import type { Io } from './io.js';
import { requireOut } from './options.js';
import { prepare } from './load.js';
import type { CommandResult } from './result.js';
import { writeCluster, type OutputOptions } from './write-cluster.js';

/** pgha render: every node's seed, the launch scripts and the Packer templates into --out. */
export async function render(spec: string | undefined, options: Partial<OutputOptions>, io: Io): Promise<CommandResult> {
  const out = requireOut(options.out, 'to write the seeds');
  return clusterResult(await writeCluster(prepare(spec), { ...options, out }, io));
}
