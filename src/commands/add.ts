import { UserError } from '../errors.js';
import { addNode } from '../spec/edit.js';
import { readSpecText } from '../spec/load.js';
import { clusterResult } from './cluster-report.js';
import type { NodeSpec } from '../spec/types.js';
import type { Io } from './io.js';
import { prepareData } from './load.js';
import { requireOut } from './options.js';
import type { CommandResult } from './result.js';
import { bootHint, specFileFor, type MembershipOptions } from './spec-file.js';
import { writeCluster } from './write-cluster.js';

const TAG_NAMES = ['nofailover', 'noloadbalance', 'clonefrom', 'nosync'] as const;

function parseTags(list: string): NodeSpec['tags'] {
  const tags: Record<string, boolean> = {};
  for (const t of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(TAG_NAMES as readonly string[]).includes(t)) throw new UserError(`--tags ${list}: ${t} is not a Patroni tag pgha knows (${TAG_NAMES.join(', ')})`);
    tags[t] = true;
  }
  return tags;
}

/** pgha add: a new node of the running cluster (generation 1) appended to the spec, and every seed rendered again. */
export async function add(name: string, spec: string | undefined, options: MembershipOptions, io: Io): Promise<CommandResult> {
  const path = specFileFor('add', spec);
  const out = requireOut(options.out, 'to write the seeds');
  if (options.role !== 'etcd' && options.role !== 'postgres') throw new UserError(`--role ${options.role ?? '(missing)'}: use etcd or postgres`);
  if (options.ip === undefined) throw new UserError('--ip is missing: give the new node\'s address');
  const tags = options.tags === undefined ? undefined : parseTags(String(options.tags));
  const edit = addNode(readSpecText(path), path, {
    name: String(name),
    role: options.role,
    ip: String(options.ip),
    ...(options.mac !== undefined ? { mac: String(options.mac) } : {}),
    ...(tags ? { tags } : {}),
  });
  const prepared = prepareData(edit.raw, path, path, edit.text);
  const report = await writeCluster(prepared, { ...options, out }, io, { specEdit: { path, text: edit.text } });
  const node = prepared.model.nodes.find((n) => n.name === name)!;
  return clusterResult(report, {
    json: { spec: path, node: { name: node.name, role: node.role, ip: node.ip, mac: node.mac, generation: node.generation } },
    lines: [`${path}: added ${name} (${options.role}, ${options.ip}): ${bootHint(out, name)}`],
  });
}
