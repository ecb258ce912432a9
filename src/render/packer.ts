import type { FileEntry } from '../lib/file.js';
import type { Flavor } from '../model/flavors.js';
import type { ClusterModel } from '../model/model.js';
import { BUILD } from '../node/contract.js';
import { ROLES, type Role } from '../spec/types.js';
import { packerVariables, packerVariablesDoc } from './packer-variables.js';
import { imageScriptFiles, type ScriptTemplates } from './scripts.js';

/** Which Packer reads the template: modern (>= 1.7, external qemu plugin) or Debian 12's 1.6.6. */
export type PackerTarget = 'modern' | '1.6';

export const QEMU_PLUGIN = { source: 'github.com/hashicorp/qemu', version: '~> 1' };

/**
 * The Packer template (HCL2 in JSON syntax) that bakes one role's golden image. It only orders steps; the
 * work is in assets/image/*.sh. It holds no secret and no per-node value: the build user's key and seed come from
 * variables that `pgha bake` fills per build.
 */
export function renderPackerTemplate(flavor: Flavor, role: Role, target: PackerTarget): Record<string, unknown> {
  const packages = flavor.packages[role];
  const name = `pgha-${flavor.name}-${role}`;
  const variables = packerVariables(flavor, role);
  const run = (command: string) => ({ shell: { inline: [command] } });
  const template: Record<string, unknown> = {
    ...(target === 'modern' ? { packer: { required_version: '>= 1.7.0', required_plugins: { qemu: QEMU_PLUGIN } } } : {}),
    variable: variables,
    source: {
      qemu: {
        [role]: {
          iso_url: '${var.base_image_url}',
          iso_checksum: '${var.base_image_checksum}',
          disk_image: true,
          format: 'qcow2',
          disk_size: '${var.disk_size}',
          disk_compression: true,
          disk_interface: 'virtio',
          net_device: 'virtio-net',
          accelerator: '${var.accelerator}',
          machine_type: '${var.machine_type}',
          memory: '${var.memory}',
          cpus: '${var.cpus}',
          headless: '${var.headless}',
          output_directory: '${var.output_directory}',
          vm_name: '${var.vm_name}',
          cd_label: 'cidata',
          cd_files: ['${var.build_seed_dir}/user-data', '${var.build_seed_dir}/meta-data'],
          communicator: 'ssh',
          ssh_username: BUILD.user,
          ssh_private_key_file: '${var.ssh_private_key_file}',
          ssh_timeout: '${var.ssh_timeout}',
          shutdown_command: `sudo ${BUILD.dir}/finish.sh ${role} ${packages.join(' ')}`,
          shutdown_timeout: '5m',
        },
      },
    },
    build: {
      name,
      sources: [`source.qemu.${role}`],
      provisioner: [
        run(`mkdir -p ${BUILD.dir}`),
        { file: { source: '${path.root}/scripts/', destination: BUILD.dir } },
        {
          shell: {
            inline: [`${BUILD.dir}/install-packages.sh ${packages.join(' ')}`],
            // Packer quotes the variable's value itself
            environment_vars: ['APT_PROXY=${var.apt_proxy}'],
            execute_command: 'chmod +x {{ .Path }}; sudo {{ .Vars }} {{ .Path }}',
          },
        },
        run(`sudo ${BUILD.dir}/configure-services.sh ${role}`),
        run(`sudo ${BUILD.dir}/package-versions.sh ${BUILD.dir}/packages.tsv`),
        { file: { direction: 'download', source: `${BUILD.dir}/packages.tsv`, destination: '${var.output_directory}/packages.tsv' } },
        run(`sudo ${BUILD.dir}/seal.sh`),
        // everything but the build user, which only the shutdown command can remove (finish.sh checks it all again)
        run(`sudo bash ${BUILD.dir}/hygiene-check.sh --role ${role} --build-user '' -- ${packages.join(' ')}`),
      ],
      'post-processor': [
        { manifest: { output: '${var.manifest_path}', strip_path: false, custom_data: { role, flavor: flavor.name } } },
      ],
    },
  };
  return template;
}

/** DIR/packer/: one template per role, their variables documented, and the scripts they run beside them (templates find them through path.root). */
export function packerFiles(model: ClusterModel, target: PackerTarget, scripts: ScriptTemplates): FileEntry[] {
  return [
    ...ROLES.map((role) => ({
      path: `packer/${role}.pkr.json`,
      content: `${JSON.stringify(renderPackerTemplate(model.flavor, role, target), null, 2)}\n`,
      mode: 0o644,
    })),
    packerVariablesDoc(model.flavor),
    ...imageScriptFiles(model, scripts),
  ];
}
