import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { defaultSecretsPath, writeCluster } from '../../../src/commands/write-cluster.js';
import { toYaml } from '../../../src/lib/yaml.js';
import { prepareSpec } from '../../../src/model/prepare.js';
import { scramVerifier } from '../../../src/render/users.js';
import { packagePath } from '../../../src/paths.js';
import { BUILT_IN_SPEC } from '../../../src/spec/built-in.js';
import { pgha, RULES, TEST_SECRETS, tree } from '../../helpers.js';
import { withLocks } from '../../../src/io/lock.js';
import { realTarget } from '../../../src/io/output.js';

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-write-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

test('the default secrets file: beside the spec, or beside the output folder for the built-in spec', () => {
  assert.is(defaultSecretsPath('/a/b/pgha.yaml', 'out'), '/a/b/pgha.secrets.yaml');
  assert.is(defaultSecretsPath('spec.json', 'out'), 'spec.secrets.yaml');
  assert.is(defaultSecretsPath(undefined, '/x/out/'), '/x/out.secrets.yaml');
  assert.is(defaultSecretsPath(undefined, 'out'), resolve('out.secrets.yaml'));
});

test('secrets discipline: no secret value or private key in CLI output, Packer templates or launch scripts; secret-bearing files 0600', async () => {
  const r = await pgha(['render', '--out', 'out', '--no-iso'], dir);
  assert.is(r.code, 0, r.stderr);
  const secrets = YAML.parse(readFileSync(join(dir, 'out.secrets.yaml'), 'utf8'));
  const keys = [secrets.tls.ca.key, secrets.tls.admin.key, ...Object.values(secrets.tls.nodes as Record<string, { key: string }>).map((p) => p.key)];
  // a key's base64 body, line by line: a key reformatted elsewhere still shows its lines
  const keyLines = keys.flatMap((k: string) => k.split('\n').filter((l) => l.length > 40));
  const values = [...Object.values(secrets).filter((v): v is string => typeof v === 'string'), ...Object.values(secrets.users as Record<string, string>), ...keyLines];
  assert.ok(keys.length === 8 && keyLines.length >= 16);
  const files = tree(join(dir, 'out'));
  assert.not.ok(Object.values(files).some((c) => c.includes(secrets.tls.ca.key.split('\n')[1])), 'the CA key never leaves the secrets file');
  for (const [path, content] of Object.entries(files)) {
    const bearing = values.some((v) => content.includes(v));
    if (path.startsWith('packer/') || path.startsWith('launch/') || path.endsWith('meta-data') || path.endsWith('network-config')) {
      assert.not.ok(bearing, `${path} holds a secret`);
    }
    if (bearing) assert.is(statSync(join(dir, 'out', path)).mode & 0o077, 0, `${path} holds secrets and is readable by others`);
  }
  for (const v of values) assert.not.ok(r.stdout.includes(v) || r.stderr.includes(v), 'a secret in the CLI output');
  assert.is(statSync(join(dir, 'out.secrets.yaml')).mode & 0o777, 0o600);
});

test('secrets from PGHA_SECRET_* variables (CI): used as given, no secrets file; a bad one names the variable, not the value', async () => {
  const env = {
    ...process.env,
    PGHA_SECRET_SUPERUSER_PASSWORD: 'EnvSuperuser0000000000000000000A',
    PGHA_SECRET_REPLICATION_PASSWORD: 'EnvReplication000000000000000000',
    PGHA_SECRET_REWIND_PASSWORD: 'EnvRewind00000000000000000000000',
    PGHA_SECRET_REST_API_PASSWORD: 'EnvRestApi0000000000000000000000',
    PGHA_SECRET_KEEPALIVED_AUTH_PASS: 'EnvVrrp1',
    PGHA_SECRET_ETCD_INITIAL_CLUSTER_TOKEN: 'EnvEtcdToken000000000000',
    PGHA_SECRET_USER_ADMIN: 'EnvAdmin000000000000000000000000',
    PGHA_SECRET_TLS: toYaml(TEST_SECRETS.tls),
  };
  const r = await pgha(['render', '--out', 'out', '--no-iso'], dir, env);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /secrets from the PGHA_SECRET_\* environment variables \(no secrets file written\)/);
  assert.not.ok(existsSync(join(dir, 'out.secrets.yaml')));
  const userData = readFileSync(join(dir, 'out', 'nodes', 'patroni1', 'user-data'), 'utf8');
  for (const v of ['EnvSuperuser0000000000000000000A', 'EnvRestApi0000000000000000000000', 'EnvVrrp1']) assert.ok(userData.includes(v), v);
  assert.ok(userData.includes(scramVerifier('admin', 'EnvAdmin000000000000000000000000')), 'the admin user\'s password, as its SCRAM verifier');
  assert.is(readFileSync(join(dir, 'out', 'nodes', 'patroni1', 'tls', 'node.key'), 'utf8'), TEST_SECRETS.tls.nodes.patroni1!.key);
  const bad = await pgha(['render', '--out', 'out2', '--no-iso'], dir, { ...env, PGHA_SECRET_REWIND_PASSWORD: 'has space;rm' });
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /PGHA_SECRET_\* environment variables: rewindPassword may hold only letters and digits/);
  assert.not.ok(bad.stderr.includes('has space'), 'the value is not printed');
  assert.not.ok(existsSync(join(dir, 'out2')));
});

test('user-data that fails cloud-init\'s schema is a bug: nothing is written, not even the new secrets', async () => {
  const strict = packagePath('test', 'fixtures', 'runcmd-string-schema.json');
  const io = { out: () => {}, err: () => {}, env: {} };
  const prepared = prepareSpec(structuredClone(BUILT_IN_SPEC), 'built-in default spec', RULES);
  await writeCluster(prepared, { out: join(dir, 'out'), iso: false, cloudInitSchema: strict }, io).then(
    () => assert.unreachable('rendered'),
    (e: Error) => assert.match(e.message, /nodes\/etcd1\/user-data fails cloud-init's schema .*\n\/runcmd must be string/),
  );
  assert.not.ok(existsSync(join(dir, 'out')) || existsSync(join(dir, 'out.secrets.yaml')));
});

test('--cloud-init-schema naming a missing file is a user error', async () => {
  const r = await pgha(['render', '--out', 'out', '--no-iso', '--cloud-init-schema', 'nope.json'], dir);
  assert.is(r.code, 2);
  assert.match(r.stderr, /--cloud-init-schema nope\.json does not exist/);
});

test('a secrets file or spec inside --out is refused (a render replaces the folder whole): nothing written or deleted', async () => {
  assert.is((await pgha(['render', '--out', 'out', '--no-iso'], dir)).code, 0);
  const before = tree(join(dir, 'out'));
  const inside = await pgha(['render', '--out', 'out', '--no-iso', '--secrets', 'out/sec.yaml'], dir);
  assert.is(inside.code, 2);
  assert.match(inside.stderr, /the secrets file out\/sec\.yaml is inside --out out, which every render replaces whole/);
  writeFileSync(join(dir, 'out', 'mine.yaml'), toYaml(BUILT_IN_SPEC));
  const spec = await pgha(['render', 'out/mine.yaml', '--out', 'out', '--no-iso', '--secrets', 'elsewhere.yaml'], dir);
  assert.is(spec.code, 2);
  assert.match(spec.stderr, /the spec out\/mine\.yaml is inside --out out/);
  assert.ok(existsSync(join(dir, 'out', 'mine.yaml')), 'the user\'s file is kept');
  assert.equal({ ...tree(join(dir, 'out')), 'mine.yaml': undefined }, { ...before, 'mine.yaml': undefined });
});

test('a second pgha writing the same output or secrets meanwhile stops with exit 2; the lock goes with the first', async () => {
  const r = await withLocks([realTarget(join(dir, 'out'))], () => pgha(['render', '--out', 'out', '--no-iso'], dir));
  assert.is(r.code, 2);
  assert.match(r.stderr, new RegExp(`out is being written by another pgha \\(pid ${process.pid}\\)`));
  assert.not.ok(existsSync(join(dir, 'out.secrets.yaml')), 'no secrets were generated');
  assert.is((await pgha(['render', '--out', 'out', '--no-iso'], dir)).code, 0);
});

test('links are followed: a linked secrets file is updated through the link; a link to an unrelated YAML file is refused', async () => {
  writeFileSync(join(dir, 'notes.yaml'), 'shopping: [milk]\n');
  symlinkSync(join(dir, 'notes.yaml'), join(dir, 'out.secrets.yaml'));
  const r = await pgha(['render', '--out', 'out', '--no-iso'], dir);
  assert.is(r.code, 2);
  assert.match(r.stderr, /out\.secrets\.yaml: not a pgha secrets file \(it has shopping, which pgha does not write\)/);
  assert.is(readFileSync(join(dir, 'notes.yaml'), 'utf8'), 'shopping: [milk]\n');
  rmSync(join(dir, 'out.secrets.yaml'));
  mkdirSync(join(dir, 'vault'));
  writeFileSync(join(dir, 'vault', 's.yaml'), '', { mode: 0o600 });
  symlinkSync(join(dir, 'vault', 's.yaml'), join(dir, 'out.secrets.yaml'));
  assert.is((await pgha(['render', '--out', 'out', '--no-iso'], dir)).code, 0);
  assert.ok(lstatSync(join(dir, 'out.secrets.yaml')).isSymbolicLink(), 'the link is kept');
  assert.match(readFileSync(join(dir, 'vault', 's.yaml'), 'utf8'), /^# pgha secrets of cluster 16-main/);
});

test.run();
