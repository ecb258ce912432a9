/**
 * The Packer side with the real programs: Debian's Packer 1.6.6 validates the compat templates (through
 * `pgha bake --only validate`), the templates `pgha render` writes validate on their own with the variables
 * `pgha bake --only prepare` gives (a pipeline's own Packer run), the per-build key pair is one ssh-keygen
 * accepts, and the build-time seed is valid cloud-config. Needs packer and cloud-init (scripts/install-deps.sh).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cloudConfigValidator, findCloudConfigSchema } from '../../src/io/cloud-config-schema.js';
import { buildKeyPair } from '../../src/bake/build-key.js';
import { renderBuildSeed } from '../../src/render/build-seed.js';
import { parseUserData, runPgha } from '../helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'pgha-packer-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const pgha = (args: string[]) => runPgha(args, tmp);

test('Debian\'s packer validates both compat templates, for both flavours', () => {
  const base = join(tmp, 'fake-base.qcow2');
  writeFileSync(base, 'not an image: validate only checks the checksum of the file');
  for (const flavorSpec of [undefined, 'debian']) {
    const args = ['bake', '--out', 'out', '--only', 'validate', '--packer-compat', '1.6', '--base-image', base];
    if (flavorSpec) {
      writeFileSync(join(tmp, 'debian.yaml'), 'cluster: {name: d, flavor: debian-12}\nnetwork: {cidr: 10.8.0.0/24, gateway: 10.8.0.1, vip: 10.8.0.2}\nnodes:\n  - {name: e1, role: etcd, ip: 10.8.0.11}\n  - {name: e2, role: etcd, ip: 10.8.0.12}\n  - {name: e3, role: etcd, ip: 10.8.0.13}\n  - {name: p1, role: postgres, ip: 10.8.0.21}\n  - {name: p2, role: postgres, ip: 10.8.0.22}\n');
      args.splice(1, 0, 'debian.yaml');
    }
    const r = pgha(args);
    assert.is(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\[etcd\] packer validate\n\[postgres\] packer validate\ntemplates valid/);
  }
});

test('the rendered templates validate with Debian\'s packer given the variables bake --only prepare prints', () => {
  const base = join(tmp, 'fake-base.qcow2');
  writeFileSync(base, 'not an image: validate only checks the checksum of the file');
  const render = pgha(['render', '--out', 'prepared', '--packer-compat', '1.6', '--no-iso']);
  assert.is(render.status, 0, render.stderr);
  const r = pgha(['bake', '--out', 'prepared', '--only', 'prepare', '--packer-compat', '1.6', '--base-image', base, '--accelerator', 'tcg', '--json']);
  assert.is(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { roles: { role: string; template: string; commands: string[][] }[] };
  assert.equal(doc.roles.map((x) => x.role), ['etcd', 'postgres']);
  for (const role of doc.roles) {
    assert.is(role.template, join(tmp, 'prepared', 'packer', `${role.role}.pkr.json`), 'the templates pgha render wrote');
    assert.equal(role.commands.map((c) => c[1]), ['validate', 'build'], 'no packer init for Packer 1.6');
    const [cmd, ...args] = role.commands[0]!;
    // run from elsewhere: the commands hold every path they need
    const v = spawnSync(cmd!, args, { cwd: '/', encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    assert.is(v.status, 0, `${role.role}: ${v.stdout}${v.stderr}`);
    const bare = spawnSync('packer', ['validate', role.template], { cwd: '/', encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    assert.is.not(bare.status, 0, 'without the prepared variables the template does not validate');
    assert.match(bare.stdout + bare.stderr, /build_seed_dir/);
  }
});

test('modern templates are refused by Packer 1.6 with a clear hint, exit 2', () => {
  const r = pgha(['bake', '--out', 'out', '--only', 'validate']);
  assert.is(r.status, 2);
  assert.match(r.stderr, /pass --packer-compat 1\.6/);
});

test('the per-build key pair: ssh-keygen reads the private key and derives the same public key', () => {
  const { privatePem, publicOpenSsh } = buildKeyPair('pgha-build');
  const keyFile = join(tmp, 'key');
  writeFileSync(keyFile, privatePem, { mode: 0o600 });
  const r = spawnSync('ssh-keygen', ['-y', '-f', keyFile], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), publicOpenSsh.replace(/ pgha-build$/, ''));
});

test('the build-time seed is valid cloud-config and creates only the build user', () => {
  const seed = renderBuildSeed(buildKeyPair('pgha-build').publicOpenSsh, 'etcd');
  const check = cloudConfigValidator(findCloudConfigSchema()!);
  assert.equal(check(parseUserData(seed.userData)), []);
  assert.match(seed.userData, /name: pgha-build/);
  assert.match(seed.metaData, /instance-id: pgha-build-etcd/);
});

test.run();
