import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fillTemplate } from '../../../src/lib/template.js';

test('every @@NAME@@ is replaced by its value, as often as it appears; other text stays byte for byte', () => {
  const text = 'STATE=@@STATE_DIR@@\nSENTINEL=$STATE/@@FILE@@ # @@STATE_DIR@@ again\n$x @@ not a placeholder @@\n';
  assert.is(
    fillTemplate('t', text, { STATE_DIR: '/var/lib/pgha', FILE: 'bootstrap.done', UNUSED: 'x' }),
    'STATE=/var/lib/pgha\nSENTINEL=$STATE/bootstrap.done # /var/lib/pgha again\n$x @@ not a placeholder @@\n',
  );
});

test('a placeholder without a value is a bug naming the template and the placeholder', () => {
  assert.throws(() => fillTemplate('assets/node/pgha-node', 'a @@MISSING@@ b', {}), /assets\/node\/pgha-node: no value for @@MISSING@@/);
});

test('values are inserted as they are: a value holding @@ or $ is not read again', () => {
  assert.is(fillTemplate('t', '@@A@@ @@B@@', { A: '@@B@@', B: '$1 $&' }), '@@B@@ $1 $&');
});

test.run();
