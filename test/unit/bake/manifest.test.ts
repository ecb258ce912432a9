import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { imageFromManifest, readPackages, sha256File, writeManifest, type ImageRecord } from '../../../src/bake/manifest.js';
import { ToolError } from '../../../src/errors.js';

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-manifest-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

const record = (role: 'etcd' | 'postgres', sha256: string): ImageRecord => ({
  role,
  flavor: 'debian-12',
  path: `/x/${role}.qcow2`,
  size_bytes: 1,
  sha256,
  packages: {},
  timings_s: {},
  built_at: '2026-01-01T00:00:00.000Z',
  packer: '1.6.6',
});

test('sha256File: the file\'s SHA-256 in hex', async () => {
  writeFileSync(join(dir, 'f'), 'abc');
  assert.is(await sha256File(join(dir, 'f')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('readPackages: name<TAB>version lines; no file, no packages', () => {
  writeFileSync(join(dir, 'p.tsv'), 'etcd-server\t3.4.23-4+b6\npatroni\t3.0.2-1\n');
  assert.equal(readPackages(join(dir, 'p.tsv')), { 'etcd-server': '3.4.23-4+b6', patroni: '3.0.2-1' });
  assert.equal(readPackages(join(dir, 'missing.tsv')), {});
});

test('imageFromManifest: the last build\'s qcow2; none is a tool error', () => {
  writeFileSync(join(dir, 'm.json'), JSON.stringify({ builds: [{ files: [{ name: 'old.qcow2' }] }, { files: [{ name: 'packages.tsv' }, { name: 'out/new.qcow2' }] }] }));
  assert.is(imageFromManifest(join(dir, 'm.json')), 'out/new.qcow2');
  writeFileSync(join(dir, 'none.json'), JSON.stringify({ builds: [{ files: [{ name: 'packages.tsv' }] }] }));
  assert.throws(() => imageFromManifest(join(dir, 'none.json')), (e: unknown) => e instanceof ToolError && /names no \.qcow2 image/.test(e.message));
});

test('writeManifest: a role baked later joins the records of the earlier bake; a role baked again replaces its record', () => {
  writeManifest(dir, [record('etcd', 'a')]);
  writeManifest(dir, [record('postgres', 'b')]);
  writeManifest(dir, [record('etcd', 'c')]);
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  assert.equal(Object.keys(m.images).sort(), ['etcd', 'postgres']);
  assert.is(m.images.etcd.sha256, 'c');
  assert.is(m.images.postgres.sha256, 'b');
});

test.run();
