/**
 * Container "machines" for the cluster system tests and `npm run bench:cluster`: one Docker container per node
 * of a rendered spec, booted with systemd as PID 1 from an image that holds a role image's contents (built by
 * scripts/build-machine-rootfs.sh with the same image scripts Packer runs), at the node's address on a
 * Docker network for the spec's subnet, with the node's generated NoCloud seed in /var/lib/cloud/seed/nocloud.
 * Nothing else configures a machine: the tests exec into one only to observe it.
 *
 * Everything created here (containers, networks, images) carries the label LABEL and is removed by
 * `dispose()`, by a process exit, and before each new run (leftovers of a run that was killed).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { packagePath } from '../../src/paths.js';
import type { Role } from '../../src/spec/types.js';
import { modelOf, runPgha, writeImageScripts } from '../helpers.js';

process.env.TESTCONTAINERS_RYUK_DISABLED = 'true'; // Ryuk is an image to pull: nothing can be pulled here
const { GenericContainer, getContainerRuntimeClient } = await import('testcontainers');
type Dockerode = Awaited<ReturnType<typeof getContainerRuntimeClient>>;
type DockerContainer = ReturnType<Dockerode['container']['getById']>;

export const LABEL = 'org.pgha.test';

/**
 * What the machines run: a stand-in flavour's packages, optionally with an upstream Patroni release over
 * Debian's (the production target's Patroni on the closest userland that can run here).
 */
export interface Stack {
  flavor: 'debian-12' | 'debian-13';
  /** An upstream Patroni release in the shared vendor folder (patroni-3.2.2.tar.gz: Ubuntu 24.04's). */
  patroniRelease?: string;
}

export const STACKS = {
  debian12: { flavor: 'debian-12' },
  debian13: { flavor: 'debian-13' },
  ubuntuPatroni: { flavor: 'debian-12', patroniRelease: 'patroni-3.2.2.tar.gz' },
} as const satisfies Record<string, Stack>;

/** The Debian release a stand-in flavour is built from. */
const SUITE: Record<Stack['flavor'], string> = { 'debian-12': 'bookworm', 'debian-13': 'trixie' };

/** The vendored upstream releases (test inputs): $PGHA_VENDOR_DIR, else ../shared/vendor beside the repository, else /work/shared/vendor. */
function vendorFile(name: string): string {
  const dirs = [process.env.PGHA_VENDOR_DIR, packagePath('..', 'shared', 'vendor'), '/work/shared/vendor'].filter((d): d is string => Boolean(d));
  const found = dirs.map((d) => join(d, name)).find((p) => existsSync(p));
  if (!found) throw new Error(`${name} not found in ${dirs.join(', ')}: set PGHA_VENDOR_DIR to the folder holding it and its SHA256SUMS`);
  return found;
}

/** The Patroni version a stack runs. */
export function patroniVersionOf(stack: Stack): string {
  return stack.patroniRelease ? /patroni-(\d+\.\d+\.\d+)/.exec(stack.patroniRelease)![1]! : modelOf((s) => (s.cluster.flavor = stack.flavor)).flavor.patroniVersion;
}

export interface MachineNode {
  name: string;
  role: Role;
  ip: string;
}

/** A spec on a private test subnet, with a stand-in flavour (default Debian 12), eth0 (Docker's interface name) and `extra` YAML. */
export function testSpec(name: string, subnet: number, extra = '', flavor: Stack['flavor'] = 'debian-12'): string {
  const ip = (host: number) => `10.${subnet}.0.${host}`;
  return `cluster: {name: ${name}, flavor: ${flavor}}
network: {cidr: 10.${subnet}.0.0/24, gateway: ${ip(1)}, dns: [${ip(1)}], interface: eth0, vip: ${ip(2)}}
nodes:
  - {name: etcd1, role: etcd, ip: ${ip(11)}}
  - {name: etcd2, role: etcd, ip: ${ip(12)}}
  - {name: etcd3, role: etcd, ip: ${ip(13)}}
  - {name: pg1, role: postgres, ip: ${ip(21)}}
  - {name: pg2, role: postgres, ip: ${ip(22)}}
  - {name: pg3, role: postgres, ip: ${ip(23)}, tags: {nofailover: true}}
${extra}`;
}

let cleaned = false;

/**
 * Starts dockerd when none answers (scripts/start-docker.sh); the first call of a process removes what an
 * earlier killed run left (later ones must not: the images this process imported are still in use).
 */
export function ensureDocker(): void {
  const r = spawnSync('bash', [packagePath('scripts', 'start-docker.sh')], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('no Docker engine: scripts/start-docker.sh failed');
  if (cleaned) return;
  cleaned = true;
  removeLabelled();
  // Ctrl-C or a kill ends the process through its exit handlers, which remove the machines.
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
}

function docker(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function removeLabelled(): void {
  const ids = (kind: 'ps' | 'network ls' | 'images') =>
    docker([...kind.split(' '), ...(kind === 'ps' ? ['-a'] : []), '-q', '--filter', `label=${LABEL}`]).split('\n').filter(Boolean);
  const containers = ids('ps');
  if (containers.length) docker(['rm', '-f', '-v', ...containers]);
  for (const n of ids('network ls')) docker(['network', 'rm', n]);
  const images = [...new Set(ids('images'))];
  if (images.length) docker(['rmi', '-f', ...images]);
}

const imported = new Map<string, string>();

/**
 * The rootfs tarball of a role on a stack, cached in .cache/machines by recipe hash like the base image: built by
 * scripts/build-machine-rootfs.sh, a release variant derived from its flavour's own postgres rootfs.
 */
function machineRootfs(role: Role, stack: Stack): string {
  const release = role === 'postgres' ? stack.patroniRelease : undefined;
  const key = machineKey(role, stack);
  const base = release ? machineRootfs(role, { flavor: stack.flavor }) : '';
  const model = modelOf((s) => (s.cluster.flavor = stack.flavor));
  const tar = packagePath('.cache', 'machines', `${key}.tar`);
  const scripts = writeImageScripts(mkdtempSync(join(tmpdir(), 'pgha-image-scripts-')), model);
  const build = spawnSync('bash', [packagePath('scripts', 'build-machine-rootfs.sh'), role, tar, scripts, ...model.flavor.packages[role]], {
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, PGHA_SUITE: SUITE[stack.flavor], PGHA_PATRONI_RELEASE: release ? vendorFile(release) : '', PGHA_ROOTFS_BASE: base },
  });
  rmSync(scripts, { recursive: true, force: true });
  if (build.status !== 0) throw new Error(`the ${key} machine rootfs could not be built`);
  return tar;
}

/** What names a machine image: flavour, role and, for postgres, the Patroni release. */
function machineKey(role: Role, stack: Stack): string {
  const release = role === 'postgres' ? stack.patroniRelease : undefined;
  return `${stack.flavor}-${role}${release ? `-${release.replace(/\.tar\.gz$/, '')}` : ''}`;
}

/**
 * The machine image of a role on a stack: its rootfs imported into Docker under a tag naming its recipe.
 * Imported once per process, removed at exit. An etcd machine does not depend on the Patroni release.
 */
export function machineImage(role: Role, stack: Stack = STACKS.debian12): string {
  const key = machineKey(role, stack);
  const known = imported.get(key);
  if (known) return known;
  const tar = machineRootfs(role, stack);
  const tag = `pgha-test-machine-${key}:${readFileSync(`${tar}.recipe`, 'utf8').trim().slice(0, 12)}`;
  docker(['import', '--change', `LABEL ${LABEL}=1`, '--change', 'CMD ["/sbin/init"]', tar, tag]);
  if (imported.size === 0) process.once('exit', removeMachineImages);
  imported.set(key, tag);
  return tag;
}

/** GenericContainer with what testcontainers 11 cannot set: a fixed address on a network and the host's cgroup namespace. */
class MachineContainer extends GenericContainer {
  constructor(image: string, private readonly network: string, private readonly ip: string) {
    super(image);
  }
  protected override async beforeContainerCreated(): Promise<void> {
    this.createOpts.NetworkingConfig = { EndpointsConfig: { [this.network]: { IPAMConfig: { IPv4Address: this.ip } } } };
    (this.hostConfig as typeof this.hostConfig & { CgroupnsMode?: string }).CgroupnsMode = 'host';
    this.createOpts.StopSignal = 'SIGRTMIN+3'; // systemd's "halt"
  }
}

export interface Cluster {
  name: string;
  dir: string;
  vip: string;
  nodes: MachineNode[];
  secrets: { superuserPassword: string; restApiPassword: string; users: Record<string, string>; tls: { ca: { cert: string }; admin: { cert: string; key: string } } };
  /** Milliseconds since the epoch when the last machine had started. */
  startedAt: number;
  container(node: string): DockerContainer;
  node(name: string): MachineNode;
  /** Runs a command in a running machine, to observe it; returns stdout (throws on a non-zero exit). */
  exec(node: string, cmd: string[]): Promise<string>;
  kill(node: string): Promise<void>;
  start(node: string): Promise<void>;
  /** Runs pgha in the cluster's folder (spec.yaml, its secrets, out/), as the on-call engineer would; throws on failure. */
  pgha(args: string[]): string;
  /**
   * A new machine for `node` from the current spec and seed (after pgha replace or pgha add): the node's old
   * machine, if any, is removed first, as a dead VM would be deleted. Resolves once it has started.
   */
  boot(node: string): Promise<void>;
  dispose(): Promise<void>;
}

interface ClusterFile {
  network: { cidr: string; gateway: string; vip: string };
  nodes: MachineNode[];
}

/**
 * Renders `spec` with pgha (as a user would, into a temporary folder with its secrets), creates a network for
 * its subnet and one machine per node, and starts them all at once. `beforeMachines` runs once the network
 * exists (a service of the test host that listens on its gateway address).
 */
export async function startCluster(
  name: string,
  spec: string,
  stack: Stack = STACKS.debian12,
  options: { beforeMachines?: () => Promise<void> } = {},
): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), `pgha-${name}-`));
  writeFileSync(join(dir, 'spec.yaml'), spec);
  const pgha = (args: string[]) => {
    const r = runPgha(args, dir);
    if (r.status !== 0) throw new Error(`pgha ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
    return r.stdout;
  };
  pgha(['render', 'spec.yaml', '--out', 'out', '--no-iso']);
  const current = () => YAML.parse(readFileSync(join(dir, 'spec.yaml'), 'utf8')) as ClusterFile;
  const parsed = current();
  const nodes = parsed.nodes;
  const secrets = YAML.parse(readFileSync(join(dir, 'spec.secrets.yaml'), 'utf8'));

  const client = await getContainerRuntimeClient();
  const networkName = `pgha-${name}`;
  const network = await client.network.create({
    Name: networkName,
    Driver: 'bridge',
    IPAM: { Config: [{ Subnet: parsed.network.cidr, Gateway: parsed.network.gateway }] },
    Labels: { [LABEL]: '1' },
  });
  const ids = new Map<string, string>();
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    process.off('exit', onExit);
    for (const id of ids.values()) await client.container.getById(id).remove({ force: true, v: true }).catch(() => undefined);
    await network.remove().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  // a process that ends before dispose (a failed test) still removes the cluster; dispose takes this back
  const onExit = () => {
    for (const id of ids.values()) spawnSync('docker', ['rm', '-f', '-v', id]);
    spawnSync('docker', ['network', 'rm', networkName]);
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  const seed = (node: string, file: string) => ({
    content: readFileSync(join(dir, 'out', 'nodes', node, file)),
    target: `/var/lib/cloud/seed/nocloud/${file}`,
    mode: 0o600,
  });
  let machines = 0;
  /** Creates and starts the machine of `n` with its seed; its container is named after the node and a counter. */
  const startMachine = async (n: MachineNode) => {
    const c = new MachineContainer(machineImage(n.role, stack), networkName, n.ip)
      .withName(`pgha-${name}-${n.name}-${++machines}`)
      .withHostname(n.name)
      .withNetworkMode(networkName)
      .withLabels({ [LABEL]: '1' })
      .withAddedCapabilities('ALL')
      .withDroppedCapabilities('SYS_RESOURCE')
      .withSecurityOpt('seccomp=unconfined', 'apparmor=unconfined')
      .withBindMounts([{ source: '/sys/fs/cgroup', target: '/sys/fs/cgroup', mode: 'rw' }])
      .withTmpFs({ '/run': 'rw', '/run/lock': 'rw', '/tmp': 'rw' })
      .withCopyContentToContainer([seed(n.name, 'user-data'), seed(n.name, 'meta-data')]);
    ids.set(n.name, (await c.start()).getId());
  };
  const container = (node: string) => {
    const id = ids.get(node);
    if (!id) throw new Error(`no machine ${node}`);
    return client.container.getById(id);
  };

  try {
    await options.beforeMachines?.();
    // Started in parallel: "all machines started" is when the last start returned.
    await Promise.all(nodes.map(startMachine));
    const startedAt = Date.now();
    return {
      name,
      dir,
      vip: parsed.network.vip,
      nodes,
      secrets,
      startedAt,
      container,
      node: (n) => nodes.find((x) => x.name === n) ?? assertNever(n),
      async exec(node, cmd) {
        const r = await client.container.exec(container(node), cmd);
        if (r.exitCode !== 0) throw new Error(`${node}: ${cmd.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
        return r.stdout;
      },
      kill: async (node) => void (await container(node).kill({ signal: 'SIGKILL' })),
      start: async (node) => void (await container(node).start()),
      pgha,
      async boot(node) {
        const spec = current().nodes.find((x) => x.name === node) ?? assertNever(node);
        if (ids.has(node)) await container(node).remove({ force: true, v: true });
        ids.delete(node);
        const i = nodes.findIndex((x) => x.name === node);
        if (i >= 0) nodes[i] = spec;
        else nodes.push(spec);
        await startMachine(spec);
      },
      dispose,
    };
  } catch (e) {
    await dispose();
    throw e;
  }
}

function assertNever(name: string): never {
  throw new Error(`no node ${name}`);
}

/** Removes the images this process imported. */
export function removeMachineImages(): void {
  for (const tag of imported.values()) spawnSync('docker', ['rmi', '-f', tag]);
  imported.clear();
}
