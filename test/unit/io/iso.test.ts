import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ToolError } from '../../../src/errors.js';
import { findIsoTool, makeSeedIsos, SEED_FILES } from '../../../src/io/iso.js';

let dir = '';
const path = process.env.PATH;
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-iso-'));
  mkdirSync(join(dir, 'bin'));
});
test.after.each(() => {
  process.env.PATH = path;
  rmSync(dir, { recursive: true, force: true });
});

/** A stand-in for an ISO tool: records its arguments and environment, and writes the output file it was given. */
function fakeTool(name: string, body = 'exit 0'): void {
  writeFileSync(
    join(dir, 'bin', name),
    `#!/bin/sh\necho "$SOURCE_DATE_EPOCH $*" > args\nwhile [ $# -gt 0 ]; do [ "$1" = -output ] && echo iso > "$2"; shift; done\n${body}\n`,
  );
  chmodSync(join(dir, 'bin', name), 0o755);
}

function nodeDir(name: string): string {
  const d = join(dir, 'nodes', name);
  mkdirSync(d, { recursive: true });
  for (const f of SEED_FILES) writeFileSync(join(d, f), f);
  return d;
}

test('findIsoTool: xorriso before genisoimage before cloud-localds; none is a tool error naming all three and --no-iso', () => {
  process.env.PATH = join(dir, 'bin');
  assert.throws(() => findIsoTool(), (e: unknown) => e instanceof ToolError && /install xorriso .*genisoimage.*cloud-localds.*--no-iso/.test(e.message));
  fakeTool('cloud-localds');
  assert.is(findIsoTool(), 'cloud-localds');
  fakeTool('genisoimage');
  assert.is(findIsoTool(), 'genisoimage');
  fakeTool('xorriso');
  assert.is(findIsoTool(), 'xorriso');
});

test('makeSeedIsos: a cidata ISO of the three seed files per node, at a fixed time, mode 0600', async () => {
  fakeTool('xorriso');
  process.env.PATH = `${join(dir, 'bin')}:${path}`;
  const dirs = ['a', 'b', 'c'].map(nodeDir);
  await makeSeedIsos('xorriso', dirs.map((d) => ({ dir: d })), 2);
  for (const d of dirs) {
    assert.is(readFileSync(join(d, 'args'), 'utf8'), `1704067200 -as mkisofs -quiet -output ${d}/seed.iso -volid cidata -joliet -rock user-data meta-data network-config\n`);
    assert.is(statSync(join(d, 'seed.iso')).mode & 0o777, 0o600, 'it holds user-data');
    for (const f of SEED_FILES) assert.is(statSync(join(d, f)).mtimeMs, 1704067200000, f);
  }
});

test('makeSeedIsos: the previous ISO is copied when xorriso made it from the same seed files, else made again', async () => {
  fakeTool('xorriso');
  fakeTool('genisoimage');
  process.env.PATH = `${join(dir, 'bin')}:${path}`;
  const old = nodeDir('old');
  writeFileSync(join(old, 'seed.iso'), 'previous iso');
  const same = nodeDir('same');
  const changed = nodeDir('changed');
  writeFileSync(join(changed, 'user-data'), 'user-data of a replaced node');
  const other = nodeDir('other-tool');
  await makeSeedIsos('xorriso', [same, changed].map((d) => ({ dir: d, previous: old })));
  await makeSeedIsos('genisoimage', [{ dir: other, previous: old }]);
  assert.is(readFileSync(join(same, 'seed.iso'), 'utf8'), 'previous iso');
  assert.not.ok(existsSync(join(same, 'args')), 'xorriso did not run');
  assert.is(statSync(join(same, 'seed.iso')).mode & 0o777, 0o600);
  assert.is(readFileSync(join(changed, 'seed.iso'), 'utf8'), 'iso\n', 'a changed user-data: made again');
  assert.is(readFileSync(join(other, 'seed.iso'), 'utf8'), 'iso\n', 'genisoimage ISOs hold the time: never reused');
  await makeSeedIsos('xorriso', [{ dir: nodeDir('no-previous'), previous: join(dir, 'nodes', 'absent') }]);
  assert.is(readFileSync(join(dir, 'nodes', 'no-previous', 'seed.iso'), 'utf8'), 'iso\n');
});

test('makeSeedIsos: a failing tool is a tool error with its output', async () => {
  fakeTool('genisoimage', 'echo "genisoimage: no space left" >&2; exit 5');
  process.env.PATH = `${join(dir, 'bin')}:${path}`;
  await makeSeedIsos('genisoimage', [{ dir: nodeDir('a') }]).then(
    () => assert.unreachable('no error'),
    (e: unknown) => {
      assert.instance(e, ToolError);
      assert.match((e as ToolError).message, /genisoimage failed for .*nodes\/a \(exit 5\)/);
      assert.match((e as ToolError).outputTail, /no space left/);
    },
  );
});

test.run();
