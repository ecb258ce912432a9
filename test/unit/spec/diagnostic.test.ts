import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatDiagnostic } from '../../../src/spec/diagnostic.js';

test('formatDiagnostic shows severity, path and message', () => {
  assert.is(formatDiagnostic({ severity: 'error', path: 'nodes[2].ip', message: 'is bad' }), 'error: [nodes[2].ip] is bad');
  assert.is(formatDiagnostic({ severity: 'warning', path: '', message: 'hm' }), 'warning: [(spec)] hm');
});

test.run();
