import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { renderCluster } from '../assemble/cluster.js';
import { UserError } from '../errors.js';
import { checkCloudConfigs, findCloudConfigSchema } from '../io/cloud-config-schema.js';
import { findIsoTool, makeSeedIsos } from '../io/iso.js';
import { withLocks } from '../io/lock.js';
import { isWithin, realTarget, writeOutput, type AlongsideFile } from '../io/output.js';
import { loadTemplates } from '../io/package-data.js';
import type { FileEntry } from '../lib/file.js';
import type { Prepared } from '../model/prepare.js';
import { backupSecretEnvName, secretsFromEnv } from '../secrets/env.js';
import { readSecretsFile, secretsToYaml } from '../secrets/file.js';
import { completeSecrets, missingBackupSecrets } from '../secrets/generate.js';
import type { PkiOptions } from '../secrets/pki.js';
import { writtenFiles, type ClusterReport, type SecretsState } from './cluster-report.js';
import { printWarnings, type Io } from './io.js';
import { packerTarget, textOption } from './options.js';

/** The options of every command that writes the output folder (render, replace, add, certs renew). */
export interface OutputOptions {
  out: string;
  secrets?: string;
  cloudInitSchema?: string;
  packerCompat?: string;
  iso?: boolean;
}

/** Beside the spec (pgha.yaml → pgha.secrets.yaml), or beside the output folder for the built-in default (out → out.secrets.yaml). */
export function defaultSecretsPath(specPath: string | undefined, outDir: string): string {
  if (specPath) return join(dirname(specPath), `${basename(specPath, extname(specPath))}.secrets.yaml`);
  const out = resolve(outDir);
  return join(dirname(out), `${basename(out)}.secrets.yaml`);
}

/**
 * A failure is pgha's bug: what it renders must be valid cloud-config. The check reads the data each
 * user-data serialises (its YAML reads back the same: lib/yaml.ts and its tests), not the text again.
 */
function checkUserData(files: FileEntry[], schemaPath: string): void {
  const userData = files.filter((f) => f.path.endsWith('/user-data'));
  const checked = checkCloudConfigs(schemaPath, userData.map((f) => ({ text: f.content, data: f.data })));
  userData.forEach((f, i) => {
    const problems = f.content.startsWith('#cloud-config\n') ? checked[i]! : ['does not start with #cloud-config'];
    if (problems.length > 0) throw new Error(`${f.path} fails cloud-init's schema (${schemaPath}):\n${problems.join('\n')}`);
  });
}

export interface WriteClusterSteps {
  /** Which certificates to issue again (pgha certs renew, pgha replace); the CA is kept. */
  certs?: Pick<PkiOptions, 'renew' | 'replaced'>;
  /** The spec file's new text (pgha replace, pgha add): saved together with the output and the secrets. */
  specEdit?: { path: string; text: string };
}

/** A render replaces --out whole: no file of the user's may be inside it. */
function refuseInsideOutput(out: string, files: [string, string][]): void {
  const target = realTarget(out);
  for (const [what, path] of files) {
    if (isWithin(realTarget(path), target)) {
      throw new UserError(`${what} ${path} is inside --out ${out}, which every render replaces whole: keep it outside, or choose another --out`);
    }
  }
}

/**
 * Renders a validated spec into options.out: the secrets (file, then environment) completed, the cluster
 * rendered, user-data checked against cloud-init's schema, the seed ISOs made, then the output swapped in
 * whole together with the secrets file and the edited spec (all or nothing), under the locks of all three.
 */
export async function writeCluster(prepared: Prepared, options: OutputOptions, io: Io, steps: WriteClusterSteps = {}): Promise<ClusterReport> {
  const { warnings, specPath } = prepared;
  printWarnings(io, warnings);
  const secretsPath = textOption(options.secrets, '--secrets') ?? defaultSecretsPath(specPath, options.out);
  refuseInsideOutput(options.out, [['the secrets file', secretsPath], ...(specPath ? [['the spec', specPath] as [string, string]] : [])]);
  return withLocks([realTarget(options.out), realTarget(secretsPath), ...(specPath ? [realTarget(specPath)] : [])], () =>
    renderAndWrite(prepared, options, io, steps, secretsPath),
  );
}

async function renderAndWrite(prepared: Prepared, options: OutputOptions, io: Io, steps: WriteClusterSteps, secretsPath: string): Promise<ClusterReport> {
  const { model } = prepared;
  // what is said on stderr as it happens is also in the command's result
  const said = { warnings: [] as string[], notes: [] as string[] };
  const warn = (w: string) => (io.err(`warning: ${w}`), said.warnings.push(w));
  const note = (n: string) => (io.err(`note: ${n}`), said.notes.push(n));
  const loaded = readSecretsFile(secretsPath);
  if (loaded.warning) warn(loaded.warning);
  const existing = secretsFromEnv(io.env, loaded.secrets);
  if (steps.certs?.renew && !existing?.tls?.ca) throw new UserError(`${secretsPath} has no cluster CA to renew certificates with: run pgha render first`);
  const target = packerTarget(options.packerCompat);
  const completed = await completeSecrets(model, existing, { ...steps.certs, now: new Date(), lifetimes: model.tls });
  completed.warnings.forEach(warn);
  const missing = missingBackupSecrets(model, completed.secrets);
  if (missing.length > 0) {
    throw new UserError(
      `the backup section needs the object store's access key id and secret, which only you have: nothing was written`,
      missing.map((f) => `add backup.${f} to ${secretsPath} (mode 0600), or set ${backupSecretEnvName(f)}`),
    );
  }
  const files = renderCluster(model, completed.secrets, loadTemplates(), target);

  const givenSchema = textOption(options.cloudInitSchema, '--cloud-init-schema');
  if (givenSchema && !existsSync(givenSchema)) throw new UserError(`--cloud-init-schema ${givenSchema} does not exist`);
  const schemaPath = givenSchema ?? findCloudConfigSchema();
  if (!schemaPath) note('cloud-init is not installed, so user-data was not checked against its schema (or pass --cloud-init-schema)');

  const isoTool = options.iso === false ? undefined : findIsoTool();
  if (isoTool && isoTool !== 'xorriso') note(`seed ISOs made with ${isoTool} differ between renders (they hold the time); install xorriso for reproducible ones`);
  const secretsText = completed.changed ? secretsToYaml(completed.secrets, model.name) : undefined;
  const alongside: AlongsideFile[] = [
    ...(secretsText ? [{ path: secretsPath, content: secretsText, mode: 0o600 }] : []),
    ...(steps.specEdit ? [{ path: steps.specEdit.path, content: steps.specEdit.text, mode: statSync(steps.specEdit.path).mode & 0o777 }] : []),
  ];
  await writeOutput(options.out, files, {
    alongside,
    afterWrite: async (staging) => {
      // the ISO tools mostly wait, so the schema check runs meanwhile; a failure still leaves nothing behind
      const previous = realTarget(options.out);
      const jobs = model.nodes.map((n) => ({ dir: join(staging, 'nodes', n.name), previous: join(previous, 'nodes', n.name) }));
      const isos = isoTool ? makeSeedIsos(isoTool, jobs) : Promise.resolve();
      try {
        if (schemaPath) checkUserData(files, schemaPath);
      } finally {
        await isos;
      }
    },
  });
  const state: SecretsState = secretsText ? (loaded.secrets ? 'updated' : 'generated') : loaded.secrets ? 'reused' : 'environment';
  return {
    out: options.out,
    nodes: model.nodes.length,
    files: writtenFiles(options.out, files, isoTool ? model.nodes.map((n) => `nodes/${n.name}/seed.iso`) : []),
    ...(isoTool ? { isoTool } : {}),
    packerTarget: target,
    issued: completed.issued,
    secrets: { ...(state !== 'environment' ? { file: secretsPath } : {}), state },
    diagnostics: prepared.warnings,
    ...said,
  };
}
