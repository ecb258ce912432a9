import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderBuildSeed } from '../../../src/render/build-seed.js';
import { parseUserData } from '../../helpers.js';
import YAML from 'yaml';

test('the build-time seed: only the temporary build user with the per-build key, no password login', () => {
  const seed = renderBuildSeed('ssh-rsa AAAAB3Nza test', 'postgres');
  const cc = parseUserData(seed.userData);
  assert.ok(seed.userData.startsWith('#cloud-config\n'));
  assert.equal(cc, {
    users: [{ name: 'pgha-build', groups: ['sudo'], shell: '/bin/bash', sudo: 'ALL=(ALL) NOPASSWD:ALL', lock_passwd: true, ssh_authorized_keys: ['ssh-rsa AAAAB3Nza test'] }],
    ssh_pwauth: false,
  });
  assert.equal(YAML.parse(seed.metaData), { 'instance-id': 'pgha-build-postgres', 'local-hostname': 'pgha-build-postgres' });
});

test.run();
