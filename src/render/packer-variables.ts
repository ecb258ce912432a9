import type { FileEntry } from '../lib/file.js';
import { imageFileName, type Flavor } from '../model/flavors.js';
import { ROLES, type Role } from '../spec/types.js';

/** One variable of a Packer template: its HCL type, default (none: it must be given) and meaning. */
export interface PackerVariable {
  type: 'string' | 'number' | 'bool';
  default?: string | number | boolean;
  description: string;
}

/**
 * The variables of a role's template. Two have no default: the build-time seed and the SSH key that only
 * exist for one build (`pgha bake` makes them and deletes them; `pgha bake --only prepare` writes them for
 * a pipeline of one's own).
 */
export function packerVariables(flavor: Flavor, role: Role): Record<string, PackerVariable> {
  return {
    base_image_url: { type: 'string', default: flavor.baseImage.url, description: `Base cloud image: ${flavor.description}` },
    base_image_checksum: { type: 'string', default: flavor.baseImage.checksum, description: 'Checksum of the base image (type:value or file:URL)' },
    output_directory: { type: 'string', default: `output-${role}`, description: 'Folder for the image; must not exist' },
    vm_name: { type: 'string', default: imageFileName(flavor, role), description: 'File name of the image' },
    disk_size: { type: 'string', default: role === 'postgres' ? '8G' : '4G', description: 'Virtual disk size' },
    accelerator: { type: 'string', default: 'kvm', description: 'QEMU accelerator: kvm, or tcg without KVM' },
    machine_type: { type: 'string', default: 'pc', description: 'QEMU machine type (pc: the seed CD is IDE, which cloud kernels see)' },
    memory: { type: 'number', default: 2048, description: 'Build VM memory, MiB' },
    cpus: { type: 'number', default: 2, description: 'Build VM vCPUs' },
    headless: { type: 'bool', default: true, description: 'No QEMU window' },
    apt_proxy: { type: 'string', default: '', description: 'HTTP proxy for apt during the build only' },
    ssh_timeout: { type: 'string', default: '30m', description: 'How long to wait for the build VM to boot' },
    build_seed_dir: { type: 'string', description: 'Folder with the build-time NoCloud user-data and meta-data (pgha bake writes it)' },
    ssh_private_key_file: { type: 'string', description: 'Private key of the per-build SSH key pair (pgha bake creates it)' },
    manifest_path: { type: 'string', default: 'packer-manifest.json', description: 'Where the manifest post-processor writes' },
  };
}

const cell = (text: string) => text.replace(/\|/g, '\\|');
const shown = (v: PackerVariable['default']) => (v === undefined ? '(none: give it)' : `\`${v === '' ? '""' : String(v)}\``);

/** DIR/packer/VARIABLES.md: every variable of both templates, made from the same table the templates are. */
export function packerVariablesDoc(flavor: Flavor): FileEntry {
  const byRole = ROLES.map((role) => packerVariables(flavor, role));
  const rows = Object.entries(byRole[0]!).map(([name, v]) => {
    const defaults = byRole.map((vars) => vars[name]!.default);
    const value = defaults.every((d) => d === defaults[0]) ? shown(v.default) : ROLES.map((r, i) => `${r}: ${shown(defaults[i])}`).join(', ');
    return `| \`${name}\` | ${v.type} | ${cell(value)} | ${cell(v.description)} |`;
  });
  const content = [
    '# Packer template variables',
    '',
    `Written by \`pgha render\` (flavour ${flavor.name}): the variables of \`etcd.pkr.json\` and \`postgres.pkr.json\`, from the`,
    'table the templates are made from. Give a value with `-var NAME=VALUE`.',
    '',
    '`build_seed_dir` and `ssh_private_key_file` have no default: a build-time NoCloud seed (a temporary',
    '`pgha-build` user) and its SSH key exist for one build only. `pgha bake` makes and deletes them;',
    'to run Packer from a pipeline of your own, `pgha bake SPEC --out DIR --only prepare` writes them into',
    '`DIR/images/build/` (mode 0700, the key 0600) and prints the `packer init`/`validate`/`build` commands',
    'for these templates with every `-var` they need (`--json`: as argument lists). Remove that folder after the build.',
    '',
    '| Variable | Type | Default | Description |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
  return { path: 'packer/VARIABLES.md', content, mode: 0o644 };
}
