/**
 * The README's quick start, run as written: its first shell block, taken from README.md, in a clean Debian 12
 * container (scripts/build-quickstart-rootfs.sh: mmdebstrap's minbase, no sudo, empty apt lists, this
 * machine's Node.js), in a copy of the repository's files; first as root, then as a user with sudo. Then the
 * output folder is checked. apt reaches Debian's mirror through this host (Docker's bridge with NAT when it
 * works here, else the host's network). npm runs offline from a copy of this machine's npm cache (filled by
 * the npm ci that .ci/run does first): the registry is reached here through a TLS proxy whose CA only this
 * host trusts. Needs root and a Docker engine (started when none runs).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { packagePath } from '../../src/paths.js';
import { LABEL } from './machines.js';

/** The first ```sh block of the README's "Quick start" section. */
export function quickStartBlock(readme: string): string {
  const section = readme.slice(readme.indexOf('\n## Quick start'));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md has no sh block under ## Quick start');
  return block[1]!;
}

const BLOCK = quickStartBlock(readFileSync(packagePath('README.md'), 'utf8'));
const NAME = `pgha-quickstart-${process.pid}`;
let image = '';

const docker = (args: string[], input?: string) =>
  execFileSync('docker', args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 * 2 ** 20 }).trim();

/** Runs a command in the container; returns its status and output (the output is printed when it fails). */
function exec(args: string[], options: { user?: string; cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}) {
  const flags = [
    ...(options.user ? ['-u', options.user, '-e', `HOME=/home/${options.user}`] : []),
    ...(options.cwd ? ['-w', options.cwd] : []),
    ...Object.entries(options.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
  ];
  const r = spawnSync('docker', ['exec', ...flags, NAME, ...args], { encoding: 'utf8', timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 2 ** 20 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The repository's files as a clone has them (tracked and new, nothing ignored), into the container's `dir`, owned by `owner`. */
function copyRepository(dir: string, owner: string): void {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: packagePath(), encoding: 'utf8' }).split('\0').filter(Boolean);
  const tar = execFileSync('tar', ['-c', '--null', '-T', '-', '-f', '-'], { cwd: packagePath(), input: files.join('\0'), maxBuffer: 256 * 2 ** 20 });
  assert.is(exec(['mkdir', '-p', dir]).status, 0);
  execFileSync('docker', ['cp', '-', `${NAME}:${dir}`], { input: tar });
  // this machine's npm cache, for npm ci offline
  const cache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
  const cacheTar = execFileSync('tar', ['-C', cache, '-c', '-f', '-', '_cacache'], { maxBuffer: 1024 * 2 ** 20 });
  const home = owner === 'root' ? '/root' : `/home/${owner}`;
  assert.is(exec(['mkdir', '-p', `${home}/.npm`]).status, 0);
  execFileSync('docker', ['cp', '-', `${NAME}:${home}/.npm`], { input: cacheTar, maxBuffer: 1024 * 2 ** 20 });
  docker(['exec', '-i', NAME, 'bash', '-c', `cat > ${home}/quick-start.sh`], BLOCK);
  assert.is(exec(['chown', '-R', `${owner}:`, dir, `${home}/.npm`, `${home}/quick-start.sh`]).status, 0);
}

/** What the quick start must leave: the default cluster in DIR/out, its secrets beside it, owned by the user who ran it. */
function checkOutput(dir: string, owner: string): void {
  const files = exec(['find', `${dir}/out`, '-type', 'f', '-printf', '%P %u %m\n']).out.trim().split('\n');
  const paths = files.map((l) => l.split(' ')[0]!);
  for (const n of ['etcd1', 'etcd2', 'etcd3', 'patroni1', 'patroni2', 'patroni3']) {
    for (const f of ['user-data', 'meta-data', 'network-config', 'seed.iso', 'virt-install.sh']) assert.ok(paths.includes(`nodes/${n}/${f}`), `${dir}/out/nodes/${n}/${f}`);
  }
  for (const f of ['launch/virt-install.sh', 'packer/etcd.pkr.json', 'packer/VARIABLES.md']) assert.ok(paths.includes(f), f);
  assert.ok(files.every((l) => l.split(' ')[1] === owner), `every file ${owner}'s`);
  assert.ok(files.find((l) => l.startsWith('nodes/patroni1/seed.iso '))!.endsWith(' 600'), 'the seed ISO is private');
  assert.is(exec(['stat', '-c', '%a %U', `${dir}/out.secrets.yaml`]).out.trim(), `600 ${owner}`);
}

test.before(() => {
  const started = spawnSync('bash', [packagePath('scripts', 'start-docker.sh')], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
  assert.is(started.status, 0, 'a Docker engine');
  const tar = packagePath('.cache', 'machines', 'quickstart.tar');
  const built = spawnSync('bash', [packagePath('scripts', 'build-quickstart-rootfs.sh'), tar], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
  assert.is(built.status, 0, 'the quick-start rootfs');
  image = `pgha-test-quickstart:${readFileSync(`${tar}.recipe`, 'utf8').trim().slice(0, 12)}`;
  docker(['import', '--change', `LABEL ${LABEL}=1`, '--change', 'CMD ["sleep", "infinity"]', tar, image]);
  // a plain docker run first (bridge and NAT); the host's network where this machine's NAT does not reach out
  for (const network of ['bridge', 'host']) {
    docker(['run', '-d', '--name', NAME, '--label', `${LABEL}=1`, '--network', network, image]);
    const reach = exec(['bash', '-c', 'exec 3<>/dev/tcp/deb.debian.org/80'], { timeoutMs: 15_000 });
    console.log(`    docker network ${network}: Debian's mirror ${reach.status === 0 ? 'reached' : 'not reached'}`);
    if (reach.status === 0) return;
    docker(['rm', '-f', NAME]);
  }
  throw new Error('the container reaches Debian\'s mirror neither through Docker\'s bridge nor through the host\'s network');
});

test.after(() => {
  spawnSync('docker', ['rm', '-f', NAME]);
  if (image) spawnSync('docker', ['rmi', '-f', image]);
});

test('the quick start as root on a fresh Debian 12: no sudo there, empty apt lists refreshed, the default cluster rendered', () => {
  assert.is.not(exec(['bash', '-c', 'command -v sudo']).status, 0, 'a fresh container has no sudo');
  assert.is.not(exec(['bash', '-c', 'ls /var/lib/apt/lists/*_Packages']).status, 0, 'and no apt lists');
  copyRepository('/root/pgha', 'root');
  const r = exec(['bash', '-eu', '/root/quick-start.sh'], { cwd: '/root/pgha', env: { npm_config_offline: 'true' }, timeoutMs: 300_000 });
  assert.is(r.status, 0, r.out);
  checkOutput('/root/pgha', 'root');
});

test('the quick start as a user with sudo', () => {
  const setup = exec(['bash', '-euc', 'apt-get install -y -qq sudo >/dev/null && apt-get purge -y -qq xorriso >/dev/null && useradd -m dev && echo "dev ALL=(ALL) NOPASSWD:ALL" >/etc/sudoers.d/dev'], { timeoutMs: 120_000 });
  assert.is(setup.status, 0, setup.out);
  copyRepository('/home/dev/pgha', 'dev');
  const r = exec(['bash', '-eu', '/home/dev/quick-start.sh'], { user: 'dev', cwd: '/home/dev/pgha', env: { npm_config_offline: 'true' }, timeoutMs: 300_000 });
  assert.is(r.status, 0, r.out);
  assert.match(r.out, /xorriso/, 'xorriso installed again, through sudo');
  checkOutput('/home/dev/pgha', 'dev');
});

test.run();
