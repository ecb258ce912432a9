import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FIXED_KEYS, FIXED_SECRETS } from '../../../src/secrets/types.js';

test('the fixed secrets and their lengths: Keepalived\'s PASS authentication takes 8 characters, no more', () => {
  assert.equal(FIXED_KEYS, ['superuserPassword', 'replicationPassword', 'rewindPassword', 'restApiPassword', 'keepalivedAuthPass', 'etcdInitialClusterToken']);
  assert.is(FIXED_SECRETS.keepalivedAuthPass, 8);
  for (const k of FIXED_KEYS.filter((k) => k.endsWith('Password'))) assert.is(FIXED_SECRETS[k], 32, k);
});

test.run();
