/**
 * The package as a user installs it: `npm pack`, the tarball installed into an empty folder, then the
 * installed `pgha` renders the default cluster, finding its flavours, schema and scripts inside the package.
 * The dependencies' tarballs come from this machine's npm cache (npm --prefer-offline: the npm ci that
 * .ci/run does first has filled it); only their metadata is asked of the registry, which a lockfile without
 * `resolved` URLs did not need. Needs xorriso (scripts/install-deps.sh) for the seed ISOs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { packagePath } from '../../src/paths.js';

const tmp = mkdtempSync(join(tmpdir(), 'pgha-package-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });

test('npm pack, install the tarball into an empty folder, npx pgha render: everything found inside the package', () => {
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tmp], packagePath())) as { filename: string; files: { path: string }[] }[];
  const files = packed[0]!.files.map((f) => f.path);
  for (const f of ['dist/bin.js', 'schema/pgha-spec.schema.json', 'flavors/debian-12.json', 'assets/node/pgha-node', 'assets/image/seal.sh', 'assets/launch/virt-install.sh']) {
    assert.ok(files.includes(f), `${f} is in the package`);
  }
  assert.not.ok(files.some((f) => /^(src|test|scripts)\//.test(f)), 'no sources or tests in the package');

  const app = join(tmp, 'app');
  execFileSync('mkdir', [app]);
  run('npm', ['init', '-y'], app);
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(tmp, packed[0]!.filename)], app);
  const installed = realpathSync(join(app, 'node_modules', 'pgha'));
  assert.ok(installed.startsWith(app), 'a copy, not a link to the repository');

  const out = run('npx', ['--no-install', 'pgha', 'render', '--out', 'out'], app);
  assert.match(out, /wrote 6 node seeds and seed ISOs \(xorriso\) to out\/nodes\//);
  assert.equal(readdirSync(join(app, 'out', 'nodes')).sort(), ['etcd1', 'etcd2', 'etcd3', 'patroni1', 'patroni2', 'patroni3']);
  assert.ok(statSync(join(app, 'out', 'nodes', 'patroni1', 'seed.iso')).size > 0);
  assert.ok(existsSync(join(app, 'out', 'packer', 'scripts', 'seal.sh')) && existsSync(join(app, 'out', 'packer', 'VARIABLES.md')));
  assert.match(readFileSync(join(app, 'out', 'nodes', 'patroni1', 'user-data'), 'utf8'), /^#cloud-config\n/);
  assert.is(statSync(join(app, 'out.secrets.yaml')).mode & 0o777, 0o600);

  const init = run('npx', ['--no-install', 'pgha', 'init', 'pgha.yaml'], app);
  assert.match(init, /wrote pgha\.yaml/);
  const schemaLine = readFileSync(join(app, 'pgha.yaml'), 'utf8').split('\n')[0]!;
  assert.is(schemaLine, '# yaml-language-server: $schema=node_modules/pgha/schema/pgha-spec.schema.json', 'the schema inside the installed package');
  assert.match(run('npx', ['--no-install', 'pgha', 'validate', 'pgha.yaml'], app), /pgha\.yaml: valid \(3 etcd, 3 postgres nodes\)/);
});

test.run();
