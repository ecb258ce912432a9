import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { packerTarget, requireOut, textOption } from '../../../src/commands/options.js';
import { userErrorOf } from '../../helpers.js';

test('requireOut: the folder, or a user error saying what it is for', () => {
  assert.is(requireOut('out', 'x'), 'out');
  assert.match(userErrorOf(() => requireOut(undefined, 'the images go')).message, /^--out DIR is missing: say where the images go$/);
  assert.match(userErrorOf(() => requireOut('', 'to write the seeds')).message, /^--out needs a value, once: give one$/);
  assert.is(requireOut(5, 'x'), '5', 'a number from the argument parser');
});

test('packerTarget: modern by default, 1.6 for Debian 12\'s Packer (also as a number from the argument parser), nothing else', () => {
  assert.is(packerTarget(undefined), 'modern');
  assert.is(packerTarget('1.6'), '1.6');
  assert.is(packerTarget(1.6 as unknown as string), '1.6');
  assert.match(userErrorOf(() => packerTarget('1.7')).message, /--packer-compat 1\.7: the only compatibility target is 1\.6/);
});

test('textOption: absent stays absent; numbers become text; an empty value, a bare flag or a repeated one is refused', () => {
  assert.is(textOption(undefined, '--secrets'), undefined);
  assert.is(textOption(5, '--secrets'), '5');
  for (const v of ['', true, ['a', 'b']]) assert.match(userErrorOf(() => textOption(v, '--secrets')).message, /^--secrets needs a value, once/);
});

test.run();
