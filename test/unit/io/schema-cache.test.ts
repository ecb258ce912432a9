import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Ajv } from 'ajv';
import { cachedValidator, validTexts, type SchemaCompiler } from '../../../src/io/schema-cache.js';

const require = createRequire(import.meta.url);
const SCHEMA = JSON.stringify({ type: 'object', properties: { port: { type: 'integer', maximum: 65535 } }, required: ['port'] });
let compiles = 0;
const compiler: SchemaCompiler = {
  recipe: 'test',
  ajv: () => {
    compiles++;
    const { Ajv: AjvClass } = require('ajv') as { Ajv: new (o: object) => Ajv };
    return new AjvClass({ allErrors: true, code: { source: true } });
  },
};

let dir = '';
const xdg = process.env.XDG_CACHE_HOME;
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-cache-'));
  process.env.XDG_CACHE_HOME = dir;
  compiles = 0;
});
test.after.each(() => {
  if (xdg === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = xdg;
  rmSync(dir, { recursive: true, force: true });
});

const check = (v: ReturnType<typeof cachedValidator>) => [v({ port: 5432 }), v({ port: 70000 }), v({})];

test('compiled once: later calls load the kept code, which checks the same', () => {
  const first = cachedValidator(SCHEMA, compiler);
  assert.equal(check(first), [true, false, false]);
  const [file] = readdirSync(join(dir, 'pgha'));
  assert.match(file!, /^schema-[0-9a-f]{32}\.cjs$/);
  const second = cachedValidator(SCHEMA, compiler);
  assert.is(compiles, 1, 'loaded, not compiled again');
  assert.equal(check(second), [true, false, false]);
  second({ port: 'x' });
  assert.equal(second.errors?.map((e) => e.instancePath), ['/port']);
});

test('another schema or recipe is another entry', () => {
  cachedValidator(SCHEMA, compiler);
  cachedValidator(SCHEMA.replace('65535', '1024'), compiler);
  cachedValidator(SCHEMA, { ...compiler, recipe: 'other' });
  assert.is(readdirSync(join(dir, 'pgha')).length, 3);
  assert.is(compiles, 3);
});

test('a kept file that others may change is not run: the schema is compiled again', () => {
  cachedValidator(SCHEMA, compiler);
  const path = join(dir, 'pgha', readdirSync(join(dir, 'pgha'))[0]!);
  writeFileSync(path, 'module.exports = () => true;');
  chmodSync(path, 0o666);
  const v = cachedValidator(SCHEMA, compiler);
  assert.is(compiles, 2);
  assert.equal(check(v), [true, false, false]);
  assert.is.not(readFileSync(path, 'utf8'), 'module.exports = () => true;', 'replaced by the compiled code');
  assert.is(statSync(path).mode & 0o777, 0o644);
});

test('a cache folder that cannot be written: the check still works', () => {
  writeFileSync(join(dir, 'pgha'), 'a file where the folder should be');
  const v = cachedValidator(SCHEMA, compiler);
  assert.equal(check(v), [true, false, false]);
  assert.equal(readdirSync(dir), ['pgha']);
});

test('validTexts: remembered per schema, across calls, only this user\'s own file, the newest 4096', () => {
  const a = 'a'.repeat(64);
  const b = 'b'.repeat(64);
  validTexts(SCHEMA, compiler).add([a]);
  assert.ok(validTexts(SCHEMA, compiler).has(a));
  assert.not.ok(validTexts(SCHEMA, compiler).has(b));
  assert.not.ok(validTexts(SCHEMA, { ...compiler, recipe: 'other' }).has(a), 'another recipe');
  assert.not.ok(validTexts(SCHEMA.replace('65535', '1024'), compiler).has(a), 'another schema');
  const [file] = readdirSync(join(dir, 'pgha'));
  chmodSync(join(dir, 'pgha', file!), 0o666);
  assert.not.ok(validTexts(SCHEMA, compiler).has(a), 'a file others may change is not believed');
  const many = Array.from({ length: 4100 }, (_, i) => i.toString(16).padStart(64, '0'));
  validTexts(SCHEMA, compiler).add(many);
  const kept = validTexts(SCHEMA, compiler);
  assert.ok(kept.has(many[4099]!));
  assert.not.ok(kept.has(many[3]!), 'the oldest went');
  assert.is(compiles, 0, 'remembering compiles nothing');
});

test.run();
