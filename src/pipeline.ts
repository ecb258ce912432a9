import { basename, dirname, extname, join, resolve } from 'node:path';
import { renderCluster, type OutputFile } from './assemble/cluster.js';
import { UserError } from './errors.js';
import { buildModel, type ClusterModel } from './model.js';
import { loadImageScripts, renderPackerFiles, type ImageScripts } from './packer/files.js';
import type { PackerTarget } from './packer/template.js';
import { loadAssets, type Assets } from './render/assets.js';
import { renderLaunch } from './render/libvirt.js';
import type { PkiOptions } from './pki.js';
import { completeSecrets, secretsToYaml, type Secrets } from './secrets.js';
import { loadSpec } from './spec/load.js';
import { formatDiagnostic, validateSpec, type Diagnostic } from './spec/validate.js';

export interface Prepared {
  model: ClusterModel;
  warnings: Diagnostic[];
  source: string;
  specPath?: string;
}

/** spec file (or the built-in default) → validated model; every error of the spec at once as a UserError. */
export function prepare(specPath: string | undefined): Prepared {
  const loaded = loadSpec(specPath);
  return prepareRaw(loaded.raw, loaded.source, loaded.path);
}

/** Parsed spec data → validated model (also for a spec that pgha replace or pgha add changed in memory). */
export function prepareRaw(raw: unknown, source: string, specPath?: string): Prepared {
  const { spec, diagnostics } = validateSpec(raw);
  if (!spec) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    throw new UserError(`${source}: ${errors.length} problem(s) to fix`, diagnostics.map(formatDiagnostic));
  }
  return { model: buildModel(spec), warnings: diagnostics, source, ...(specPath ? { specPath } : {}) };
}

/** Beside the spec (pgha.yaml → pgha.secrets.yaml), or beside the output folder for the built-in default (out → out.secrets.yaml). */
export function defaultSecretsPath(specPath: string | undefined, outDir: string): string {
  if (specPath) return join(dirname(specPath), `${basename(specPath, extname(specPath))}.secrets.yaml`);
  const out = resolve(outDir);
  return join(dirname(out), `${basename(out)}.secrets.yaml`);
}

export interface Rendered {
  files: OutputFile[];
  secrets: Secrets;
  /** Certificates issued by this render (names only), and certificates about to end. */
  issued: string[];
  warnings: string[];
  /** The secrets file's new text when secrets were generated, to be saved with the output. */
  secretsText?: string;
}

export interface RenderInputs {
  assets: Assets;
  imageScripts: ImageScripts;
  packerTarget: PackerTarget;
}

/** Reads the node scripts and the provisioning scripts from the package (the only file reads of a render). */
export function loadRenderInputs(packerTarget: PackerTarget): RenderInputs {
  return { assets: loadAssets(), imageScripts: loadImageScripts(), packerTarget };
}

/** When certificates are issued and checked, and which must be issued again (the lifetimes come from the model). */
export type CertOptions = Omit<PkiOptions, 'lifetimes'>;

/**
 * Seeds of every node and the Packer side (templates and their scripts), from the model and the secrets:
 * missing secrets and certificates are made first, then everything else is a pure function of both.
 */
export async function renderAll(model: ClusterModel, existing: Partial<Secrets> | undefined, inputs: RenderInputs, certs: CertOptions): Promise<Rendered> {
  const { secrets, changed, issued, warnings } = await completeSecrets(model, existing, { ...certs, lifetimes: model.tls });
  return {
    files: [
      ...renderCluster(model, secrets, inputs.assets),
      ...renderLaunch(model),
      ...renderPackerFiles(model, inputs.packerTarget, inputs.imageScripts),
    ],
    secrets,
    issued,
    warnings,
    ...(changed ? { secretsText: secretsToYaml(secrets, model.name) } : {}),
  };
}
