import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { pgha, tree } from '../../helpers.js';
import { replace } from '../../../src/commands/replace.js';
import { UserError } from '../../../src/errors.js';

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-replace-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

test('replace: the spec gets the node\'s generation (and --ip), comments kept; only that node\'s seed changes', async () => {
  assert.is((await pgha(['init', 'c.yaml'], dir)).code, 0);
  assert.is((await pgha(['render', 'c.yaml', '--out', 'out', '--no-iso'], dir)).code, 0);
  const before = tree(join(dir, 'out', 'nodes'));
  const r = await pgha(['replace', 'etcd2', 'c.yaml', '--out', 'out', '--no-iso', '--ip', '192.168.122.105'], dir);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /etcd2 \(etcd, 192\.168\.122\.105\) is generation 1: boot its new machine with out\/nodes\/etcd2\/seed\.iso/);
  const text = readFileSync(join(dir, 'c.yaml'), 'utf8');
  assert.match(text, /^# yaml-language-server/, 'comments kept');
  const etcd2 = (YAML.parse(text) as { nodes: { name: string; ip: string; generation?: number }[] }).nodes.find((n) => n.name === 'etcd2')!;
  assert.equal([etcd2.ip, etcd2.generation], ['192.168.122.105', 1]);
  const after = tree(join(dir, 'out', 'nodes'));
  assert.match(after['etcd2/user-data']!, /join-etcd, \/etc\/default\/etcd, etcd2, "https:\/\/192\.168\.122\.105:2380"/);
  assert.is.not(after['etcd2/meta-data'], before['etcd2/meta-data']);
  const changed = (f: string) => after[f]!.split('\n').filter((l, i) => l !== before[f]!.split('\n')[i]);
  assert.equal(changed('etcd1/user-data').map((l) => l.trim().split('=')[0]), ['ETCD_INITIAL_CLUSTER'], 'etcd1 only learns the new address (read at its first boot only)');
  assert.match(r.stdout, /issued etcd2's certificate \(its machine is replaced\)/);
  assert.is.not(after['etcd2/tls/node.key'], before['etcd2/tls/node.key'], 'a new machine gets a new key');
  assert.is(after['etcd1/tls/node.key'], before['etcd1/tls/node.key']);
  const twice = await pgha(['replace', 'etcd2', 'c.yaml', '--out', 'out', '--no-iso'], dir);
  assert.is(twice.code, 0, twice.stderr);
  assert.match(twice.stdout, /is generation 2/);
  const keyBefore = after['patroni2/tls/node.key'];
  const again = await pgha(['replace', 'patroni2', 'c.yaml', '--out', 'out', '--no-iso'], dir);
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stdout, /is generation 1/);
  assert.match(again.stdout, /issued patroni2's certificate \(its machine is replaced\)/, 'at the same address too: never the dead machine\'s key');
  assert.is.not(tree(join(dir, 'out', 'nodes'))['patroni2/tls/node.key'], keyBefore);
});

test('replace and add refuse bad input with exit 2 and leave the spec alone', async () => {
  assert.is((await pgha(['init', 'c.yaml'], dir)).code, 0);
  const spec = readFileSync(join(dir, 'c.yaml'), 'utf8');
  const cases: [string[], RegExp][] = [
    [['replace', 'etcd9', 'c.yaml', '--out', 'out'], /no node named etcd9; the nodes are etcd1, etcd2/],
    [['replace', 'etcd1', '--out', 'out'], /give the spec file \(pgha init writes the built-in one\)/],
    [['replace', 'etcd1', 'c.yaml'], /--out DIR is missing/],
    [['replace', 'etcd1', 'c.yaml', '--out', 'out', '--ip', '192.168.122.236'], /duplicate ip 192\.168\.122\.236/],
    [['add', 'patroni1', 'c.yaml', '--out', 'out', '--role', 'postgres', '--ip', '192.168.122.50'], /a node named patroni1 exists; .*pgha replace patroni1/],
    [['add', 'patroni4', 'c.yaml', '--out', 'out', '--role', 'pg', '--ip', '192.168.122.50'], /--role pg: use etcd or postgres/],
    [['add', 'patroni4', 'c.yaml', '--out', 'out', '--role', 'postgres'], /--ip is missing/],
    [['add', 'patroni4', 'c.yaml', '--out', 'out', '--role', 'postgres', '--ip', '192.168.122.50', '--tags', 'nofail'], /nofail is not a Patroni tag/],
  ];
  for (const [args, message] of cases) {
    const r = await pgha(args, dir);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.is(readFileSync(join(dir, 'c.yaml'), 'utf8'), spec);
  assert.not.ok(existsSync(join(dir, 'out')));
});


test('the command itself: the spec file is required, before --out', async () => {
  await replace('etcd1', undefined, {}, { out: () => {}, err: () => {}, env: {} }).then(
    () => assert.unreachable('no error'),
    (e: unknown) => {
      assert.instance(e, UserError);
      assert.match((e as Error).message, /^pgha replace records the change in the spec file/);
    },
  );
});

test.run();
