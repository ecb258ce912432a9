/**
 * pgha on a hostile file system, for real, in a private mount namespace (its mounts vanish with it): --out on a
 * read-only tmpfs (EROFS), a tmpfs that fills up during pgha replace (ENOSPC), --out itself a mount point
 * (EBUSY), and the spec file bind-mounted so that its rename fails after the output was swapped in. Each gives
 * exit 3 and one line naming the path, and leaves the spec, the secrets and the output exactly as they were.
 * Needs root.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PGHA_ARGV } from '../helpers.js';

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-fs-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

const PGHA = [process.execPath, ...PGHA_ARGV].map((a) => `'${a}'`).join(' ');

/** Runs the shell lines in dir in a mount namespace of their own; `pgha` in them is pgha. */
function inNamespace(lines: string[]) {
  const script = ['set -eu', `pgha() { ${PGHA} "$@"; }`, `cd '${dir}'`, ...lines].join('\n');
  return spawnSync('unshare', ['--mount', 'bash', '-c', script], { encoding: 'utf8' });
}

/** Shell lines: a checksum of every file under the given paths (names and contents), into FILE. */
const sums = (file: string, ...paths: string[]) => `find ${paths.join(' ')} -type f | sort | xargs sha256sum > ${file}`;

test('--out on a read-only file system: exit 3 naming it, nothing written, not even the secrets', () => {
  const r = inNamespace(['mkdir ro', 'mount -t tmpfs -o ro,size=1m pgha-ro ro', 'pgha render --out ro/out --no-iso --secrets s.yaml || echo "rc=$?"', 'ls -A']);
  assert.match(r.stdout, /rc=3\nro\n$/, r.stdout + r.stderr);
  assert.match(r.stderr, /^pgha: .*\/ro\/out: cannot lock it \(\.out\.pgha-lock beside it\): the file system is read-only \(EROFS\)\n$/);
});

test('a file system that fills up during pgha replace: exit 3, spec, secrets and output as they were', () => {
  const r = inNamespace([
    'mkdir small',
    'mount -t tmpfs -o size=2m pgha-small small',
    'cd small',
    'pgha init c.yaml >/dev/null',
    'pgha render c.yaml --out out --no-iso >/dev/null',
    sums('../before', 'c.yaml', 'c.secrets.yaml', 'out'),
    'dd if=/dev/zero of=filler bs=4k count=$(( $(stat -f -c %a .) - 40 )) 2>/dev/null',
    'pgha replace etcd2 c.yaml --out out --no-iso || echo "rc=$?"',
    'rm filler',
    sums('../after', 'c.yaml', 'c.secrets.yaml', 'out'),
    'cmp ../before ../after && echo unchanged',
    'ls -A',
  ]);
  assert.match(r.stdout, /rc=3\nunchanged\nc\.secrets\.yaml\nc\.yaml\nout\n$/, r.stdout + r.stderr);
  assert.match(r.stderr, /^pgha: out: cannot write the new output beside it: the file system is full \(ENOSPC\)\n$/);
});

test('--out is a mount point: exit 3 (it cannot be replaced whole), nothing written', () => {
  const r = inNamespace(['mkdir out', 'mount -t tmpfs pgha-out out', 'pgha render --out out --no-iso --secrets s.yaml || echo "rc=$?"', 'ls -A . out']);
  assert.match(r.stdout, /rc=3\n.:\nout\n\nout:\n$/, r.stdout + r.stderr);
  assert.match(r.stderr, /^pgha: .*\/out: cannot replace the output folder: it is busy \(a mount point cannot be replaced\) \(EBUSY\)\n$/);
});

test('the spec cannot be saved after the output was swapped in: everything is put back, the secrets too', () => {
  const r = inNamespace([
    'pgha init c.yaml >/dev/null',
    'pgha render c.yaml --out out --no-iso >/dev/null',
    sums('before', 'c.yaml', 'c.secrets.yaml', 'out'),
    'mount --bind c.yaml c.yaml',
    'pgha replace etcd2 c.yaml --out out --no-iso || echo "rc=$?"',
    sums('after', 'c.yaml', 'c.secrets.yaml', 'out'),
    'cmp before after && echo unchanged',
    'ls -A',
  ]);
  assert.match(r.stdout, /rc=3\nunchanged\nafter\nbefore\nc\.secrets\.yaml\nc\.yaml\nout\n$/, r.stdout + r.stderr);
  assert.match(r.stderr, /^pgha: .*\/c\.yaml: cannot save it: it is busy \(a mount point cannot be replaced\) \(EBUSY\)\n$/);
});

test.run();
