import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROLES } from '../../../src/spec/types.js';
import { FLAVORS } from '../../helpers.js';

test('the roles, each with its packages in every flavour', () => {
  assert.equal(ROLES, ['etcd', 'postgres']);
  for (const f of FLAVORS.values()) for (const r of ROLES) assert.ok(f.packages[r].length > 0, `${f.name} ${r}`);
});

test.run();
