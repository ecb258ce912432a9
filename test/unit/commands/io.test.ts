import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { printWarnings, STDIO } from '../../../src/commands/io.js';

test('printWarnings: only the warnings, to stderr, each with its spec path', () => {
  const err: string[] = [];
  printWarnings({ out: () => assert.unreachable('stdout'), err: (l) => err.push(l), env: {} }, [
    { severity: 'error', path: 'nodes', message: 'never printed here' },
    { severity: 'warning', path: 'nodes[3]', message: 'an even number' },
  ]);
  assert.equal(err, ['warning: [nodes[3]] an even number']);
});

test('STDIO is the process\'s own environment', () => {
  assert.is(STDIO.env, process.env);
});

test.run();
