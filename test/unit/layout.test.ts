/**
 * The layout the README's Development section describes, checked: src/ in layers (each imports only from the
 * layers below it), no import cycle, the pure core free of file and process I/O, no source file over 250 lines,
 * and one unit test per module, at the mirrored path, that imports it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { packagePath } from '../../src/paths.js';

const SRC = packagePath('src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => (statSync(join(dir, e)).isDirectory() ? files(join(dir, e)) : e.endsWith('.ts') ? [join(dir, e)] : []));
}

/** Module (path under src/, without .ts) → what it imports: other modules of src/, and packages. */
const modules = new Map(
  files(SRC).map((f) => {
    const text = readFileSync(f, 'utf8');
    const specifiers = [...text.matchAll(/(?:from|import\()\s*'([^']+)'/g)].map((m) => m[1]!);
    const local = specifiers.filter((s) => s.startsWith('.')).map((s) => relative(SRC, resolve(dirname(f), s)).replace(/\.js$/, ''));
    return [relative(SRC, f).replace(/\.ts$/, ''), { text, local, packages: specifiers.filter((s) => !s.startsWith('.')) }] as const;
  }),
);

const layer = (m: string) => (m.includes('/') ? m.slice(0, m.indexOf('/')) : m);

/** What each layer may import; the pure core (lib … assemble) does no I/O. */
const MAY_IMPORT: Record<string, string[]> = {
  errors: [],
  paths: [],
  lib: [],
  node: ['spec'],
  spec: ['errors', 'lib', 'model'],
  model: ['errors', 'lib', 'node', 'spec'],
  secrets: ['errors', 'lib', 'model'],
  render: ['lib', 'model', 'node', 'secrets', 'spec'],
  assemble: ['lib', 'model', 'node', 'render', 'secrets'],
  io: ['assemble', 'errors', 'lib', 'model', 'paths', 'render', 'spec'],
  bake: ['assemble', 'errors', 'io', 'lib', 'model', 'node', 'render', 'spec'],
  commands: ['assemble', 'bake', 'errors', 'io', 'lib', 'model', 'node', 'render', 'secrets', 'spec'],
  cli: ['commands', 'errors', 'paths'],
  bin: ['cli', 'commands'],
};
const PURE = ['lib', 'node', 'spec', 'model', 'secrets', 'render', 'assemble'];
/** Where the pure layers' few I/O edges are: reading a spec file, the secrets file. */
const IO_EDGES = ['spec/load', 'secrets/file'];

test('each layer imports only from the layers it may', () => {
  for (const [m, { local }] of modules) {
    const allowed = MAY_IMPORT[layer(m)];
    assert.ok(allowed, `${m}: a layer the layout does not know`);
    for (const dep of local) if (layer(dep) !== layer(m)) assert.ok(allowed!.includes(layer(dep)), `${m} imports ${dep}`);
  }
});

test('the pure core does no file or process I/O (apart from reading the spec and secrets files)', () => {
  const io = /^(node:fs|node:fs\/promises|node:child_process|execa|fs)$/;
  for (const [m, { packages }] of modules) {
    if (!PURE.includes(layer(m)) || IO_EDGES.includes(m)) continue;
    for (const p of packages) assert.not.match(p, io, `${m} imports ${p}`);
    assert.not.match(modules.get(m)!.text, /\bprocess\.(env|cwd|argv)\b/, `${m} reads the process`);
  }
});

test('no import cycle', () => {
  const state = new Map<string, 'open' | 'done'>();
  const visit = (m: string, path: string[]) => {
    if (state.get(m) === 'done') return;
    assert.not.ok(state.get(m) === 'open', `cycle: ${[...path, m].join(' -> ')}`);
    state.set(m, 'open');
    for (const dep of modules.get(m)?.local ?? []) visit(dep, [...path, m]);
    state.set(m, 'done');
  };
  for (const m of modules.keys()) visit(m, []);
});

test('no source file over 250 lines', () => {
  for (const [m, { text }] of modules) assert.ok(text.split('\n').length <= 251, `src/${m}.ts has ${text.split('\n').length - 1} lines`);
});

test('every module has its unit test at the mirrored path, and the test imports it', () => {
  for (const m of modules.keys()) {
    const path = packagePath('test', 'unit', `${m}.test.ts`);
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      assert.unreachable(`no test/unit/${m}.test.ts`);
    }
    // the entry point runs the command line when imported: its test runs it as a process instead
    if (m === 'bin') assert.match(text, /runPgha\(/, 'test/unit/bin.test.ts runs the command line');
    else assert.match(text, new RegExp(`from '(\\.\\./)+src/${m}\\.js'`), `test/unit/${m}.test.ts does not import src/${m}.ts`);
  }
});

test.run();
