import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { rollout } from '../../../src/commands/rollout.js';
import { UserError } from '../../../src/errors.js';
import { pgha, tree } from '../../helpers.js';

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-rollout-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

const NODES = ['etcd1', 'etcd2', 'etcd3', 'patroni1', 'patroni2', 'patroni3'];

/** A rendered cluster with the two baked images beside it, as pgha bake leaves them (their content is a stand-in). */
async function baked(): Promise<void> {
  assert.is((await pgha(['init', 'c.yaml'], dir)).code, 0);
  assert.is((await pgha(['render', 'c.yaml', '--out', 'out', '--no-iso'], dir)).code, 0);
  for (const role of ['etcd', 'postgres']) {
    mkdirSync(join(dir, 'out', 'images', role), { recursive: true });
    writeFileSync(join(dir, 'out', 'images', role, `pgha-ubuntu-24.04-${role}.qcow2`), `${role} image\n`);
  }
}

test('rollout refuses without the baked images, naming the image and the bake command; spec and output unchanged', async () => {
  assert.is((await pgha(['init', 'c.yaml'], dir)).code, 0);
  assert.is((await pgha(['render', 'c.yaml', '--out', 'out', '--no-iso'], dir)).code, 0);
  const spec = readFileSync(join(dir, 'c.yaml'), 'utf8');
  const r = await pgha(['rollout', 'c.yaml', '--out', 'out', '--no-iso'], dir);
  assert.is(r.code, 2);
  assert.match(r.stderr, /no etcd image at out\/images\/etcd\/pgha-ubuntu-24\.04-etcd\.qcow2: bake the new images first \(pgha bake c\.yaml --out out\)/);
  assert.is(readFileSync(join(dir, 'c.yaml'), 'utf8'), spec);
  assert.not.ok(existsSync(join(dir, 'out', 'launch', 'rollout.sh')));
  const io = { out: () => undefined, err: () => undefined, env: {} };
  const e = await rollout(undefined, { out: 'out' }, io).catch((x: unknown) => x);
  assert.instance(e, UserError, 'the spec file is needed: the generations are recorded in it');
  assert.match((e as UserError).message, /pgha rollout records the change in the spec file \(every node's generation\)/);
});

test('rollout: every generation up, every node a new key, images kept, and launch/rollout.sh written (and kept by a render again)', async () => {
  await baked();
  const before = tree(join(dir, 'out', 'nodes'));
  const r = await pgha(['rollout', 'c.yaml', '--out', 'out', '--no-iso'], dir);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /every node is generation 1 or above; replace the VMs one at a time with out\/launch\/rollout\.sh c\.yaml/);
  const nodes = (YAML.parse(readFileSync(join(dir, 'c.yaml'), 'utf8')) as { nodes: { name: string; generation?: number }[] }).nodes;
  assert.equal(nodes.map((n) => n.generation), [1, 1, 1, 1, 1, 1]);
  const after = tree(join(dir, 'out', 'nodes'));
  for (const n of NODES) assert.is.not(after[`${n}/tls/node.key`], before[`${n}/tls/node.key`], `${n}: a new machine gets a new key`);
  assert.match(after['etcd1/user-data']!, /join-etcd/, 'every etcd seed joins the running cluster');
  assert.ok(existsSync(join(dir, 'out', 'images', 'postgres', 'pgha-ubuntu-24.04-postgres.qcow2')), 'the images are kept');
  assert.is((await pgha(['rollout', 'c.yaml', '--out', 'out', '--no-iso'], dir)).code, 0);
  assert.equal((YAML.parse(readFileSync(join(dir, 'c.yaml'), 'utf8')) as { nodes: { generation: number }[] }).nodes.map((n) => n.generation), [2, 2, 2, 2, 2, 2]);
  assert.is((await pgha(['render', 'c.yaml', '--out', 'out', '--no-iso'], dir)).code, 0);
  assert.ok(existsSync(join(dir, 'out', 'launch', 'rollout.sh')), 'seeds that join: the script stays');
});

/**
 * rollout.sh run against stand-ins: each node's virt-install.sh records its replacement and keeps the VM's state
 * in a file; `pgha` answers status with patroni1 leading (healthy, or exit 4 when told) and records switchovers.
 */
function standIns(failOn?: string): { log: () => string[]; run: (env?: Record<string, string>) => ReturnType<typeof spawnSync> } {
  const s = join(dir, 'state');
  mkdirSync(s);
  writeFileSync(join(s, 'leader'), 'patroni1\n');
  for (const n of NODES) {
    writeFileSync(join(s, `${n}.state`), 'old\n');
    writeFileSync(
      join(dir, 'out', 'nodes', n, 'virt-install.sh'),
      [
        '#!/bin/bash',
        `s=${s}`,
        `[[ $1 == --state ]] && { cat "$s/${n}.state"; exit 0; }`,
        '[[ $1 == --force ]] || exit 9',
        `echo ${n} >> "$s/log"`,
        `[[ -e $s/fail-${n} ]] && { rm "$s/fail-${n}"; echo down > "$s/${n}.state"; exit 1; }`,
        `echo current > "$s/${n}.state"`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
  }
  if (failOn) writeFileSync(join(s, `fail-${failOn}`), '');
  const fake = join(dir, 'fake-pgha');
  writeFileSync(
    fake,
    [
      '#!/bin/bash',
      `s=${s}`,
      'cmd=$1; shift',
      'if [[ $cmd == status ]]; then',
      '  echo "status $*" >> "$s/calls"',
      '  leader=$(cat "$s/leader")',
      '  for n in patroni1 patroni2 patroni3; do [[ $n == "$leader" ]] && echo "patroni $n 10.0.0.1 leader running" || echo "patroni $n 10.0.0.1 replica streaming"; done',
      '  [[ -e $s/degraded ]] && exit 4 || exit 0',
      'fi',
      'echo "$cmd $*" >> "$s/log"',
      'while (($#)); do [[ $1 == --to ]] && echo "$2" > "$s/leader"; shift; done',
      '',
    ].join('\n'),
  );
  chmodSync(fake, 0o755);
  return {
    log: () => (existsSync(join(s, 'log')) ? readFileSync(join(s, 'log'), 'utf8').trim().split('\n') : []),
    run: (env = {}) => spawnSync('bash', [join(dir, 'out', 'launch', 'rollout.sh'), 'c.yaml', '--secrets', 'c.secrets.yaml'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PGHA: fake, ...env } }),
  };
}

test('rollout.sh: etcd members, the replicas, a switchover to a replica that may lead, the old leader last; pgha status options passed on', async () => {
  await baked();
  assert.is((await pgha(['rollout', 'c.yaml', '--out', 'out', '--no-iso'], dir)).code, 0);
  const { log, run } = standIns();
  const r = run();
  assert.is(r.status, 0, String(r.stderr));
  assert.equal(log(), ['etcd1', 'etcd2', 'etcd3', 'patroni2', 'patroni3', 'switchover c.yaml --to patroni2 --wait --secrets c.secrets.yaml', 'patroni1'], 'patroni3 has nofailover: never the target');
  assert.match(String(r.stdout), /cluster 16-main: every VM runs its seed on its image/);
  for (const l of readFileSync(join(dir, 'state', 'calls'), 'utf8').trim().split('\n')) assert.is(l, 'status c.yaml --secrets c.secrets.yaml');
  const again = run();
  assert.is(again.status, 0);
  assert.is(log().length, 7, 'run again: nothing is replaced twice');
  assert.match(String(again.stdout), /etcd1: already on its image and seed/);
});

test('rollout.sh interrupted by a failed replacement: run again, it replaces the VM left down and goes on, redoing nothing', async () => {
  await baked();
  assert.is((await pgha(['rollout', 'c.yaml', '--out', 'out', '--no-iso'], dir)).code, 0);
  const { log, run } = standIns('patroni2');
  assert.is.not(run().status, 0);
  assert.equal(log(), ['etcd1', 'etcd2', 'etcd3', 'patroni2']);
  const r = run();
  assert.is(r.status, 0, String(r.stderr));
  assert.match(String(r.stdout), /patroni2: its VM is not running: replaced now/);
  assert.equal(log().slice(4), ['patroni2', 'patroni3', 'switchover c.yaml --to patroni2 --wait --secrets c.secrets.yaml', 'patroni1']);
});

test('rollout.sh replaces nothing while the cluster is not healthy, and says so after its timeout', async () => {
  await baked();
  assert.is((await pgha(['rollout', 'c.yaml', '--out', 'out', '--no-iso'], dir)).code, 0);
  const { log, run } = standIns();
  writeFileSync(join(dir, 'state', 'degraded'), '');
  const r = run({ PGHA_ROLLOUT_TIMEOUT: '0' });
  assert.is(r.status, 1);
  assert.match(String(r.stderr), /the cluster is not healthy after 0 s \(before etcd1\): stopped; run it again once it is/);
  assert.equal(log(), []);
});

test('rollout.sh stops before the Patroni members when pgha status names no leader', async () => {
  await baked();
  assert.is((await pgha(['rollout', 'c.yaml', '--out', 'out', '--no-iso'], dir)).code, 0);
  const { log, run } = standIns();
  writeFileSync(join(dir, 'state', 'leader'), 'nobody\n');
  const r = run();
  assert.is(r.status, 1);
  assert.match(String(r.stderr), /pgha status names no Patroni leader: stopped/);
  assert.equal(log(), ['etcd1', 'etcd2', 'etcd3']);
});

test('virt-install.sh --state: down without a running VM, old with another seed or image, current with its own (libvirt\'s description)', async () => {
  await baked();
  const node = join(dir, 'out', 'nodes', 'etcd1');
  writeFileSync(join(node, 'seed.iso'), 'seed\n');
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const sha = (f: string) => execFileSync('sha256sum', [f], { encoding: 'utf8' }).split(' ')[0];
  const image = join(dir, 'out', 'images', 'etcd', 'pgha-ubuntu-24.04-etcd.qcow2');
  const own = `pgha seed sha256:${sha(join(node, 'seed.iso'))} image sha256:${sha(image)}`;
  const state = (domstate: string, desc: string) => {
    writeFileSync(join(bin, 'virsh'), `#!/bin/bash\ncase $1 in domstate) ${domstate} ;; desc) echo '${desc}' ;; esac\n`, { mode: 0o755 });
    return execFileSync(join(node, 'virt-install.sh'), ['--state'], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } }).trim();
  };
  assert.is(state('exit 1', own), 'down');
  assert.is(state('echo "shut off"', own), 'down');
  assert.is(state('echo running', 'pgha seed sha256:0 image sha256:0'), 'old');
  assert.is(state('echo running', own), 'current');
});

test.run();
