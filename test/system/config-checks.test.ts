/**
 * The rendered files checked by the programs that will read them, as installed from Debian by .ci/run:
 * cloud-init's schema (through ajv and through `cloud-init schema`), PyYAML, haproxy -c, keepalived --config-test
 * (in a network and mount namespace of its own), patroni --validate-config (against listeners on loopback).
 * HAProxy and Patroni run in a mount namespace whose /etc has the node's TLS files (an overlay: the host's /etc
 * is not changed). Needs root.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { renderCluster } from '../../src/assemble/cluster.js';
import { cloudConfigValidator, findCloudConfigSchema } from '../../src/io/cloud-config-schema.js';
import type { FileEntry } from '../../src/lib/file.js';
import { buildModel } from '../../src/model/model.js';
import { packagePath } from '../../src/paths.js';
import { BUILT_IN_SPEC } from '../../src/spec/built-in.js';
import type { Spec } from '../../src/spec/types.js';
import { validateSpec } from '../../src/spec/validate.js';
import { BACKUP_SPEC, etcOverlayMount, FLAVORS, parseUserData, RULES, secretsFor, TEMPLATES, TEST_SECRETS, writeFile, writeNodeScripts } from '../helpers.js';
import { specWith, text } from '../text-arbitrary.js';

const tmp = mkdtempSync(join(tmpdir(), 'pgha-checks-'));

async function render(spec: Spec): Promise<FileEntry[]> {
  const { spec: valid, diagnostics } = validateSpec(spec, RULES);
  assert.ok(valid, JSON.stringify(diagnostics));
  const model = buildModel(valid!, FLAVORS);
  return renderCluster(model, await secretsFor(model), TEMPLATES, 'modern');
}

/**
 * Runs `command` (a shell line) in a mount namespace whose /etc is an overlay of the host's with the TLS files
 * of the node whose user-data is `cc` in /etc/pgha/tls, where the configuration expects them.
 */
function withNodeTls(cc: ReturnType<typeof parseUserData>, name: string, command: string) {
  const tls = cc.write_files.filter((w) => w.path.startsWith('/etc/pgha/tls/'));
  const script = `${etcOverlayMount(join(tmp, name), Object.fromEntries(tls.map((f) => [f.path.slice('/etc/'.length), f.content])))} && ${command}`;
  return spawnSync('unshare', ['--mount', 'sh', '-c', script], { encoding: 'utf8' });
}

function save(files: FileEntry[], under: string): string {
  const root = join(tmp, under);
  for (const f of files) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.content);
  }
  return root;
}

const withKeys: Spec = {
  ...structuredClone(BUILT_IN_SPEC),
  admin: { sshAuthorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests test@pgha'] },
};
/** A cluster on loopback addresses, so that Patroni's validator (which connects to what it checks) stays on this machine. */
const loopback: Spec = {
  cluster: { name: 'loop', flavor: 'debian-12' },
  network: { cidr: '127.0.0.0/8', gateway: '127.0.0.1', vip: '127.0.0.2' },
  nodes: [
    { name: 'e1', role: 'etcd', ip: '127.0.0.11' },
    { name: 'e2', role: 'etcd', ip: '127.0.0.12' },
    { name: 'e3', role: 'etcd', ip: '127.0.0.13' },
    { name: 'p1', role: 'postgres', ip: '127.0.0.21' },
    { name: 'p2', role: 'postgres', ip: '127.0.0.22' },
  ],
  // archiving, replicas from the repository and the custom bootstrap of pgha restore, checked by Patroni too
  backup: { ...structuredClone(BACKUP_SPEC), restore: { to: '2026-12-02 01:06:42.478817+00' } },
};
const debian = { ...structuredClone(BUILT_IN_SPEC), cluster: { ...BUILT_IN_SPEC.cluster, flavor: 'debian-12' } };
const outputs = { default: await render(BUILT_IN_SPEC), debian: await render(debian), keys: await render(withKeys), loopback: await render(loopback) };
const userDatas = Object.entries(outputs).flatMap(([k, files]) =>
  files.filter((f) => f.path.endsWith('/user-data')).map((f) => ({ name: `${k}:${f.path}`, content: f.content })),
);

test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('every user-data validates against the installed cloud-init schema with ajv', () => {
  const schema = findCloudConfigSchema();
  assert.ok(schema, 'cloud-init is installed');
  const check = cloudConfigValidator(schema!);
  // the text read back as cloud-init reads it (YAML 1.1), not the data it was written from
  for (const u of userDatas) assert.equal(check(parseUserData(u.content)), [], u.name);
  assert.ok(check({ write_files: 5 }).length > 0, 'the validator rejects a wrong document');
});

// cloud-init before 23.2 wants at least one entry in users; `users: []` (no login user at all) is still what it
// does at boot, with a schema warning. Only that one complaint is forgiven, and only by those versions.
const cloudInitVersion = (spawnSync('cloud-init', ['--version'], { encoding: 'utf8' }).stdout.match(/(\d+)\.(\d+)/) ?? []).slice(1).map(Number);
const oldUsersSchema = cloudInitVersion[0]! < 23 || (cloudInitVersion[0] === 23 && cloudInitVersion[1]! < 2);

test('every user-data passes `cloud-init schema --config-file`', () => {
  let forgiven = 0;
  for (const [k, files] of Object.entries(outputs)) {
    const root = save(files, `schema-${k}`);
    for (const f of files.filter((f) => f.path.endsWith('/user-data'))) {
      const r = spawnSync('cloud-init', ['schema', '--config-file', join(root, f.path)], { encoding: 'utf8' });
      const out = `${r.stdout}${r.stderr}`;
      const errors = out.match(/Cloud config schema errors: (.*)/)?.[1];
      if (r.status !== 0 && oldUsersSchema && errors === 'users: [] is too short') {
        assert.equal(parseUserData(f.content).users, [], `${k}:${f.path}`);
        forgiven++;
        continue;
      }
      assert.is(r.status, 0, `${k}:${f.path}: ${out}`);
      assert.match(r.stdout, /Valid cloud-config/);
    }
  }
  if (!oldUsersSchema) assert.is(forgiven, 0);
});

test('PyYAML (cloud-init\'s and Patroni\'s reader) reads back exactly what was meant', () => {
  const docs = outputs.default.filter((f) => /\/(user-data|meta-data|network-config)$/.test(f.path)).map((f) => f.content.replace(/^#cloud-config\n/, ''));
  const patroni = parseUserData(outputs.default.find((f) => f.path === 'nodes/patroni1/user-data')!.content);
  docs.push(writeFile(patroni, '/etc/patroni/config.yml').content);
  const py = 'import json, sys, yaml\nprint(json.dumps([yaml.safe_load(d) for d in json.load(sys.stdin)]))';
  const out = execFileSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify(docs), encoding: 'utf8' });
  assert.equal(JSON.parse(out), docs.map((d) => YAML.parse(d, { version: '1.1' })));
});

test('random text in the free-text fields: PyYAML reads back what was meant, Patroni writes it into postgresql.conf, PostgreSQL reads it back', () => {
  const cases = fc
    .sample(fc.record({ prefix: text, key: text, pool: text }), { numRuns: 200, seed: 7 })
    .map((f) => ({ f, valid: validateSpec(specWith(f), RULES).spec }))
    .filter((c) => c.valid)
    .slice(0, 40);
  assert.ok(cases.length >= 20, `${cases.length} accepted specs`);
  const docs = cases.map((c) => renderCluster(buildModel(c.valid!, FLAVORS), TEST_SECRETS, TEMPLATES, 'modern').find((f) => f.path === 'nodes/patroni1/user-data')!.content);
  // a folder of its own that the postgres user may enter (tmp is root's, mode 0700)
  const dir = mkdtempSync(join(tmpdir(), 'pgha-pgconf-'));
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'data'));
  execFileSync('chown', ['-R', 'postgres', dir]);
  // as on a node: PyYAML reads user-data and the Patroni configuration in it, Patroni's ConfigWriter writes postgresql.conf
  const py = [
    'import json, sys, yaml',
    'from patroni.postgresql.config import ConfigWriter',
    'out = []',
    'for i, doc in enumerate(json.load(sys.stdin)):',
    '    cc = yaml.safe_load(doc)',
    '    conf = yaml.safe_load(next(f["content"] for f in cc["write_files"] if f["path"] == "/etc/patroni/config.yml"))',
    '    params = conf["bootstrap"]["dcs"]["postgresql"]["parameters"]',
    `    path = "${dir}/%d.conf" % i`,
    '    with ConfigWriter(path) as w:',
    `        for k, v in [("data_directory", "${dir}/data"), ("hba_file", "/dev/null"), ("ident_file", "/dev/null")] + sorted(params.items()):`,
    '            w.write_param(k, v)',
    '    out.append({"keys": cc["users"][0]["ssh_authorized_keys"], "prefix": params["log_line_prefix"]})',
    'print(json.dumps(out))',
  ].join('\n');
  const read = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify(docs), encoding: 'utf8' }));
  // the PostgreSQL installed here (the stand-in's): its configuration parser is the same for these values
  const bin = `/usr/lib/postgresql/${readdirSync('/usr/lib/postgresql').sort().at(-1)}/bin/postgres`;
  cases.forEach((c, i) => {
    assert.equal(read[i], { keys: [`ssh-ed25519 AAAAC3Nza ${c.f.key}`], prefix: c.f.prefix }, `case ${i}: PyYAML`);
    execFileSync('chmod', ['0644', join(dir, `${i}.conf`)]);
    const r = spawnSync('runuser', ['-u', 'postgres', '--', bin, '-C', 'log_line_prefix', `--config-file=${join(dir, `${i}.conf`)}`], { encoding: 'utf8' });
    assert.is(r.status, 0, `case ${i}: ${r.stderr}`);
    assert.is(r.stdout, `${c.f.prefix}\n`, `case ${i}: PostgreSQL reads the value back`);
  });
  rmSync(dir, { recursive: true, force: true });
});

test('haproxy -c accepts the HAProxy configuration, with its CA file in place', () => {
  for (const k of ['default', 'loopback'] as const) {
    const cc = parseUserData(outputs[k].find((f) => f.path.endsWith('/user-data') && f.content.includes('haproxy.cfg'))!.content);
    const path = join(tmp, `haproxy-${k}.cfg`);
    writeFileSync(path, writeFile(cc, '/etc/haproxy/haproxy.cfg').content);
    const r = withNodeTls(cc, `haproxy-${k}`, `exec haproxy -c -f ${path}`);
    assert.is(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /Configuration file is valid/);
  }
});

test('keepalived --config-test accepts the Keepalived configuration, with its check script in place', () => {
  const ns = `pgha-kc-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    execFileSync('ip', ['-n', ns, 'link', 'add', 'enp1s0', 'type', 'veth', 'peer', 'name', 'peer0']);
    for (const f of outputs.default.filter((f) => f.path.endsWith('/user-data') && f.content.includes('keepalived.conf'))) {
      const conf = join(tmp, 'keepalived.conf');
      writeFileSync(conf, writeFile(parseUserData(f.content), '/etc/keepalived/keepalived.conf').content);
      const check = writeNodeScripts(join(tmp, 'keepalived-scripts'))['pgha-check-haproxy'];
      const script = [
        'mount -t tmpfs -o mode=0755 pgha /usr/local/lib',
        'mkdir -m 0755 /usr/local/lib/pgha',
        `install -m 0755 ${check} /usr/local/lib/pgha/pgha-check-haproxy`,
        `exec keepalived --config-test -f ${conf}`,
      ].join(' && ');
      const r = spawnSync('ip', ['netns', 'exec', ns, 'unshare', '--mount', 'sh', '-c', script], { encoding: 'utf8' });
      assert.is(r.status, 0, `${f.path}: ${r.stdout}${r.stderr}`);
    }
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
});

/** What Patroni 3.0.2's validator (Debian 12) requires although 3.1+ made it optional, and pgha leaves out on purpose. */
const PATRONI_302_QUIRKS = ['bootstrap.pg_hba  is not defined.', 'bootstrap.initdb  is not defined.'];

test('patroni --validate-config finds nothing but the known quirks of Patroni 3.0.2\'s validator', async () => {
  const cc = parseUserData(outputs.loopback.find((f) => f.path === 'nodes/p1/user-data')!.content);
  const path = join(tmp, 'patroni.yml');
  writeFileSync(path, writeFile(cc, '/etc/patroni/config.yml').content);
  const servers: Server[] = await Promise.all(
    ['127.0.0.11', '127.0.0.12', '127.0.0.13'].map(
      (host) => new Promise<Server>((resolve) => { const s = createServer((c) => c.destroy()).listen(2379, host, () => resolve(s)); }),
    ),
  );
  try {
    const r = withNodeTls(cc, 'patroni', `exec patroni --validate-config ${path}`);
    const lines = (r.stdout + r.stderr).split('\n').map((l) => l.trim()).filter(Boolean);
    const unexpected = lines.filter((l) => !PATRONI_302_QUIRKS.includes(l));
    assert.equal(unexpected, [], 'Patroni found problems in the rendered configuration');
    const version = execFileSync('patroni', ['--version'], { encoding: 'utf8' });
    if (!version.includes('3.0.')) assert.is(r.status, 0, 'newer Patroni accepts the configuration outright');
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
});

test('the calendar events the spec check accepts are those systemd-analyze accepts (the unit test\'s lists)', () => {
  const events = JSON.parse(readFileSync(packagePath('test', 'fixtures', 'calendar.json'), 'utf8')) as { accepted: string[]; refused: string[] };
  const accepted = (e: string) => spawnSync('systemd-analyze', ['calendar', e], { encoding: 'utf8' }).status === 0;
  for (const e of events.accepted) assert.ok(accepted(e), `systemd refuses ${e}`);
  for (const e of events.refused) assert.not.ok(accepted(e), `systemd accepts ${JSON.stringify(e)}`);
});

test('the node scripts, filled in, pass shellcheck', () => {
  const scripts = writeNodeScripts(join(tmp, 'scripts'));
  const shell = ['pgha-node', 'pgha-createcluster', 'pgha-clonecluster', 'pgha-postbootstrap', 'pgha-check-haproxy', 'pgha-backup', 'pgha-restorereplica', 'pgha-restorecluster'] as const;
  for (const name of shell) {
    const path = scripts[name];
    const r = spawnSync('shellcheck', [path], { encoding: 'utf8' });
    assert.is(r.status, 0, `${name}: ${r.stdout}${r.stderr}`);
  }
});

test.run();
