import { UserError } from '../errors.js';
import { ASSET_DIR, TLS_DIR } from '../node/contract.js';
import { clusterResult } from './cluster-report.js';
import type { Io } from './io.js';
import { requireOut } from './options.js';
import { prepare } from './load.js';
import type { CommandResult } from './result.js';
import { writeCluster, type OutputOptions } from './write-cluster.js';

/** pgha certs renew: new node and admin certificates from the same CA, written into the secrets and the seeds. */
export async function certs(action: string, spec: string | undefined, options: Partial<OutputOptions>, io: Io): Promise<CommandResult> {
  if (action !== 'renew') throw new UserError(`pgha certs ${action}: the only action is renew`);
  const out = requireOut(options.out, 'to write the seeds with the new certificates');
  const report = await writeCluster(prepare(spec), { ...options, out }, io, { certs: { renew: true } });
  return clusterResult(report, {
    json: { action },
    lines: [`roll them out node by node: copy ${out}/nodes/<name>/tls/* to the node's ${TLS_DIR}/, then run ${ASSET_DIR}/pgha-node reload-tls there (see docs/tls.md)`],
  });
}
