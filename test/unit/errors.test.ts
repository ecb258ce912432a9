import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EXIT, Interrupted, ToolError, UserError } from '../../src/errors.js';
import { packagePath } from '../../src/paths.js';

test('the README\'s exit-code table lists exactly the codes pgha uses', () => {
  const readme = readFileSync(packagePath('README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('## Exit codes'));
  const codes = [...table.slice(0, table.indexOf('\n## ', 3)).matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
  assert.equal(codes.sort((a, b) => a - b), Object.values(EXIT).sort((a, b) => a - b));
});

test('error kinds carry what the command line prints: details of a user error, the output tail of a tool', () => {
  const u = new UserError('spec: 2 problem(s) to fix', ['error: [a] x', 'error: [b] y']);
  assert.equal([u.name, u.details], ['UserError', ['error: [a] x', 'error: [b] y']]);
  assert.equal(new UserError('x').details, []);
  const t = new ToolError('packer build failed (exit 1)', 'last lines');
  assert.equal([t.name, t.outputTail], ['ToolError', 'last lines']);
  assert.is(new Interrupted('interrupted').name, 'Interrupted');
});

test.run();
