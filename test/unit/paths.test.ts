import { existsSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PACKAGE_ROOT, packagePath } from '../../src/paths.js';

test('the package root holds pgha\'s package.json and its data folders', () => {
  assert.is(JSON.parse(readFileSync(packagePath('package.json'), 'utf8')).name, 'pgha');
  for (const d of ['schema', 'assets', 'flavors']) assert.ok(existsSync(packagePath(d)), d);
  assert.is(packagePath('a', 'b'), `${PACKAGE_ROOT}/a/b`);
});

test.run();
