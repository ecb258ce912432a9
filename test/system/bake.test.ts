/**
 * Real image builds (see baked-images.ts): both roles baked by `pgha bake` with Debian's Packer 1.6.6 under
 * QEMU TCG from the Debian 12 stand-in base, then the hygiene check again from outside on each finished
 * qcow2, mounted read-only through a raw copy and a loop device. Needs root; takes minutes (npm run bench:bake).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sha256File } from '../../src/bake/manifest.js';
import { FLAVORS } from '../helpers.js';
import { bakedImages, type Baked } from './baked-images.js';

const tmp = mkdtempSync(join(tmpdir(), 'pgha-bake-'));
let baked: Baked;

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

/** The hygiene check as the templates ran it: the render's DIR/packer/scripts/. */
let HYGIENE_CHECK = '';
test.before(() => {
  baked = bakedImages();
  HYGIENE_CHECK = join(baked.dir, 'out', 'packer', 'scripts', 'hygiene-check.sh');
});
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('both images are built under their final names; the manifest has their size, SHA-256 and timings', async () => {
  for (const role of ['etcd', 'postgres']) {
    const rec = baked.images[role]!;
    assert.is(rec.path, join(baked.dir, 'out', 'images', role, `pgha-debian-12-${role}.qcow2`));
    assert.ok(existsSync(rec.path));
    assert.is(rec.sha256, await sha256File(rec.path));
    assert.ok(rec.size_bytes > 100 * 2 ** 20, `${role} image size ${rec.size_bytes}`);
    assert.ok(rec.timings_s.boot! > 0 && rec.timings_s.install! > 0 && rec.timings_s.seal! >= 0, JSON.stringify(rec.timings_s));
  }
  assert.equal(readdirSync(join(baked.dir, 'out', 'images')).sort(), ['etcd', 'manifest.json', 'postgres'], 'no work, partial or previous folder is left');
  // every package of the flavour's role list, as the template passes them to the check
  const packages = FLAVORS.get('debian-12')!.packages;
  assert.match(baked.bakeOutput, new RegExp(`hygiene check passed \\(etcd, ${packages.etcd.length} packages\\)`));
  assert.match(baked.bakeOutput, new RegExp(`hygiene check passed \\(postgres, ${packages.postgres.length} packages\\)`));
  assert.ok(packages.postgres.length >= 7, 'postgres, patroni, python3-etcd, haproxy, keepalived, psycopg2, pgbackrest');
});

test('the manifest lists the installed versions of the role packages', () => {
  const etcd = baked.images.etcd!.packages;
  const pg = baked.images.postgres!.packages;
  for (const p of ['etcd-server', 'etcd-client']) assert.ok(etcd[p], p);
  for (const p of ['postgresql-15', 'patroni', 'haproxy', 'keepalived']) assert.ok(pg[p], p);
  assert.not.ok(etcd['postgresql-15'], 'roles get only their own packages');
});

test('hygiene, checked again from outside on each image: no identity, no build user, services disabled, no secret', () => {
  const packages = { etcd: ['etcd-server', 'etcd-client'], postgres: ['postgresql-15', 'patroni', 'haproxy', 'keepalived'] };
  for (const role of ['etcd', 'postgres'] as const) {
    withMountedImage(baked.images[role]!.path, (root) => {
      const args = [HYGIENE_CHECK, '--root', root, '--role', role, ...baked.secretValues.flatMap((s) => ['--secret', s]), '--', ...packages[role]];
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
  withMountedImage(baked.images.etcd!.path, (root) => {
    const r = spawnSync('bash', [HYGIENE_CHECK, '--root', root, '--role', 'etcd', '--', 'etcd-server', 'postgresql-15'], { encoding: 'utf8' });
    assert.is(r.status, 1);
    assert.match(r.stdout, /package postgresql-15 not installed/);
  });
});

test.run();
