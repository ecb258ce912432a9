import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { flavorNamed, resolveFlavor } from '../../../src/model/flavors.js';
import { BUILD } from '../../../src/node/contract.js';
import { packerFiles, QEMU_PLUGIN, renderPackerTemplate } from '../../../src/render/packer.js';
import { IMAGE_SCRIPTS } from '../../../src/render/scripts.js';
import { defaultModel, FLAVORS, modelOf, TEMPLATES, TEST_SECRETS } from '../../helpers.js';

const BUILD_DIR = BUILD.dir;
const ubuntu = resolveFlavor(flavorNamed(FLAVORS, 'ubuntu-24.04'), { pg: '16', cluster: 'main' });
const renderPackerFiles = (m: ReturnType<typeof defaultModel>, target: 'modern' | '1.6') => packerFiles(m, target, TEMPLATES.scripts);
type Template = Record<string, any>;
const tpl = (role: 'etcd' | 'postgres', target: 'modern' | '1.6' = 'modern') => renderPackerTemplate(ubuntu, role, target) as Template;

test('modern templates require the external qemu plugin; 1.6 templates leave the block out and are otherwise identical', () => {
  const modern = tpl('etcd');
  assert.equal(modern.packer, { required_version: '>= 1.7.0', required_plugins: { qemu: { source: 'github.com/hashicorp/qemu', version: '~> 1' } } });
  assert.equal(QEMU_PLUGIN.source, 'github.com/hashicorp/qemu');
  const compat = tpl('etcd', '1.6');
  assert.not.ok('packer' in compat);
  const { packer: _p, ...rest } = modern;
  assert.equal(rest, compat);
});

test('the source is a QEMU disk image with a cidata seed CD from variables, defaulting to the Ubuntu 24.04 cloud image', () => {
  const t = tpl('postgres');
  const src = t.source.qemu.postgres;
  assert.is(src.disk_image, true);
  assert.is(src.cd_label, 'cidata');
  assert.equal(src.cd_files, ['${var.build_seed_dir}/user-data', '${var.build_seed_dir}/meta-data']);
  assert.is(src.ssh_private_key_file, '${var.ssh_private_key_file}');
  assert.match(t.variable.base_image_url.default, /noble.*ubuntu-24\.04-server-cloudimg-amd64\.img$/);
  assert.match(t.variable.base_image_checksum.default, /^file:https:.*noble.*SHA256SUMS$/);
  for (const v of ['output_directory', 'disk_size', 'accelerator', 'memory', 'cpus', 'headless', 'apt_proxy']) assert.ok(v in t.variable, v);
  assert.is(t.variable.accelerator.default, 'kvm');
  assert.not.ok('default' in t.variable.build_seed_dir, 'the seed comes from pgha bake, per build');
  assert.not.ok('default' in t.variable.ssh_private_key_file, 'the key comes from pgha bake, per build');
});

test('provisioning runs the assets/image/ scripts in order, the hygiene check last; the shutdown command removes the build user', () => {
  const t = tpl('postgres');
  const steps = (t.build.provisioner as Template[]).map((p) => (p.shell ? p.shell.inline[0] : `file ${p.file.direction ?? 'upload'}`));
  assert.equal(steps, [
    `mkdir -p ${BUILD_DIR}`,
    'file upload',
    `${BUILD_DIR}/install-packages.sh postgresql-16 patroni python3-etcd haproxy keepalived python3-psycopg2 pgbackrest`,
    `sudo ${BUILD_DIR}/configure-services.sh postgres`,
    `sudo ${BUILD_DIR}/package-versions.sh ${BUILD_DIR}/packages.tsv`,
    'file download',
    `sudo ${BUILD_DIR}/seal.sh`,
    `sudo bash ${BUILD_DIR}/hygiene-check.sh --role postgres --build-user '' -- postgresql-16 patroni python3-etcd haproxy keepalived python3-psycopg2 pgbackrest`,
  ]);
  assert.equal(t.build.provisioner[2].shell.environment_vars, ['APT_PROXY=${var.apt_proxy}'], 'Packer quotes the proxy value');
  assert.is(t.build.provisioner[2].shell.execute_command, 'chmod +x {{ .Path }}; sudo {{ .Vars }} {{ .Path }}');
  assert.is(t.source.qemu.postgres.shutdown_command, `sudo ${BUILD_DIR}/finish.sh postgres postgresql-16 patroni python3-etcd haproxy keepalived python3-psycopg2 pgbackrest`);
  assert.equal(t.build['post-processor'], [{ manifest: { output: '${var.manifest_path}', strip_path: false, custom_data: { role: 'postgres', flavor: 'ubuntu-24.04' } } }]);
  assert.ok(tpl('etcd').source.qemu.etcd.shutdown_command.endsWith('finish.sh etcd etcd-server etcd-client'));
});

test('render writes both templates and every script they run, filled in', () => {
  const files = renderPackerFiles(defaultModel(), 'modern');
  assert.equal(files.map((f) => f.path), ['packer/etcd.pkr.json', 'packer/postgres.pkr.json', 'packer/VARIABLES.md', ...IMAGE_SCRIPTS.map((n) => `packer/scripts/${n}`)]);
  for (const f of files) assert.not.match(f.content, /@@[A-Z_]+@@/, f.path);
  for (const f of files.filter((f) => f.path.includes('/scripts/'))) assert.is(f.mode, 0o755);
  const templates = files[0]!.content + files[1]!.content;
  for (const n of IMAGE_SCRIPTS) assert.ok(templates.includes(`${BUILD_DIR}/${n}`), n);
  assert.ok(files.find((f) => f.path === 'packer/scripts/finish.sh')!.content.includes('hygiene-check.sh'));
});

test('templates hold no secret and no per-node value: images are the same for every node of a role', () => {
  const model = modelOf((s) => (s.admin = { sshAuthorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests test@pgha'] }));
  const text = renderPackerFiles(model, 'modern').map((f) => f.content).join('\n');
  for (const n of model.nodes) {
    assert.not.ok(text.includes(n.ip), n.ip);
    assert.not.ok(text.includes(n.mac), n.mac);
    assert.not.ok(new RegExp(`\\b${n.name}\\b`).test(text), n.name);
  }
  for (const s of [...Object.values(TEST_SECRETS).filter((v) => typeof v === 'string'), model.network.vip, 'FakeKeyForTests']) {
    assert.not.ok(text.includes(s as string), String(s));
  }
  const other = renderPackerFiles(modelOf((s) => s.nodes.reverse()), 'modern');
  assert.equal(other, renderPackerFiles(model, 'modern'));
});

test('the Debian 12 stand-in flavour: PostgreSQL 15 packages, its own image name', () => {
  const t = renderPackerTemplate(resolveFlavor(flavorNamed(FLAVORS, 'debian-12'), { pg: '15', cluster: 'main' }), 'postgres', '1.6') as Template;
  assert.match(t.build.provisioner[2].shell.inline[0], /install-packages\.sh postgresql-15 patroni python3-etcd/);
  assert.is(t.variable.vm_name.default, 'pgha-debian-12-postgres.qcow2');
});

test.run();
