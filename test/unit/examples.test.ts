/**
 * The specs in examples/ are tested as a user would use them: each renders through the command line into a
 * temporary folder without a warning (a render validates its spec first), and does what its comment promises.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { packagePath } from '../../src/paths.js';
import { BUILT_IN_SPEC } from '../../src/spec/built-in.js';
import { parseUserData, pgha, writeFile } from '../helpers.js';

const EXAMPLES = packagePath('examples');
const SCHEMA = ['--no-iso', '--cloud-init-schema', packagePath('test', 'fixtures', 'permissive-schema.json')];
let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-examples-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

/** Renders examples/NAME in a folder of its own (its secrets and locks beside its copy); the output folder's path. */
async function render(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  copyFileSync(join(EXAMPLES, name), join(dir, name));
  const r = await pgha(['render', name, '--out', 'out', ...SCHEMA], dir, env);
  assert.is(r.code, 0, `${name}: ${r.stderr}`);
  assert.is(r.stderr, '', `${name}: no warning`);
  return join(dir, 'out');
}

test('the examples, each pointing editors at the schema (each render below also validates it: no warning)', () => {
  const names = readdirSync(EXAMPLES).sort();
  assert.equal(names, ['debian-13.yaml', 'five-by-five.yaml', 'reference.yaml', 'synchronous-two-networks.yaml']);
  for (const name of names) {
    assert.match(readFileSync(join(EXAMPLES, name), 'utf8'), /^# yaml-language-server: \$schema=\.\.\/schema\/pgha-spec\.schema\.json\n/, name);
  }
});

test('the reference topology is the built-in spec, as a file', async () => {
  assert.equal(YAML.parse(readFileSync(join(EXAMPLES, 'reference.yaml'), 'utf8')), BUILT_IN_SPEC);
  const out = await render('reference.yaml');
  assert.match(readFileSync(join(out, 'nodes', 'patroni3', 'user-data'), 'utf8'), /nofailover: true/);
});

test('5 etcd + 5 postgres: five members in each etcd\'s initial cluster; pg5 never promoted nor load-balanced', async () => {
  const out = await render('five-by-five.yaml');
  const etcd = writeFile(parseUserData(readFileSync(join(out, 'nodes', 'etcd5', 'user-data'), 'utf8')), '/etc/default/etcd').content;
  assert.is(/ETCD_INITIAL_CLUSTER="?([^"\n]*)/.exec(etcd)![1]!.split(',').length, 5);
  const pg5 = readFileSync(join(out, 'nodes', 'pg5', 'user-data'), 'utf8');
  assert.match(pg5, /nofailover: true/);
  assert.match(pg5, /noloadbalance: true/);
  assert.equal(readdirSync(join(out, 'nodes')).sort(), ['etcd1', 'etcd2', 'etcd3', 'etcd4', 'etcd5', 'pg1', 'pg2', 'pg3', 'pg4', 'pg5']);
});

test('synchronous mode with two client networks: Patroni\'s synchronous_mode, pg_hba for both networks with TLS', async () => {
  const out = await render('synchronous-two-networks.yaml');
  const patroni = writeFile(parseUserData(readFileSync(join(out, 'nodes', 'pg2', 'user-data'), 'utf8')), '/etc/patroni/config.yml').content;
  assert.match(patroni, /synchronous_mode: true/);
  for (const net of ['10.40.0.0/16', '172.16.8.0/24']) assert.match(patroni, new RegExp(`hostssl +all +all +${net.replace(/\./g, '\\.')} +scram-sha-256`));
  assert.ok(YAML.parse(readFileSync(join(dir, 'synchronous-two-networks.secrets.yaml'), 'utf8')).users.app, 'the app user\'s password');
});

test('Debian 13 with backups: PostgreSQL 17 and Patroni 4.0\'s ttl floor, pgBackRest to the store, the keys from the environment', async () => {
  const keys = { ...process.env, PGHA_SECRET_BACKUP_S3_KEY: 'AKIDEXAMPLE', PGHA_SECRET_BACKUP_S3_KEY_SECRET: 'example-secret-key' };
  const out = await render('debian-13.yaml', keys);
  const cc = parseUserData(readFileSync(join(out, 'nodes', 'pg1', 'user-data'), 'utf8'));
  const patroni = writeFile(cc, '/etc/patroni/config.yml').content;
  assert.match(patroni, /\n +ttl: 20\n/);
  assert.match(patroni, /\/usr\/lib\/postgresql\/17\/bin/);
  assert.match(writeFile(cc, '/etc/pgbackrest/pgbackrest.conf').content, /repo1-s3-endpoint=minio\.example\.net\n/);
  assert.match(writeFile(cc, '/etc/pgbackrest/conf.d/pgha-secrets.conf').content, /repo1-s3-key=AKIDEXAMPLE\n/);
});

test.run();
