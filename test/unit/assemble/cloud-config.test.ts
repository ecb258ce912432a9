import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { userDataConfig, userDataFile } from '../../../src/assemble/cloud-config.js';
import { nodeScriptFiles } from '../../../src/render/scripts.js';
import { backupModel, defaultModel, modelOf, parseUserData, TEMPLATES, TEST_SECRETS, writeFile, type CloudConfig } from '../../helpers.js';
import type { ClusterModel } from '../../../src/model/model.js';

const NODE = '/usr/local/lib/pgha/pgha-node';
const userData = (node: string, model: ClusterModel = defaultModel()) => {
  const n = model.nodes.find((x) => x.name === node)!;
  return userDataFile(`nodes/${node}/user-data`, userDataConfig(model, n, TEST_SECRETS, nodeScriptFiles(model, TEMPLATES.scripts)));
};
const parsed = (node: string, model?: ClusterModel): CloudConfig => parseUserData(userData(node, model).content);

test('etcd user-data: exact files and ordered steps ending with the sentinel', () => {
  const cc = parsed('etcd1');
  assert.is(cc.hostname, 'etcd1');
  assert.equal(cc.write_files.map((f) => [f.path, f.owner, f.permissions]), [
    [NODE, 'root:root', '0755'],
    ['/etc/pgha/tls/ca.crt', 'root:root', '0644'],
    ['/etc/pgha/tls/node.crt', 'root:root', '0644'],
    ['/etc/pgha/tls/node.key', 'etcd:etcd', '0600'],
    ['/etc/default/etcd', 'root:etcd', '0640'],
    ['/etc/systemd/system/etcd.service.d/pgha.conf', 'root:root', '0644'],
  ]);
  assert.equal(cc.runcmd, [
    [NODE, 'reset-etcd', '/var/lib/etcd/default'],
    [NODE, 'start', 'etcd.service'],
    [NODE, 'wait-etcd', 'https://192.168.122.18:2379'],
    [NODE, 'done'],
  ]);
});

test('postgres user-data: exact files with owners and modes; the default cluster is dropped before Patroni starts', () => {
  const cc = parsed('patroni2');
  assert.equal(cc.write_files.map((f) => [f.path, f.owner, f.permissions]), [
    [NODE, 'root:root', '0755'],
    ['/etc/pgha/tls/ca.crt', 'root:root', '0644'],
    ['/etc/pgha/tls/node.crt', 'root:root', '0644'],
    ['/etc/pgha/tls/node.key', 'postgres:postgres', '0600'],
    ['/usr/local/lib/pgha/pgha-createcluster', 'root:root', '0755'],
    ['/usr/local/lib/pgha/pgha-clonecluster', 'root:root', '0755'],
    ['/usr/local/lib/pgha/pgha-postbootstrap', 'root:root', '0755'],
    ['/usr/local/lib/pgha/pgha-check-haproxy', 'root:root', '0755'],
    ['/usr/local/lib/pgha/pgha-peers', 'root:root', '0755'],
    ['/etc/patroni/config.yml', 'postgres:postgres', '0600'],
    ['/etc/pgha/users.sql', 'postgres:postgres', '0600'],
    ['/etc/haproxy/haproxy.cfg', 'root:root', '0644'],
    ['/etc/keepalived/keepalived.conf', 'root:root', '0600'],
    ['/etc/pgha/peers.json', 'root:root', '0644'],
    ['/etc/systemd/system/pgha-peers.service', 'root:root', '0644'],
  ]);
  assert.equal(cc.runcmd, [
    [NODE, 'drop-default-cluster'],
    [NODE, 'start', 'patroni.service', 'haproxy.service', 'keepalived.service', 'pgha-peers.service'],
    [NODE, 'wait-patroni', 'https://192.168.122.188:8008/health'],
    [NODE, 'done'],
  ]);
});

test('with the backup section a postgres node also gets pgBackRest, the backup scripts, units and timers (started with the services), and owns /etc/hosts', () => {
  const cc = parsed('patroni2', backupModel());
  assert.is(cc.manage_etc_hosts, false, 'cloud-init would write /etc/hosts again at every boot, without the store\'s name');
  assert.is(parsed('patroni2').manage_etc_hosts, true);
  assert.equal(cc.write_files.slice(15).map((f) => [f.path, f.owner, f.permissions]), [
    ['/usr/local/lib/pgha/pgha-backup', 'root:root', '0755'],
    ['/usr/local/lib/pgha/pgha-restorereplica', 'root:root', '0755'],
    ['/usr/local/lib/pgha/pgha-restorecluster', 'root:root', '0755'],
    ['/etc/pgbackrest/pgbackrest.conf', 'root:postgres', '0640'],
    ['/etc/pgbackrest/conf.d/pgha-secrets.conf', 'root:postgres', '0640'],
    ['/etc/pgha/backup-ca.crt', 'root:root', '0644'],
    ['/etc/pgha/backup.env', 'root:root', '0644'],
    ['/etc/hosts', 'root:root', '0644'],
    ['/etc/systemd/system/pgha-backup@.service', 'root:root', '0644'],
    ['/etc/systemd/system/pgha-backup-check.service', 'root:root', '0644'],
    ['/etc/systemd/system/pgha-backup-full.timer', 'root:root', '0644'],
    ['/etc/systemd/system/pgha-backup-diff.timer', 'root:root', '0644'],
    ['/etc/systemd/system/pgha-backup-ensure.timer', 'root:root', '0644'],
  ]);
  assert.equal(cc.runcmd[1], [NODE, 'start', 'patroni.service', 'haproxy.service', 'keepalived.service', 'pgha-peers.service', 'pgha-backup-full.timer', 'pgha-backup-diff.timer', 'pgha-backup-ensure.timer', 'pgha-backup-check.service']);
  assert.equal(parsed('etcd1', backupModel()).write_files, parsed('etcd1').write_files, 'etcd members know nothing of backups');
});

test('a replacement etcd member (generation above 0) joins the running cluster before it starts', () => {
  const replaced = modelOf((s) => (s.nodes.find((n) => n.name === 'etcd2')!.generation = 1));
  const cc = parsed('etcd2', replaced);
  assert.equal(cc.runcmd, [
    [NODE, 'reset-etcd', '/var/lib/etcd/default'],
    [NODE, 'join-etcd', '/etc/default/etcd', 'etcd2', 'https://192.168.122.104:2380', 'https://192.168.122.18:2379', 'https://192.168.122.187:2379'],
    [NODE, 'start', 'etcd.service'],
    [NODE, 'wait-etcd', 'https://192.168.122.104:2379'],
    [NODE, 'done'],
  ]);
  assert.is(writeFile(cc, '/usr/local/lib/pgha/pgha-etcd-join').content, nodeScriptFiles(replaced, TEMPLATES.scripts)['pgha-etcd-join'].content);
  assert.not.ok(parsed('etcd2').write_files.some((f) => f.path.endsWith('pgha-etcd-join')), 'a member of the initial cluster joins nothing');
});

test('the node scripts are shipped filled in, byte for byte', () => {
  const cc = parsed('patroni1');
  const scripts = nodeScriptFiles(defaultModel(), TEMPLATES.scripts);
  assert.is(writeFile(cc, NODE).content, scripts['pgha-node'].content);
  assert.is(writeFile(cc, '/usr/local/lib/pgha/pgha-createcluster').content, scripts['pgha-createcluster'].content);
  for (const f of cc.write_files) assert.not.match(f.content, /@@[A-Z_]+@@/, `${f.path} has an unfilled placeholder`);
});

test('no login is needed: no users without keys (not even the image\'s default user), password login off; keys create a locked sudo user', () => {
  const cc = parsed('etcd2');
  assert.equal(cc.users, [], 'users: [] keeps cloud-init from creating the default user (ubuntu, debian)');
  assert.is(cc.ssh_pwauth, false);
  const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests test@pgha';
  const cc2 = parsed('etcd2', modelOf((s) => (s.admin = { sshAuthorizedKeys: [key] })));
  assert.equal(cc2.users, [
    { name: 'pgha', groups: ['sudo'], shell: '/bin/bash', sudo: 'ALL=(ALL) NOPASSWD:ALL', lock_passwd: true, ssh_authorized_keys: [key] },
  ]);
});

test('the user-data file: #cloud-config, mode 0600 (it holds secrets), and the data its YAML reads back as', () => {
  const f = userData('patroni1');
  assert.ok(f.content.startsWith('#cloud-config\n'));
  assert.is(f.mode, 0o600);
  assert.equal(parseUserData(f.content), f.data);
});

test.run();
