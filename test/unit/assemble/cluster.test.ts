import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { renderCluster } from '../../../src/assemble/cluster.js';
import { buildModel } from '../../../src/model/model.js';
import { packagePath } from '../../../src/paths.js';
import { BUILT_IN_SPEC } from '../../../src/spec/built-in.js';
import { defaultModel, FLAVORS, modelOf, REFERENCE_SECRETS, TEMPLATES, TEST_SECRETS } from '../../helpers.js';

const files = renderCluster(defaultModel(), TEST_SECRETS, TEMPLATES, 'modern');
const byPath = new Map(files.map((f) => [f.path, f]));
const GOLDEN = packagePath('test', 'golden', 'default');

function goldenFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((e) => (statSync(join(dir, e)).isDirectory() ? goldenFiles(join(dir, e), `${prefix}${e}/`) : [`${prefix}${e}`]));
}

test('golden: the default cluster renders exactly the reviewed files, every file of the output folder (ISOs apart)', () => {
  assert.equal(files.map((f) => f.path).sort(), goldenFiles(GOLDEN).sort(), 'the same set of files');
  for (const f of files) assert.fixture(f.content, readFileSync(join(GOLDEN, f.path), 'utf8'), f.path);
  assert.is(files.length, 57);
});

test('each node gets user-data, meta-data, network-config, its TLS files and its launch script; secrets are private', () => {
  const names = ['etcd1', 'etcd2', 'etcd3', 'patroni1', 'patroni2', 'patroni3'];
  const each = ['meta-data', 'network-config', 'user-data', 'tls/ca.crt', 'tls/node.crt', 'tls/node.key', 'virt-install.sh'];
  const nodeFiles = files.filter((f) => f.path.startsWith('nodes/'));
  assert.equal(nodeFiles.map((f) => f.path).sort(), names.flatMap((n) => each.map((f) => `nodes/${n}/${f}`)).sort());
  for (const f of nodeFiles) assert.is(f.mode, /(user-data|node\.key)$/.test(f.path) ? 0o600 : f.path.endsWith('.sh') ? 0o755 : 0o644, f.path);
  assert.ok(byPath.has('launch/network.xml') && byPath.has('launch/virt-install.sh'));
  assert.ok(byPath.has('packer/etcd.pkr.json') && byPath.has('packer/postgres.pkr.json') && byPath.has('packer/scripts/seal.sh'));
});

test('a replaced node gets a new instance-id, the others keep theirs; a Patroni replacement needs no other change', () => {
  const id = (fs: typeof files, n: string) => fs.find((f) => f.path === `nodes/${n}/meta-data`)!.content;
  const etcd = renderCluster(modelOf((s) => (s.nodes.find((n) => n.name === 'etcd2')!.generation = 1)), TEST_SECRETS, TEMPLATES, 'modern');
  assert.is.not(id(etcd, 'etcd2'), id(files, 'etcd2'));
  assert.is(id(etcd, 'etcd1'), id(files, 'etcd1'));
  const pg = renderCluster(modelOf((s) => (s.nodes.find((n) => n.name === 'patroni2')!.generation = 1)), TEST_SECRETS, TEMPLATES, 'modern');
  const userData = (fs: typeof files) => fs.find((f) => f.path === 'nodes/patroni2/user-data')!.content;
  assert.is(userData(pg), userData(files), 'it clones from the leader');
  assert.is.not(id(pg, 'patroni2'), id(files, 'patroni2'));
  assert.match(YAML.parse(id(pg, 'patroni2'))['instance-id'], /^16-main-patroni2-[0-9a-f]{12}$/);
});

test('deterministic: rendering twice gives the same bytes', () => {
  assert.equal(renderCluster(defaultModel(), TEST_SECRETS, TEMPLATES, 'modern'), files);
});

test('deterministic: shuffled node, user and client-network lists give the same bytes', () => {
  const spec = structuredClone(BUILT_IN_SPEC);
  spec.nodes.reverse();
  [spec.nodes[0], spec.nodes[3]] = [spec.nodes[3]!, spec.nodes[0]!];
  spec.postgres!.users = [{ name: 'zed', options: ['createdb', 'createrole'] }, { name: 'admin', options: ['createdb', 'createrole'] }];
  spec.postgres!.clientNetworks = ['10.2.0.0/16', '10.1.0.0/16'];
  spec.postgres!.parameters = Object.fromEntries(Object.entries(spec.postgres!.parameters!).reverse());
  const sorted = structuredClone(BUILT_IN_SPEC);
  sorted.postgres!.users = [{ name: 'admin', options: ['createrole', 'createdb'] }, { name: 'zed', options: ['createrole', 'createdb'] }];
  sorted.postgres!.clientNetworks = ['10.1.0.0/16', '10.2.0.0/16'];
  const secrets = { ...TEST_SECRETS, users: { ...TEST_SECRETS.users, zed: 'TestZedPassword00000000000000000' } };
  assert.equal(renderCluster(buildModel(spec, FLAVORS), secrets, TEMPLATES, 'modern'), renderCluster(buildModel(sorted, FLAVORS), secrets, TEMPLATES, 'modern'));
});

test('no output holds any of the reference how-to\'s passwords, nor the CA\'s key', () => {
  for (const f of files) for (const s of REFERENCE_SECRETS) assert.not.ok(f.content.includes(s), `${f.path} contains ${s}`);
  const caKeyLine = TEST_SECRETS.tls.ca.key.split('\n')[1]!;
  for (const f of files) assert.not.ok(f.content.includes(caKeyLine), `${f.path} holds the CA key`);
});

test.run();
