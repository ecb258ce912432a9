import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prepare, prepareData } from '../../../src/commands/load.js';
import { SpecError } from '../../../src/spec/diagnostic.js';
import { BUILT_IN_SPEC } from '../../../src/spec/built-in.js';
import { userErrorOf } from '../../helpers.js';

test('prepare: the built-in spec without a path; a file\'s spec with its path; every error at once', () => {
  const builtIn = prepare(undefined);
  assert.is(builtIn.source, 'built-in default spec');
  assert.is(builtIn.specPath, undefined);
  assert.is(builtIn.model.nodes.length, 6);
  const dir = mkdtempSync(join(tmpdir(), 'pgha-load-'));
  try {
    writeFileSync(join(dir, 'c.yaml'), 'cluster: {name: c}\nnetwork: {cidr: 10.0.0.0/24, gateway: 10.0.0.1, vip: 10.0.0.1}\nnodes: [{name: p1, role: postgres, ip: 10.0.0.5}]\n');
    const e = userErrorOf(() => prepare(join(dir, 'c.yaml')));
    assert.match(e.message, /c\.yaml: \d+ problem\(s\) to fix/);
    assert.ok(e.details.some((d) => /\[network\.vip\] equals network\.gateway/.test(d)));
    assert.ok(e.details.some((d) => /\[nodes\] 0 etcd member/.test(d)));
    assert.instance(e, SpecError);
    const vip = (e as SpecError).diagnostics.find((d) => d.path === 'network.vip')!;
    assert.equal([vip.line, vip.column], [2, 49], 'the spec file\'s line and column of network.vip');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('prepareData: the warnings of an edited spec placed in its text; without a text, no positions', () => {
  const spec = structuredClone(BUILT_IN_SPEC);
  spec.nodes.push({ name: 'etcd4', role: 'etcd', ip: '192.168.122.19' });
  const text = JSON.stringify(spec, null, 1);
  const [w] = prepareData(spec, 'c.json', 'c.json', text).warnings;
  assert.equal([w!.path, w!.line, w!.column], ['nodes', text.split('\n').findIndex((l) => l.includes('"nodes"')) + 1, 2]);
  assert.is(prepareData(spec, 'c.json').warnings[0]!.line, undefined);
});

test.run();
