/**
 * Real image builds: the Debian 12 stand-in base image (scripts/build-base-image.sh, cached in .cache/base),
 * then `pgha bake` of both roles with Debian's Packer 1.6.6 under QEMU TCG, then the hygiene check again from
 * outside on each finished qcow2, mounted read-only through a raw copy and a loop device. Needs root; takes
 * minutes (see npm run bench:bake).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { sha256File, type ImageRecord } from '../../src/bake.js';
import { packagePath } from '../../src/paths.js';

const tmp = mkdtempSync(join(tmpdir(), 'pgha-bake-'));
const BASE = packagePath('.cache', 'base', 'debian-12-base.qcow2');
const SPEC = `cluster: {name: baketest, flavor: debian-12}
network: {cidr: 10.77.0.0/24, gateway: 10.77.0.1, vip: 10.77.0.2}
nodes:
  - {name: e1, role: etcd, ip: 10.77.0.11}
  - {name: e2, role: etcd, ip: 10.77.0.12}
  - {name: e3, role: etcd, ip: 10.77.0.13}
  - {name: p1, role: postgres, ip: 10.77.0.21}
  - {name: p2, role: postgres, ip: 10.77.0.22}
postgres:
  users: [{name: app, options: [createdb]}]
`;

function pgha(args: string[]) {
  return spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), packagePath('src', 'cli.ts'), ...args], {
    cwd: tmp,
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
}

/**
 * Mounts a qcow2's first partition read-only, runs fn, always unmounts: a raw copy and a loop device at the
 * partition's offset (no nbd module here, and no udev to create partition nodes).
 */
function withMountedImage(image: string, fn: (root: string) => void): void {
  const raw = join(tmp, 'image.raw');
  const mnt = join(tmp, 'mnt');
  mkdirSync(mnt, { recursive: true });
  execFileSync('qemu-img', ['convert', '-O', 'raw', image, raw]);
  try {
    const table = JSON.parse(execFileSync('sfdisk', ['--json', raw], { encoding: 'utf8' }));
    const start = table.partitiontable.partitions[0].start * table.partitiontable.sectorsize;
    execFileSync('mount', ['-o', `ro,loop,offset=${start}`, raw, mnt]);
    try {
      fn(mnt);
    } finally {
      execFileSync('umount', [mnt]);
    }
  } finally {
    rmSync(raw, { force: true });
  }
}

let manifest: { images: Record<string, ImageRecord> };
let secretValues: string[] = [];

test.before(() => {
  const base = spawnSync('bash', [packagePath('scripts', 'build-base-image.sh')], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
  assert.is(base.status, 0, 'the base image was built');
  writeFileSync(join(tmp, 'spec.yaml'), SPEC);
  const render = pgha(['render', 'spec.yaml', '--out', 'out']);
  assert.is(render.status, 0, render.stderr);
  const secrets = YAML.parse(readFileSync(join(tmp, 'spec.secrets.yaml'), 'utf8'));
  secretValues = [...Object.values(secrets).filter((v): v is string => typeof v === 'string'), ...Object.values(secrets.users as Record<string, string>)];
  const bake = pgha(['bake', 'spec.yaml', '--out', 'out', '--packer-compat', '1.6', '--accelerator', 'tcg', '--base-image', BASE]);
  process.stdout.write(bake.stdout);
  assert.is(bake.status, 0, bake.stdout.split('\n').slice(-40).join('\n') + bake.stderr);
  manifest = JSON.parse(readFileSync(join(tmp, 'out', 'images', 'manifest.json'), 'utf8'));
});
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('both images are built under their final names; the manifest has their size, SHA-256 and timings', async () => {
  for (const role of ['etcd', 'postgres']) {
    const rec = manifest.images[role]!;
    assert.is(rec.path, join(tmp, 'out', 'images', role, `pgha-debian-12-${role}.qcow2`));
    assert.ok(existsSync(rec.path));
    assert.is(rec.sha256, await sha256File(rec.path));
    assert.ok(rec.size_bytes > 100 * 2 ** 20, `${role} image size ${rec.size_bytes}`);
    assert.ok(rec.timings_s.boot! > 0 && rec.timings_s.install! > 0 && rec.timings_s.seal! >= 0, JSON.stringify(rec.timings_s));
  }
  assert.equal(
    spawnSync('ls', ['-A', join(tmp, 'out', 'images')], { encoding: 'utf8' }).stdout.trim().split('\n').sort(),
    ['etcd', 'manifest.json', 'postgres'],
    'no work, partial or previous folder is left',
  );
});

test('the manifest lists the installed versions of the role packages', () => {
  const etcd = manifest.images.etcd!.packages;
  const pg = manifest.images.postgres!.packages;
  for (const p of ['etcd-server', 'etcd-client']) assert.ok(etcd[p], p);
  for (const p of ['postgresql-15', 'patroni', 'haproxy', 'keepalived']) assert.ok(pg[p], p);
  assert.not.ok(etcd['postgresql-15'], 'roles get only their own packages');
});

test('hygiene, checked again from outside on each image: no identity, no build user, services disabled, no secret', () => {
  const packages = { etcd: ['etcd-server', 'etcd-client'], postgres: ['postgresql-15', 'patroni', 'haproxy', 'keepalived'] };
  for (const role of ['etcd', 'postgres'] as const) {
    withMountedImage(manifest.images[role]!.path, (root) => {
      const args = [packagePath('images', 'hygiene-check.sh'), '--root', root, '--role', role, ...secretValues.flatMap((s) => ['--secret', s]), '--', ...packages[role]];
      const r = spawnSync('bash', args, { encoding: 'utf8' });
      assert.is(r.status, 0, `${role}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /hygiene check passed/);
      if (role === 'postgres') {
        const createcluster = readFileSync(join(root, 'etc', 'postgresql-common', 'createcluster.conf'), 'utf8');
        assert.match(createcluster, /^create_main_cluster = false$/m);
      }
      assert.not.ok(existsSync(join(root, 'etc', 'netplan', '50-cloud-init.yaml')), 'no build-time netplan file');
    });
  }
});

test('the outside check does fail on a dirty image (it can fail)', () => {
  withMountedImage(manifest.images.etcd!.path, (root) => {
    const r = spawnSync('bash', [packagePath('images', 'hygiene-check.sh'), '--root', root, '--role', 'etcd', '--', 'etcd-server', 'postgresql-15'], { encoding: 'utf8' });
    assert.is(r.status, 1);
    assert.match(r.stdout, /package postgresql-15 not installed/);
  });
});

test.run();
