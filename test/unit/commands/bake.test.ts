import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pgha } from '../../helpers.js';
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
    [['bake', '--out', 'out', '--only', 'build'], /--only build: the only value is validate/],
    [['bake', '--out', 'out', '--apt-proxy', 'ftp://x'], /--apt-proxy ftp:\/\/x: give an http proxy URL/],
    [['bake', '--out', 'out', '--packer-compat', '1.5'], /only compatibility target is 1\.6/],
  ];
  for (const [args, message] of cases) {
    const r = await pgha(args, dir);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
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
