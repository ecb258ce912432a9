import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_VRRP_NODES, vrrpPriority } from '../../../src/model/vrrp.js';

test('priorities are distinct and within 1..254 for every cluster size up to the limit; small clusters keep 100, 99, ...', () => {
  assert.equal([0, 1, 2].map((i) => vrrpPriority(i, 3)), [100, 99, 98]);
  for (const n of [1, 2, 100, 101, 200, MAX_VRRP_NODES]) {
    const p = Array.from({ length: n }, (_, i) => vrrpPriority(i, n));
    assert.is(new Set(p).size, n, `${n} nodes: distinct`);
    assert.ok(p.every((x) => x >= 1 && x <= 254), `${n} nodes: ${Math.min(...p)}..${Math.max(...p)}`);
    assert.ok(p.every((x, i) => i === 0 || x < p[i - 1]!), 'in name order');
  }
});

test.run();
