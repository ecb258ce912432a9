import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserError } from '../../../src/errors.js';
import { alive, lockPath, withLocks } from '../../../src/io/lock.js';

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-lock-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

test('alive: this process lives, a pid above pid_max does not', () => {
  assert.ok(alive(process.pid));
  assert.not.ok(alive(2 ** 22 + 7));
});

test('the lock is held while fn runs and released after, also when it fails', async () => {
  const out = join(dir, 'out');
  await withLocks([out], async () => assert.ok(existsSync(lockPath(out))));
  assert.not.ok(existsSync(lockPath(out)));
  await withLocks([out], async () => {
    throw new Error('boom');
  }).catch(() => {});
  assert.equal(readdirSync(dir), []);
});

test('a second writer of the same path stops with a user error naming the first one\'s pid', async () => {
  const out = join(dir, 'out');
  await withLocks([out, join(dir, 's.yaml')], async () => {
    await withLocks([join(dir, 's.yaml')], async () => assert.unreachable('taken twice')).then(
      () => assert.unreachable('no error'),
      (e: unknown) => {
        assert.instance(e, UserError);
        assert.match((e as Error).message, new RegExp(`s\\.yaml is being written by another pgha \\(pid ${process.pid}\\)`));
      },
    );
    assert.ok(existsSync(lockPath(out)), 'the failed attempt leaves the held locks alone');
  });
});

test('a lock left by a killed pgha (its pid gone) is taken over', async () => {
  const out = join(dir, 'out');
  writeFileSync(lockPath(out), `${2 ** 22 + 7}\n`);
  let ran = false;
  await withLocks([out], async () => {
    ran = true;
  });
  assert.ok(ran);
  assert.not.ok(existsSync(lockPath(out)));
});

test.run();
