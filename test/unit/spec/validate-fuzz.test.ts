/**
 * Property-based tests of the spec loader and validator (fast-check): random and mutated specs (wrong types,
 * missing fields, huge values, unicode names, duplicate keys, invalid CIDRs and addresses, YAML garbage) either
 * render or fail with a UserError whose every error names its spec path; nothing else is ever thrown.
 * The CLI part checks exit code 2, no stack trace and no output folder for a sample of the failing ones.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { renderCluster } from '../../../src/assemble/cluster.js';
import { UserError } from '../../../src/errors.js';
import { buildModel, type ClusterModel } from '../../../src/model/model.js';
import { completeSecrets } from '../../../src/secrets/generate.js';
import { BUILT_IN_SPEC } from '../../../src/spec/built-in.js';
import { parseSpecText } from '../../../src/spec/load.js';
import { validateSpec } from '../../../src/spec/validate.js';
import { FLAVORS, pgha, RULES, TEMPLATES, TEST_NOW, TEST_SECRETS } from '../../helpers.js';

const RUNS = 2000;

type Outcome = { kind: 'rendered'; model: ClusterModel } | { kind: 'invalid'; paths: string[] } | { kind: 'unreadable' };

/** What pgha does with a spec text, in process: parse, validate, model, render. Anything but a UserError fails the test. */
function outcome(text: string): Outcome {
  let raw: unknown;
  try {
    raw = parseSpecText(text, 'fuzz.yaml');
  } catch (e) {
    if (e instanceof UserError) return { kind: 'unreadable' };
    throw e;
  }
  const { spec, diagnostics } = validateSpec(raw, RULES);
  for (const d of diagnostics) {
    assert.type(d.path, 'string');
    assert.ok(d.message.length > 0, 'every diagnostic says something');
  }
  if (!spec) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    assert.ok(errors.length > 0, 'an invalid spec has at least one error');
    return { kind: 'invalid', paths: errors.map((d) => d.path) };
  }
  return { kind: 'rendered', model: buildModel(spec, FLAVORS) };
}

/** Every path of a JSON value, as key lists. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
  if (value && typeof value === 'object') return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  return [prefix];
}

const SPEC_PATHS = paths(BUILT_IN_SPEC).filter((p) => p.length > 0);

function setIn(root: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === DELETE) {
    if (Array.isArray(cur)) cur.splice(Number(last), 1);
    else delete cur[last];
  } else cur[last] = value;
  return copy;
}

const DELETE = Symbol('delete');

const oddValue = fc.oneof(
  fc.constant(DELETE),
  fc.anything({ maxDepth: 2 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', 'é', '节点', '🐘', 'a'.repeat(10_000), '../../etc/passwd', '$(reboot)', '-rf'),
  fc.constantFrom(0, -1, 1e300, Number.MAX_SAFE_INTEGER, 2 ** 64, 0.5, NaN, Infinity),
  fc.constantFrom('10.0.0.0/33', '10.0.0.0/-1', '300.1.2.3/24', '10.0.0/24', '10.0.0.1/24', '::1/128', '1.2.3.4', 'x/y', '0.0.0.0/0'),
  fc.constantFrom('256.1.1.1', '10.0.0', '10.0.0.1.2', '010.000.000.001', '192.168.122.0', '192.168.122.255'),
);

/** The default spec with 1 to 4 fields replaced by odd values or removed, as YAML or JSON. */
const mutatedSpec = fc
  .tuple(fc.array(fc.tuple(fc.constantFrom(...SPEC_PATHS), oddValue), { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([changes, asJson]) => {
    let spec: unknown = BUILT_IN_SPEC;
    for (const [path, value] of changes) {
      try {
        spec = setIn(spec, path, value);
      } catch {
        // an earlier change removed the parent: skip this one
      }
    }
    return asJson ? JSON.stringify(spec, (_k, v) => (typeof v === 'bigint' ? String(v) : v)) : YAML.stringify(spec, { aliasDuplicateObjects: false });
  });

/** Text-level damage: a duplicated key line, a line cut, random text spliced in. */
const damagedText = fc
  .tuple(fc.nat(200), fc.constantFrom('duplicate', 'cut', 'splice'), fc.string({ maxLength: 30 }))
  .map(([at, how, junk]) => {
    const lines = YAML.stringify(BUILT_IN_SPEC).split('\n');
    const i = at % lines.length;
    if (how === 'duplicate') lines.splice(i, 0, lines[i]!);
    else if (how === 'cut') lines[i] = lines[i]!.slice(0, Math.floor(lines[i]!.length / 2));
    else lines[i] = `${lines[i]}${junk}`;
    return lines.join('\n');
  });

const anyText = fc.oneof(fc.string({ maxLength: 200 }), fc.json({ maxDepth: 3 }), fc.fullUnicodeString({ maxLength: 100 }));

test(`${RUNS * 3} random and mutated specs: a render or errors with their spec paths, never anything else`, async () => {
  const counts = { rendered: 0, invalid: 0, unreadable: 0 };
  for (const arb of [mutatedSpec, damagedText, anyText]) {
    await fc.assert(
      fc.asyncProperty(arb, async (text) => {
        const o = outcome(text);
        counts[o.kind]++;
        if (o.kind === 'invalid') for (const p of o.paths) assert.type(p, 'string');
        if (o.kind === 'rendered') {
          const { secrets } = await completeSecrets(o.model, TEST_SECRETS, { now: TEST_NOW, lifetimes: o.model.tls });
          assert.ok(renderCluster(o.model, secrets, TEMPLATES, 'modern').length > 0);
        }
      }),
      { numRuns: RUNS, seed: 20261126 },
    );
  }
  console.log(`    fuzzed ${RUNS * 3} specs: ${counts.rendered} rendered, ${counts.invalid} invalid with spec paths, ${counts.unreadable} not YAML`);
  assert.ok(counts.invalid > RUNS / 2 && counts.rendered > 0 && counts.unreadable > 0, 'all three outcomes were exercised');
});

test('the CLI on a sample of bad specs: exit 2, no stack trace, no output folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgha-fuzz-'));
  try {
    const sample = fc.sample(fc.oneof(mutatedSpec, damagedText), { numRuns: 60, seed: 7 }).filter((t) => outcome(t).kind !== 'rendered').slice(0, 12);
    for (const text of sample) {
      writeFileSync(join(dir, 'spec.yaml'), text);
      const r = await pgha(['render', 'spec.yaml', '--out', 'out', '--no-iso'], dir);
      assert.is(r.code, 2, `${r.stderr}\n--- spec:\n${text.slice(0, 500)}`);
      assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
      assert.not.ok(existsSync(join(dir, 'out')), 'nothing written');
    }
    console.log(`    ${sample.length} bad specs through the CLI: exit 2 each`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
