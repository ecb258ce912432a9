import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { pgha } from '../../helpers.js';
import { certs } from '../../../src/commands/certs.js';
import { UserError } from '../../../src/errors.js';

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-certs-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

test('certs renew: new node and admin certificates from the same CA, in the secrets and the seeds; the CA needs a render first', async () => {
  const first = await pgha(['render', '--out', 'renew', '--no-iso'], dir);
  assert.is(first.code, 0, first.stderr);
  const before = YAML.parse(readFileSync(join(dir, 'renew.secrets.yaml'), 'utf8'));
  const seedBefore = readFileSync(join(dir, 'renew', 'nodes', 'etcd1', 'user-data'), 'utf8');
  const r = await pgha(['certs', 'renew', '--out', 'renew', '--no-iso'], dir);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /issued etcd1's certificate, .*the admin client certificate/);
  assert.not.match(r.stdout, /cluster CA/);
  assert.match(r.stdout, /copy renew\/nodes\/<name>\/tls\/\* to the node's \/etc\/pgha\/tls\/, then run \/usr\/local\/lib\/pgha\/pgha-node reload-tls there/);
  const after = YAML.parse(readFileSync(join(dir, 'renew.secrets.yaml'), 'utf8'));
  assert.equal(after.tls.ca, before.tls.ca);
  assert.is(after.superuserPassword, before.superuserPassword);
  for (const n of Object.keys(before.tls.nodes)) {
    assert.is.not(after.tls.nodes[n].cert, before.tls.nodes[n].cert, n);
    assert.is(readFileSync(join(dir, 'renew', 'nodes', n, 'tls', 'node.crt'), 'utf8'), after.tls.nodes[n].cert, n);
  }
  assert.is.not(after.tls.admin.key, before.tls.admin.key);
  const seedAfter = readFileSync(join(dir, 'renew', 'nodes', 'etcd1', 'user-data'), 'utf8');
  assert.ok(seedAfter.includes(after.tls.nodes.etcd1.key.split('\n')[1]) && !seedAfter.includes(before.tls.nodes.etcd1.key.split('\n')[1]));
  assert.is.not(seedAfter, seedBefore);
  const again = await pgha(['render', '--out', 'renew', '--no-iso'], dir);
  assert.match(again.stdout, /reused secrets/);
  assert.not.match(again.stdout, /issued/);
  const none = await pgha(['certs', 'renew', '--out', 'fresh', '--no-iso'], dir);
  assert.is(none.code, 2);
  assert.match(none.stderr, /no cluster CA to renew certificates with: run pgha render first/);
  assert.not.ok(existsSync(join(dir, 'fresh')) || existsSync(join(dir, 'fresh.secrets.yaml')));
  const revoke = await pgha(['certs', 'revoke', '--out', 'renew'], dir);
  assert.is(revoke.code, 2);
  assert.match(revoke.stderr, /pgha certs revoke: the only action is renew/);
});


test('the command itself: an unknown action is refused before anything is read', async () => {
  await certs('revoke', '/nonexistent.yaml', { out: 'out' }, { out: () => {}, err: () => {}, env: {} }).then(
    () => assert.unreachable('no error'),
    (e: unknown) => assert.instance(e, UserError),
  );
});

test.run();
