/**
 * The role images of the Debian 12 stand-in, baked once per test process by `pgha bake` (Debian's Packer,
 * QEMU TCG) from the locally built base image, and shared by the test files that need them: the bake test
 * checks them, the VM test boots them. Removed when the process exits.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import type { ImageRecord } from '../../src/bake/manifest.js';
import { packagePath } from '../../src/paths.js';
import { runPgha } from '../helpers.js';

export const BASE_IMAGE = packagePath('.cache', 'base', 'debian-12-base.qcow2');

/** The test cluster: Debian 12 stand-in on a private test subnet that the VM test creates as a bridge. */
export const TEST_SPEC = `cluster: {name: pghatest, flavor: debian-12}
network: {cidr: 10.71.0.0/24, gateway: 10.71.0.1, dns: [10.71.0.1], vip: 10.71.0.2}
nodes:
  - {name: etcd1, role: etcd, ip: 10.71.0.11}
  - {name: etcd2, role: etcd, ip: 10.71.0.12}
  - {name: etcd3, role: etcd, ip: 10.71.0.13}
  - {name: pg1, role: postgres, ip: 10.71.0.21}
  - {name: pg2, role: postgres, ip: 10.71.0.22}
postgres:
  users: [{name: app, options: [createdb]}]
`;

export interface Baked {
  /** Folder holding spec.yaml, spec.secrets.yaml and out/ (render output, out/images from the bake). */
  dir: string;
  images: Record<string, ImageRecord>;
  secretValues: string[];
  bakeOutput: string;
}

let baked: Baked | undefined;

/**
 * Renders the test spec (so its secrets exist) and bakes both role images, once per process.
 * PGHA_TEST_BAKED_DIR names the folder of an earlier bake to reuse, for local iteration on the VM tests;
 * CI never sets it, so every CI run bakes afresh.
 */
export function bakedImages(): Baked {
  if (baked) return baked;
  const reuse = process.env.PGHA_TEST_BAKED_DIR;
  if (reuse) return (baked = load(reuse, '(reused)'));
  const base = spawnSync('bash', [packagePath('scripts', 'build-base-image.sh')], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
  if (base.status !== 0) throw new Error('the base image could not be built');
  const dir = mkdtempSync(join(tmpdir(), 'pgha-baked-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'spec.yaml'), TEST_SPEC);
  const render = runPgha(['render', 'spec.yaml', '--out', 'out'], dir);
  if (render.status !== 0) throw new Error(`render failed: ${render.stderr}`);
  const bake = runPgha(['bake', 'spec.yaml', '--out', 'out', '--packer-compat', '1.6', '--accelerator', 'tcg', '--base-image', BASE_IMAGE], dir);
  process.stdout.write(bake.stdout);
  if (bake.status !== 0) throw new Error(`bake failed (exit ${bake.status}): ${bake.stdout.split('\n').slice(-40).join('\n')}${bake.stderr}`);
  return (baked = load(dir, bake.stdout));
}

function load(dir: string, bakeOutput: string): Baked {
  const secrets = YAML.parse(readFileSync(join(dir, 'spec.secrets.yaml'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(dir, 'out', 'images', 'manifest.json'), 'utf8')) as { images: Record<string, ImageRecord> };
  return {
    dir,
    images: manifest.images,
    secretValues: [
      ...Object.values(secrets).filter((v): v is string => typeof v === 'string'),
      ...Object.values(secrets.users as Record<string, string>),
      // each private key's first line of base64 (it holds the start of the key itself)
      ...[secrets.tls.ca, secrets.tls.admin, ...Object.values(secrets.tls.nodes as Record<string, { key: string }>)].map((p: { key: string }) => p.key.split('\n')[1]!),
    ],
    bakeOutput,
  };
}
