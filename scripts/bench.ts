/**
 * npm run bench: wall time and peak memory of the compiled CLI (dist/bin.js, as users run it), beside a bare
 * `node -e 0` measured in the same run (absolute times differ several-fold between machines; the ratios less):
 * `pgha --version`, and `pgha render` of the built-in default cluster and of generated clusters of 100 nodes (5 etcd
 * + 95 postgres, and 75 + 25) and 1000 nodes (750 + 250), with and without the seed ISOs, as a first render (new
 * secrets) and a render again (the same secrets and --out, as a user renders again: unchanged seed ISOs are reused),
 * with the cost per node beyond start-up; the default cluster also rendered again into a new folder (every ISO
 * made); plus the in-process validate + render time.
 * Targets on the 2-core CI machine: --version <= 2.5x a bare node start; the default cluster rendered again with
 * ISOs <= 4x; default <= 0.5 s, 100 nodes <= 2 s; the cost per node the same at 1000 nodes as at 100. Then
 * `pgha status` against stand-in members, healthy and half dead. Prints figures; asserts nothing.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createServer as createTcp } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { renderCluster } from '../src/assemble/cluster.js';
import { prepare } from '../src/commands/load.js';
import { findCloudConfigSchema } from '../src/io/cloud-config-schema.js';
import { loadTemplates } from '../src/io/package-data.js';
import { toYaml } from '../src/lib/yaml.js';
import { packagePath } from '../src/paths.js';
import { completeSecrets } from '../src/secrets/generate.js';
import type { Spec } from '../src/spec/types.js';
import { ETCD, etcdRoutes, fakeCluster, PG } from '../test/fake-cluster.js';

const RUNS = 5;
const BIN = packagePath('dist', 'bin.js');

/** A generated cluster of `etcd` etcd members and `postgres` postgres nodes (the last 5 nofailover). */
function cluster(etcd: number, postgres: number): Spec {
  const nodes: Spec['nodes'] = [];
  const ip = (i: number) => `10.40.${Math.floor(i / 250)}.${(i % 250) + 3}`;
  for (let i = 1; i <= etcd; i++) nodes.push({ name: `etcd${i}`, role: 'etcd', ip: ip(nodes.length) });
  for (let i = 1; i <= postgres; i++) nodes.push({ name: `pg${i}`, role: 'postgres', ip: ip(nodes.length), ...(i > postgres - 5 ? { tags: { nofailover: true } } : {}) });
  return {
    cluster: { name: 'bench', flavor: 'ubuntu-24.04' },
    network: { cidr: '10.40.0.0/16', gateway: '10.40.0.1', vip: '10.40.0.2' },
    nodes,
    postgres: { users: [{ name: 'app', options: ['createdb'] }] },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** One process: wall seconds and peak RSS (MiB, from scripts/report-rss.mjs). */
function timed(args: string[]): { seconds: number; maxRssMb: number } {
  const start = performance.now();
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(packagePath('scripts', 'report-rss.mjs')).href, ...args], { encoding: 'utf8' });
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return { seconds, maxRssMb: Number(/maxrss_kb=(\d+)/.exec(r.stderr)?.[1]) / 1024 };
}

const medianOf = (n: number, run: (i: number) => { seconds: number; maxRssMb: number }) => {
  const runs = Array.from({ length: n }, (_, i) => run(i));
  return { wall: median(runs.map((r) => r.seconds)), rss: Math.max(...runs.map((r) => r.maxRssMb)) };
};

let outputs = 0;
/** One `pgha render`: a first render when the secrets file does not exist yet, else a render again; into a new folder unless `out` is given. */
function render(specPath: string | undefined, dir: string, secrets: string, extra: string[], out = `out-${++outputs}`) {
  return timed([BIN, 'render', ...(specPath ? [specPath] : []), '--out', join(dir, out), '--secrets', join(dir, secrets), ...extra]);
}

/** A first render in process: secrets and certificates are made, as on a new cluster. */
async function inProcess(specPath: string | undefined): Promise<number> {
  const templates = loadTemplates();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const { model } = prepare(specPath);
    const { secrets } = await completeSecrets(model, undefined, { now: new Date(), lifetimes: model.tls });
    renderCluster(model, secrets, templates, 'modern');
    times.push(performance.now() - start);
  }
  return median(times);
}

/** One `pgha status` as its own process, while this one's stand-in members answer: wall seconds and exit code. */
function statusRun(cwd: string): Promise<{ seconds: number; code: number }> {
  const start = performance.now();
  return new Promise((done) => execFile(process.execPath, [BIN, 'status', 's.yaml'], { cwd }, (e) => done({ seconds: (performance.now() - start) / 1000, code: e ? Number(e.code) : 0 })));
}

/**
 * pgha status against stand-in members on loopback (test/fake-cluster.ts): a healthy cluster, and half of it
 * dead: one etcd member refusing connections, one accepting and never answering, one Patroni member silent.
 */
async function statusTimes(): Promise<Record<string, number>> {
  const fake = await fakeCluster();
  const members = { members: ['pg1', 'pg2', 'pg3'].map((name, i) => ({ name, role: i ? 'replica' : 'leader', state: i ? 'streaming' : 'running', lag: 0 })) };
  const runs = async (n: number) => {
    const all = [];
    for (let i = 0; i < n; i++) all.push(await statusRun(fake.dir));
    return { wall: median(all.map((r) => r.seconds)), code: all[0]!.code };
  };
  try {
    await Promise.all([
      ...ETCD.map((ip, i) => fake.serve(`etcd${i + 1}`, ip, 2379, etcdRoutes(i + 1))),
      ...PG.map((ip, i) => fake.serve(`pg${i + 1}`, ip, 8008, { 'GET /patroni': { state: 'running' }, 'GET /cluster': members })),
    ]);
    const healthy = await runs(RUNS);
    await fake.stopAll();
    const silent = createTcp(() => undefined);
    fake.servers.push(silent, createTcp(() => undefined));
    await new Promise<void>((done) => silent.listen(2379, ETCD[1], done));
    await new Promise<void>((done) => (fake.servers[1] as ReturnType<typeof createTcp>).listen(8008, PG[1], done));
    await Promise.all([fake.serve('etcd3', ETCD[2]!, 2379, etcdRoutes(3)), fake.serve('pg1', PG[0]!, 8008, { 'GET /patroni': { state: 'running' }, 'GET /cluster': members })]);
    const half = await runs(3);
    console.log(
      `pgha status (stand-in members on loopback, timeout 2 s): healthy ${healthy.wall.toFixed(2)} s (exit ${healthy.code}); ` +
        `half dead (a refused, a silent etcd member, a silent and a refused Patroni member) ${half.wall.toFixed(2)} s (exit ${half.code})`,
    );
    return { healthy_s: +healthy.wall.toFixed(2), healthy_exit: healthy.code, half_dead_s: +half.wall.toFixed(2), half_dead_exit: half.code };
  } finally {
    await fake.stopAll();
    fake.remove();
  }
}

const build = spawnSync('npm', ['run', '--silent', 'build'], { encoding: 'utf8', cwd: packagePath() });
if (build.status !== 0) throw new Error(`build failed: ${build.stdout}${build.stderr}`);
const dir = mkdtempSync(join(tmpdir(), 'pgha-bench-'));
try {
  const specFile = (name: string, spec: Spec) => {
    writeFileSync(join(dir, name), toYaml(spec));
    return join(dir, name);
  };
  // 100 nodes as before (5 etcd + 95 postgres); 100 and 1000 nodes in the same mix, 3 etcd to 1 postgres
  // (Keepalived's VRRP priorities allow 254 postgres nodes), to see whether the cost per node stays the same
  const clusters = [
    ['default (6 nodes)', undefined, 'default', 6, 0.5],
    ['100 nodes', specFile('hundred.yaml', cluster(5, 95)), 'nodes100', 100, 2],
    ['100 nodes, 3:1', specFile('hundred-mix.yaml', cluster(75, 25)), 'nodes100_mix', 100, 2],
    ['1000 nodes, 3:1', specFile('thousand-mix.yaml', cluster(750, 250)), 'nodes1000_mix', 1000, 20],
  ] as const;
  console.log(`cloud-init schema check: ${findCloudConfigSchema() ? 'on (installed cloud-init)' : 'off (cloud-init not installed)'}`);
  // the compiled schema checks are cached (~/.cache/pgha): one render first, so that every measured one finds them
  render(undefined, dir, 'warm.secrets.yaml', []);
  const results: Record<string, unknown> = {};
  const node = medianOf(RUNS * 2, () => timed(['-e', '0'])).wall;
  const version = medianOf(RUNS * 2, () => timed([BIN, '--version'])).wall;
  console.log(`bare node start ${node.toFixed(3)} s; pgha --version ${version.toFixed(3)} s = ${(version / node).toFixed(2)}x (target <= 2.5x)`);
  Object.assign(results, { node_start_s: +node.toFixed(3), version_s: +version.toFixed(3), version_ratio: +(version / node).toFixed(2) });
  for (const [label, spec, key, count, target] of clusters) {
    const runs = count >= 1000 ? 3 : RUNS;
    const core = await inProcess(spec);
    for (const [variant, extra] of [['with seed ISOs', []], ['--no-iso', ['--no-iso']]] as const) {
      for (const first of [true, false]) {
        const secrets = (i: number) => `${key}-${extra.length}-${first ? i : 0}.secrets.yaml`;
        // the first of the first renders writes the folder that the renders again replace
        const out = (i: number) => (first && i > 0 ? undefined : `${key}-${extra.length}-again`);
        const { wall, rss } = medianOf(runs, (i) => render(spec, dir, secrets(i), [...extra], out(i)));
        const ratio = wall / node;
        const perNode = ((wall - version) * 1000) / count;
        console.log(
          `${label}, ${variant}, ${first ? 'first render' : 'render again'}: wall ${wall.toFixed(3)} s = ${ratio.toFixed(2)}x a node start, ` +
            `${perNode.toFixed(2)} ms per node beyond start-up (median of ${runs}; target <= ${target} s: ${wall <= target ? 'met' : 'MISSED'}), peak RSS ${rss.toFixed(1)} MiB`,
        );
        results[`${key}${extra.length ? '_no_iso' : ''}${first ? '_first' : ''}`] = { wall_s: +wall.toFixed(3), ratio: +ratio.toFixed(2), per_node_ms: +perNode.toFixed(2), peak_rss_mib: +rss.toFixed(1) };
      }
    }
    if (key === 'default') {
      const { wall } = medianOf(runs, () => render(spec, dir, `${key}-0-0.secrets.yaml`, []));
      console.log(`${label}, with seed ISOs, render again into a new folder (every ISO made): wall ${wall.toFixed(3)} s = ${(wall / node).toFixed(2)}x a node start`);
      results.default_new_folder = { wall_s: +wall.toFixed(3), ratio: +(wall / node).toFixed(2) };
    }
    console.log(`${label}: in-process validate + first render ${core.toFixed(1)} ms`);
    results[`${key}_in_process_ms`] = +core.toFixed(1);
  }
  const perNode = (k: string) => (results[k] as { per_node_ms: number }).per_node_ms;
  for (const v of ['', '_no_iso']) {
    console.log(`growth from 100 to 1000 nodes (3:1)${v ? ', --no-iso' : ', with ISOs'}: ${(perNode(`nodes1000_mix${v}`) / perNode(`nodes100_mix${v}`)).toFixed(2)}x the cost per node (1.00 is linear)`);
  }
  results.status = await statusTimes();
  const again = (results.default as { ratio: number }).ratio;
  console.log(`default cluster rendered again with ISOs: ${again}x a node start (target <= 4x: ${again <= 4 ? 'met' : 'MISSED'})`);
  console.log(JSON.stringify(results));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
