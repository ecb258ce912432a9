import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { commandIo, diagnosticJson, failure, printFailure, printResult } from '../../../src/commands/result.js';
import { EnvironmentError, EXIT, Interrupted, ToolError, UserError } from '../../../src/errors.js';
import { SpecError } from '../../../src/spec/diagnostic.js';

const sink = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {} } };
};

test('a diagnostic as --json gives it: the fix as hint, line and column only when known', () => {
  assert.equal(diagnosticJson({ severity: 'error', path: 'nodes[0].ip', message: 'is outside network.cidr: use an address in it', line: 4, column: 7 }), {
    severity: 'error',
    path: 'nodes[0].ip',
    message: 'is outside network.cidr',
    hint: 'use an address in it',
    line: 4,
    column: 7,
  });
  assert.equal(diagnosticJson({ severity: 'warning', path: '', message: 'hm' }), { severity: 'warning', path: '', message: 'hm' });
});

test('a result: its lines for a person, or one JSON document with the command and ok', () => {
  const result = { json: { out: 'o' }, lines: ['a', 'b'] };
  const human = sink();
  printResult(human.io, 'render', result, false);
  assert.equal([human.out, human.err], [['a', 'b'], []]);
  const json = sink();
  printResult(json.io, 'render', result, true);
  assert.is(json.out.length, 1);
  assert.equal(JSON.parse(json.out[0]!), { command: 'render', ok: true, out: 'o' });
});

test('a failure: its lines on stderr always; with --json also a document on stdout', () => {
  const f = failure(new SpecError('c.yaml: 1 problem(s) to fix', [{ severity: 'error', path: 'a', message: 'is required: add it', line: 1, column: 1 }]));
  assert.is(f.exitCode, EXIT.user);
  const human = sink();
  printFailure(human.io, 'validate', f, false);
  assert.equal([human.out, human.err], [[], ['pgha: c.yaml: 1 problem(s) to fix', '  error: [a] is required: add it']]);
  const json = sink();
  printFailure(json.io, 'validate', f, true);
  assert.equal(json.err, human.err);
  assert.equal(JSON.parse(json.out[0]!), {
    command: 'validate',
    ok: false,
    exitCode: 2,
    error: 'c.yaml: 1 problem(s) to fix',
    details: ['error: [a] is required: add it'],
    diagnostics: [{ severity: 'error', path: 'a', message: 'is required', hint: 'add it', line: 1, column: 1 }],
  });
});

test('each kind of error keeps its exit code (README: Exit codes)', () => {
  const cac = Object.assign(new Error('Unknown option `--x`'), { name: 'CACError' });
  const codes = [new UserError('u'), new ToolError('t', 'last\nlines'), new EnvironmentError('e'), new Interrupted('i'), cac, new TypeError('bug')].map((e) => failure(e).exitCode);
  assert.equal(codes, [2, 3, 3, 130, 2, 1]);
  assert.equal(failure(new ToolError('t', 'last\nlines')).json, { error: 't', details: ['last', 'lines'] });
  assert.match(failure(new TypeError('bug')).lines[0]!, /internal error \(a bug; please report it\):\nTypeError: bug\n\s+at /);
});

test('with --json, what a command prints as it goes goes to stderr', () => {
  let json = false;
  const s = sink();
  const io = commandIo(s.io, () => json);
  io.out('progress 1');
  json = true;
  io.out('progress 2');
  io.err('warning');
  assert.equal([s.out, s.err], [['progress 1'], ['progress 2', 'warning']]);
});

test.run();
