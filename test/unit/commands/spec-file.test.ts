import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bootHint, specFileFor } from '../../../src/commands/spec-file.js';
import { userErrorOf } from '../../helpers.js';

test('specFileFor: membership changes need the spec file they are recorded in', () => {
  assert.is(specFileFor('replace', 'c.yaml'), 'c.yaml');
  assert.match(userErrorOf(() => specFileFor('add', undefined)).message, /^pgha add records the change in the spec file/);
});

test('bootHint names the node\'s seed ISO and its launch script', () => {
  assert.is(bootHint('out', 'etcd2'), 'boot its new machine with out/nodes/etcd2/seed.iso (out/nodes/etcd2/virt-install.sh; --force replaces a dead VM of that name)');
});

test.run();
