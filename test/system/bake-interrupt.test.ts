/**
 * Ctrl-C during `pgha bake`: Packer is stopped, pgha exits 130, and no image, partial or work folder (which
 * holds the build key) is left; no QEMU of the build keeps running. Uses the cached stand-in base image.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { packagePath } from '../../src/paths.js';

const tmp = mkdtempSync(join(tmpdir(), 'pgha-interrupt-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('Ctrl-C while the build VM boots: exit 130, nothing left under images/', async () => {
  const base = spawnSync('bash', [packagePath('scripts', 'build-base-image.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  assert.is(base.status, 0);
  writeFileSync(
    join(tmp, 'spec.yaml'),
    'cluster: {name: irq, flavor: debian-12}\nnetwork: {cidr: 10.76.0.0/24, gateway: 10.76.0.1, vip: 10.76.0.2}\nnodes:\n' +
      [11, 12, 13].map((i) => `  - {name: e${i}, role: etcd, ip: 10.76.0.${i}}\n`).join('') +
      '  - {name: p1, role: postgres, ip: 10.76.0.21}\n  - {name: p2, role: postgres, ip: 10.76.0.22}\n',
  );
  const args = ['--import', import.meta.resolve('tsx'), packagePath('src', 'cli.ts'), 'bake', 'spec.yaml', '--out', 'out', '--role', 'etcd',
    '--packer-compat', '1.6', '--accelerator', 'tcg', '--base-image', packagePath('.cache', 'base', 'debian-12-base.qcow2')];
  const child = spawn(process.execPath, args, { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setInterval(() => {
      if (/Waiting for SSH to become available/.test(out)) {
        clearInterval(timer);
        child.kill('SIGINT');
      }
    }, 200);
    child.on('exit', (c) => {
      clearInterval(timer);
      resolve(c);
    });
  });
  assert.is(code, 130, out);
  assert.match(out, /interrupted: Packer was stopped; no image was left under its final name/);
  const images = join(tmp, 'out', 'images');
  assert.equal(existsSync(images) ? readdirSync(images) : [], [], 'no image, partial or work folder is left');
  const qemu = spawnSync('pgrep', ['-f', `qemu-system-x86_64.*${tmp}`], { encoding: 'utf8' });
  assert.is(qemu.stdout.trim(), '', 'no QEMU of this build is left running');
});

test.run();
