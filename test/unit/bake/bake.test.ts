import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bake, type BakeOptions } from '../../../src/bake/bake.js';
import { ToolError, UserError } from '../../../src/errors.js';
import { defaultModel, TEMPLATES } from '../../helpers.js';

let dir = '';
const path = process.env.PATH;
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-bake-'));
  mkdirSync(join(dir, 'bin'));
  process.env.PATH = join(dir, 'bin');
});
test.after.each(() => {
  process.env.PATH = path;
  rmSync(dir, { recursive: true, force: true });
});

const options = (o: Partial<BakeOptions> = {}): BakeOptions => ({
  out: join(dir, 'out'),
  roles: ['etcd'],
  onlyValidate: false,
  packerTarget: 'modern',
  verbose: false,
  log: () => {},
  ...o,
});

async function errorOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

test('every missing program is named in one tool error, each with what to install; nothing is written', async () => {
  const e = await errorOf(bake(defaultModel(), TEMPLATES, options()));
  assert.instance(e, ToolError);
  assert.match(e.message, /packer not found: install Packer/);
  assert.match(e.message, /qemu-system-x86_64 not found: install QEMU/);
  assert.match(e.message, /qemu-img not found: install qemu-img/);
  assert.match(e.message, /no xorriso, mkisofs or genisoimage: install an ISO tool/);
  const validateOnly = await errorOf(bake(defaultModel(), TEMPLATES, options({ onlyValidate: true })));
  assert.equal(validateOnly.message.split('\n').length, 1, 'validation needs only Packer');
});

test('templates for Packer >= 1.7 with Packer 1.6 installed: a user error naming --packer-compat 1.6', async () => {
  writeFileSync(join(dir, 'bin', 'packer'), '#!/bin/sh\necho "Packer v1.6.6"\n');
  chmodSync(join(dir, 'bin', 'packer'), 0o755);
  process.env.PATH = `${join(dir, 'bin')}:/usr/bin:/bin`;
  const e = await errorOf(bake(defaultModel(), TEMPLATES, options({ onlyValidate: true })));
  assert.instance(e, UserError);
  assert.match(e.message, /Packer 1\.6\.6 cannot read templates with required_plugins: pass --packer-compat 1\.6/);
});

test('validate only: packer init and validate of each role with the build\'s variables; its work folder is gone after', async () => {
  const calls = join(dir, 'calls');
  writeFileSync(join(dir, 'bin', 'packer'), `#!/bin/sh\n[ "$1" = version ] && { echo "Packer v1.9.4"; exit 0; }\necho "$PWD $*" >>${calls}\n`);
  chmodSync(join(dir, 'bin', 'packer'), 0o755);
  process.env.PATH = `${join(dir, 'bin')}:/usr/bin:/bin`;
  const log: string[] = [];
  await bake(defaultModel(), TEMPLATES, options({ onlyValidate: true, roles: ['etcd', 'postgres'], accelerator: 'tcg', log: (l) => log.push(l) }));
  // the roles run at the same time: each role's own steps in order
  const of = (role: string, xs: string[]) => xs.filter((l) => l.includes(role));
  assert.equal(of('[etcd]', log), ['[etcd] packer init', '[etcd] packer validate']);
  assert.equal(of('[postgres]', log), ['[postgres] packer init', '[postgres] packer validate']);
  const all = readFileSync(calls, 'utf8').trim().split('\n');
  assert.is(all.length, 4);
  const lines = [...of('etcd.pkr.json', all), ...of('postgres.pkr.json', all)];
  const work = lines[0]!.split(' ')[0]!;
  assert.match(work, /\/out\/images\/\.work-\d+$/);
  assert.equal(lines[0], `${work} init ${work}/packer/etcd.pkr.json`);
  assert.equal(
    lines[1],
    `${work} validate -var build_seed_dir=${work}/seed-etcd -var ssh_private_key_file=${work}/build-key -var output_directory=${join(dir, 'out', 'images', '.partial-etcd')} ` +
      `-var manifest_path=${work}/manifest-etcd.json -var accelerator=tcg ${work}/packer/etcd.pkr.json`,
  );
  assert.match(lines[3]!, /validate .*seed-postgres .*postgres\.pkr\.json$/);
  assert.not.ok(existsSync(work), 'the key and seeds are deleted');
});

test('the roles bake at the same time; when one build fails the other is stopped, and the first failure is reported', async () => {
  const calls = join(dir, 'calls-parallel');
  const script = [
    '#!/bin/bash',
    '[ "$1" = version ] && { echo "Packer v1.9.4"; exit 0; }',
    '[ "$1" = build ] || exit 0',
    `case "$*" in *etcd.pkr.json) sleep 1; echo "etcd failed" >>${calls}; exit 1;; esac`,
    `trap 'kill $!; echo "postgres stopped" >>${calls}; exit 1' INT`,
    `echo "postgres started" >>${calls}`,
    'sleep 30 & wait',
  ].join('\n');
  writeFileSync(join(dir, 'bin', 'packer'), `${script}\n`);
  chmodSync(join(dir, 'bin', 'packer'), 0o755);
  // the programs a build needs are only looked up (Packer, the fake, would run them)
  for (const tool of ['qemu-system-x86_64', 'qemu-img', 'xorriso']) writeFileSync(join(dir, 'bin', tool), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  process.env.PATH = `${join(dir, 'bin')}:/usr/bin:/bin`;
  const started = Date.now();
  const e = await bake(defaultModel(), TEMPLATES, options({ roles: ['etcd', 'postgres'], accelerator: 'tcg', log: () => undefined })).catch((x: unknown) => x);
  assert.instance(e, ToolError);
  assert.match((e as Error).message, /^packer build failed \(exit 1\)/);
  assert.equal(readFileSync(calls, 'utf8').trim().split('\n'), ['postgres started', 'etcd failed', 'postgres stopped']);
  assert.ok(Date.now() - started < 15_000, `${Date.now() - started} ms: the postgres build was not left to run`);
  assert.equal(readdirSync(join(dir, 'out', 'images')).filter((f) => !f.startsWith('.lock')), [], 'no partial or work folder left');
});

test.run();
