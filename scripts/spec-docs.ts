/**
 * npm run spec-docs: writes docs/spec.md, the field reference of the cluster spec, from
 * schema/pgha-spec.schema.json: every field with its type (and limits), default, description and an
 * example (the schema's `examples`, else the value in the built-in spec or in examples/*.yaml, else its
 * default). test/unit/spec-docs.test.ts fails when docs/spec.md is not what this writes.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import YAML from 'yaml';
import { packagePath } from '../src/paths.js';
import { BUILT_IN_SPEC } from '../src/spec/built-in.js';

/** The parts of JSON Schema the spec's schema uses. */
export interface FieldSchema {
  description?: string;
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  default?: unknown;
  examples?: unknown[];
  required?: string[];
  properties?: Record<string, FieldSchema>;
  items?: FieldSchema;
  additionalProperties?: boolean | FieldSchema;
  propertyNames?: FieldSchema;
}

/** One row of the reference: a field's path (`nodes[].tags.nofailover`, `postgres.parameters.<name>`) and its schema. */
export interface Field {
  path: string;
  schema: FieldSchema;
  required: boolean;
}

/** Every field of the schema, depth first, in the schema's order. */
export function fields(schema: FieldSchema, prefix = ''): Field[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, s]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const own = { path, schema: s, required: schema.required?.includes(key) ?? false };
    const inner = s.items?.properties ? fields(s.items, `${path}[]`) : s.properties ? fields(s, path) : [];
    const map = typeof s.additionalProperties === 'object' ? [{ path: `${path}.<name>`, schema: s.additionalProperties, required: false }] : [];
    return [own, ...inner, ...map];
  });
}

/** Inline code in a table cell: a backtick inside takes a double-backtick span, a pipe is escaped (GFM tables). */
const code = (text: string) => {
  const cell = text.replace(/\|/g, '\\|');
  return cell.includes('`') ? `\`\` ${cell} \`\`` : `\`${cell}\``;
};

/** The value as a spec writes it, on one line. */
function literal(value: unknown): string {
  // a multi-line text on one table row: JSON's escapes are a YAML double-quoted scalar too
  if (typeof value === 'string' && value.includes('\n')) return code(JSON.stringify(value));
  return code(YAML.stringify(value, { collectionStyle: 'flow', flowCollectionPadding: false, lineWidth: 0 }).trim());
}

function typeOf(s: FieldSchema): string {
  if (s.enum) return `one of ${s.enum.map((v) => code(String(v))).join(', ')}`;
  const types = (Array.isArray(s.type) ? s.type : [s.type ?? 'any']).join(' or ');
  if (s.format === 'ipv4') return 'IPv4 address';
  if (types === 'array') {
    const limits = [s.minItems !== undefined ? `at least ${s.minItems}` : '', s.maxItems !== undefined ? `at most ${s.maxItems}` : '', s.uniqueItems ? 'no duplicates' : ''];
    const items = s.items?.properties ? 'objects' : typeOf(s.items ?? {});
    return `list of ${items}${limits.some(Boolean) ? ` (${limits.filter(Boolean).join(', ')})` : ''}`;
  }
  if (types === 'object') return typeof s.additionalProperties === 'object' ? 'map of names to values' : 'object';
  const range =
    s.minimum !== undefined && s.maximum !== undefined ? ` ${s.minimum} to ${s.maximum}` : s.minimum !== undefined ? `, at least ${s.minimum}` : s.maximum !== undefined ? `, at most ${s.maximum}` : '';
  return `${types}${range}${s.pattern ? ` matching ${code(s.pattern)}` : ''}`;
}

/** The value at a field's path in a spec: the first list item or map entry that has it. */
function valueAt(spec: unknown, path: string): unknown {
  let values: unknown[] = [spec];
  for (const part of path.split('.')) {
    const list = part.endsWith('[]');
    const key = list ? part.slice(0, -2) : part;
    values = values.flatMap((v) => {
      if (v === null || typeof v !== 'object') return [];
      if (key === '<name>') return Object.entries(v).slice(0, 1).map(([k, x]) => ({ [k]: x }));
      const x = (v as Record<string, unknown>)[key];
      return x === undefined ? [] : list && Array.isArray(x) ? x : [x];
    });
  }
  return values[0];
}

/** Whether a field's example is in its fields' rows: an object, a map or a list of objects. */
export function hasInnerRows(s: FieldSchema): boolean {
  return s.type === 'object' || Boolean(s.items?.properties);
}

function example(field: Field, specs: unknown[]): string {
  if (field.schema.examples?.length) return literal(field.schema.examples[0]);
  if (hasInnerRows(field.schema)) return 'see below';
  const found = specs.map((s) => valueAt(s, field.path)).find((v) => v !== undefined && !(Array.isArray(v) && v.length === 0));
  if (found !== undefined) return literal(found);
  return field.schema.default !== undefined ? literal(field.schema.default) : '';
}

/** docs/spec.md for the schema, with examples from the given specs (the built-in one first). */
export function specReference(schema: FieldSchema, specs: unknown[]): string {
  const all = fields(schema);
  const sections = all.filter((f) => !f.path.includes('.'));
  const inSection = (s: Field, f: Field) => f.path.startsWith(`${s.path}.`) || f.path.startsWith(`${s.path}[]`);
  const row = (f: Field) =>
    `| ${code(f.path)}${f.required ? ' (required)' : ''} | ${typeOf(f.schema)} | ${f.schema.default !== undefined ? literal(f.schema.default) : ''} | ` +
    `${(f.schema.description ?? '').replace(/\|/g, '\\|')} | ${example(f, specs)} |`;
  return [
    '# The cluster spec: field reference',
    '',
    '<!-- Written by `npm run spec-docs` (scripts/spec-docs.ts) from schema/pgha-spec.schema.json; edit the schema, not this file. -->',
    '',
    `${schema.description ?? ''} A spec is YAML (or JSON); \`pgha init\` writes the built-in one,`,
    '`pgha validate` checks one against this schema and the rules the README lists, and [examples/](../examples/) holds tested ones.',
    'A field left out takes its default; a field without a default is optional unless marked required.',
    '',
    ...sections.flatMap((s) => {
      const rows = all.filter((f) => inSection(s, f));
      return [
        `## ${s.path}`,
        '',
        `${s.required ? 'Required' : 'Optional'}: ${typeOf(s.schema)}. ${s.schema.description ?? ''}`.trimEnd(),
        '',
        ...(rows.length ? ['| Field | Type | Default | Description | Example |', '| --- | --- | --- | --- | --- |', ...rows.map(row), ''] : []),
      ];
    }),
  ].join('\n');
}

/** The schema and the specs the examples come from: the built-in spec, then examples/*.yaml. */
export function currentReference(): string {
  const schema = JSON.parse(readFileSync(packagePath('schema', 'pgha-spec.schema.json'), 'utf8')) as FieldSchema;
  const examples = readdirSync(packagePath('examples'))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => YAML.parse(readFileSync(packagePath('examples', f), 'utf8')) as unknown);
  return specReference(schema, [BUILT_IN_SPEC, ...examples]);
}

export const SPEC_DOC = packagePath('docs', 'spec.md');

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(SPEC_DOC, currentReference());
  console.log(`wrote ${SPEC_DOC}`);
}
