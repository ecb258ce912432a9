import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { imageFileName } from '../model/flavors.js';
import { rollOutNodes } from '../spec/edit.js';
import { readSpecText } from '../spec/load.js';
import { clusterResult } from './cluster-report.js';
import type { Io } from './io.js';
import { prepareData } from './load.js';
import { requireOut } from './options.js';
import type { CommandResult } from './result.js';
import { specFileFor } from './spec-file.js';
import { writeCluster, type OutputOptions } from './write-cluster.js';

/**
 * pgha rollout: every node's generation up (each seed a new instance that joins the running cluster, with a new
 * certificate), every seed written again, and DIR/launch/rollout.sh, which replaces the VMs one at a time with
 * ones on the images pgha bake left in DIR/images/. pgha itself touches no VM.
 */
export async function rollout(spec: string | undefined, options: Partial<OutputOptions>, io: Io): Promise<CommandResult> {
  const path = specFileFor('rollout', spec, 'every node\'s generation');
  const out = requireOut(options.out, 'to write the seeds and the roll-out script (the folder pgha bake wrote its images/ into)');
  const edit = rollOutNodes(readSpecText(path), path);
  const prepared = prepareData(edit.raw, path, path, edit.text);
  const { model } = prepared;
  for (const role of new Set(model.nodes.map((n) => n.role))) {
    const image = join(out, 'images', role, imageFileName(model.flavor, role));
    if (!existsSync(image)) throw new UserError(`no ${role} image at ${image}: bake the new images first (pgha bake ${path} --out ${out}), then run pgha rollout again`);
  }
  const report = await writeCluster(prepared, { ...options, out }, io, { certs: { replaced: model.nodes.map((n) => n.name) }, specEdit: { path, text: edit.text } });
  const script = join(out, 'launch', 'rollout.sh');
  return clusterResult(report, {
    json: { spec: path, script, nodes: model.nodes.map((n) => ({ name: n.name, role: n.role, generation: n.generation })) },
    lines: [`${path}: every node is generation ${Math.min(...model.nodes.map((n) => n.generation))} or above; replace the VMs one at a time with ${script} ${path}`],
  });
}
