import { readFileSync } from 'node:fs';
import { cac, type Command } from 'cac';
import { EnvironmentError, EXIT, Interrupted, ToolError, UserError } from './errors.js';
import type { Io } from './commands/io.js';
import { packagePath } from './paths.js';

/**
 * The command line: it only declares the commands and their options; each command's module is loaded when it
 * runs (src/commands/), so `pgha --version` or `pgha validate` load nothing they do not use. Only bin.ts sets
 * the exit code.
 */

/** The options of every command that writes the output folder. */
function outputOptions(command: Command, out: string): Command {
  return command
    .option('--out <dir>', out)
    .option('--secrets <file>', 'Secrets file (default: beside the spec, or DIR.secrets.yaml for the built-in spec)')
    .option('--cloud-init-schema <file>', 'cloud-init\'s schema-cloud-config-v1.json (default: the installed cloud-init\'s)')
    .option('--packer-compat <version>', 'Write Packer templates that Packer 1.6 (Debian 12) accepts: no required_plugins block')
    .option('--no-iso', 'Do not make the seed ISOs (nodes/<name>/seed.iso)');
}

function declare(io: Io) {
  const cli = cac('pgha');
  cli
    .command('init [path]', 'Write the built-in default spec to a file for editing')
    .option('--force', 'Overwrite an existing file')
    .action(async (path: string | undefined, o) => (await import('./commands/init.js')).init(path ?? 'pgha.yaml', o, io));
  cli
    .command('validate [spec]', 'Check a spec (default: the built-in one) and report every problem')
    .action(async (spec: string | undefined) => (await import('./commands/validate.js')).validate(spec, io));
  outputOptions(cli.command('render [spec]', 'Write every node\'s cloud-init NoCloud seed files to DIR/nodes/<name>/'), 'Output folder (replaced whole on each render)').action(
    async (spec: string | undefined, o) => (await import('./commands/render.js')).render(spec, o, io),
  );
  outputOptions(
    cli.command('replace <node> [spec]', 'New seed for a dead node: its machine joins the running cluster (spec updated: generation, --ip, --mac)'),
    'Output folder: the whole cluster is rendered again (replaced whole)',
  )
    .option('--ip <address>', 'The new machine\'s address, if it differs')
    .option('--mac <mac>', 'The new machine\'s MAC (default: derived from cluster and node name)')
    .action(async (name: string, spec: string | undefined, o) => (await import('./commands/replace.js')).replace(name, spec, o, io));
  outputOptions(cli.command('add <name> [spec]', 'Add a node to the running cluster (spec updated) and write its seed'), 'Output folder: the whole cluster is rendered again (replaced whole)')
    .option('--role <role>', 'etcd or postgres')
    .option('--ip <address>', 'Its address')
    .option('--mac <mac>', 'The new machine\'s MAC (default: derived from cluster and node name)')
    .option('--tags <list>', 'Patroni tags, comma-separated (nofailover, noloadbalance, clonefrom, nosync)')
    .action(async (name: string, spec: string | undefined, o) => (await import('./commands/add.js')).add(name, spec, o, io));
  outputOptions(
    cli.command('restore [spec]', 'Seeds of a cluster rebuilt from its backup repository, up to --to (spec updated: the target, a new Patroni namespace)'),
    'Output folder: the whole cluster is rendered again (replaced whole)',
  )
    .option('--to <time>', 'latest, or a time with its zone (\'2026-12-02 01:06:42+00\'): the newest change at or before it is restored')
    .action(async (spec: string | undefined, o) => (await import('./commands/restore.js')).restore(spec, o, io));
  outputOptions(
    cli.command('certs <action> [spec]', 'renew: issue every node and admin certificate again from the cluster CA, and write the seeds'),
    'Output folder (replaced whole), with each node\'s new files in DIR/nodes/<name>/tls/',
  ).action(async (action: string, spec: string | undefined, o) => (await import('./commands/certs.js')).certs(action, spec, o, io));
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
    .action(async (spec: string | undefined, o) => (await import('./commands/bake.js')).bake(spec, o, io));
  cli.help();
  cli.version((JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version);
  return cli;
}

/**
 * mri, cac's parser, turns option values that look like numbers into numbers ('07' → 7, '0x10' → 16, '' → 0).
 * Values go through it marked and come out as the user typed them.
 */
const MARK = '\u0000pgha:';

function markValues(argv: string[], takesValue: Set<string>): string[] {
  const out = [...argv];
  for (let i = 2; i < out.length && out[i] !== '--'; i++) {
    const m = /^--([^=]+)(?:=([\s\S]*))?$/.exec(out[i]!);
    // cac knows options by their camel-cased names: --packer-compat is packerCompat
    if (!m || !takesValue.has(m[1]!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()))) continue;
    if (m[2] !== undefined) out[i] = `--${m[1]}=${MARK}${m[2]}`;
    else if (i + 1 < out.length && !out[i + 1]!.startsWith('-')) out[i + 1] = MARK + out[++i]!;
  }
  return out;
}

function unmark(options: Record<string, unknown>): void {
  const clean = (v: unknown) => (typeof v === 'string' && v.startsWith(MARK) ? v.slice(MARK.length) : v);
  for (const [k, v] of Object.entries(options)) options[k] = Array.isArray(v) ? v.map(clean) : clean(v);
}

/** Runs one pgha command line; returns its exit code (README: 0 ok, 1 bug, 2 bad input, 3 environment or tool, 130 interrupted). */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const cli = declare(io);
  const takesValue = new Set(cli.commands.flatMap((c) => c.options.filter((o) => !o.isBoolean).flatMap((o) => o.names)));
  try {
    cli.parse(markValues(argv, takesValue), { run: false });
    unmark(cli.options);
    if (!cli.matchedCommand && !cli.options.help && !cli.options.version) {
      if (cli.args.length > 0) throw new UserError(`unknown command ${cli.args.join(' ')}: run pgha --help`);
      cli.outputHelp();
      return EXIT.user;
    }
    await cli.runMatchedCommand();
    return EXIT.ok;
  } catch (e) {
    if (e instanceof UserError) {
      io.err(`pgha: ${e.message}`);
      e.details.forEach((d) => io.err(`  ${d}`));
      return EXIT.user;
    }
    if (e instanceof Interrupted) {
      io.err(`pgha: ${e.message}; no image was left under its final name`);
      return EXIT.interrupted;
    }
    if (e instanceof ToolError) {
      io.err(`pgha: ${e.message}`);
      if (e.outputTail) io.err(e.outputTail);
      return EXIT.tool;
    }
    if (e instanceof EnvironmentError) {
      io.err(`pgha: ${e.message}`);
      return EXIT.tool;
    }
    if (e instanceof Error && e.name === 'CACError') {
      io.err(`pgha: ${e.message}: run pgha --help`);
      return EXIT.user;
    }
    io.err(`pgha: internal error (a bug; please report it):\n${e instanceof Error ? e.stack : String(e)}`);
    return EXIT.bug;
  }
}
