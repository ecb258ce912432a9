/**
 * The first-boot step runner cloud-init calls (assets/node/pgha-node, filled in as a render does), run for real with fake systemctl,
 * etcdctl and PostgreSQL tools on PATH, in a mount namespace where /var/lib is a fresh tmpfs. Needs root.
 */
import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { createServer } from 'node:https';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TEST_SECRETS, writeNodeScripts } from '../helpers.js';

const scriptsDir = mkdtempSync(join(tmpdir(), 'pgha-node-scripts-'));
const NODE = writeNodeScripts(scriptsDir)['pgha-node'];
test.after(() => rmSync(scriptsDir, { recursive: true, force: true }));
let dir = '';
let bin = '';
let calls = '';
let tlsDir = '';

function fake(name: string, body = 'exit 0'): void {
  const path = join(bin, name);
  writeFileSync(path, `#!/bin/sh\necho "${name} $*" >> ${calls}\n${body}\n`);
  chmodSync(path, 0o755);
}

/** Runs the given pgha-node invocations in order in one namespace; prints the state folder at the end. */
function run(steps: string[][], env: Record<string, string> = {}, setup = ''): { codes: number[]; state: Record<string, string>; calls: string[] } {
  const script = [
    'mount -t tmpfs -o mode=0755 pgha-test /var/lib',
    setup,
    ...steps.map((s) => `${NODE} ${s.join(' ')}; echo "rc=$?" >> ${join(dir, 'codes')}`),
    `for f in /var/lib/pgha/*; do echo "== $(basename "$f")"; cat "$f"; done > ${join(dir, 'state')}`,
  ].join('\n');
  const r = spawnSync('unshare', ['--mount', 'bash', '-c', script], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, PGHA_TLS_DIR: tlsDir, ...env } });
  assert.is(r.status, 0, r.stderr);
  const state: Record<string, string> = {};
  let current = '';
  for (const line of readFileSync(join(dir, 'state'), 'utf8').split('\n')) {
    const m = /^== (.+)$/.exec(line);
    if (m) state[(current = m[1]!)] = '';
    else if (current) state[current] += `${line}\n`;
  }
  const codes = readFileSync(join(dir, 'codes'), 'utf8').trim().split('\n').map((l) => Number(l.slice(3)));
  return { codes, state, calls: readFileSync(calls, 'utf8').trim().split('\n') };
}

test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-node-'));
  bin = join(dir, 'bin');
  mkdirSync(bin);
  calls = join(dir, 'calls');
  writeFileSync(calls, '');
  fake('systemctl');
  fake('logger');
  tlsDir = join(dir, 'tls');
  mkdirSync(tlsDir);
  writeFileSync(join(tlsDir, 'ca.crt'), TEST_SECRETS.tls.ca.cert);
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

test('etcd: every step succeeds in order and the sentinel is written last', () => {
  fake('etcdctl');
  const r = run(
    [['reset-etcd', '/var/lib/etcd/default'], ['start', 'etcd.service'], ['wait-etcd', 'https://10.1.0.1:2379'], ['done']],
    {},
    `mkdir -p /var/lib/etcd/default/member && touch /var/lib/etcd/default/member/stale && trap '{ stat -c "%U %a" /var/lib/etcd/default; ls -A /var/lib/etcd/default; } > ${join(dir, 'datadir')}' EXIT`,
  );
  assert.equal(r.codes, [0, 0, 0, 0]);
  assert.is(readFileSync(join(dir, 'datadir'), 'utf8'), 'etcd 700\n', 'the data directory is empty, owned by etcd, private');
  assert.ok('bootstrap.done' in r.state);
  assert.not.ok('failed' in r.state);
  // the wait's duration depends on the machine's load
  assert.equal(r.calls.map((c) => c.replace(/ok after \d+s$/, 'ok after Ns')), [
    'systemctl stop etcd.service',
    'logger -t pgha-node -- reset-etcd: emptied /var/lib/etcd/default',
    'systemctl daemon-reload',
    'systemctl restart --no-block etcd.service',
    'logger -t pgha-node -- start: started etcd.service',
    'systemctl enable --quiet etcd.service',
    `etcdctl --endpoints=https://10.1.0.1:2379 --command-timeout=5s --cacert=${tlsDir}/ca.crt --cert=${tlsDir}/node.crt --key=${tlsDir}/node.key endpoint health`,
    'logger -t pgha-node -- wait-etcd: etcd member at https://10.1.0.1:2379: ok after Ns',
    'logger -t pgha-node -- done: bootstrap done',
  ]);
  const status = r.state.status!.trim().split('\n');
  assert.match(status[0]!, /reset-etcd: emptied \/var\/lib\/etcd\/default$/);
  assert.match(status[status.length - 1]!, /done: bootstrap done$/);
});

test('a step that fails is recorded; later steps refuse to run and no sentinel appears', () => {
  fake('etcdctl', 'exit 1');
  const r = run([['wait-etcd', 'http://10.1.0.1:2379'], ['done']], { PGHA_WAIT_SECONDS: '2' });
  assert.equal(r.codes, [1, 1]);
  assert.is(r.state.failed, 'wait-etcd\n');
  assert.not.ok('bootstrap.done' in r.state);
  assert.match(r.state.status!, /gave up waiting for etcd member at http:\/\/10\.1\.0\.1:2379 after 2s/);
  assert.match(r.state.status!, /done: not run: an earlier step failed \(wait-etcd\)/);
  assert.ok(r.calls.filter((c) => c.startsWith('etcdctl')).length >= 2, 'it retried');
});

test('a node that finished its bootstrap keeps its data when first boot runs again', () => {
  const r = run(
    [['reset-etcd', '/var/lib/etcd/default'], ['drop-default-cluster']],
    {},
    'mkdir -p /var/lib/pgha /var/lib/etcd/default/member && touch /var/lib/pgha/bootstrap.done /var/lib/etcd/default/member/db',
  );
  assert.equal(r.codes, [0, 0]);
  assert.not.ok(r.calls.some((c) => c.startsWith('systemctl') || c.startsWith('pg_')), r.calls.join('\n'));
  assert.match(r.state.status!, /kept \/var\/lib\/etcd\/default/);
});

test('a reboot in the middle of the first boot does not empty etcd or drop PostgreSQL again', () => {
  fake('pg_lsclusters', 'printf "15 main 5432 online postgres /var/lib/postgresql/15/main /var/log/x.log\\n"');
  fake('pg_dropcluster');
  const r = run(
    [['reset-etcd', '/var/lib/etcd/default'], ['drop-default-cluster'], ['reset-etcd', '/var/lib/etcd/default'], ['drop-default-cluster']],
  );
  assert.equal(r.codes, [0, 0, 0, 0]);
  assert.is(r.calls.filter((c) => c.startsWith('pg_dropcluster')).length, 1);
  assert.is(r.calls.filter((c) => c === 'systemctl stop etcd.service').length, 1);
  assert.match(r.state.status!, /kept \/var\/lib\/etcd\/default: emptied on an earlier boot/);
  assert.match(r.state.status!, /kept PostgreSQL clusters: dropped on an earlier boot/);
  assert.ok('reset-etcd.done' in r.state && 'drop-default-cluster.done' in r.state);
});

test('drop-default-cluster disables the package service and drops every cluster with --stop', () => {
  fake('pg_lsclusters', 'printf "16 main 5432 online postgres /var/lib/postgresql/16/main /var/log/postgresql/postgresql-16-main.log\\n"');
  fake('pg_dropcluster');
  const r = run([['drop-default-cluster']]);
  assert.equal(r.codes, [0]);
  assert.equal(r.calls.filter((c) => !c.startsWith('logger')), [
    'systemctl is-enabled --quiet postgresql.service',
    'systemctl disable postgresql.service',
    'systemctl stop postgresql.service',
    'pg_lsclusters --no-header',
    'pg_dropcluster --stop 16 main',
  ]);
});

test('drop-default-cluster leaves a disabled package service as it is (the image has it disabled)', () => {
  fake('systemctl', '[ "$1" != is-enabled ]');
  fake('pg_lsclusters');
  const r = run([['drop-default-cluster']]);
  assert.equal(r.codes, [0]);
  assert.equal(r.calls.filter((c) => !c.startsWith('logger')), [
    'systemctl is-enabled --quiet postgresql.service',
    'systemctl stop postgresql.service',
    'pg_lsclusters --no-header',
  ]);
});

test('start: several units started at once, then enabled; no unit is a usage error', () => {
  const r = run([['start', 'patroni.service', 'haproxy.service', 'keepalived.service'], ['start']]);
  assert.equal(r.codes, [0, 2]);
  assert.equal(r.calls.filter((c) => !c.startsWith('logger')), [
    'systemctl daemon-reload',
    'systemctl restart --no-block patroni.service haproxy.service keepalived.service',
    'systemctl enable --quiet patroni.service haproxy.service keepalived.service',
  ]);
  assert.is(r.state.failed, 'start\n');
});

test('reload-tls (maintenance, after pgha certs renew): owners and modes of the new files, their serial logged; it runs after a failed first boot and marks nothing failed', () => {
  const pair = TEST_SECRETS.tls.nodes.etcd1!;
  writeFileSync(join(tlsDir, 'node.crt'), pair.cert, { mode: 0o600 });
  writeFileSync(join(tlsDir, 'node.key'), pair.key, { mode: 0o644 });
  const stat = `stat -c '%n %a %U' ${tlsDir}/ca.crt ${tlsDir}/node.crt ${tlsDir}/node.key > ${join(dir, 'modes')}`;
  const r = run([['reload-tls']], {}, `mkdir -p /var/lib/pgha && echo wait-etcd > /var/lib/pgha/failed && trap "${stat}" EXIT`);
  assert.equal(r.codes, [0]);
  assert.equal(readFileSync(join(dir, 'modes'), 'utf8').trim().split('\n'), [`${tlsDir}/ca.crt 644 root`, `${tlsDir}/node.crt 644 root`, `${tlsDir}/node.key 600 etcd`]);
  const serial = new X509Certificate(pair.cert).serialNumber;
  assert.match(r.state.status!, new RegExp(`reload-tls: serial=${serial} notAfter=.* in use`));
  assert.is(r.state.failed, 'wait-etcd\n', 'the first boot\'s failure is kept as it was');
  assert.not.ok(r.calls.some((c) => c.startsWith('systemctl')), 'etcd takes new files on its next connection: nothing to reload');
  for (const [what, cert, key] of [
    ['a certificate of another CA', TEST_SECRETS.tls.ca.cert, pair.key],
    ['the key of another node', pair.cert, TEST_SECRETS.tls.nodes.etcd2!.key],
    ['a damaged certificate', 'not a certificate\n', pair.key],
  ] as const) {
    writeFileSync(join(tlsDir, 'node.crt'), cert);
    writeFileSync(join(tlsDir, 'node.key'), key);
    chmodSync(join(tlsDir, 'node.key'), 0o644);
    chownSync(join(tlsDir, 'node.key'), 0, 0);
    const bad = run([['reload-tls']], {}, `trap "${stat}" EXIT`);
    assert.is.not(bad.codes.at(-1), 0, what);
    assert.not.ok('failed' in bad.state, `${what}: a failed reload-tls marks no first-boot failure`);
    assert.match(bad.state.status!, /reload-tls: FAILED/, what);
    assert.match(readFileSync(join(dir, 'modes'), 'utf8'), /node\.key 644 root/, `${what}: nothing was changed`);
  }
});

test('wait-patroni succeeds once the health URL answers 200 over HTTPS with a certificate of the cluster CA', async () => {
  let hits = 0;
  const server = createServer({ cert: TEST_SECRETS.tls.nodes.patroni1!.cert, key: TEST_SECRETS.tls.nodes.patroni1!.key }, (_req, res) => {
    hits++;
    res.statusCode = hits < 2 ? 503 : 200;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const script = `mount -t tmpfs -o mode=0755 pgha-test /var/lib && ${NODE} wait-patroni https://127.0.0.1:${port}/health`;
    const child = await new Promise<number | null>((resolve) => {
      spawn('unshare', ['--mount', 'bash', '-c', script], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, PGHA_TLS_DIR: tlsDir }, stdio: 'ignore' }).on('exit', resolve);
    });
    assert.is(child, 0);
    assert.ok(hits >= 2, 'it retried after 503');
  } finally {
    server.close();
  }
});

test.run();
