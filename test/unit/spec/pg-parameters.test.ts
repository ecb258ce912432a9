import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { knownParameters, PARAMETER_LIST_VERSION, PATRONI_MANAGED, PGHA_MANAGED, suggestParameter } from '../../../src/spec/pg-parameters.js';

test('the parameter list follows the versions: 16 and 17 add and remove names', () => {
  const pg15 = knownParameters(15);
  const pg16 = knownParameters(16);
  const pg17 = knownParameters(17);
  assert.ok(pg16.has('old_snapshot_threshold') && !pg17.has('old_snapshot_threshold'));
  assert.ok(!pg16.has('transaction_timeout') && pg17.has('transaction_timeout'));
  assert.ok(pg15.has('application_name'), 'settable though --describe-config leaves it out');
  assert.ok(pg15.has('promote_trigger_file') && !pg16.has('promote_trigger_file'));
  assert.ok(!pg15.has('scram_iterations') && pg16.has('scram_iterations'));
  assert.ok(pg15.has('log_min_messages') && pg16.has('shared_buffers'));
  assert.equal(knownParameters(PARAMETER_LIST_VERSION + 1), knownParameters(PARAMETER_LIST_VERSION), 'unknown later versions: the newest list');
});

test('suggestions: a known misspelling, a name within two edits, nothing for a name close to nothing', () => {
  const known = knownParameters(16);
  assert.is(suggestParameter('min_log_message', known), 'log_min_messages');
  assert.is(suggestParameter('max_conections', known), 'max_connections');
  assert.is(suggestParameter('entirely_unrelated_name', known), undefined);
  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) assert.is(suggestParameter(name, known), undefined, `${name}: Object's own members are no suggestions`);
});

test('Patroni\'s and pgha\'s own parameters are PostgreSQL parameters', () => {
  const known = knownParameters(16);
  for (const p of [...PATRONI_MANAGED, ...PGHA_MANAGED].filter((p) => p !== 'config_file')) assert.ok(known.has(p), p);
});

test.run();
