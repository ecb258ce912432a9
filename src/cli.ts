#!/usr/bin/env node
import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { cac } from 'cac';
import { bake, Interrupted } from './bake.js';
import { cloudConfigValidator, findCloudConfigSchema } from './checks/cloud-config-schema.js';
import { EXIT, ToolError, UserError } from './errors.js';
import { findIsoTool, makeSeedIsos } from './iso.js';
import { writeOutput } from './output.js';
import { defaultSecretsPath, loadRenderInputs, prepare, prepareRaw, renderAll, type CertOptions, type Prepared } from './pipeline.js';
import type { PackerTarget } from './packer/template.js';
import { ASSET_DIR } from './render/assets.js';
import { readSecretsFile, secretsFromEnv, writeSecretsFile } from './secrets.js';
import { DEFAULT_SPEC } from './spec/default.js';
import { addNode, replaceNode } from './spec/edit.js';
import { readSpecText } from './spec/load.js';
import type { NodeSpec } from './spec/types.js';
import { formatDiagnostic, SPEC_SCHEMA_PATH, type Diagnostic } from './spec/validate.js';
import { toYaml } from './yaml.js';

const RELOAD_TLS = `${ASSET_DIR}/pgha-node reload-tls`;

const warn = (line: string) => process.stderr.write(`${line}\n`);
const printWarnings = (ds: Diagnostic[]) => ds.filter((d) => d.severity === 'warning').forEach((d) => warn(formatDiagnostic(d)));

function init(path: string, options: { force?: boolean }): void {
  if (existsSync(path) && !options.force) throw new UserError(`${path} exists: edit it, or pass --force to overwrite it`);
  const schema = relative(dirname(resolve(path)), SPEC_SCHEMA_PATH);
  const header = [
    `# yaml-language-server: $schema=${schema}`,
    '# pgha cluster spec: edit it, then run `pgha validate` and `pgha render --out DIR`.',
    '# The addresses below are the reference deployment\'s examples: replace them with your network\'s.',
  ];
  writeFileSync(path, `${header.join('\n')}\n${toYaml(DEFAULT_SPEC)}`, { flag: options.force ? 'w' : 'wx' });
  console.log(`wrote ${path}`);
}

function validate(spec: string | undefined): void {
  const { model, warnings, source } = prepare(spec);
  printWarnings(warnings);
  console.log(`${source}: valid (${model.etcdNodes.length} etcd, ${model.postgresNodes.length} postgres nodes)`);
}

function packerTarget(compat: string | undefined): PackerTarget {
  if (compat === undefined) return 'modern';
  if (String(compat) === '1.6') return '1.6';
  throw new UserError(`--packer-compat ${compat}: the only compatibility target is 1.6 (Debian 12's Packer 1.6.6)`);
}

interface RenderOptions {
  out?: string;
  secrets?: string;
  cloudInitSchema?: string;
  packerCompat?: string;
  iso?: boolean;
}

async function render(spec: string | undefined, options: RenderOptions): Promise<void> {
  if (!options.out) throw new UserError('--out DIR is missing: say where to write the seeds');
  await renderPrepared(prepare(spec), { ...options, out: options.out });
}

/** Renders a validated spec into options.out; `beforeSwap` runs once the new output is complete (nothing is written if it fails). */
async function renderPrepared(
  prepared: Prepared,
  options: RenderOptions & { out: string },
  beforeSwap?: () => void,
  certs: Omit<CertOptions, 'now'> = {},
): Promise<void> {
  const { model, warnings, specPath } = prepared;
  printWarnings(warnings);
  const secretsPath = options.secrets ?? defaultSecretsPath(specPath, options.out);
  const loaded = readSecretsFile(secretsPath);
  if (loaded.warning) warn(`warning: ${loaded.warning}`);
  const existing = secretsFromEnv(process.env, loaded.secrets);
  if (certs.renew && !existing?.tls?.ca) throw new UserError(`${secretsPath} has no cluster CA to renew certificates with: run pgha render first`);
  const target = packerTarget(options.packerCompat);
  const rendered = await renderAll(model, existing, loadRenderInputs(target), { ...certs, now: new Date() });
  rendered.warnings.forEach((w) => warn(`warning: ${w}`));

  const schemaPath = options.cloudInitSchema ?? findCloudConfigSchema();
  if (options.cloudInitSchema && !existsSync(options.cloudInitSchema)) {
    throw new UserError(`--cloud-init-schema ${options.cloudInitSchema} does not exist`);
  }
  if (!schemaPath) warn('note: cloud-init is not installed, so user-data was not checked against its schema (or pass --cloud-init-schema)');
  /** A failure is pgha's bug: what it renders must be valid cloud-config. */
  const checkUserData = () => {
    if (!schemaPath) return;
    const check = cloudConfigValidator(schemaPath);
    for (const f of rendered.files.filter((f) => f.path.endsWith('/user-data'))) {
      const problems = check(f.content);
      if (problems.length > 0) throw new Error(`${f.path} fails cloud-init's schema (${schemaPath}):\n${problems.join('\n')}`);
    }
  };

  const isoTool = options.iso === false ? undefined : await findIsoTool();
  if (isoTool && isoTool !== 'xorriso') warn(`note: seed ISOs made with ${isoTool} differ between renders (they hold the time); install xorriso for reproducible ones`);
  await writeOutput(options.out, rendered.files, {
    afterWrite: async (staging) => {
      // the ISO tools mostly wait, so the schema check runs meanwhile; a failure still leaves nothing behind
      const isos = isoTool ? makeSeedIsos(isoTool, model.nodes.map((n) => join(staging, 'nodes', n.name))) : Promise.resolve();
      try {
        checkUserData();
      } finally {
        await isos;
      }
    },
    beforeSwap: () => {
      if (rendered.secretsText) writeSecretsFile(secretsPath, rendered.secretsText);
      beforeSwap?.();
    },
  });
  console.log(`wrote ${model.nodes.length} node seeds${isoTool ? ` and seed ISOs (${isoTool})` : ''} to ${options.out}/nodes/, launch scripts to ${options.out}/launch/`);
  console.log(`wrote Packer templates (${target === 'modern' ? 'Packer >= 1.7' : 'Packer 1.6 compatible'}) to ${options.out}/packer/`);
  if (rendered.issued.length > 0) console.log(`issued ${rendered.issued.join(', ')}`);
  console.log(rendered.secretsText ? `${loaded.secrets ? 'updated' : 'generated'} secrets: ${secretsPath}` : loaded.secrets ? `reused secrets: ${secretsPath}` : 'secrets from the PGHA_SECRET_* environment variables (no secrets file written)');
}

/** pgha certs renew: new node and admin certificates from the same CA, written into the secrets and the seeds. */
async function certs(action: string, spec: string | undefined, options: RenderOptions): Promise<void> {
  if (action !== 'renew') throw new UserError(`pgha certs ${action}: the only action is renew`);
  if (!options.out) throw new UserError('--out DIR is missing: say where to write the seeds with the new certificates');
  await renderPrepared(prepare(spec), { ...options, out: options.out }, undefined, { renew: true });
  console.log(`roll them out node by node: copy ${options.out}/nodes/<name>/tls/* to the node's /etc/pgha/tls/, then run ${RELOAD_TLS} there (see the README)`);
}

interface MembershipOptions extends RenderOptions {
  ip?: string;
  mac?: string;
  role?: string;
  tags?: string;
}

function specFileFor(command: string, spec: string | undefined): string {
  if (spec === undefined) {
    throw new UserError(`pgha ${command} records the change in the spec file (the node's generation): give the spec file (pgha init writes the built-in one)`);
  }
  return spec;
}

/** Writes the edited spec beside itself and renames it over the original, keeping its mode. */
function writeSpecFile(path: string, text: string): void {
  const tmp = `${path}.pgha-${process.pid}`;
  writeFileSync(tmp, text, { mode: statSync(path).mode & 0o777 });
  renameSync(tmp, path);
}

function bootHint(out: string, name: string): string {
  return `boot its new machine with ${out}/nodes/${name}/seed.iso (${out}/nodes/${name}/virt-install.sh; --force replaces a dead VM of that name)`;
}

async function replace(name: string, spec: string | undefined, options: MembershipOptions): Promise<void> {
  const path = specFileFor('replace', spec);
  if (!options.out) throw new UserError('--out DIR is missing: say where to write the seeds');
  const edit = replaceNode(readSpecText(path), path, name, {
    ...(options.ip !== undefined ? { ip: String(options.ip) } : {}),
    ...(options.mac !== undefined ? { mac: String(options.mac) } : {}),
  });
  const prepared = prepareRaw(edit.raw, path, path);
  await renderPrepared(prepared, { ...options, out: options.out }, () => writeSpecFile(path, edit.text), { replaced: [name] });
  const node = prepared.model.nodes.find((n) => n.name === name)!;
  console.log(`${path}: ${name} (${node.role}, ${node.ip}) is generation ${node.generation}: ${bootHint(options.out, name)}`);
}

async function add(name: string, spec: string | undefined, options: MembershipOptions): Promise<void> {
  const path = specFileFor('add', spec);
  if (!options.out) throw new UserError('--out DIR is missing: say where to write the seeds');
  if (options.role !== 'etcd' && options.role !== 'postgres') throw new UserError(`--role ${options.role ?? '(missing)'}: use etcd or postgres`);
  if (options.ip === undefined) throw new UserError('--ip is missing: give the new node\'s address');
  const tags = options.tags === undefined ? undefined : parseTags(String(options.tags));
  const edit = addNode(readSpecText(path), path, {
    name: String(name),
    role: options.role,
    ip: String(options.ip),
    ...(options.mac !== undefined ? { mac: String(options.mac) } : {}),
    ...(tags ? { tags } : {}),
  });
  const prepared = prepareRaw(edit.raw, path, path);
  await renderPrepared(prepared, { ...options, out: options.out }, () => writeSpecFile(path, edit.text));
  console.log(`${path}: added ${name} (${options.role}, ${options.ip}): ${bootHint(options.out, name)}`);
}

const TAG_NAMES = ['nofailover', 'noloadbalance', 'clonefrom', 'nosync'] as const;

function parseTags(list: string): NodeSpec['tags'] {
  const tags: Record<string, boolean> = {};
  for (const t of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(TAG_NAMES as readonly string[]).includes(t)) throw new UserError(`--tags ${list}: ${t} is not a Patroni tag pgha knows (${TAG_NAMES.join(', ')})`);
    tags[t] = true;
  }
  return tags;
}

interface BakeCliOptions {
  out?: string;
  role?: string;
  only?: string;
  packerCompat?: string;
  verbose?: boolean;
  baseImage?: string;
  accelerator?: string;
  aptProxy?: string;
}

async function bakeCommand(spec: string | undefined, options: BakeCliOptions): Promise<void> {
  if (!options.out) throw new UserError('--out DIR is missing: say where the images go (DIR/images/)');
  if (options.role !== undefined && options.role !== 'etcd' && options.role !== 'postgres') {
    throw new UserError(`--role ${options.role}: use etcd or postgres (or leave it out for both)`);
  }
  if (options.only !== undefined && options.only !== 'validate') throw new UserError(`--only ${options.only}: the only value is validate`);
  if (options.aptProxy !== undefined && !/^https?:\/\/[A-Za-z0-9.-]+(:\d+)?\/?$/.test(String(options.aptProxy))) {
    throw new UserError(`--apt-proxy ${options.aptProxy}: give an http proxy URL such as http://10.0.0.5:3142`);
  }
  const { model, warnings } = prepare(spec);
  printWarnings(warnings);
  const records = await bake(model, {
    out: options.out,
    roles: options.role ? [options.role] : ['etcd', 'postgres'],
    onlyValidate: options.only === 'validate',
    packerTarget: packerTarget(options.packerCompat),
    verbose: Boolean(options.verbose),
    ...(options.baseImage ? { baseImage: String(options.baseImage) } : {}),
    ...(options.accelerator ? { accelerator: String(options.accelerator) } : {}),
    ...(options.aptProxy ? { aptProxy: String(options.aptProxy) } : {}),
    log: (l) => console.log(l),
  });
  console.log(options.only === 'validate' ? 'templates valid' : `baked ${records.length} image(s); manifest: ${options.out}/images/manifest.json`);
}

async function main(argv: string[]): Promise<number> {
  const cli = cac('pgha');
  cli.command('init [path]', 'Write the built-in default spec to a file for editing').option('--force', 'Overwrite an existing file').action((path: string | undefined, o) => init(path ?? 'pgha.yaml', o));
  cli.command('validate [spec]', 'Check a spec (default: the built-in one) and report every problem').action(validate);
  cli
    .command('render [spec]', 'Write every node\'s cloud-init NoCloud seed files to DIR/nodes/<name>/')
    .option('--out <dir>', 'Output folder (replaced whole on each render)')
    .option('--secrets <file>', 'Secrets file (default: beside the spec, or DIR.secrets.yaml for the built-in spec)')
    .option('--cloud-init-schema <file>', 'cloud-init\'s schema-cloud-config-v1.json (default: the installed cloud-init\'s)')
    .option('--packer-compat <version>', 'Write Packer templates that Packer 1.6 (Debian 12) accepts: no required_plugins block')
    .option('--no-iso', 'Do not make the seed ISOs (nodes/<name>/seed.iso)')
    .action(render);
  const membership = (c: ReturnType<typeof cli.command>) =>
    c
      .option('--out <dir>', 'Output folder: the whole cluster is rendered again (replaced whole)')
      .option('--mac <mac>', 'The new machine\'s MAC (default: derived from cluster and node name)')
      .option('--secrets <file>', 'Secrets file (default: beside the spec)')
      .option('--cloud-init-schema <file>', 'cloud-init\'s schema-cloud-config-v1.json (default: the installed cloud-init\'s)')
      .option('--packer-compat <version>', 'Packer templates for Packer 1.6 (Debian 12)')
      .option('--no-iso', 'Do not make the seed ISOs');
  membership(
    cli
      .command('replace <node> [spec]', 'New seed for a dead node: its machine joins the running cluster (spec updated: generation, --ip, --mac)')
      .option('--ip <address>', 'The new machine\'s address, if it differs'),
  ).action(replace);
  membership(
    cli
      .command('add <name> [spec]', 'Add a node to the running cluster (spec updated) and write its seed')
      .option('--role <role>', 'etcd or postgres')
      .option('--ip <address>', 'Its address')
      .option('--tags <list>', 'Patroni tags, comma-separated (nofailover, noloadbalance, clonefrom, nosync)'),
  ).action(add);
  cli
    .command('certs <action> [spec]', 'renew: issue every node and admin certificate again from the cluster CA, and write the seeds')
    .option('--out <dir>', 'Output folder (replaced whole), with each node\'s new files in DIR/nodes/<name>/tls/')
    .option('--secrets <file>', 'Secrets file (default: beside the spec, or DIR.secrets.yaml for the built-in spec)')
    .option('--cloud-init-schema <file>', 'cloud-init\'s schema-cloud-config-v1.json (default: the installed cloud-init\'s)')
    .option('--packer-compat <version>', 'Packer templates for Packer 1.6 (Debian 12)')
    .option('--no-iso', 'Do not make the seed ISOs')
    .action(certs);
  cli
    .command('bake [spec]', 'Bake the golden role images with Packer into DIR/images/')
    .option('--out <dir>', 'Output folder (images under DIR/images/)')
    .option('--role <role>', 'Only this role: etcd or postgres')
    .option('--only <step>', 'validate: stop after packer validate')
    .option('--packer-compat <version>', 'Templates for Packer 1.6 (Debian 12): no required_plugins, no packer init')
    .option('--verbose', 'Show Packer\'s own output instead of the step display')
    .option('--base-image <file>', 'A local base cloud image instead of the flavour\'s download (checksum computed)')
    .option('--accelerator <name>', 'QEMU accelerator: kvm (default) or tcg')
    .option('--apt-proxy <url>', 'HTTP proxy for apt during the build')
    .action(bakeCommand);
  cli.help();
  cli.version('0.1.0');
  try {
    cli.parse(argv, { run: false });
    if (!cli.matchedCommand && !cli.options.help && !cli.options.version) {
      if (cli.args.length > 0) throw new UserError(`unknown command ${cli.args.join(' ')}: run pgha --help`);
      cli.outputHelp();
      return EXIT.user;
    }
    await cli.runMatchedCommand();
    return EXIT.ok;
  } catch (e) {
    if (e instanceof UserError) {
      warn(`pgha: ${e.message}`);
      e.details.forEach((d) => warn(`  ${d}`));
      return EXIT.user;
    }
    if (e instanceof Interrupted) {
      warn(`pgha: ${e.message}; no image was left under its final name`);
      return EXIT.interrupted;
    }
    if (e instanceof ToolError) {
      warn(`pgha: ${e.message}`);
      if (e.outputTail) warn(e.outputTail);
      return EXIT.tool;
    }
    if (e instanceof Error && e.name === 'CACError') {
      warn(`pgha: ${e.message}: run pgha --help`);
      return EXIT.user;
    }
    warn(`pgha: internal error (a bug; please report it):\n${e instanceof Error ? e.stack : String(e)}`);
    return EXIT.bug;
  }
}

process.exitCode = await main(process.argv);
