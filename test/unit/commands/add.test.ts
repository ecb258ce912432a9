import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pgha, tree } from '../../helpers.js';
import { add } from '../../../src/commands/add.js';

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-add-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

const SPEC = [
  'cluster: {name: c, flavor: debian-12}',
  'network: {cidr: 10.9.0.0/24, gateway: 10.9.0.1, vip: 10.9.0.2}',
  'nodes:',
  ...['e1:etcd:11', 'e2:etcd:12', 'e3:etcd:13', 'p1:postgres:21', 'p2:postgres:22'].map((n) => n.split(':')).map(([name, role, ip]) => `  - {name: ${name}, role: ${role}, ip: 10.9.0.${ip}}`),
  '',
].join('\n');

test('add: a new postgres node with tags and generation 1, in the flow style of the list; HAProxy and peers list it', async () => {
  writeFileSync(join(dir, 'c.yaml'), SPEC);
  const r = await pgha(['add', 'p3', 'c.yaml', '--out', 'out', '--no-iso', '--role', 'postgres', '--ip', '10.9.0.23', '--tags', 'nofailover'], dir);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /c\.yaml: added p3 \(postgres, 10\.9\.0\.23\): boot its new machine with out\/nodes\/p3\/seed\.iso/);
  assert.is(readFileSync(join(dir, 'c.yaml'), 'utf8'), `${SPEC}  - {name: p3, role: postgres, ip: 10.9.0.23, generation: 1, tags: {nofailover: true}}\n`);
  const files = tree(join(dir, 'out', 'nodes'));
  assert.match(files['p3/user-data']!, /nofailover: true/);
  assert.match(files['p1/user-data']!, /server p3 10\.9\.0\.23:5432/, 'a fresh render of the others knows it too');
});

test('add an etcd member with its MAC: generation 1, so its seed joins the running cluster', async () => {
  writeFileSync(join(dir, 'c.yaml'), SPEC);
  const r = await pgha(['add', 'e4', 'c.yaml', '--out', 'out', '--no-iso', '--role', 'etcd', '--ip', '10.9.0.14', '--mac', '52:54:00:12:34:56'], dir);
  assert.is(r.code, 0, r.stderr);
  const files = tree(join(dir, 'out', 'nodes'));
  assert.match(files['e4/user-data']!, /join-etcd, \/etc\/default\/etcd, "?e4"?, "https:\/\/10\.9\.0\.14:2380"/);
  assert.match(files['e4/network-config']!, /macaddress: "?52:54:00:12:34:56"?/);
});

test('the command itself: options as the argument parser gives them (numbers too); it returns its result', async () => {
  writeFileSync(join(dir, 'c.yaml'), SPEC);
  const sink = { out: () => assert.unreachable('printed'), err: () => {}, env: {} };
  const r = await add('p3', join(dir, 'c.yaml'), { out: join(dir, 'out'), iso: false, role: 'postgres', ip: '10.9.0.23', tags: 'noloadbalance' }, sink);
  assert.match(r.lines.at(-1)!, /c\.yaml: added p3 \(postgres, 10\.9\.0\.23\)/);
  assert.equal(r.json.node, { name: 'p3', role: 'postgres', ip: '10.9.0.23', mac: (r.json.node as { mac: string }).mac, generation: 1 });
  assert.match((r.json.node as { mac: string }).mac, /^52:54:00:/);
  assert.match(readFileSync(join(dir, 'c.yaml'), 'utf8'), /- \{name: p3, role: postgres, ip: 10\.9\.0\.23, generation: 1, tags: \{noloadbalance: true\}\}\n$/);
});

test.run();
