/**
 * The baked etcd image booted as users will boot it: QEMU (TCG) with the node's generated seed ISO as a CD,
 * on a bridge and tap devices this test creates (10.71.0.0/24, host at .1), removed afterwards even on failure.
 * etcd1 boots first and is checked from outside over SSH (hostname, static address on the NIC matched by MAC,
 * cloud-init done from NoCloud, files and modes); then etcd2 and etcd3 join and the cluster must be healthy,
 * with the bootstrap sentinel on every node. Debian's cloud kernel has no AHCI, so the CD is IDE (-machine pc).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { runPgha } from '../helpers.js';
import { bakedImages, TEST_SPEC, type Baked } from './baked-images.js';

const BRIDGE = 'pghabr0';
const ETCD = [
  { name: 'etcd1', ip: '10.71.0.11', tap: 'pghatap1' },
  { name: 'etcd2', ip: '10.71.0.12', tap: 'pghatap2' },
  { name: 'etcd3', ip: '10.71.0.13', tap: 'pghatap3' },
];
const FORWARD_RULE = ['FORWARD', '-i', BRIDGE, '-o', BRIDGE, '-j', 'ACCEPT'];

let baked: Baked;
let work = '';
const vms: ChildProcess[] = [];

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
const quiet = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' });

function networkUp(): void {
  sh('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
  sh('ip', ['addr', 'add', '10.71.0.1/24', 'dev', BRIDGE]);
  sh('ip', ['link', 'set', BRIDGE, 'up']);
  for (const n of ETCD) {
    sh('ip', ['tuntap', 'add', n.tap, 'mode', 'tap']);
    sh('ip', ['link', 'set', n.tap, 'master', BRIDGE]);
    sh('ip', ['link', 'set', n.tap, 'up']);
  }
  sh('iptables', ['-I', ...FORWARD_RULE]);
}

function networkDown(): void {
  quiet('iptables', ['-D', ...FORWARD_RULE]);
  for (const n of ETCD) quiet('ip', ['link', 'del', n.tap]);
  quiet('ip', ['link', 'del', BRIDGE]);
}

function boot(node: (typeof ETCD)[number]): void {
  const disk = join(work, `${node.name}.qcow2`);
  sh('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', baked.images.etcd!.path, '-F', 'qcow2', disk, '8G']);
  const mac = /macaddress: "?([0-9a-f:]+)"?/.exec(readFileSync(join(work, 'out', 'nodes', node.name, 'network-config'), 'utf8'))![1]!;
  const args = [
    '-accel', 'tcg,tb-size=256', '-machine', 'pc', '-m', '1024', '-smp', '1', '-display', 'none', '-monitor', 'none',
    '-drive', `file=${disk},if=virtio`,
    '-cdrom', join(work, 'out', 'nodes', node.name, 'seed.iso'),
    '-netdev', `tap,id=n0,ifname=${node.tap},script=no,downscript=no`,
    '-device', `virtio-net-pci,netdev=n0,mac=${mac}`,
    '-serial', `file:${join(work, `${node.name}-console.log`)}`,
  ];
  vms.push(spawn('qemu-system-x86_64', args, { stdio: 'ignore' }));
}

/** A command on a VM over SSH; a failed connection (exit 255: a TCG VM under load can miss the 5 s connect timeout) is tried again, 3 times. */
function ssh(ip: string, command: string): { code: number | null; out: string } {
  let last = { code: null as number | null, out: '' };
  for (let i = 0; i < 3 && (last.code === null || last.code === 255); i++) last = sshOnce(ip, command);
  return last;
}

function sshOnce(ip: string, command: string): { code: number | null; out: string } {
  const r = spawnSync('ssh', [
    '-i', join(work, 'key'), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'ConnectTimeout=5',
    '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', `pgha@${ip}`, command,
  ], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

async function until(what: string, seconds: number, check: () => boolean): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < seconds * 1000) {
    if (check()) return (Date.now() - start) / 1000;
    await new Promise((r) => setTimeout(r, 3000));
  }
  throw new Error(`timed out after ${seconds}s waiting for ${what}`);
}

test.before(() => {
  baked = bakedImages();
  work = join(baked.dir, 'vm');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work);
  sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(work, 'key')]);
  const key = readFileSync(join(work, 'key.pub'), 'utf8').trim();
  writeFileSync(join(work, 'spec.yaml'), `${TEST_SPEC}admin:\n  sshAuthorizedKeys: ['${key}']\n`);
  const r = runPgha(['render', 'spec.yaml', '--out', 'out'], work);
  assert.is(r.status, 0, r.stderr);
  networkDown();
  networkUp();
});

test.after(() => {
  for (const vm of vms) vm.kill('SIGKILL');
  networkDown();
});

test('etcd1 boots from the baked image and its seed ISO: hostname, address by MAC, NoCloud, files and modes', async () => {
  boot(ETCD[0]!);
  const seconds = await until('SSH on etcd1', 600, () => ssh('10.71.0.11', 'true').code === 0);
  console.log(`etcd1: SSH after ${seconds.toFixed(0)} s`);
  assert.is(ssh('10.71.0.11', 'hostname').out.trim(), 'etcd1');
  const mac = /macaddress: "?([0-9a-f:]+)"?/.exec(readFileSync(join(work, 'out', 'nodes', 'etcd1', 'network-config'), 'utf8'))![1]!;
  const link = ssh('10.71.0.11', 'ip -br link show enp1s0; ip -4 -br addr show enp1s0').out;
  assert.match(link, new RegExp(`enp1s0\\s+UP\\s+${mac}`));
  assert.match(link, /enp1s0\s+UP\s+10\.71\.0\.11\/24/);
  const status = ssh('10.71.0.11', 'sudo cat /run/cloud-init/status.json').out;
  assert.match(status, /DataSourceNoCloud \[seed=\/dev\/sr0\]/);
  const modes = ssh('10.71.0.11', 'sudo stat -c "%n %a %U:%G" /etc/default/etcd /usr/local/lib/pgha/pgha-node /etc/systemd/system/etcd.service.d/pgha.conf').out;
  assert.match(modes, /\/etc\/default\/etcd 640 root:etcd/);
  assert.match(modes, /\/usr\/local\/lib\/pgha\/pgha-node 755 root:root/);
  assert.match(modes, /pgha\.conf 644 root:root/);
  assert.match(ssh('10.71.0.11', 'sudo cat /etc/default/etcd').out, /ETCD_NAME="etcd1"/);
  // alone, the member cannot be healthy: its first boot waits for its peers, and no sentinel is written yet
  await until('etcd started on etcd1', 300, () => /start: started etcd\.service/.test(ssh('10.71.0.11', 'sudo cat /var/lib/pgha/status').out));
  assert.is(ssh('10.71.0.11', 'test -e /var/lib/pgha/bootstrap.done').code, 1);
  assert.match(ssh('10.71.0.11', 'cloud-init status').out, /status: running/);
});

test('etcd2 and etcd3 join: the cluster is healthy, every node finished its bootstrap', async () => {
  boot(ETCD[1]!);
  boot(ETCD[2]!);
  const endpoints = ETCD.map((n) => `https://${n.ip}:2379`).join(',');
  // etcd wants a client certificate of the cluster CA: the admin one, from the secrets file
  const tls = YAML.parse(readFileSync(join(work, 'spec.secrets.yaml'), 'utf8')).tls;
  writeFileSync(join(work, 'ca.crt'), tls.ca.cert);
  writeFileSync(join(work, 'admin.crt'), tls.admin.cert);
  writeFileSync(join(work, 'admin.key'), tls.admin.key, { mode: 0o600 });
  const etcdctl = (args: string[]) =>
    spawnSync('etcdctl', ['--endpoints', endpoints, '--cacert', join(work, 'ca.crt'), '--cert', join(work, 'admin.crt'), '--key', join(work, 'admin.key'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, ETCDCTL_API: '3' },
    });
  const health = () => etcdctl(['--command-timeout=5s', 'endpoint', 'health', '--cluster']);
  const allHealthy = (out: string) => ETCD.every((n) => out.includes(`https://${n.ip}:2379 is healthy`));
  let last = '';
  const seconds = await until('a healthy 3-member etcd cluster', 900, () => {
    const r = health();
    last = r.stdout + r.stderr;
    return r.status === 0 && allHealthy(last);
  });
  console.log(`etcd cluster healthy ${seconds.toFixed(0)} s after etcd2 and etcd3 were started`);
  assert.ok(allHealthy(last), last);
  const members = etcdctl(['member', 'list']).stdout;
  assert.equal(members.trim().split('\n').map((l) => l.split(', ')[2]).sort(), ['etcd1', 'etcd2', 'etcd3']);
  for (const n of ETCD) {
    await until(`the sentinel on ${n.name}`, 300, () => ssh(n.ip, 'test -e /var/lib/pgha/bootstrap.done').code === 0);
    assert.not.ok(ssh(n.ip, 'test -e /var/lib/pgha/failed').code === 0, `${n.name} recorded a failed step`);
    assert.match(ssh(n.ip, 'cloud-init status --wait').out, /status: done/);
    const result = ssh(n.ip, 'sudo cat /run/cloud-init/result.json').out;
    assert.match(result, /DataSourceNoCloud \[seed=\/dev\/sr0\]/);
    assert.match(result, /"errors": \[\]/);
  }
});

test.run();
