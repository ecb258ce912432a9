import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prepare } from '../../../src/commands/load.js';
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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
