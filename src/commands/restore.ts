import { UserError } from '../errors.js';
import { PORTS } from '../model/model.js';
import { restoreTarget } from '../spec/check-backup.js';
import { restoreCluster } from '../spec/edit.js';
import { readSpecText } from '../spec/load.js';
import { clusterResult } from './cluster-report.js';
import type { Io } from './io.js';
import { prepareData } from './load.js';
import { requireOut, textOption } from './options.js';
import type { CommandResult } from './result.js';
import { specFileFor } from './spec-file.js';
import { writeCluster, type OutputOptions } from './write-cluster.js';

export interface RestoreOptions extends Partial<OutputOptions> {
  to?: string;
}

/**
 * pgha restore: the seeds of a cluster rebuilt from its backup repository, for when every PostgreSQL machine is
 * gone (or a DROP TABLE must be undone). The spec records the target and a new Patroni namespace; every postgres
 * node gets a new certificate (new machines, never the dead ones' keys). Spec, secrets and output change
 * together or not at all. The etcd members keep running as they are.
 */
export async function restore(spec: string | undefined, options: RestoreOptions, io: Io): Promise<CommandResult> {
  const path = specFileFor('restore', spec, 'the restore target and a new Patroni namespace');
  const out = requireOut(options.out, 'to write the seeds of the restored cluster');
  const given = textOption(options.to, '--to');
  if (given === undefined) throw new UserError('--to is missing: give latest (every archived change) or a time with its zone, e.g. --to \'2026-12-02 01:06:42+00\'');
  const to = restoreTarget(given);
  if (to === undefined) throw new UserError(`--to ${given}: give latest or a time with its zone, e.g. '2026-12-02 01:06:42.478817+00' or 2026-12-02T01:06:42Z`);
  const edit = restoreCluster(readSpecText(path), path, to);
  const prepared = prepareData(edit.raw, path, path, edit.text);
  const { model } = prepared;
  const postgres = model.postgresNodes.map((n) => n.name);
  const report = await writeCluster(prepared, { ...options, out }, io, { certs: { replaced: postgres }, specEdit: { path, text: edit.text } });
  const tls = `${out}/monitoring/tls`;
  const oldPrefix = `${edit.namespace.old}${model.name}/`;
  // a cluster named like the new namespace (restore1) would have its live keys under the old prefix
  const tidy = `${edit.namespace.new}${model.name}/`.startsWith(oldPrefix)
    ? null
    : `etcdctl --endpoints https://${model.etcdNodes[0]!.ip}:${PORTS.etcdClient} --cacert ${tls}/ca.crt --cert ${tls}/admin.crt --key ${tls}/admin.key del --prefix ${oldPrefix}`;
  return clusterResult(report, {
    json: { spec: path, restore: { to, namespace: edit.namespace.new, previousNamespace: edit.namespace.old, nodes: postgres, tidyCommand: tidy } },
    lines: [
      `${path}: cluster ${model.name} is rebuilt from its backup repository up to ${to}, in the Patroni namespace ${edit.namespace.new} (was ${edit.namespace.old})`,
      `stop or delete the old PostgreSQL machines first (two clusters must never archive into one stanza), then boot a new machine for each of ${postgres.join(', ')} with ${out}/nodes/<name>/seed.iso (${out}/nodes/<name>/virt-install.sh --force)`,
      tidy ? `later, the old cluster's keys in etcd can go: ${tidy}` : `the old cluster's keys in etcd (${oldPrefix}) share their prefix with the new ones: delete them key by key, not by prefix`,
    ],
  });
}
