import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EnvironmentError, UserError } from '../../../src/errors.js';
import { commitOutput, isWithin, OUTPUT_MARKER, realTarget, writeOutput } from '../../../src/io/output.js';

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-out-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

async function rejects(p: Promise<unknown>, message: RegExp, type: new (...a: never[]) => Error = Error): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, type);
    assert.match((e as Error).message, message);
    return;
  }
  assert.unreachable('expected a rejection');
}

const files = [
  { path: 'nodes/a/user-data', content: 'secret\n', mode: 0o600 },
  { path: 'nodes/a/meta-data', content: 'm\n', mode: 0o644 },
];

test('writes files with their modes in private folders, and the marker', async () => {
  await writeOutput(join(dir, 'out'), files);
  assert.is(readFileSync(join(dir, 'out/nodes/a/user-data'), 'utf8'), 'secret\n');
  assert.is(statSync(join(dir, 'out/nodes/a/user-data')).mode & 0o777, 0o600);
  assert.is(statSync(join(dir, 'out/nodes/a/meta-data')).mode & 0o777, 0o644);
  assert.is(statSync(join(dir, 'out/nodes')).mode & 0o777, 0o700);
  assert.ok(existsSync(join(dir, 'out', OUTPUT_MARKER)));
});

test('a second write replaces the output whole: files no longer rendered disappear; no staging folder is left', async () => {
  await writeOutput(join(dir, 'out'), files);
  await writeOutput(join(dir, 'out'), [{ path: 'nodes/b/user-data', content: 'x', mode: 0o600 }]);
  assert.equal(readdirSync(join(dir, 'out/nodes')), ['b']);
  assert.equal(readdirSync(dir), ['out']);
});

test('a failure before the swap leaves the old output untouched and no staging folder', async () => {
  await writeOutput(join(dir, 'out'), files);
  await rejects(
    writeOutput(join(dir, 'out'), [{ path: 'nodes/c/user-data', content: 'new', mode: 0o600 }], {
      afterWrite: async () => {
        throw new Error('the ISOs could not be made');
      },
      alongside: [{ path: join(dir, 'out.secrets.yaml'), content: 'new secrets', mode: 0o600 }],
    }),
    /the ISOs could not be made/,
  );
  assert.is(readFileSync(join(dir, 'out/nodes/a/user-data'), 'utf8'), 'secret\n');
  assert.equal(readdirSync(dir), ['out'], 'no staging folder, no secrets file');
});

test('alongside files are saved with the output: created with their mode, an old one replaced, no temporary file left', async () => {
  writeFileSync(join(dir, 'spec.yaml'), 'old spec\n', { mode: 0o644 });
  await writeOutput(join(dir, 'out'), files, {
    alongside: [
      { path: join(dir, 'out.secrets.yaml'), content: 'secrets\n', mode: 0o600 },
      { path: join(dir, 'spec.yaml'), content: 'new spec\n', mode: 0o640 },
    ],
  });
  assert.is(readFileSync(join(dir, 'out.secrets.yaml'), 'utf8'), 'secrets\n');
  assert.is(statSync(join(dir, 'out.secrets.yaml')).mode & 0o777, 0o600);
  assert.is(readFileSync(join(dir, 'spec.yaml'), 'utf8'), 'new spec\n');
  assert.is(statSync(join(dir, 'spec.yaml')).mode & 0o777, 0o640);
  assert.equal(readdirSync(dir).sort(), ['out', 'out.secrets.yaml', 'spec.yaml']);
});

test('a failed save after the swap undoes everything: the old output, the old files, nothing new left', async () => {
  await writeOutput(join(dir, 'out'), files);
  mkdirSync(join(dir, 'out', 'images'));
  writeFileSync(join(dir, 'out', 'images', 'i.qcow2'), 'image');
  writeFileSync(join(dir, 'a.yaml'), 'old a');
  writeFileSync(join(dir, 'b.yaml'), 'old b');
  const staging = join(dir, 'staging');
  mkdirSync(join(staging, 'nodes'), { recursive: true });
  writeFileSync(join(staging, 'nodes', 'new'), 'new output');
  const staged = ['a.yaml', 'b.yaml'].map((n) => {
    writeFileSync(join(dir, `${n}.tmp`), `new ${n}`);
    return { target: join(dir, n), tmp: join(dir, `${n}.tmp`), backup: join(dir, `${n}.bak`) };
  });
  let calls = 0;
  const failing = (from: string, to: string) => {
    if (from.endsWith('b.yaml.tmp')) throw Object.assign(new Error('EBUSY: resource busy'), { code: 'EBUSY' });
    calls++;
    renameSync(from, to);
  };
  assert.throws(
    () => commitOutput({ target: join(dir, 'out'), staging, old: join(dir, 'old'), staged }, failing),
    (e: unknown) => e instanceof EnvironmentError && /b\.yaml: cannot save it: it is busy/.test((e as Error).message),
  );
  assert.is(calls, 4, 'images moved, old output aside, new output in, a.yaml saved, then b.yaml failed');
  assert.is(readFileSync(join(dir, 'out/nodes/a/user-data'), 'utf8'), 'secret\n', 'the old output is back');
  assert.is(readFileSync(join(dir, 'out/images/i.qcow2'), 'utf8'), 'image', 'with its images');
  assert.equal([readFileSync(join(dir, 'a.yaml'), 'utf8'), readFileSync(join(dir, 'b.yaml'), 'utf8')], ['old a', 'old b']);
  assert.ok(existsSync(join(staging, 'nodes', 'new')) && !existsSync(join(dir, 'old')));
});

test('a failure to move the old output aside (a mount point: EBUSY) changes nothing, images included', () => {
  mkdirSync(join(dir, 'out', 'images'), { recursive: true });
  writeFileSync(join(dir, 'out', 'images', 'i.qcow2'), 'image');
  mkdirSync(join(dir, 'staging'));
  const failing = (from: string, to: string) => {
    if (from === join(dir, 'out')) throw Object.assign(new Error('EBUSY'), { code: 'EBUSY' });
    renameSync(from, to);
  };
  assert.throws(
    () => commitOutput({ target: join(dir, 'out'), staging: join(dir, 'staging'), old: join(dir, 'old'), staged: [] }, failing),
    (e: unknown) => e instanceof EnvironmentError && /out: cannot replace the output folder: it is busy \(a mount point cannot be replaced\) \(EBUSY\)/.test((e as Error).message),
  );
  assert.is(readFileSync(join(dir, 'out', 'images', 'i.qcow2'), 'utf8'), 'image');
  assert.equal(readdirSync(join(dir, 'staging')), []);
});

test('a symbolic link to the output folder or an alongside file is written through, never replaced', async () => {
  mkdirSync(join(dir, 'real'));
  symlinkSync(join(dir, 'real'), join(dir, 'out'));
  writeFileSync(join(dir, 'real.secrets.yaml'), 'old');
  symlinkSync(join(dir, 'real.secrets.yaml'), join(dir, 'link.secrets.yaml'));
  await writeOutput(join(dir, 'out'), files, { alongside: [{ path: join(dir, 'link.secrets.yaml'), content: 'new', mode: 0o600 }] });
  assert.ok(lstatSync(join(dir, 'out')).isSymbolicLink() && lstatSync(join(dir, 'link.secrets.yaml')).isSymbolicLink());
  assert.is(readFileSync(join(dir, 'real', 'nodes', 'a', 'user-data'), 'utf8'), 'secret\n');
  assert.is(readFileSync(join(dir, 'real.secrets.yaml'), 'utf8'), 'new');
});

test('what a killed pgha left (its pid gone) is removed; a live process\'s work is not', async () => {
  const dead = 2 ** 22 + 7; // above pid_max's default: no such process
  await writeOutput(join(dir, 'out'), files);
  mkdirSync(join(dir, '.pgha-stage-x'));
  const tag = createHash('sha256').update('out').digest('hex').slice(0, 8);
  mkdirSync(join(dir, `.pgha-stage-${tag}-${dead}`));
  writeFileSync(join(dir, `.pgha-stage-${tag}-${dead}`, 'user-data'), 'a secret');
  mkdirSync(join(dir, `.pgha-old-${tag}-1`));
  writeFileSync(join(dir, `.out.secrets.yaml.pgha-${dead}.tmp`), 'half-written secrets');
  await writeOutput(join(dir, 'out'), files, { alongside: [{ path: join(dir, 'out.secrets.yaml'), content: 's', mode: 0o600 }] });
  assert.equal(readdirSync(dir).sort(), [`.pgha-old-${tag}-1`, '.pgha-stage-x', 'out', 'out.secrets.yaml'], 'pid 1 lives; other names are not pgha\'s');
});

test('a long output name still leaves room for the staging folder beside it', async () => {
  const name = 'o'.repeat(250);
  await writeOutput(join(dir, name), files);
  assert.ok(existsSync(join(dir, name, 'nodes', 'a', 'user-data')));
  await rejects(writeOutput(join(dir, 'o'.repeat(256)), files), /cannot create its parent folder|cannot write|name is too long/, UserError);
});

test('realTarget and isWithin: links followed, missing parts kept; a folder is within itself', () => {
  mkdirSync(join(dir, 'real'));
  symlinkSync(join(dir, 'real'), join(dir, 'link'));
  assert.is(realTarget(join(dir, 'link', 'new', 'x')), join(realpathSync(dir), 'real', 'new', 'x'));
  assert.ok(isWithin('/a/b/c', '/a/b') && isWithin('/a/b', '/a/b'));
  assert.not.ok(isWithin('/a/bc', '/a/b') || isWithin('/a', '/a/b'));
});

test('refuses a non-empty folder without the marker, and a file, with a UserError', async () => {
  mkdirSync(join(dir, 'mine'));
  writeFileSync(join(dir, 'mine', 'notes.txt'), 'x');
  await rejects(writeOutput(join(dir, 'mine'), files), /not written by pgha/, UserError);
  writeFileSync(join(dir, 'afile'), 'x');
  await rejects(writeOutput(join(dir, 'afile'), files), /not a folder/, UserError);
  assert.equal(readdirSync(join(dir, 'mine')), ['notes.txt']);
});

test('a render keeps the baked images of the previous output', async () => {
  await writeOutput(join(dir, 'out'), files);
  mkdirSync(join(dir, 'out', 'images', 'etcd'), { recursive: true });
  writeFileSync(join(dir, 'out', 'images', 'etcd', 'image.qcow2'), 'image');
  await writeOutput(join(dir, 'out'), [{ path: 'nodes/b/user-data', content: 'x', mode: 0o600 }]);
  assert.is(readFileSync(join(dir, 'out', 'images', 'etcd', 'image.qcow2'), 'utf8'), 'image');
  assert.equal(readdirSync(join(dir, 'out', 'nodes')), ['b']);
  assert.equal(readdirSync(dir), ['out']);
});

test('afterWrite sees the complete staging folder and may add files', async () => {
  await writeOutput(join(dir, 'out'), files, {
    afterWrite: async (staging) => writeFileSync(join(staging, 'nodes', 'a', 'seed.iso'), readFileSync(join(staging, 'nodes', 'a', 'user-data'))),
  });
  assert.is(readFileSync(join(dir, 'out/nodes/a/seed.iso'), 'utf8'), 'secret\n');
});

test('a folder holding only images/ (pgha bake ran first) is accepted, and its images kept', async () => {
  mkdirSync(join(dir, 'out', 'images'), { recursive: true });
  writeFileSync(join(dir, 'out', 'images', 'manifest.json'), '{}');
  await writeOutput(join(dir, 'out'), files);
  assert.is(readFileSync(join(dir, 'out', 'images', 'manifest.json'), 'utf8'), '{}');
  assert.ok(existsSync(join(dir, 'out', OUTPUT_MARKER)));
});

test('an existing empty folder is accepted', async () => {
  mkdirSync(join(dir, 'empty'));
  await writeOutput(join(dir, 'empty'), files);
  assert.ok(existsSync(join(dir, 'empty/nodes/a/user-data')));
});

test.run();
