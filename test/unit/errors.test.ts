import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EnvironmentError, EXIT, fileError, Interrupted, ToolError, UserError } from '../../src/errors.js';
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

test('fileError: a bad path is the user\'s (exit 2), the system\'s refusal the environment\'s (exit 3), one line naming the path; others are bugs', () => {
  const err = (code: string) => Object.assign(new Error(`${code}: raw`), { code });
  const ro = fileError(err('EROFS'), 'out', 'write the new output beside it');
  assert.instance(ro, EnvironmentError);
  assert.is(ro.message, 'out: cannot write the new output beside it: the file system is read-only (EROFS)');
  for (const code of ['ENOSPC', 'EBUSY', 'EACCES']) assert.instance(fileError(err(code), 'p', 'x'), EnvironmentError, code);
  for (const code of ['ENOENT', 'ENAMETOOLONG', 'ENOTDIR']) assert.instance(fileError(err(code), 'p', 'x'), UserError, code);
  const bug = new TypeError('not a path');
  assert.is(fileError(bug, 'p', 'x'), bug);
});

test.run();
