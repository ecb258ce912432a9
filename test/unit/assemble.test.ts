import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderMetaData, SENTINEL_PATH } from '../../src/assemble/cloud-config.js';
import { renderCluster } from '../../src/assemble/cluster.js';
import { buildModel } from '../../src/model.js';
import { packagePath } from '../../src/paths.js';
import { loadAssets } from '../../src/render/assets.js';
import { renderLaunch } from '../../src/render/libvirt.js';
import { DEFAULT_SPEC } from '../../src/spec/default.js';
import { defaultModel, modelOf, parseUserData, REFERENCE_SECRETS, TEST_SECRETS, writeFile } from '../helpers.js';
import YAML from 'yaml';

const assets = loadAssets();
const files = renderCluster(defaultModel(), TEST_SECRETS, assets);
const byPath = new Map(files.map((f) => [f.path, f]));
const userData = (node: string) => parseUserData(byPath.get(`nodes/${node}/user-data`)!.content);
const NODE = '/usr/local/lib/pgha/pgha-node';

test('golden: the default cluster renders exactly the reviewed seeds and launch scripts', () => {
  const all = [...files, ...renderLaunch(defaultModel())];
  for (const f of all) {
    const golden = readFileSync(packagePath('test', 'golden', 'default', f.path), 'utf8');
    assert.fixture(f.content, golden, f.path);
  }
  assert.is(all.length, 44);
});

test('each node gets user-data, meta-data, network-config and its TLS files; user-data and the key are private', () => {
  const names = ['etcd1', 'etcd2', 'etcd3', 'patroni1', 'patroni2', 'patroni3'];
  const each = ['meta-data', 'network-config', 'user-data', 'tls/ca.crt', 'tls/node.crt', 'tls/node.key'];
  assert.equal([...byPath.keys()].sort(), names.flatMap((n) => each.map((f) => `nodes/${n}/${f}`)).sort());
  for (const f of files) assert.is(f.mode, /(user-data|node\.key)$/.test(f.path) ? 0o600 : 0o644, f.path);
  for (const n of names) assert.ok(byPath.get(`nodes/${n}/user-data`)!.content.startsWith('#cloud-config\n'));
});

test('etcd user-data: exact files and ordered steps ending with the sentinel', () => {
  const cc = userData('etcd1');
  assert.is(cc.hostname, 'etcd1');
  assert.equal(cc.write_files.map((f) => [f.path, f.owner, f.permissions]), [
    [NODE, 'root:root', '0755'],
    ['/etc/pgha/tls/ca.crt', 'root:root', '0644'],
    ['/etc/pgha/tls/node.crt', 'root:root', '0644'],
    ['/etc/pgha/tls/node.key', 'etcd:etcd', '0600'],
    ['/etc/default/etcd', 'root:etcd', '0640'],
    ['/etc/systemd/system/etcd.service.d/pgha.conf', 'root:root', '0644'],
  ]);
  assert.equal(cc.runcmd, [
    [NODE, 'reset-etcd', '/var/lib/etcd/default'],
    [NODE, 'start', 'etcd.service'],
    [NODE, 'wait-etcd', 'https://192.168.122.18:2379'],
    [NODE, 'done'],
  ]);
});

test('postgres user-data: exact files with owners and modes; the default cluster is dropped before Patroni starts', () => {
  const cc = userData('patroni2');
  assert.equal(cc.write_files.map((f) => [f.path, f.owner, f.permissions]), [
    [NODE, 'root:root', '0755'],
    ['/etc/pgha/tls/ca.crt', 'root:root', '0644'],
    ['/etc/pgha/tls/node.crt', 'root:root', '0644'],
    ['/etc/pgha/tls/node.key', 'postgres:postgres', '0600'],
    ['/usr/local/lib/pgha/pgha-createcluster', 'root:root', '0755'],
    ['/usr/local/lib/pgha/pgha-clonecluster', 'root:root', '0755'],
    ['/usr/local/lib/pgha/pgha-check-haproxy', 'root:root', '0755'],
    ['/usr/local/lib/pgha/pgha-peers', 'root:root', '0755'],
    ['/etc/patroni/config.yml', 'postgres:postgres', '0600'],
    ['/etc/haproxy/haproxy.cfg', 'root:root', '0644'],
    ['/etc/keepalived/keepalived.conf', 'root:root', '0600'],
    ['/etc/pgha/peers.json', 'root:root', '0644'],
    ['/etc/systemd/system/pgha-peers.service', 'root:root', '0644'],
  ]);
  assert.equal(cc.runcmd, [
    [NODE, 'drop-default-cluster'],
    [NODE, 'start', 'patroni.service', 'haproxy.service', 'keepalived.service', 'pgha-peers.service'],
    [NODE, 'wait-patroni', 'https://192.168.122.188:8008/health'],
    [NODE, 'done'],
  ]);
});

test('a replacement etcd member (generation above 0) joins the running cluster before it starts; its instance-id changes', () => {
  const replaced = modelOf((s) => (s.nodes.find((n) => n.name === 'etcd2')!.generation = 1));
  const files = renderCluster(replaced, TEST_SECRETS, assets);
  const cc = parseUserData(files.find((f) => f.path === 'nodes/etcd2/user-data')!.content);
  assert.equal(cc.runcmd, [
    [NODE, 'reset-etcd', '/var/lib/etcd/default'],
    [NODE, 'join-etcd', '/etc/default/etcd', 'etcd2', 'https://192.168.122.104:2380', 'https://192.168.122.18:2379', 'https://192.168.122.187:2379'],
    [NODE, 'start', 'etcd.service'],
    [NODE, 'wait-etcd', 'https://192.168.122.104:2379'],
    [NODE, 'done'],
  ]);
  assert.is(writeFile(cc, '/usr/local/lib/pgha/pgha-etcd-join').content, assets['pgha-etcd-join']);
  const before = renderCluster(defaultModel(), TEST_SECRETS, assets);
  const id = (fs: typeof files, n: string) => fs.find((f) => f.path === `nodes/${n}/meta-data`)!.content;
  assert.is.not(id(files, 'etcd2'), id(before, 'etcd2'));
  assert.is(id(files, 'etcd1'), id(before, 'etcd1'), 'the other nodes keep theirs');
  const pg = modelOf((s) => (s.nodes.find((n) => n.name === 'patroni2')!.generation = 1));
  const pgFiles = renderCluster(pg, TEST_SECRETS, assets);
  const userDataOf = (fs: typeof files) => fs.find((f) => f.path === 'nodes/patroni2/user-data')!.content;
  assert.is(userDataOf(pgFiles), userDataOf(before), 'a Patroni replacement needs nothing else: it clones from the leader');
  assert.is.not(id(pgFiles, 'patroni2'), id(before, 'patroni2'));
});

test('the node scripts are shipped byte for byte', () => {
  const cc = userData('patroni1');
  assert.is(writeFile(cc, NODE).content, assets['pgha-node']);
  assert.is(writeFile(cc, '/usr/local/lib/pgha/pgha-createcluster').content, assets['pgha-createcluster']);
  assert.ok(assets['pgha-node'].includes(SENTINEL_PATH.replace('/var/lib/pgha', '$STATE')));
});

test('no login is needed: no users without keys, password login off; keys create a locked sudo user', () => {
  const cc = userData('etcd2');
  assert.not.ok('users' in cc);
  assert.is(cc.ssh_pwauth, false);
  const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests test@pgha';
  const files2 = renderCluster(modelOf((s) => (s.admin = { sshAuthorizedKeys: [key] })), TEST_SECRETS, assets);
  const cc2 = parseUserData(files2.find((f) => f.path === 'nodes/etcd2/user-data')!.content);
  assert.equal(cc2.users, [
    { name: 'pgha', groups: ['sudo'], shell: '/bin/bash', sudo: 'ALL=(ALL) NOPASSWD:ALL', lock_passwd: true, ssh_authorized_keys: [key] },
  ]);
});

test('meta-data: instance-id changes with the node\'s content, local-hostname is the node name', () => {
  const model = defaultModel();
  const node = model.nodes[0]!;
  const a = YAML.parse(renderMetaData(model, node, 'x'));
  const b = YAML.parse(renderMetaData(model, node, 'y'));
  assert.is(a['local-hostname'], node.name);
  assert.match(a['instance-id'], /^16-main-etcd1-[0-9a-f]{12}$/);
  assert.is.not(a['instance-id'], b['instance-id']);
});

test('deterministic: rendering twice gives the same bytes', () => {
  assert.equal(renderCluster(defaultModel(), TEST_SECRETS, assets), files);
});

test('deterministic: shuffled node, user and client-network lists give the same bytes', () => {
  const spec = structuredClone(DEFAULT_SPEC);
  spec.nodes.reverse();
  [spec.nodes[0], spec.nodes[3]] = [spec.nodes[3]!, spec.nodes[0]!];
  spec.postgres!.users = [{ name: 'zed', options: ['createdb', 'createrole'] }, { name: 'admin', options: ['createdb', 'createrole'] }];
  spec.postgres!.clientNetworks = ['10.2.0.0/16', '10.1.0.0/16'];
  spec.postgres!.parameters = Object.fromEntries(Object.entries(spec.postgres!.parameters!).reverse());
  const sorted = structuredClone(DEFAULT_SPEC);
  sorted.postgres!.users = [{ name: 'admin', options: ['createrole', 'createdb'] }, { name: 'zed', options: ['createrole', 'createdb'] }];
  sorted.postgres!.clientNetworks = ['10.1.0.0/16', '10.2.0.0/16'];
  const secrets = { ...TEST_SECRETS, users: { ...TEST_SECRETS.users, zed: 'TestZedPassword00000000000000000' } };
  assert.equal(renderCluster(buildModel(spec), secrets, assets), renderCluster(buildModel(sorted), secrets, assets));
});

test('no output holds any of the reference how-to\'s passwords', () => {
  for (const f of files) for (const s of REFERENCE_SECRETS) assert.not.ok(f.content.includes(s), `${f.path} contains ${s}`);
});

test.run();
