/**
 * Seed ISOs made by the real tools, and the generated virt-install commands checked by Debian's virt-install
 * (--dry-run and --print-xml) against libvirt's built-in test driver loaded with the generated network: no
 * libvirt daemon is needed and nothing is created but the overlay disk and seed copy in a temporary pool.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runPgha } from '../helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'pgha-launch-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const pgha = (args: string[], env: NodeJS.ProcessEnv = process.env) => runPgha(args, tmp, env);

const NODES = ['etcd1', 'etcd2', 'etcd3', 'patroni1', 'patroni2', 'patroni3'];

test('render makes one cidata ISO per node (ISO9660, Joliet, Rock Ridge) holding the seed files byte for byte, mode 0600', () => {
  const r = pgha(['render', '--out', 'out']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /seed ISOs \(xorriso\)/);
  for (const n of NODES) {
    const dir = join(tmp, 'out', 'nodes', n);
    const iso = join(dir, 'seed.iso');
    assert.is(statSync(iso).mode & 0o777, 0o600, `${n}: the ISO holds secrets`);
    const info = execFileSync('isoinfo', ['-d', '-i', iso], { encoding: 'utf8' });
    assert.match(info, /^Volume id: cidata$/m);
    assert.match(info, /Joliet with UCS level 3 found/);
    assert.match(info, /Rock Ridge signatures version 1 found/);
    const x = join(tmp, 'extract', n);
    execFileSync('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/', x], { stdio: 'ignore' });
    const listed = execFileSync('ls', ['-A', x], { encoding: 'utf8' }).trim().split('\n');
    assert.equal(listed, ['meta-data', 'network-config', 'user-data']);
    for (const f of listed) assert.ok(readFileSync(join(x, f)).equals(readFileSync(join(dir, f))), `${n}/${f} differs`);
  }
});

test('seed ISOs are reproducible with xorriso: a second render gives the same bytes', () => {
  const before = NODES.map((n) => readFileSync(join(tmp, 'out', 'nodes', n, 'seed.iso')));
  assert.is(pgha(['render', '--out', 'out']).status, 0);
  NODES.forEach((n, i) => assert.ok(readFileSync(join(tmp, 'out', 'nodes', n, 'seed.iso')).equals(before[i]!), n));
});

test('with only genisoimage installed, the ISO is made by it, with the same label and files', () => {
  const bin = join(tmp, 'bin-genisoimage');
  mkdirSync(bin);
  symlinkSync('/usr/bin/genisoimage', join(bin, 'genisoimage'));
  const r = pgha(['render', '--out', 'out-g'], { ...process.env, PATH: bin });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /seed ISOs \(genisoimage\)/);
  assert.match(execFileSync('isoinfo', ['-d', '-i', join(tmp, 'out-g', 'nodes', 'etcd1', 'seed.iso')], { encoding: 'utf8' }), /^Volume id: cidata$/m);
});

function testDriver(): NodeJS.ProcessEnv {
  const network = readFileSync(join(tmp, 'out', 'launch', 'network.xml'), 'utf8');
  const node = join(tmp, 'libvirt-test-node.xml');
  writeFileSync(node, `<node>\n${network}</node>\n`);
  const image = join(tmp, 'role.qcow2');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', image, '1G']);
  return {
    ...process.env,
    LIBVIRT_DEFAULT_URI: `test://${node}`,
    PGHA_IMAGE: image,
    PGHA_POOL_DIR: join(tmp, 'pool'),
    // Debian 12's osinfo-db (2022) predates Ubuntu 24.04; a real Ubuntu 24.04 host knows ubuntu24.04
    PGHA_OS_VARIANT: 'ubuntu22.04',
  };
}

test('virt-install --dry-run accepts every node\'s generated command, and leaves the pool untouched', () => {
  const env = testDriver();
  for (const n of NODES) {
    const r = spawnSync('bash', [join(tmp, 'out', 'nodes', n, 'virt-install.sh'), '--dry-run'], { encoding: 'utf8', env });
    assert.is(r.status, 0, `${n}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout + r.stderr, /Dry run completed successfully/);
  }
  assert.not.ok(existsSync(join(tmp, 'pool')), 'a dry run creates nothing in the pool');
});

test('the domain XML: overlay disk backed by the role image, seed CD, the node\'s MAC on the cluster network', () => {
  const env = { ...testDriver(), PGHA_POOL_DIR: join(tmp, 'pool-xml') };
  const r = spawnSync('bash', [join(tmp, 'out', 'nodes', 'patroni3', 'virt-install.sh'), '--print-xml'], { encoding: 'utf8', env });
  assert.is(r.status, 0, r.stderr);
  const xml = r.stdout;
  const mac = /macaddress: (\S+)/.exec(readFileSync(join(tmp, 'out', 'nodes', 'patroni3', 'network-config'), 'utf8'))![1];
  assert.match(xml, new RegExp(`<mac address="${mac}"/>`));
  assert.match(xml, /<source network="default"\/>/);
  assert.match(xml, /<memory>2097152<\/memory>/);
  assert.match(xml, /<vcpu>2<\/vcpu>/);
  assert.match(xml, /<disk type="file" device="cdrom">[\s\S]*pgha-16-main-patroni3-seed\.iso[\s\S]*<target dev="sda" bus="sata"\/>/);
  const info = execFileSync('qemu-img', ['info', '--output=json', join(tmp, 'pool-xml', 'pgha-16-main-patroni3.qcow2')], { encoding: 'utf8' });
  const disk = JSON.parse(info);
  assert.match(disk['backing-filename'], new RegExp(`^${join(tmp, 'pool-xml')}/role-[0-9a-f]{12}\\.qcow2$`), 'backed by a copy in the pool, readable by libvirt\'s QEMU user');
  assert.is(statSync(disk['backing-filename']).mode & 0o777, 0o644);
  assert.is(disk['virtual-size'], 20 * 2 ** 30);
});

test('re-running refuses to replace the disk without --force; --force replaces it', () => {
  const env = testDriver();
  const script = join(tmp, 'out', 'nodes', 'etcd1', 'virt-install.sh');
  const first = spawnSync('bash', [script], { encoding: 'utf8', env });
  assert.is(first.status, 0, first.stderr);
  const again = spawnSync('bash', [script, '--dry-run'], { encoding: 'utf8', env });
  assert.is(again.status, 1);
  assert.match(again.stderr, /pgha-16-main-etcd1\.qcow2 exists; pass --force to replace it/);
  const forced = spawnSync('bash', [script, '--force', '--dry-run'], { encoding: 'utf8', env });
  assert.is(forced.status, 0, forced.stderr);
});

test.run();
