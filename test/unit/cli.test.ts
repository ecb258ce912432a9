import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { packagePath } from '../../src/paths.js';
import { DEFAULT_SPEC } from '../../src/spec/default.js';
import { toYaml } from '../../src/yaml.js';
import { runPgha, TEST_SECRETS } from '../helpers.js';

function pgha(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const r = runPgha(args, cwd, env);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else out[`${prefix}${e.name}`] = readFileSync(join(d, e.name), 'utf8');
    }
  };
  walk(dir, '');
  return out;
}

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-cli-'));
});
test.after.each(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('render with no spec writes the default cluster and a 0600 secrets file beside the output', () => {
  const r = pgha(['render', '--out', 'out', '--no-iso', '--cloud-init-schema', packagePath('test', 'fixtures', 'permissive-schema.json')], dir);
  assert.is(r.code, 0, r.stderr);
  const files = Object.keys(tree(join(dir, 'out'))).sort();
  assert.is(files.filter((f) => /^nodes\/[^/]+\/(user-data|meta-data|network-config)$/.test(f)).length, 18);
  assert.is(files.filter((f) => /^nodes\/[^/]+\/virt-install\.sh$/.test(f)).length, 6);
  assert.ok(files.includes('launch/network.xml') && files.includes('packer/etcd.pkr.json'));
  assert.is(statSync(join(dir, 'out.secrets.yaml')).mode & 0o777, 0o600);
  assert.is(statSync(join(dir, 'out', 'nodes', 'patroni1', 'user-data')).mode & 0o777, 0o600);
  const secrets = YAML.parse(readFileSync(join(dir, 'out.secrets.yaml'), 'utf8'));
  for (const v of [secrets.superuserPassword, secrets.keepalivedAuthPass, secrets.users.admin]) {
    assert.not.ok(r.stdout.includes(v) || r.stderr.includes(v), 'a secret was printed');
  }
});

test('re-rendering reuses the secrets and gives byte-identical files', () => {
  const schema = ['--no-iso', '--cloud-init-schema', packagePath('test', 'fixtures', 'permissive-schema.json')];
  assert.is(pgha(['render', '--out', 'out', ...schema], dir).code, 0);
  const first = tree(join(dir, 'out'));
  const r = pgha(['render', '--out', 'out', ...schema], dir);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /reused secrets/);
  assert.equal(tree(join(dir, 'out')), first);
});

test('a bad spec: exit 2, every problem with its spec path, nothing written', () => {
  const spec = structuredClone(DEFAULT_SPEC);
  spec.nodes[1]!.ip = '10.0.0.5';
  spec.nodes[4]!.name = 'patroni1';
  spec.patroni = { ttl: 10, loopWait: 10, retryTimeout: 10 };
  writeFileSync(join(dir, 'bad.yaml'), toYaml(spec));
  const r = pgha(['render', 'bad.yaml', '--out', 'out'], dir);
  assert.is(r.code, 2);
  assert.match(r.stderr, /\[nodes\[1\]\.ip\] address 10\.0\.0\.5 is outside network\.cidr/);
  assert.match(r.stderr, /\[nodes\[4\]\.name\] duplicate name patroni1/);
  assert.match(r.stderr, /\[patroni\] loopWait \+ 2 \* retryTimeout = 30 exceeds ttl 10/);
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
  assert.not.ok(existsSync(join(dir, 'out')));
  assert.not.ok(existsSync(join(dir, 'bad.secrets.yaml')));
});

test('YAML errors and unknown fields are user errors (exit 2) with line or path', () => {
  writeFileSync(join(dir, 'dup.yaml'), 'cluster: {name: a}\ncluster: {name: b}\n');
  const r1 = pgha(['validate', 'dup.yaml'], dir);
  assert.is(r1.code, 2);
  assert.match(r1.stderr, /dup\.yaml:2:1/);
  writeFileSync(join(dir, 'typo.yaml'), toYaml({ ...structuredClone(DEFAULT_SPEC), clustr: {} }));
  const r2 = pgha(['validate', 'typo.yaml'], dir);
  assert.is(r2.code, 2);
  assert.match(r2.stderr, /\[clustr\] is not a known field/);
  const r3 = pgha(['validate', 'missing.yaml'], dir);
  assert.is(r3.code, 2);
  assert.match(r3.stderr, /pgha init/);
});

test('render refuses to replace a folder that pgha did not write, and leaves it alone', () => {
  mkdirSync(join(dir, 'home'));
  writeFileSync(join(dir, 'home', 'precious.txt'), 'keep me');
  const r = pgha(['render', '--out', 'home', '--no-iso'], dir);
  assert.is(r.code, 2);
  assert.match(r.stderr, /was not written by pgha/);
  assert.equal(readdirSync(join(dir, 'home')), ['precious.txt']);
});

test('a secrets file readable by others gets a warning naming the fix, not the values', () => {
  const schema = ['--no-iso', '--cloud-init-schema', packagePath('test', 'fixtures', 'permissive-schema.json')];
  assert.is(pgha(['render', '--out', 'out', ...schema], dir).code, 0);
  chmodSync(join(dir, 'out.secrets.yaml'), 0o644);
  const r = pgha(['render', '--out', 'out', ...schema], dir);
  assert.is(r.code, 0);
  assert.match(r.stderr, /chmod 600/);
});

test('init writes the default spec with a schema modeline; it validates; init refuses to overwrite', () => {
  const r = pgha(['init', 'cluster.yaml'], dir);
  assert.is(r.code, 0, r.stderr);
  const text = readFileSync(join(dir, 'cluster.yaml'), 'utf8');
  assert.match(text, /^# yaml-language-server: \$schema=.*schema\/pgha-spec\.schema\.json\n/);
  assert.equal(YAML.parse(text), DEFAULT_SPEC);
  const v = pgha(['validate', 'cluster.yaml'], dir);
  assert.is(v.code, 0, v.stderr);
  assert.match(v.stdout, /valid \(3 etcd, 3 postgres nodes\)/);
  assert.is(pgha(['init', 'cluster.yaml'], dir).code, 2);
});

test('replace: the spec gets the node\'s generation (and --ip), comments kept; only that node\'s seed changes', () => {
  assert.is(pgha(['init', 'c.yaml'], dir).code, 0);
  assert.is(pgha(['render', 'c.yaml', '--out', 'out', '--no-iso'], dir).code, 0);
  const before = tree(join(dir, 'out', 'nodes'));
  const r = pgha(['replace', 'etcd2', 'c.yaml', '--out', 'out', '--no-iso', '--ip', '192.168.122.105'], dir);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /etcd2 \(etcd, 192\.168\.122\.105\) is generation 1: boot its new machine with out\/nodes\/etcd2\/seed\.iso/);
  const text = readFileSync(join(dir, 'c.yaml'), 'utf8');
  assert.match(text, /^# yaml-language-server/, 'comments kept');
  const etcd2 = (YAML.parse(text) as { nodes: { name: string; ip: string; generation?: number }[] }).nodes.find((n) => n.name === 'etcd2')!;
  assert.equal([etcd2.ip, etcd2.generation], ['192.168.122.105', 1]);
  const after = tree(join(dir, 'out', 'nodes'));
  assert.match(after['etcd2/user-data']!, /join-etcd, \/etc\/default\/etcd, etcd2, "https:\/\/192\.168\.122\.105:2380"/);
  assert.is.not(after['etcd2/meta-data'], before['etcd2/meta-data']);
  const changed = (f: string) => after[f]!.split('\n').filter((l, i) => l !== before[f]!.split('\n')[i]);
  assert.equal(changed('etcd1/user-data').map((l) => l.trim().split('=')[0]), ['ETCD_INITIAL_CLUSTER'], 'etcd1 only learns the new address (read at its first boot only)');
  assert.match(r.stdout, /issued etcd2's certificate \(its machine is replaced\)/);
  assert.is.not(after['etcd2/tls/node.key'], before['etcd2/tls/node.key'], 'a new machine gets a new key');
  assert.is(after['etcd1/tls/node.key'], before['etcd1/tls/node.key']);
  const twice = pgha(['replace', 'etcd2', 'c.yaml', '--out', 'out', '--no-iso'], dir);
  assert.is(twice.code, 0, twice.stderr);
  assert.match(twice.stdout, /is generation 2/);
  const keyBefore = after['patroni2/tls/node.key'];
  const again = pgha(['replace', 'patroni2', 'c.yaml', '--out', 'out', '--no-iso'], dir);
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stdout, /is generation 1/);
  assert.match(again.stdout, /issued patroni2's certificate \(its machine is replaced\)/, 'at the same address too: never the dead machine\'s key');
  assert.is.not(tree(join(dir, 'out', 'nodes'))['patroni2/tls/node.key'], keyBefore);
});

test('replace and add refuse bad input with exit 2 and leave the spec alone', () => {
  assert.is(pgha(['init', 'c.yaml'], dir).code, 0);
  const spec = readFileSync(join(dir, 'c.yaml'), 'utf8');
  const cases: [string[], RegExp][] = [
    [['replace', 'etcd9', 'c.yaml', '--out', 'out'], /no node named etcd9; the nodes are etcd1, etcd2/],
    [['replace', 'etcd1', '--out', 'out'], /give the spec file \(pgha init writes the built-in one\)/],
    [['replace', 'etcd1', 'c.yaml', '--out', 'out', '--ip', '192.168.122.236'], /duplicate ip 192\.168\.122\.236/],
    [['add', 'patroni1', 'c.yaml', '--out', 'out', '--role', 'postgres', '--ip', '192.168.122.50'], /a node named patroni1 exists; .*pgha replace patroni1/],
    [['add', 'patroni4', 'c.yaml', '--out', 'out', '--role', 'pg', '--ip', '192.168.122.50'], /--role pg: use etcd or postgres/],
    [['add', 'patroni4', 'c.yaml', '--out', 'out', '--role', 'postgres'], /--ip is missing/],
    [['add', 'patroni4', 'c.yaml', '--out', 'out', '--role', 'postgres', '--ip', '192.168.122.50', '--tags', 'nofail'], /nofail is not a Patroni tag/],
  ];
  for (const [args, message] of cases) {
    const r = pgha(args, dir);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
  }
  assert.is(readFileSync(join(dir, 'c.yaml'), 'utf8'), spec);
  assert.not.ok(existsSync(join(dir, 'out')));
});

test('add: a new postgres node with tags and generation 1, in the flow style of the list; HAProxy and peers list it', () => {
  const spec = [
    'cluster: {name: c, flavor: debian-12}',
    'network: {cidr: 10.9.0.0/24, gateway: 10.9.0.1, vip: 10.9.0.2}',
    'nodes:',
    ...['e1:etcd:11', 'e2:etcd:12', 'e3:etcd:13', 'p1:postgres:21', 'p2:postgres:22'].map((n) => n.split(':')).map(([name, role, ip]) => `  - {name: ${name}, role: ${role}, ip: 10.9.0.${ip}}`),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'c.yaml'), spec);
  const r = pgha(['add', 'p3', 'c.yaml', '--out', 'out', '--no-iso', '--role', 'postgres', '--ip', '10.9.0.23', '--tags', 'nofailover'], dir);
  assert.is(r.code, 0, r.stderr);
  assert.is(readFileSync(join(dir, 'c.yaml'), 'utf8'), `${spec}  - {name: p3, role: postgres, ip: 10.9.0.23, generation: 1, tags: {nofailover: true}}\n`);
  const files = tree(join(dir, 'out', 'nodes'));
  assert.match(files['p3/user-data']!, /nofailover: true/);
  assert.match(files['p1/user-data']!, /server p3 10\.9\.0\.23:5432/, 'a fresh render of the others knows it too');
});

test('secrets discipline: no secret value or private key in CLI output, Packer templates or launch scripts; secret-bearing files 0600', () => {
  const r = pgha(['render', '--out', 'out', '--no-iso'], dir);
  assert.is(r.code, 0, r.stderr);
  const secrets = YAML.parse(readFileSync(join(dir, 'out.secrets.yaml'), 'utf8'));
  const keys = [secrets.tls.ca.key, secrets.tls.admin.key, ...Object.values(secrets.tls.nodes as Record<string, { key: string }>).map((p) => p.key)];
  // a key's base64 body, line by line: a key reformatted elsewhere still shows its lines
  const keyLines = keys.flatMap((k: string) => k.split('\n').filter((l) => l.length > 40));
  const values = [...Object.values(secrets).filter((v): v is string => typeof v === 'string'), ...Object.values(secrets.users as Record<string, string>), ...keyLines];
  assert.ok(keys.length === 8 && keyLines.length >= 16);
  assert.not.ok(Object.values(tree(join(dir, 'out'))).some((c) => c.includes(secrets.tls.ca.key.split('\n')[1])), 'the CA key never leaves the secrets file');
  const files = tree(join(dir, 'out'));
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

test('secrets from PGHA_SECRET_* variables (CI): used as given, no secrets file; a bad one names the variable, not the value', () => {
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
  const r = pgha(['render', '--out', 'out', '--no-iso'], dir, env);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /secrets from the PGHA_SECRET_\* environment variables \(no secrets file written\)/);
  assert.not.ok(existsSync(join(dir, 'out.secrets.yaml')));
  const userData = readFileSync(join(dir, 'out', 'nodes', 'patroni1', 'user-data'), 'utf8');
  for (const v of ['EnvSuperuser0000000000000000000A', 'EnvRestApi0000000000000000000000', 'EnvVrrp1', 'EnvAdmin000000000000000000000000']) assert.ok(userData.includes(v), v);
  assert.is(readFileSync(join(dir, 'out', 'nodes', 'patroni1', 'tls', 'node.key'), 'utf8'), TEST_SECRETS.tls.nodes.patroni1!.key);
  const bad = pgha(['render', '--out', 'out2', '--no-iso'], dir, { ...env, PGHA_SECRET_REWIND_PASSWORD: 'has space;rm' });
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /PGHA_SECRET_\* environment variables: rewindPassword may hold only letters and digits/);
  assert.not.ok(bad.stderr.includes('has space'), 'the value is not printed');
  assert.not.ok(existsSync(join(dir, 'out2')));
  const key = TEST_SECRETS.tls.nodes.patroni1!.key;
  const broken = toYaml({ ...TEST_SECRETS.tls, nodes: { ...TEST_SECRETS.tls.nodes, patroni1: { ...TEST_SECRETS.tls.nodes.patroni1, key: TEST_SECRETS.tls.nodes.patroni2!.key } } });
  const badTls = pgha(['render', '--out', 'out3', '--no-iso'], dir, { ...env, PGHA_SECRET_TLS: broken });
  assert.is(badTls.code, 2);
  assert.match(badTls.stderr, /PGHA_SECRET_\* environment variables: tls\.nodes\.patroni1\.key is not the private key of cert/);
  assert.not.ok(badTls.stderr.includes(key.split('\n')[1]!) || badTls.stderr.includes(TEST_SECRETS.tls.nodes.patroni2!.key.split('\n')[1]!), 'no key is printed');
  assert.not.ok(existsSync(join(dir, 'out3')));
});

test('certs renew: new node and admin certificates from the same CA, in the secrets and the seeds; the CA needs a render first', () => {
  const first = pgha(['render', '--out', 'renew', '--no-iso'], dir);
  assert.is(first.code, 0, first.stderr);
  const before = YAML.parse(readFileSync(join(dir, 'renew.secrets.yaml'), 'utf8'));
  const seedBefore = readFileSync(join(dir, 'renew', 'nodes', 'etcd1', 'user-data'), 'utf8');
  const r = pgha(['certs', 'renew', '--out', 'renew', '--no-iso'], dir);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /issued etcd1's certificate, .*the admin client certificate/);
  assert.not.match(r.stdout, /cluster CA/);
  assert.match(r.stdout, /pgha-node reload-tls/);
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
  const again = pgha(['render', '--out', 'renew', '--no-iso'], dir);
  assert.match(again.stdout, /reused secrets/);
  assert.not.match(again.stdout, /issued/);
  const none = pgha(['certs', 'renew', '--out', 'fresh', '--no-iso'], dir);
  assert.is(none.code, 2);
  assert.match(none.stderr, /no cluster CA to renew certificates with: run pgha render first/);
  assert.not.ok(existsSync(join(dir, 'fresh')) || existsSync(join(dir, 'fresh.secrets.yaml')));
  assert.is(pgha(['certs', 'revoke', '--out', 'renew'], dir).code, 2);
});

test('warnings do not stop a render; unknown commands and missing --out are user errors', () => {
  const spec = structuredClone(DEFAULT_SPEC);
  spec.nodes.push({ name: 'etcd4', role: 'etcd', ip: '192.168.122.19' });
  writeFileSync(join(dir, 'four.yaml'), toYaml(spec));
  const schema = ['--no-iso', '--cloud-init-schema', packagePath('test', 'fixtures', 'permissive-schema.json')];
  const r = pgha(['render', 'four.yaml', '--out', 'out', ...schema], dir);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: \[nodes\] 4 etcd members/);
  assert.ok(existsSync(join(dir, 'four.secrets.yaml')));
  assert.is(pgha(['frobnicate'], dir).code, 2);
  assert.is(pgha(['render'], dir).code, 2);
});

test('render without an ISO tool: exit 3 naming xorriso, genisoimage and cloud-localds, and --no-iso; nothing written', () => {
  const r = pgha(['render', '--out', 'out'], dir, { ...process.env, PATH: join(dir, 'empty-bin') });
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stderr, /no ISO tool for the seed ISOs: install xorriso .*genisoimage.*cloud-localds.*--no-iso/);
  assert.not.ok(existsSync(join(dir, 'out')));
  assert.not.ok(existsSync(join(dir, 'out.secrets.yaml')));
});

test('bake without Packer, QEMU or an ISO tool: exit 3 and one line per missing program saying what to install', () => {
  const r = pgha(['bake', '--out', 'out'], dir, { ...process.env, PATH: join(dir, 'empty-bin') });
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stderr, /packer not found: install Packer/);
  assert.match(r.stderr, /qemu-system-x86_64 not found: install QEMU/);
  assert.match(r.stderr, /no xorriso, mkisofs or genisoimage: install an ISO tool/);
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
});

test('render --packer-compat 1.6 writes templates without required_plugins; a wrong value is a user error', () => {
  const schema = ['--no-iso', '--cloud-init-schema', packagePath('test', 'fixtures', 'permissive-schema.json')];
  assert.is(pgha(['render', '--out', 'out', '--packer-compat', '1.6', ...schema], dir).code, 0);
  const etcd = JSON.parse(readFileSync(join(dir, 'out', 'packer', 'etcd.pkr.json'), 'utf8'));
  assert.not.ok('packer' in etcd);
  assert.is(pgha(['render', '--out', 'out', ...schema], dir).code, 0);
  assert.ok('packer' in JSON.parse(readFileSync(join(dir, 'out', 'packer', 'etcd.pkr.json'), 'utf8')));
  const bad = pgha(['render', '--out', 'out', '--packer-compat', '1.5', ...schema], dir);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /only compatibility target is 1\.6/);
});

test.run();
