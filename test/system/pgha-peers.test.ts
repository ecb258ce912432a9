/**
 * assets/node/pgha-peers (filled in as a render does) run for real (python3, HAProxy's config check) on the rendered HAProxy and Keepalived
 * files of the default cluster, against a local HTTPS server (a certificate of the test CA) standing in for
 * Patroni's /cluster, with a fake
 * systemctl that records the reloads.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderHaproxyConfig } from '../../src/render/haproxy.js';
import { renderKeepalivedConfig } from '../../src/render/keepalived.js';
import { renderPeersConfig } from '../../src/render/peers.js';
import { defaultModel, etcOverlayMount, TEST_SECRETS, writeNodeScripts } from '../helpers.js';

const model = defaultModel();
const scriptsDir = mkdtempSync(join(tmpdir(), 'pgha-peers-scripts-'));
const PEERS = writeNodeScripts(scriptsDir, model)['pgha-peers'];
test.after(() => rmSync(scriptsDir, { recursive: true, force: true }));
const node = model.postgresNodes.find((n) => n.name === 'patroni1')!;
let dir = '';
let members: { name: string; host: string }[] = [];
let server: Server;
let url = '';

test.before(async () => {
  server = createServer({ cert: TEST_SECRETS.tls.nodes.patroni1!.cert, key: TEST_SECRETS.tls.nodes.patroni1!.key }, (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ members }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/cluster`;
});
test.after(() => void server.close());

test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-peers-'));
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'state'));
  writeFileSync(join(dir, 'bin', 'systemctl'), `#!/bin/sh\necho "$*" >> ${join(dir, 'reloads')}\n`);
  chmodSync(join(dir, 'bin', 'systemctl'), 0o755);
  writeFileSync(join(dir, 'haproxy.cfg'), renderHaproxyConfig(model));
  writeFileSync(join(dir, 'keepalived.conf'), renderKeepalivedConfig(model, node, TEST_SECRETS.keepalivedAuthPass));
  const config = JSON.parse(renderPeersConfig(model, node));
  config.members_url = url;
  writeFileSync(join(dir, 'ca.crt'), TEST_SECRETS.tls.ca.cert);
  config.ca_file = join(dir, 'ca.crt');
  config.haproxy.path = join(dir, 'haproxy.cfg');
  config.keepalived.path = join(dir, 'keepalived.conf');
  writeFileSync(join(dir, 'peers.json'), JSON.stringify(config));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs pgha-peers once, asynchronously: the fake Patroni answers from this process. It runs in a mount
 * namespace whose /etc is an overlay with the node's TLS files where the HAProxy configuration names them (the
 * CA for the checks, the certificate and key for the metrics port), so that its `haproxy -c` passes (the host's
 * /etc is not changed).
 */
async function runOnce() {
  const tls = { 'pgha/tls/ca.crt': TEST_SECRETS.tls.ca.cert, 'pgha/tls/node.crt': TEST_SECRETS.tls.nodes.patroni1!.cert, 'pgha/tls/node.key': TEST_SECRETS.tls.nodes.patroni1!.key };
  const script = `${etcOverlayMount(dir, tls)} && exec "$0" "$@"`;
  const r = await promisify(execFile)('unshare', ['--mount', 'sh', '-c', script, PEERS, join(dir, 'peers.json'), '--once'], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, PGHA_STATE_DIR: join(dir, 'state') },
  });
  const read = (f: string) => {
    try {
      return readFileSync(join(dir, f), 'utf8');
    } catch {
      return '';
    }
  };
  return { out: r.stdout, haproxy: read('haproxy.cfg'), keepalived: read('keepalived.conf'), reloads: read('reloads') };
}

test('the seed\'s own members change nothing: pgha-peers writes the lists exactly as pgha renders them', async () => {
  members = model.postgresNodes.map((n) => ({ name: n.name, host: n.ip }));
  const r = await runOnce();
  assert.is(r.haproxy, renderHaproxyConfig(model));
  assert.is(r.keepalived, renderKeepalivedConfig(model, node, TEST_SECRETS.keepalivedAuthPass));
  assert.is(r.reloads, '');
});

test('a moved and an added member: both backends and the unicast peers updated, checked, reloaded; nobody dropped', async () => {
  members = [
    { name: 'patroni1', host: '192.168.122.236' },
    { name: 'patroni2', host: '192.168.122.200' },
    { name: 'patroni4', host: '192.168.122.201' },
  ];
  const r = await runOnce();
  const servers = r.haproxy.split('\n').filter((l) => l.trim().startsWith('server ')).map((l) => l.trim());
  assert.equal(servers, [
    ...['patroni1 192.168.122.236', 'patroni2 192.168.122.200', 'patroni3 192.168.122.95', 'patroni4 192.168.122.201'],
    ...['patroni1 192.168.122.236', 'patroni2 192.168.122.200', 'patroni3 192.168.122.95', 'patroni4 192.168.122.201'],
  ].map((s) => `server ${s}:5432 maxconn 300 check port 8008 check-ssl verify required ca-file /etc/pgha/tls/ca.crt verifyhost ${s.split(' ')[0]}`));
  const peers = /unicast_peer \{\n([^}]*)\}/.exec(r.keepalived)![1]!.split('\n').map((l) => l.trim()).filter((l) => /^\d/.test(l));
  assert.equal(peers, ['192.168.122.200', '192.168.122.95', '192.168.122.201'], 'every other node, patroni3 (down or not) kept');
  assert.not.match(r.keepalived, /192\.168\.122\.188/);
  assert.equal(r.reloads.trim().split('\n'), ['reload haproxy.service', 'reload keepalived.service']);
  assert.match(r.out, /member patroni2 at 192\.168\.122\.200 \(was 192\.168\.122\.188\)/);
  assert.match(r.out, /member patroni4 at 192\.168\.122\.201 \(new\)/);
  const state = JSON.parse(readFileSync(join(dir, 'state', 'peers.json'), 'utf8'));
  assert.is(state.patroni4, '192.168.122.201');
  const again = await runOnce();
  assert.is(again.reloads, r.reloads, 'a second pass with the same members reloads nothing');
});

test('members that are not a node name with an IPv4 address are skipped and logged, never written into the files', async () => {
  members = [
    ...model.postgresNodes.map((n) => ({ name: n.name, host: n.ip })),
    { name: 'evil', host: '10.0.0.9\n}\nvrrp_script x {\n script "/bin/sh -c id"' },
    { name: 'bad"name', host: '192.168.122.50' },
    { name: 'pg5', host: 'db.example.com' },
    { name: 'pg6', host: '192.168.122.0300' },
  ];
  const r = await runOnce();
  assert.is(r.haproxy, renderHaproxyConfig(model));
  assert.is(r.keepalived, renderKeepalivedConfig(model, node, TEST_SECRETS.keepalivedAuthPass));
  assert.is(r.reloads, '');
  assert.is((r.out.match(/member skipped: name/g) ?? []).length, 4, r.out);
});

test('Patroni not answering: the lists stay as they are', async () => {
  members = [{ name: 'patroni2', host: '192.168.122.200' }];
  server.close();
  const r = await runOnce();
  assert.is(r.haproxy, renderHaproxyConfig(model));
  assert.is(r.reloads, '');
});

test.run();
