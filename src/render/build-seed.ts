import { toYaml } from '../lib/yaml.js';
import { BUILD } from '../node/contract.js';

/** The build-time NoCloud seed: only a temporary user for Packer's SSH communicator, removed by finish.sh. */
export function renderBuildSeed(publicKey: string, role: string): { userData: string; metaData: string } {
  return {
    userData: `#cloud-config\n${toYaml({
      users: [{ name: BUILD.user, groups: ['sudo'], shell: '/bin/bash', sudo: 'ALL=(ALL) NOPASSWD:ALL', lock_passwd: true, ssh_authorized_keys: [publicKey] }],
      ssh_pwauth: false,
    })}`,
    metaData: toYaml({ 'instance-id': `${BUILD.user}-${role}`, 'local-hostname': `${BUILD.user}-${role}` }),
  };
}
