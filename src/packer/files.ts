import { readFileSync } from 'node:fs';
import type { OutputFile } from '../assemble/cluster.js';
import type { ClusterModel } from '../model.js';
import { packagePath } from '../paths.js';
import { IMAGE_SCRIPTS, renderPackerTemplate, type PackerTarget } from './template.js';

export type ImageScripts = Readonly<Record<(typeof IMAGE_SCRIPTS)[number], string>>;

/** The provisioning scripts from the package's images/ folder. */
export function loadImageScripts(): ImageScripts {
  return Object.fromEntries(IMAGE_SCRIPTS.map((n) => [n, readFileSync(packagePath('images', n), 'utf8')])) as ImageScripts;
}

export const ROLES = ['etcd', 'postgres'] as const;

/** DIR/packer/: one template per role, and the scripts they run beside them (templates find them through path.root). */
export function renderPackerFiles(model: ClusterModel, target: PackerTarget, scripts: ImageScripts): OutputFile[] {
  return [
    ...ROLES.map((role) => ({
      path: `packer/${role}.pkr.json`,
      content: `${JSON.stringify(renderPackerTemplate(model.flavor, role, target), null, 2)}\n`,
      mode: 0o644,
    })),
    ...IMAGE_SCRIPTS.map((n) => ({ path: `packer/scripts/${n}`, content: scripts[n], mode: 0o755 })),
  ];
}
