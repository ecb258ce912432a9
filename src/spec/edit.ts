import { isMap, isSeq, Scalar, type Document } from 'yaml';
import { UserError } from '../errors.js';
import { DEFAULTS } from './field-defaults.js';
import { parseSpecDocument, specData } from './load.js';
import type { NodeSpec, Role } from './types.js';

/**
 * Changes to a spec file that `pgha replace` and `pgha add` make, on its YAML document so that comments,
 * order and style survive. Pure: text in, text out; the caller validates the result and writes it.
 */
export interface SpecEdit {
  text: string;
  /** The edited spec as data, for validation. */
  raw: unknown;
}

function nodeIndex(doc: Document, name: string, source: string): number {
  const nodes = doc.get('nodes');
  const names = isSeq(nodes) ? nodes.items.map((n) => (isMap(n) ? String(n.get('name')) : '')) : [];
  const i = names.indexOf(name);
  if (i < 0) throw new UserError(`${source}: no node named ${name}; the nodes are ${names.join(', ')}`);
  return i;
}

function result(doc: Document, source: string): SpecEdit {
  return { text: doc.toString({ flowCollectionPadding: false, lineWidth: 0 }), raw: specData(doc, source) };
}

/** Node i's generation up by one: a new instance to cloud-init, whose seed joins the running cluster. */
function nextGeneration(doc: Document, i: number): void {
  doc.setIn(['nodes', i, 'generation'], Number(doc.getIn(['nodes', i, 'generation']) ?? 0) + 1);
}

/** A dead node's replacement: its generation goes up (new instance-id; an etcd member joins), optionally a new address or MAC. */
export function replaceNode(text: string, source: string, name: string, change: { ip?: string; mac?: string }): SpecEdit {
  const doc = parseSpecDocument(text, source);
  const i = nodeIndex(doc, name, source);
  if (change.ip !== undefined) doc.setIn(['nodes', i, 'ip'], change.ip);
  if (change.mac !== undefined) doc.setIn(['nodes', i, 'mac'], change.mac);
  nextGeneration(doc, i);
  return result(doc, source);
}

/** A roll-out of new images: every node's generation goes up, so that every seed is a new instance that joins. */
export function rollOutNodes(text: string, source: string): SpecEdit {
  const doc = parseSpecDocument(text, source);
  const nodes = doc.get('nodes');
  const count = isSeq(nodes) ? nodes.items.length : 0;
  for (let i = 0; i < count; i++) nextGeneration(doc, i);
  return result(doc, source);
}

/** A new node of a running cluster: generation 1, so that its seed joins what runs. */
export function addNode(text: string, source: string, node: { name: string; role: Role; ip: string; mac?: string; tags?: NodeSpec['tags'] }): SpecEdit {
  const doc = parseSpecDocument(text, source);
  const nodes = doc.get('nodes');
  if (isSeq(nodes) && nodes.items.some((n) => isMap(n) && String(n.get('name')) === node.name)) {
    throw new UserError(`${source}: a node named ${node.name} exists; to boot a new machine for it use pgha replace ${node.name}`);
  }
  const entry: NodeSpec = { name: node.name, role: node.role, ip: node.ip, ...(node.mac ? { mac: node.mac } : {}), generation: 1, ...(node.tags ? { tags: node.tags } : {}) };
  const item = doc.createNode(entry);
  if (isSeq(nodes) && nodes.items.length > 0 && isMap(nodes.items[0]) && nodes.items[0].flow) item.flow = true;
  doc.addIn(['nodes'], item);
  return result(doc, source);
}

/** The Patroni namespace of the next restore: `/service/` → `/service/restore1/` → `/service/restore2/`. */
export function nextRestoreNamespace(namespace: string): string {
  const m = /^(.*\/)restore(\d+)\/$/.exec(namespace);
  return m ? `${m[1]}restore${Number(m[2]) + 1}/` : `${namespace}restore1/`;
}

/**
 * pgha restore: the cluster is rebuilt from its backup repository up to `to` (`latest` or a time with its zone),
 * in a Patroni namespace of its own, so that the old cluster's keys in etcd (its `initialize` key would make
 * the new nodes wait for a leader forever) stop nothing and need no one to delete them first.
 */
export function restoreCluster(text: string, source: string, to: string): SpecEdit & { namespace: { old: string; new: string } } {
  const doc = parseSpecDocument(text, source);
  if (!isMap(doc.get('backup'))) {
    throw new UserError(`${source}: no backup section: pgha restore rebuilds a cluster from its backup repository (see README "Backups and recovery")`);
  }
  const old = String(doc.getIn(['cluster', 'namespace']) ?? DEFAULTS.namespace);
  const namespace = nextRestoreNamespace(old);
  doc.setIn(['cluster', 'namespace'], namespace);
  // quoted: a YAML 1.1 reader would take an unquoted time for a timestamp
  const target = new Scalar(to);
  target.type = Scalar.QUOTE_SINGLE;
  doc.setIn(['backup', 'restore', 'to'], target);
  return { ...result(doc, source), namespace: { old, new: namespace } };
}
