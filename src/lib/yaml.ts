import YAML, { isScalar, isSeq, visit } from 'yaml';
import { codePoint, forbiddenCharacter } from './text.js';

/**
 * PyYAML's implicit resolvers (YAML 1.1), copied from its resolver.py: a plain scalar matching one of
 * these is not read back as a string by cloud-init, so such strings must be quoted.
 */
const PYYAML_IMPLICIT: RegExp[] = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|y|Y|n|N)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:<<)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  /^(?:=)$/,
];

/** Characters that end or change a plain scalar inside a PyYAML flow sequence. */
const FLOW_UNSAFE = /[?:,[\]{}#\t\n]|^[-?:!&*|>'"%@`]/;

/** True when PyYAML would resolve this plain scalar to something other than a string. */
export function pyYamlWouldRetype(s: string): boolean {
  return PYYAML_IMPLICIT.some((re) => re.test(s));
}

/**
 * Plain data only: objects, arrays, finite numbers, booleans, and strings that a YAML 1.1 reader reads back
 * as written (spec validation refuses the characters that could not be: lib/text.ts).
 */
function assertPlainData(value: unknown, path: string): void {
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'string') {
    const bad = forbiddenCharacter(value, true);
    if (bad) throw new Error(`not plain data for a YAML 1.1 reader at ${path}: ${codePoint(bad.code)} at position ${bad.at}`);
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not plain data at ${path}: ${value}`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertPlainData(v, `${path}[${i}]`));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) throw new Error(`undefined at ${path}.${k}`);
      assertPlainData(v, `${path}.${k}`);
    }
    return;
  }
  throw new Error(`not plain data at ${path}: ${typeof value}`);
}

/**
 * Serialise plain data for a YAML 1.1 reader (PyYAML, cloud-init): keys keep their insertion order,
 * strings that PyYAML would retype are double-quoted, a list of scalars inside a list (a command) is one flow line, multi-line strings are literal blocks, no line folding.
 */
export function toYaml(value: unknown): string {
  assertPlainData(value, '$');
  // Without the merge tag, '<<' is an ordinary string that the visitor below can quote.
  const doc = new YAML.Document(value, {
    version: '1.1',
    customTags: (tags) => tags.filter((t) => (typeof t === 'string' ? t !== 'merge' : t.tag !== 'tag:yaml.org,2002:merge')),
  });
  visit(doc, {
    Seq(_key, node, path) {
      if (!isSeq(path[path.length - 1]) || !node.items.every((i) => isScalar(i))) return;
      node.flow = true;
      for (const item of node.items) {
        if (isScalar(item) && typeof item.value === 'string' && FLOW_UNSAFE.test(item.value)) item.type = 'QUOTE_DOUBLE';
      }
    },
    Scalar(_key, node) {
      // a tab in a one-line string: PyYAML takes a plain one for the start of a token (double quotes escape it)
      if (typeof node.value === 'string' && !node.value.includes('\n') && (pyYamlWouldRetype(node.value) || node.value.includes('\t'))) {
        node.type = 'QUOTE_DOUBLE';
      }
    },
    Pair(_key, pair) {
      if (isScalar(pair.key) && typeof pair.key.value === 'string' && pyYamlWouldRetype(pair.key.value)) {
        pair.key.type = 'QUOTE_DOUBLE';
      }
    },
  });
  return doc.toString({ lineWidth: 0, minContentWidth: 0, indentSeq: true });
}
