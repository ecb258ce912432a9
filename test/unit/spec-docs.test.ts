/** docs/spec.md, the spec's field reference, is what scripts/spec-docs.ts makes of the schema: it cannot drift. */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { currentReference, fields, hasInnerRows, SPEC_DOC, specReference, type FieldSchema } from '../../scripts/spec-docs.js';
import { packagePath } from '../../src/paths.js';
import { BUILT_IN_SPEC } from '../../src/spec/built-in.js';
import { RULES } from '../helpers.js';

const schema = JSON.parse(readFileSync(packagePath('schema', 'pgha-spec.schema.json'), 'utf8')) as FieldSchema;

test('docs/spec.md is up to date with the schema (else: npm run spec-docs)', () => {
  assert.ok(readFileSync(SPEC_DOC, 'utf8') === currentReference(), 'docs/spec.md is stale: run npm run spec-docs and commit it');
});

test('every field of the schema has a description and, unless its own fields show one, an example; each is in the reference', () => {
  const doc = currentReference();
  const all = fields(schema);
  assert.ok(all.length > 60, `${all.length} fields`);
  for (const f of all) {
    assert.ok(f.schema.description, `${f.path} has no description in the schema`);
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${f.path}\``));
    if (!f.path.includes('.')) {
      assert.match(doc, new RegExp(`\\n## ${f.path.replace(/\$/g, '\\$')}\\n`), f.path);
      continue;
    }
    assert.ok(row, `${f.path} has no row`);
    const example = row!.split(' | ').at(-1)!.replace(/ \|$/, '');
    assert.ok(hasInnerRows(f.schema) ? example === 'see below' : /^`.+`$/.test(example), `${f.path}: example ${example}`);
  }
});

test('the schema\'s own examples are valid where they stand', () => {
  for (const f of fields(schema).filter((x) => x.schema.examples)) {
    const spec = structuredClone(BUILT_IN_SPEC) as unknown as Record<string, unknown>;
    // the optional backup section's own required fields, for its other fields' examples to stand in
    spec.backup = { repository: { endpoint: 'minio.example.net', bucket: 'pgha-backup', region: 'us-east-1' } };
    const parts = f.path.split('.');
    let at: Record<string, unknown> = spec;
    for (const p of parts.slice(0, -1)) {
      const key = p.replace(/\[\]$/, '');
      at[key] ??= p.endsWith('[]') ? [{}] : {};
      at = (p.endsWith('[]') ? (at[key] as Record<string, unknown>[]).at(-1) : at[key]) as Record<string, unknown>;
    }
    at[parts.at(-1)!] = f.schema.examples![0];
    assert.equal(RULES.schemaErrors(spec), [], f.path);
  }
});

test('a field\'s row: its path, whether it is required, type with limits, default, description, example', () => {
  const doc = specReference(
    {
      required: ['a'],
      properties: {
        a: {
          type: 'object',
          description: 'Section.',
          required: ['n'],
          properties: {
            n: { type: 'integer', minimum: 1, maximum: 9, default: 3, description: 'A number | a count.' },
            p: { type: 'string', pattern: '^(x|y)$', description: 'P.', examples: ['x'] },
            l: { type: 'array', items: { type: 'string', format: 'ipv4' }, maxItems: 2, description: 'L.' },
          },
        },
      },
    },
    [{ a: { l: ['10.0.0.1'] } }],
  );
  assert.match(doc, /\n## a\n\nRequired: object\. Section\.\n/);
  assert.ok(doc.includes('| `a.n` (required) | integer 1 to 9 | `3` | A number \\| a count. | `3` |'), doc);
  assert.ok(doc.includes('| `a.p` | string matching `^(x\\|y)$` |  | P. | `x` |'), doc);
  assert.ok(doc.includes('| `a.l` | list of IPv4 address (at most 2) |  | L. | `[10.0.0.1]` |'), doc);
});

test.run();
