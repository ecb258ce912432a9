import { readFileSync } from 'node:fs';
import { cac, type Command } from 'cac';
import { EXIT, UserError } from './errors.js';
import type { Io } from './commands/io.js';
import { commandIo, failure, printFailure, printResult, type CommandResult } from './commands/result.js';
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
    // declared positively so that the help does not read "--no-iso (default: true)"; --no-iso turns it off
    .option('--iso', 'Make each node\'s seed ISO, nodes/<name>/seed.iso (on unless --no-iso, which needs no ISO tool)');
}

const JSON_OPTION = 'Print one JSON document on stdout (progress, warnings and errors stay on stderr)';
const WRITES_CLUSTER = 'DIR/nodes/<name>/ (seed files, seed.iso, tls/, virt-install.sh), DIR/launch/, DIR/packer/ (templates, scripts, VARIABLES.md); the secrets file';
const EXIT_WRITE: [number, string][] = [
  [2, 'bad input: the spec (each problem with its path), an option, a file; or another pgha writes DIR; nothing written'],
  [3, 'a missing or failing program (no ISO tool), or the file system refused (read-only, full); nothing written'],
];

/** What each command's --help adds: what it writes, and its exit codes besides 0 (done) and 1 (a bug in pgha). */
const HELP: Record<string, { writes: string; exits: [number, string][] }> = {
  init: { writes: 'the spec file (default pgha.yaml)', exits: [[2, 'the file exists (pass --force) or its folder does not'], [3, 'the file system refused']] },
  validate: { writes: 'nothing (warnings on stderr)', exits: [[2, 'the spec has errors (each with its spec path; --json adds its line) or is not valid YAML']] },
  render: { writes: WRITES_CLUSTER, exits: EXIT_WRITE },
  replace: { writes: `${WRITES_CLUSTER}; the spec (the node's generation, --ip, --mac)`, exits: EXIT_WRITE },
  add: { writes: `${WRITES_CLUSTER}; the spec (the new node)`, exits: EXIT_WRITE },
  restore: { writes: `${WRITES_CLUSTER}; the spec (backup.restore.to, the new Patroni namespace)`, exits: EXIT_WRITE },
  certs: { writes: `${WRITES_CLUSTER}, with the new certificates`, exits: EXIT_WRITE },
  rollout: { writes: `${WRITES_CLUSTER}, DIR/launch/rollout.sh; the spec (every node's generation)`, exits: EXIT_WRITE },
  status: {
    writes: 'nothing: it reads the spec and the secrets file (the CA, the admin client certificate) and asks every etcd and Patroni member',
    exits: [[2, 'bad input: the spec, an option, no CA or admin certificate in the secrets file'], [4, 'degraded: a member down or unhealthy, no single leader, a replica lagging, a certificate within 30 days of its end'], [5, 'unreachable: no etcd and no Patroni member answered']],
  },
  switchover: {
    writes: 'nothing: it asks the leader\'s Patroni (POST /switchover with the REST password from the secrets file)',
    exits: [[2, 'bad input: the spec, --to not a postgres node or with nofailover or the leader, no CA in the secrets file'], [4, 'refused: the cluster is not healthy (each problem listed), Patroni refused, or no new leader within 60 s']],
  },
  bake: {
    writes: 'DIR/images/<role>/*.qcow2 and DIR/images/manifest.json; --only prepare: DIR/images/build/ (a build seed and key) and the Packer commands',
    exits: [[2, 'bad input, or templates for Packer >= 1.7 with an older Packer'], [3, 'Packer or QEMU missing or failed (its last lines printed)'], [130, 'interrupted (Ctrl-C): no image left under its final name']],
  },
};
const ALWAYS: [number, string][] = [[0, 'done (warnings on stderr)'], [1, 'a bug in pgha (stack trace printed; please report)']];
const ANY: [number, string][] = [[2, 'bad input (nothing written)'], [3, 'the environment: a program or the file system'], [130, 'interrupted']];

function declare(io: Io) {
  const cli = cac('pgha');
  const run = commandIo(io, () => Boolean(cli.options.json));
  cli
    .command('init [path]', 'Write the built-in default spec to a file for editing')
    .option('--force', 'Overwrite an existing file')
    .action(async (path: string | undefined, o) => (await import('./commands/init.js')).init(path ?? 'pgha.yaml', o));
  cli
    .command('validate [spec]', 'Check a spec (default: the built-in one) and report every problem')
    .action(async (spec: string | undefined) => (await import('./commands/validate.js')).validate(spec, run));
  outputOptions(cli.command('render [spec]', 'Write every node\'s cloud-init NoCloud seed files to DIR/nodes/<name>/'), 'Output folder (replaced whole on each render)').action(
    async (spec: string | undefined, o) => (await import('./commands/render.js')).render(spec, o, run),
  );
  outputOptions(
    cli.command('replace <node> [spec]', 'New seed for a dead node: its machine joins the running cluster (spec updated: generation, --ip, --mac)'),
    'Output folder: the whole cluster is rendered again (replaced whole)',
  )
    .option('--ip <address>', 'The new machine\'s address, if it differs')
    .option('--mac <mac>', 'The new machine\'s MAC (default: derived from cluster and node name)')
    .action(async (name: string, spec: string | undefined, o) => (await import('./commands/replace.js')).replace(name, spec, o, run));
  outputOptions(cli.command('add <name> [spec]', 'Add a node to the running cluster (spec updated) and write its seed'), 'Output folder: the whole cluster is rendered again (replaced whole)')
    .option('--role <role>', 'etcd or postgres')
    .option('--ip <address>', 'Its address')
    .option('--mac <mac>', 'The new machine\'s MAC (default: derived from cluster and node name)')
    .option('--tags <list>', 'Patroni tags, comma-separated (nofailover, noloadbalance, clonefrom, nosync)')
    .action(async (name: string, spec: string | undefined, o) => (await import('./commands/add.js')).add(name, spec, o, run));
  outputOptions(
    cli.command('restore [spec]', 'Seeds of a cluster rebuilt from its backup repository, up to --to (spec updated: the target, a new Patroni namespace)'),
    'Output folder: the whole cluster is rendered again (replaced whole)',
  )
    .option('--to <time>', 'latest, or a time with its zone (\'2026-12-02 01:06:42+00\'): the newest change at or before it is restored')
    .action(async (spec: string | undefined, o) => (await import('./commands/restore.js')).restore(spec, o, run));
  outputOptions(
    cli.command('rollout [spec]', 'Roll the images pgha bake left in DIR/images/ through the running cluster: new seeds and DIR/launch/rollout.sh (spec updated: generations)'),
    'Output folder pgha bake wrote its images/ into: the whole cluster is rendered again (replaced whole, images kept)',
  ).action(async (spec: string | undefined, o) => (await import('./commands/rollout.js')).rollout(spec, o, run));
  outputOptions(
    cli.command('certs <action> [spec]', 'renew: issue every node and admin certificate again from the cluster CA, and write the seeds'),
    'Output folder (replaced whole), with each node\'s new files in DIR/nodes/<name>/tls/',
  ).action(async (action: string, spec: string | undefined, o) => (await import('./commands/certs.js')).certs(action, spec, o, run));
  cli
    .command('status [spec]', 'The running cluster from this machine: etcd and Patroni members, leaders, lag, certificate ends (exit 4 degraded, 5 unreachable)')
    .option('--out <dir>', 'The render\'s output folder (finds the default secrets file when no spec is given)')
    .option('--secrets <file>', 'The secrets file with the CA and the admin client certificate')
    .option('--timeout <seconds>', 'How long each endpoint may take (default 2)')
    .action(async (spec: string | undefined, o) => (await import('./commands/status.js')).status(spec, o, run));
  cli
    .command('switchover [spec]', 'The leader hands over to a replica through Patroni, from this machine (refused unless the cluster is healthy)')
    .option('--to <node>', 'The new leader (default: Patroni chooses among the replicas without nofailover)')
    .option('--wait', 'Return once a write through the VIP reaches the new leader, with the time that took')
    .option('--out <dir>', 'The render\'s output folder (finds the default secrets file when no spec is given)')
    .option('--secrets <file>', 'The secrets file with the CA, the admin client certificate and the REST password')
    .option('--timeout <seconds>', 'How long each endpoint may take for the health check before (default 2)')
    .action(async (spec: string | undefined, o) => (await import('./commands/switchover.js')).switchover(spec, o, run));
  cli
    .command('bake [spec]', 'Bake the golden role images with Packer into DIR/images/')
    .option('--out <dir>', 'Output folder (images under DIR/images/)')
    .option('--role <role>', 'Only this role: etcd or postgres')
    .option('--only <step>', 'validate: stop after packer validate; prepare: write the build seed and key for DIR/packer/ and print the Packer commands, run nothing')
    .option('--packer-compat <version>', 'Templates for Packer 1.6 (Debian 12): no required_plugins, no packer init')
    .option('--verbose', 'Show Packer\'s own output instead of the step display')
    .option('--base-image <file>', 'A local base cloud image instead of the flavour\'s download (checksum computed)')
    .option('--accelerator <name>', 'QEMU accelerator: kvm (default) or tcg')
    .option('--apt-proxy <url>', 'HTTP proxy for apt during the build')
    .action(async (spec: string | undefined, o) => (await import('./commands/bake.js')).bake(spec, o, run));
  for (const c of cli.commands) c.option('--json', JSON_OPTION);
  cli.help((sections) => {
    const help = cli.matchedCommand ? HELP[cli.matchedCommand.name] : undefined;
    const exits = [...ALWAYS, ...(help ? help.exits : ANY)].map(([code, text]) => `  ${String(code).padEnd(4)} ${text}`);
    return [...sections, ...(help ? [{ title: 'Writes', body: `  ${help.writes}` }] : []), { title: 'Exit codes', body: exits.join('\n') }];
  });
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
    const result = (await cli.runMatchedCommand()) as CommandResult | undefined;
    if (result) printResult(io, cli.matchedCommandName!, result, Boolean(cli.options.json));
    return result?.exitCode ?? EXIT.ok;
  } catch (e) {
    const f = failure(e);
    printFailure(io, cli.matchedCommandName, f, Boolean(cli.options.json));
    return f.exitCode;
  }
}
