import YAML, { isMap, isScalar, isSeq, LineCounter, type Node } from 'yaml';
import type { Diagnostic } from './diagnostic.js';

/** `nodes[2].ip` → ['nodes', 2, 'ip']; a parameter name with a dot (`pg_stat_statements.max`) stays two parts, joined when looked up. */
function segments(path: string): (string | number)[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
}

/**
 * The offset of the spec path's node in the document: of a map entry its key (where an editor points), of a
 * list item the item. A path that is not in the document (a required field left out) points at the
 * deepest part that is.
 */
function offsetOf(root: Node | null, path: string): number | undefined {
  let node: Node | null = root;
  let at: number | undefined;
  const parts = segments(path);
  for (let i = 0; i < parts.length && node; i++) {
    if (isSeq(node) && typeof parts[i] === 'number') {
      const item = node.items[parts[i] as number] as Node | undefined;
      if (!item) break;
      [node, at] = [item, item.range?.[0]];
      continue;
    }
    if (!isMap(node)) break;
    const map = node;
    // the longest run of parts that is one key: PostgreSQL parameter names may hold a dot
    let found = false;
    for (let j = parts.length; j > i && !found; j--) {
      const key = parts.slice(i, j).join('.');
      const pair = map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      if (!pair) continue;
      found = true;
      at = (pair.key as Node).range?.[0];
      node = (pair.value as Node | null) ?? null;
      i = j - 1;
    }
    if (!found) break;
  }
  return at;
}

/** The diagnostics with the line and column of their spec path in the spec file's text (YAML or JSON). */
export function locate(text: string, diagnostics: Diagnostic[]): Diagnostic[] {
  const lines = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  return diagnostics.map((d) => {
    if (d.line !== undefined || !d.path) return d;
    const offset = offsetOf(doc.contents, d.path);
    if (offset === undefined) return d;
    const { line, col } = lines.linePos(offset);
    return { ...d, line, column: col };
  });
}
