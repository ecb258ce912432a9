import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { packerCommands, prepareBuild, preparedBuildDir, writeBuildInputs } from '../../../src/bake/prepare.js';
import { UserError } from '../../../src/errors.js';
import { defaultModel, pgha, TEMPLATES } from '../../helpers.js';

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-prepare-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

const mode = (p: string) => statSync(p).mode & 0o777;
/** A stand-in for the per-build key pair: generating an RSA key takes a second (the CLI tests make real ones). */
const KEY = { privatePem: '-----BEGIN RSA PRIVATE KEY-----\nfake\n', publicOpenSsh: 'ssh-rsa AAAAfake pgha-build' };

test('build inputs: a private folder with a new key and one seed per role; the variables name them', async () => {
  const places = { dir: join(dir, 'b'), template: (r: string) => `/t/${r}.pkr.json`, outputDirectory: (r: string) => `/o/${r}`, manifestPath: (r: string) => `/m/${r}.json` };
  writeFileSync(join(dir, 'base.qcow2'), 'base');
  const builds = await writeBuildInputs(places, ['etcd', 'postgres'], { baseImage: join(dir, 'base.qcow2'), aptProxy: 'http://p:3142' }, KEY);
  assert.equal(readdirSync(places.dir).sort(), ['build-key', 'seed-etcd', 'seed-postgres']);
  assert.equal([mode(places.dir), mode(join(places.dir, 'build-key')), mode(join(places.dir, 'seed-etcd')), mode(join(places.dir, 'seed-etcd', 'user-data'))], [0o700, 0o600, 0o700, 0o600]);
  assert.is(readFileSync(join(places.dir, 'build-key'), 'utf8'), KEY.privatePem);
  assert.match(readFileSync(join(places.dir, 'seed-etcd', 'user-data'), 'utf8'), /ssh-rsa AAAAfake pgha-build/);
  assert.equal(builds[1], {
    role: 'postgres',
    template: '/t/postgres.pkr.json',
    variables: {
      base_image_url: join(dir, 'base.qcow2'),
      base_image_checksum: 'sha256:cae662172fd450bb0cd710a769079c05bfc5d8e35efa6576edc7d0377afdd4a2',
      build_seed_dir: join(places.dir, 'seed-postgres'),
      ssh_private_key_file: join(places.dir, 'build-key'),
      output_directory: '/o/postgres',
      manifest_path: '/m/postgres.json',
      apt_proxy: 'http://p:3142',
    },
  });
  chmodSync(join(places.dir, 'build-key'), 0o644);
  chmodSync(places.dir, 0o755);
  await writeBuildInputs(places, ['etcd'], {}, { ...KEY, privatePem: 'next' });
  assert.equal([readFileSync(join(places.dir, 'build-key'), 'utf8'), mode(join(places.dir, 'build-key')), mode(places.dir)], ['next', 0o600, 0o700], 'written anew, private again');
});

test('Packer commands: init only for templates with required_plugins; validate and build with every -var', () => {
  const build = { role: 'etcd' as const, template: '/t/etcd.pkr.json', variables: { a: '1', b: 'x y' } };
  assert.equal(packerCommands(build, 'modern'), [
    ['packer', 'init', '/t/etcd.pkr.json'],
    ['packer', 'validate', '-var', 'a=1', '-var', 'b=x y', '/t/etcd.pkr.json'],
    ['packer', 'build', '-var', 'a=1', '-var', 'b=x y', '/t/etcd.pkr.json'],
  ]);
  assert.equal(packerCommands(build, '1.6').map((c) => c[1]), ['validate', 'build']);
});

test('prepare: for the templates a render wrote into DIR/packer/; refused when they are missing or another target\'s', async () => {
  const out = join(dir, 'out');
  const o = { out, roles: ['etcd' as const], packerTarget: '1.6' as const };
  const missing = await prepareBuild(defaultModel(), TEMPLATES, o, KEY).catch((e: unknown) => e);
  assert.instance(missing, UserError);
  assert.match((missing as Error).message, /out\/packer\/etcd\.pkr\.json is missing or not what this spec renders: run pgha render with the same spec and --out .* --packer-compat 1\.6 first/);
  assert.is((await pgha(['render', '--out', 'out', '--no-iso'], dir)).code, 0);
  assert.instance(await prepareBuild(defaultModel(), TEMPLATES, o, KEY).catch((e: unknown) => e), UserError, 'modern templates, 1.6 asked for');
  const [build] = await prepareBuild(defaultModel(), TEMPLATES, { ...o, packerTarget: 'modern' }, KEY);
  assert.is(build!.template, join(out, 'packer', 'etcd.pkr.json'));
  assert.is(build!.variables.build_seed_dir, join(preparedBuildDir(out), 'seed-etcd'));
  assert.is(build!.variables.output_directory, join(out, 'images', 'build', 'output-etcd'));
});

test.run();
