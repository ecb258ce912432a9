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
import { PGHA_ARGV } from '../helpers.js';
import { BASE_IMAGE, TEST_SPEC } from './baked-images.js';

const tmp = mkdtempSync(join(tmpdir(), 'pgha-interrupt-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('Ctrl-C while the build VM boots: exit 130, nothing left under images/', async () => {
  const base = spawnSync('bash', [packagePath('scripts', 'build-base-image.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  assert.is(base.status, 0);
  writeFileSync(join(tmp, 'spec.yaml'), TEST_SPEC);
  const args = [...PGHA_ARGV, 'bake', 'spec.yaml', '--out', 'out', '--role', 'etcd',
    '--packer-compat', '1.6', '--accelerator', 'tcg', '--base-image', BASE_IMAGE];
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
