import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { clusterResult, writtenFiles, type ClusterReport } from '../../../src/commands/cluster-report.js';
import { packagePath } from '../../../src/paths.js';
import { pgha } from '../../helpers.js';

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-report-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

test('written files: each rendered file and each file made from them, by path, with mode and SHA-256', () => {
  mkdirSync(join(dir, 'nodes', 'a'), { recursive: true });
  writeFileSync(join(dir, 'nodes', 'a', 'seed.iso'), 'iso', { mode: 0o600 });
  const files = writtenFiles(dir, [{ path: 'z', content: 'zz', mode: 0o644 }, { path: 'nodes/a/user-data', content: 'u', mode: 0o600 }], ['nodes/a/seed.iso']);
  assert.equal(files, [
    { path: 'nodes/a/seed.iso', mode: '0600', sha256: sha('iso') },
    { path: 'nodes/a/user-data', mode: '0600', sha256: sha('u') },
    { path: 'z', mode: '0644', sha256: sha('zz') },
  ]);
});

test('the human lines of a render, and the same facts in its --json fields', () => {
  const report: ClusterReport = {
    out: 'out',
    nodes: 6,
    files: [],
    isoTool: 'xorriso',
    packerTarget: '1.6',
    issued: ['etcd1'],
    secrets: { file: 's.yaml', state: 'updated' },
    diagnostics: [{ severity: 'warning', path: 'nodes', message: 'even: use an odd number' }],
    warnings: ['w'],
    notes: [],
  };
  const r = clusterResult(report, { json: { spec: 'x' }, lines: ['last'] });
  assert.equal(r.lines, [
    'wrote 6 node seeds and seed ISOs (xorriso) to out/nodes/, launch scripts to out/launch/',
    'wrote Packer templates (Packer 1.6 compatible) to out/packer/',
    'issued etcd1',
    'updated secrets: s.yaml',
    'last',
  ]);
  assert.equal(r.json.secrets, { file: 's.yaml', state: 'updated' });
  assert.equal(r.json.diagnostics, [{ severity: 'warning', path: 'nodes', message: 'even', hint: 'use an odd number' }]);
  assert.equal([r.json.spec, r.json.isoTool, r.json.certificatesIssued], ['x', 'xorriso', ['etcd1']]);
  const env = clusterResult({ ...report, isoTool: undefined, issued: [], secrets: { state: 'environment' } });
  assert.equal(env.lines.at(-1), 'secrets from the PGHA_SECRET_* environment variables (no secrets file written)');
  assert.equal([env.json.isoTool, (env.json.secrets as { file: unknown }).file], [null, null]);
});

test('render --json: one document on stdout with every file as written, the secrets file\'s state, no secret value', async () => {
  const args = ['render', '--out', 'out', '--no-iso', '--json', '--cloud-init-schema', packagePath('test', 'fixtures', 'permissive-schema.json')];
  const r = await pgha(args, dir);
  assert.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal([doc.command, doc.ok, doc.out, doc.packer, doc.isoTool], ['render', true, 'out', 'modern', null]);
  assert.equal(doc.secrets, { file: join(dir, 'out.secrets.yaml'), state: 'generated' });
  assert.is(doc.certificatesIssued.length, 8, 'the CA, the admin and six node certificates');
  assert.is(doc.files.length, 57);
  for (const f of doc.files) {
    const path = join(dir, 'out', f.path);
    assert.is(f.sha256, sha(readFileSync(path)), f.path);
    assert.is(f.mode, (statSync(path).mode & 0o777).toString(8).padStart(4, '0'), f.path);
  }
  const secrets = YAML.parse(readFileSync(join(dir, 'out.secrets.yaml'), 'utf8'));
  for (const v of [secrets.superuserPassword, secrets.keepalivedAuthPass, secrets.tls.ca.key.split('\n')[1]]) assert.not.ok(r.stdout.includes(v), 'a secret in the document');
  const again = JSON.parse((await pgha(args, dir)).stdout);
  assert.equal([again.secrets.state, again.certificatesIssued], ['reused', []]);
  assert.equal(again.files, doc.files, 'the same files, byte for byte');
});

test.run();
