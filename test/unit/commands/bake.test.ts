import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pgha } from '../../helpers.js';
import { shellQuote } from '../../../src/lib/text.js';
import { bake } from '../../../src/commands/bake.js';
import { UserError } from '../../../src/errors.js';

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-bakecmd-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

test('bad options are user errors before Packer runs', async () => {
  const cases: [string[], RegExp][] = [
    [['bake'], /--out DIR is missing: say where the images go \(DIR\/images\/\)/],
    [['bake', '--out', 'out', '--role', 'db'], /--role db: use etcd or postgres \(or leave it out for both\)/],
    [['bake', '--out', 'out', '--only', 'build'], /--only build: use validate \(stop after packer validate\) or prepare/],
    [['bake', '--out', 'out', '--apt-proxy', 'ftp://x'], /--apt-proxy ftp:\/\/x: give an http proxy URL/],
    [['bake', '--out', 'out', '--packer-compat', '1.5'], /only compatibility target is 1\.6/],
  ];
  for (const [args, message] of cases) {
    const r = await pgha(args, dir);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test('--only prepare: the build folder for the rendered templates, and the Packer commands (argument lists for --json)', async () => {
  assert.is((await pgha(['render', '--out', 'o u t', '--no-iso', '--packer-compat', '1.6'], dir)).code, 0);
  const stale = await pgha(['bake', '--out', 'o u t', '--only', 'prepare'], dir);
  assert.is(stale.code, 2);
  assert.match(stale.stderr, /is missing or not what this spec renders: run pgha render/);
  const out = join(dir, 'o u t');
  const io = { out: () => assert.unreachable('printed'), err: () => {}, env: {} };
  const r = await bake(undefined, { out, only: 'prepare', packerCompat: '1.6', accelerator: 'tcg' }, io);
  const build = join(out, 'images', 'build');
  assert.is(statSync(build).mode & 0o777, 0o700);
  assert.is(statSync(join(build, 'build-key')).mode & 0o777, 0o600);
  assert.ok(existsSync(join(build, 'seed-postgres', 'user-data')));
  assert.equal([r.json.buildDir, r.json.packer], [build, '1.6']);
  const roles = r.json.roles as { role: string; commands: string[][] }[];
  assert.equal(roles.map((x) => x.role), ['etcd', 'postgres']);
  const [validate, packerBuild] = roles[1]!.commands;
  assert.equal([validate!.slice(0, 2), packerBuild!.slice(0, 2)], [['packer', 'validate'], ['packer', 'build']]);
  assert.is(validate!.at(-1), join(out, 'packer', 'postgres.pkr.json'));
  assert.ok(validate!.includes(`ssh_private_key_file=${build}/build-key`) && validate!.includes('accelerator=tcg'));
  assert.equal(r.lines.slice(0, 2), [`wrote the build seed and SSH key to ${build}/ (folders 0700, files 0600): remove it after the build`, 'etcd:']);
  assert.is(r.lines[2], `  ${roles[0]!.commands[0]!.map(shellQuote).join(' ')}`, 'the same command, quoted for a shell');
  assert.match(r.lines[2]!, /^  packer validate -var 'build_seed_dir=.*\/o u t\/images\/build\/seed-etcd' /);
});

test('the command itself: --out first, as the argument parser gives it', async () => {
  await bake(undefined, { role: 'etcd' }, { out: () => {}, err: () => {}, env: {} }).then(
    () => assert.unreachable('no error'),
    (e: unknown) => {
      assert.instance(e, UserError);
      assert.match((e as Error).message, /--out DIR is missing/);
    },
  );
});

test.run();
