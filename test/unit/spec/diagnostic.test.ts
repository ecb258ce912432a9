import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserError } from '../../../src/errors.js';
import { formatDiagnostic, SpecError, splitHint } from '../../../src/spec/diagnostic.js';

test('formatDiagnostic shows severity, path and message', () => {
  assert.is(formatDiagnostic({ severity: 'error', path: 'nodes[2].ip', message: 'is bad' }), 'error: [nodes[2].ip] is bad');
  assert.is(formatDiagnostic({ severity: 'warning', path: '', message: 'hm' }), 'warning: [(spec)] hm');
});

test('a message\'s hint is its fix: from the first clause that starts with an instruction', () => {
  assert.equal(splitHint('is required: add it'), { message: 'is required', hint: 'add it' });
  assert.equal(splitHint('4 etcd members: an even number tolerates no more failures than 3; use an odd number'), {
    message: '4 etcd members: an even number tolerates no more failures than 3',
    hint: 'use an odd number',
  });
  assert.equal(splitHint('is not a PostgreSQL 16 parameter: did you mean log_min_messages?'), { message: 'is not a PostgreSQL 16 parameter', hint: 'did you mean log_min_messages?' });
  assert.equal(splitHint('is not a known field: remove it or fix its spelling: see the schema'), { message: 'is not a known field', hint: 'remove it or fix its spelling: see the schema' });
  assert.equal(splitHint('equals network.gateway: the VIP must be free'), { message: 'equals network.gateway: the VIP must be free' });
  assert.equal(splitHint('must be one of "etcd", "postgres"'), { message: 'must be one of "etcd", "postgres"' });
  assert.equal(splitHint('is not a valid subnet: user error'), { message: 'is not a valid subnet: user error' }, 'an instruction starts the clause, not a word inside it');
});

test('a SpecError is a UserError with its diagnostics, shown as lines unless given other details', () => {
  const d = { severity: 'error' as const, path: 'x', message: 'is bad' };
  const e = new SpecError('spec: 1 problem(s) to fix', [d]);
  assert.instance(e, UserError);
  assert.equal([e.details, e.diagnostics], [['error: [x] is bad'], [d]]);
  assert.equal(new SpecError('m', [d], ['spec.yaml:1:1: is bad']).details, ['spec.yaml:1:1: is bad']);
});

test.run();
