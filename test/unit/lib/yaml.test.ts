import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { pyYamlWouldRetype, toYaml } from '../../../src/lib/yaml.js';

/** How a YAML 1.1 reader (PyYAML, cloud-init) reads the text back. */
function read11(text: string): unknown {
  return YAML.parse(text, { version: '1.1' });
}

/** toYaml, with the check that a YAML 1.1 reader gets the same data back. */
function roundTrip(value: unknown): string {
  const out = toYaml(value);
  assert.equal(read11(out), value, `round trip of ${JSON.stringify(value)} through:\n${out}`);
  return out;
}

const RETYPED = [
  '0640',
  'on',
  'off',
  'yes',
  'no',
  'y',
  'n',
  'true',
  'null',
  '~',
  '',
  '=',
  '<<',
  '1_000',
  '0x1F',
  '5:30',
  '52:54:00:12:34:56',
  '2024-01-01',
  '.inf',
  '12.5',
];

for (const s of RETYPED) {
  test(`${JSON.stringify(s)} is double-quoted`, () => {
    assert.ok(pyYamlWouldRetype(s), `pyYamlWouldRetype(${JSON.stringify(s)})`);
    assert.is(roundTrip({ k: s }), `k: ${JSON.stringify(s)}\n`);
  });
}

test('1e3 is a string to PyYAML (its float form needs a dot) and survives the round trip', () => {
  assert.is(pyYamlWouldRetype('1e3'), false);
  roundTrip({ k: '1e3' });
});

test('PyYAML-safe strings stay plain', () => {
  for (const s of ['scram-sha-256', '52:54:00:ab:cd:ef', '/etc/patroni/config.yml', 'ALL=(ALL) NOPASSWD:ALL', 'NaN', '0o17']) {
    assert.is(pyYamlWouldRetype(s), false, s);
    assert.is(roundTrip({ k: s }), `k: ${s}\n`);
  }
});

test('numbers, booleans and null stay unquoted', () => {
  assert.is(roundTrip({ a: 1, b: 1.5, c: true, d: false, e: null, f: -3, g: 0 }), 'a: 1\nb: 1.5\nc: true\nd: false\ne: null\nf: -3\ng: 0\n');
});

test('keys that PyYAML would retype are quoted', () => {
  assert.is(roundTrip({ on: 1, yes: 'a', '0640': 2, null: 3, plain: 4 }), '"on": 1\n"yes": a\n"0640": 2\n"null": 3\nplain: 4\n');
});

test('a "<<" key is quoted, not read as a merge key', () => {
  assert.is(roundTrip({ '<<': 'x' }), '"<<": x\n');
});

test('key insertion order is kept', () => {
  assert.is(roundTrip({ zeta: 1, alpha: 2, mid: { w: 1, b: 2 } }), 'zeta: 1\nalpha: 2\nmid:\n  w: 1\n  b: 2\n');
});

test('a multi-line string is a literal block and round-trips exactly', () => {
  const content = 'line1\n  indented\n\nlast with "quotes" and: colon\n';
  assert.is(roundTrip({ content }), 'content: |\n  line1\n    indented\n\n  last with "quotes" and: colon\n');
});

test('literal blocks keep a missing, single or repeated final newline', () => {
  assert.is(roundTrip({ k: 'a\nb' }), 'k: |-\n  a\n  b\n');
  assert.is(roundTrip({ k: 'a\nb\n' }), 'k: |\n  a\n  b\n');
  assert.ok(roundTrip({ k: 'a\nb\n\n' }).startsWith('k: |+\n'));
});

test('a multi-line string whose first line starts with spaces round-trips', () => {
  const out = roundTrip({ k: '  lead\nnext\n' });
  assert.ok(out.startsWith('k: |'), out);
  assert.not.match(out, '"');
});

test('a multi-line string of retypable lines is still a literal block', () => {
  assert.is(roundTrip({ k: 'on\noff\n' }), 'k: |\n  on\n  off\n');
});

test('long strings are not folded', () => {
  const long = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
  assert.is(roundTrip({ k: long }), `k: ${long}\n`);
});

test('a list of scalars inside a list is one flow line', () => {
  const runcmd = [['/opt/pgha/pgha-node', 'start', 'etcd.service'], ['echo', 'on'], ['done']];
  assert.is(roundTrip({ runcmd }), 'runcmd:\n  - [ /opt/pgha/pgha-node, start, etcd.service ]\n  - [ echo, "on" ]\n  - [ done ]\n');
});

test('other lists stay in block style', () => {
  assert.is(roundTrip({ l: ['a', 'b'] }), 'l:\n  - a\n  - b\n');
  assert.is(roundTrip({ l: [[{ a: 1 }]] }), 'l:\n  - - a: 1\n');
});

test('toYaml refuses values that are not plain data', () => {
  assert.throws(() => toYaml({ a: undefined }), /undefined at \$\.a/);
  assert.throws(() => toYaml({ a: [1, undefined] }), /\$\.a\[1\]/);
  assert.throws(() => toYaml({ a: NaN }), /not plain data at \$\.a/);
  assert.throws(() => toYaml({ a: Infinity }), /not plain data/);
  assert.throws(() => toYaml({ a: () => 1 }), /not plain data at \$\.a: function/);
  assert.throws(() => toYaml({ a: new Date(0) }), /not plain data at \$\.a/);
  assert.throws(() => toYaml({ a: new Map() }), /not plain data/);
  class Point {
    x = 1;
  }
  assert.throws(() => toYaml([new Point()]), /not plain data at \$\[0\]/);
  assert.throws(() => toYaml({ a: 1n }), /not plain data/);
});

test('a tab in a one-line string is written double-quoted (PyYAML reads a raw one in a plain scalar as a token)', () => {
  assert.is(toYaml({ k: 'a\tb', l: [['c', 'x\ty']] }), 'k: "a\\tb"\nl:\n  - [ c, "x\\ty" ]\n');
});

test('a string that no YAML 1.1 reader reads back as written is refused (spec validation keeps them out)', () => {
  for (const s of ['\u2028', 'a\u0085b', '\u007f', '\uffff', '\ud800']) assert.throws(() => toYaml({ k: s }), /not plain data for a YAML 1\.1 reader at \$\.k/);
  assert.is(toYaml({ k: 'two\nlines' }), 'k: |-\n  two\n  lines\n');
});

test.run();
