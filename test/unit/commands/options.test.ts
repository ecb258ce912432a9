import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { packerTarget, requireOut } from '../../../src/commands/options.js';
import { userErrorOf } from '../../helpers.js';

test('requireOut: the folder, or a user error saying what it is for', () => {
  assert.is(requireOut('out', 'x'), 'out');
  assert.match(userErrorOf(() => requireOut(undefined, 'the images go')).message, /^--out DIR is missing: say where the images go$/);
  assert.match(userErrorOf(() => requireOut('', 'to write the seeds')).message, /say where to write the seeds/);
});

test('packerTarget: modern by default, 1.6 for Debian 12\'s Packer (also as a number from the argument parser), nothing else', () => {
  assert.is(packerTarget(undefined), 'modern');
  assert.is(packerTarget('1.6'), '1.6');
  assert.is(packerTarget(1.6 as unknown as string), '1.6');
  assert.match(userErrorOf(() => packerTarget('1.7')).message, /--packer-compat 1\.7: the only compatibility target is 1\.6/);
});

test.run();
