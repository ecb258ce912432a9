import { replaceNode } from '../spec/edit.js';
import { readSpecText } from '../spec/load.js';
import { clusterResult } from './cluster-report.js';
import type { Io } from './io.js';
import { prepareData } from './load.js';
import { requireOut } from './options.js';
import type { CommandResult } from './result.js';
import { bootHint, specFileFor, type MembershipOptions } from './spec-file.js';
import { writeCluster } from './write-cluster.js';

/** pgha replace: a dead node's new seed (generation up, a new key), the spec updated with the output. */
export async function replace(name: string, spec: string | undefined, options: MembershipOptions, io: Io): Promise<CommandResult> {
  const path = specFileFor('replace', spec);
  const out = requireOut(options.out, 'to write the seeds');
  const edit = replaceNode(readSpecText(path), path, name, {
    ...(options.ip !== undefined ? { ip: String(options.ip) } : {}),
    ...(options.mac !== undefined ? { mac: String(options.mac) } : {}),
  });
  const prepared = prepareData(edit.raw, path, path, edit.text);
  const report = await writeCluster(prepared, { ...options, out }, io, { certs: { replaced: [name] }, specEdit: { path, text: edit.text } });
  const node = prepared.model.nodes.find((n) => n.name === name)!;
  return clusterResult(report, {
    json: { spec: path, node: { name, role: node.role, ip: node.ip, mac: node.mac, generation: node.generation } },
    lines: [`${path}: ${name} (${node.role}, ${node.ip}) is generation ${node.generation}: ${bootHint(out, name)}`],
  });
}
