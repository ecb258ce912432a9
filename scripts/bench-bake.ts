/**
 * npm run bench:bake: bakes both role images of the Debian 12 stand-in (Packer under QEMU TCG, as CI does) and
 * prints the bake time per role split into boot, package install, configure, seal, shutdown (build user removal
 * and hygiene check) and conversion, and the image sizes. Needs root and scripts/install-deps.sh.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ImageRecord } from '../src/bake/manifest.js';
import { packagePath } from '../src/paths.js';
import { PGHA_ARGV } from '../test/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'pgha-bench-bake-'));
try {
  const t0 = performance.now();
  const base = spawnSync('bash', [packagePath('scripts', 'build-base-image.sh')], { stdio: 'inherit' });
  if (base.status !== 0) throw new Error('base image build failed');
  const baseSeconds = (performance.now() - t0) / 1000;
  writeFileSync(
    join(dir, 'spec.yaml'),
    'cluster: {name: bench, flavor: debian-12}\nnetwork: {cidr: 10.78.0.0/24, gateway: 10.78.0.1, vip: 10.78.0.2}\nnodes:\n' +
      ['e1:etcd:11', 'e2:etcd:12', 'e3:etcd:13', 'p1:postgres:21', 'p2:postgres:22']
        .map((n) => n.split(':'))
        .map(([name, role, ip]) => `  - {name: ${name}, role: ${role}, ip: 10.78.0.${ip}}\n`)
        .join(''),
  );
  const packer = spawnSync('packer', ['version'], { encoding: 'utf8' }).stdout;
  const compat = /v1\.[0-6]\./.test(packer) ? ['--packer-compat', '1.6'] : [];
  const args = [...PGHA_ARGV, 'bake', 'spec.yaml', '--out', 'out', '--accelerator', 'tcg', '--base-image', packagePath('.cache', 'base', 'debian-12-base.qcow2'), ...compat];
  const t1 = performance.now();
  const bake = spawnSync(process.execPath, args, { cwd: dir, stdio: 'inherit' });
  if (bake.status !== 0) throw new Error('bake failed');
  const bakeSeconds = (performance.now() - t1) / 1000;
  const manifest = JSON.parse(readFileSync(join(dir, 'out', 'images', 'manifest.json'), 'utf8')) as { images: Record<string, ImageRecord> };
  console.log(`base image (cached when up to date): ${baseSeconds.toFixed(0)} s; bake of both roles: ${bakeSeconds.toFixed(0)} s`);
  const summary: Record<string, unknown> = { base_image_s: Math.round(baseSeconds), bake_total_s: Math.round(bakeSeconds) };
  for (const [role, rec] of Object.entries(manifest.images)) {
    const t = rec.timings_s;
    console.log(
      `${role}: ${t.total} s = boot ${t.boot} + install ${t.install} + configure ${t.configure} + seal ${t.seal} + hygiene ${t.hygiene} + shutdown (final check, power-off) ${t.shutdown} + convert ${t.convert} (+ manifest ${t['post-process'] ?? 0}); image ${(rec.size_bytes / 2 ** 20).toFixed(0)} MiB`,
    );
    summary[role] = { ...t, size_mib: Math.round(rec.size_bytes / 2 ** 20) };
  }
  console.log(JSON.stringify(summary));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
