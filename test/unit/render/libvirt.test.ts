import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { launchFiles, renderNetworkXml, renderRollout, renderVirtInstall } from '../../../src/render/libvirt.js';
import { defaultModel, modelOf, TEMPLATES } from '../../helpers.js';

const model = defaultModel();
const script = (name: string, m = model) => renderVirtInstall(m, m.nodes.find((n) => n.name === name)!, TEMPLATES.launch.node);

test('network XML: NAT, the host at the gateway with the cluster prefix, no DHCP', () => {
  const m = modelOf((s) => {
    s.network = { ...s.network, cidr: '10.70.0.0/20', gateway: '10.70.0.1', vip: '10.70.0.2' };
    s.nodes.forEach((n, i) => (n.ip = `10.70.1.${i + 10}`));
    delete s.launch;
  });
  assert.is(renderNetworkXml(m), "<network>\n  <name>pgha-16-main</name>\n  <forward mode='nat'/>\n  <ip address='10.70.0.1' netmask='255.255.240.0'/>\n</network>\n");
  assert.not.match(renderNetworkXml(m), /dhcp/);
});

test('virt-install: overlay of the role image, seed CD, the node\'s MAC on the cluster network, sizes per role', () => {
  const s = script('patroni3');
  assert.match(s, /qemu-img create -q -f qcow2 -b "\$backing" -F qcow2 "\$disk" 20G/);
  assert.match(s, /\[\[ -e \$backing \]\] \|\| install -m 0644 "\$image" "\$backing"/);
  assert.match(s, /image=\$\{PGHA_IMAGE:-\$here\/\.\.\/\.\.\/images\/postgres\/pgha-ubuntu-24\.04-postgres\.qcow2\}/);
  assert.match(s, /--import/);
  assert.match(s, /--memory 2048 \\\n\s+--vcpus 2/);
  assert.match(s, /--disk "path=\$seed,device=cdrom,bus=sata"/);
  const n = model.nodes.find((x) => x.name === 'patroni3')!;
  assert.match(s, new RegExp(`--network 'network=default,mac=${n.mac},model=virtio'`));
  assert.match(s, /--os-variant "\$\{PGHA_OS_VARIANT:-ubuntu24\.04\}"/);
  assert.match(s, /--noautoconsole/);
  assert.match(script('etcd1'), /--memory 1024 \\\n\s+--vcpus 1/);
  assert.match(script('etcd1'), /"\$disk" 8G/);
});

test('re-running refuses to replace a domain or a disk unless --force, and never with --dry-run, which uses a temporary pool', () => {
  const s = script('etcd2');
  assert.match(s, /if \(\(dry_run == 1\)\); then\n[^\n]*\n\s+pool=\$\(mktemp -d\)/);
  assert.match(s, /if \(\(force == 0 \|\| dry_run == 1\)\); then\n\s+echo "virt-install.sh: domain \$name exists; pass --force/);
  assert.match(s, /if \[\[ -e \$disk && \$force == 0 \]\]; then/);
});

test('the Debian stand-in attaches the seed CD on virtio-scsi (its cloud kernel has no AHCI)', () => {
  const s = script('etcd1', modelOf((sp) => (sp.cluster.flavor = 'debian-12')));
  assert.match(s, /--controller scsi,model=virtio-scsi \\\n\s+--disk "path=\$seed,device=cdrom,bus=scsi"/);
  assert.match(s, /PGHA_OS_VARIANT:-debian12/);
});

test('PGHA_VIRT_TYPE: qemu asks virt-install for TCG with a 256 MiB translation cache, another value passes as it is, unset adds nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgha-virt-type-'));
  try {
    const node = join(dir, 'nodes', 'etcd1');
    const bin = join(dir, 'bin');
    mkdirSync(node, { recursive: true });
    mkdirSync(bin);
    writeFileSync(join(node, 'virt-install.sh'), script('etcd1'), { mode: 0o755 });
    writeFileSync(join(node, 'seed.iso'), 'seed');
    writeFileSync(join(dir, 'role.qcow2'), 'image');
    // stand-ins: no domain yet, an overlay made, virt-install printing its arguments one per line
    for (const [name, body] of [['virsh', 'exit 1'], ['qemu-img', 'exit 0'], ['virt-install', 'printf "%s\\n" "$@"']]) {
      writeFileSync(join(bin, name!), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, name!), 0o755);
    }
    const args = (virtType?: string) => {
      const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}`, PGHA_IMAGE: join(dir, 'role.qcow2'), PGHA_POOL_DIR: join(dir, 'pool') };
      if (virtType === undefined) delete env.PGHA_VIRT_TYPE;
      else env.PGHA_VIRT_TYPE = virtType;
      return execFileSync('bash', [join(node, 'virt-install.sh'), '--force'], { encoding: 'utf8', env }).trim().split('\n');
    };
    const tcg = args('qemu');
    assert.equal(tcg.slice(-4), ['--virt-type', 'qemu', '--xml', './features/tcg/tb-cache=262144']);
    assert.equal(args('kvm').slice(-2), ['--virt-type', 'kvm']);
    assert.not.ok(args().includes('--virt-type'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('launch files: network, cluster script creating etcd nodes first, one executable script per node', () => {
  const files = launchFiles(model, TEMPLATES.launch);
  assert.equal(files.map((f) => [f.path, f.mode]), [
    ['launch/network.xml', 0o644],
    ['launch/virt-install.sh', 0o755],
    ...model.nodes.map((n) => [`nodes/${n.name}/virt-install.sh`, 0o755]),
  ]);
  const all = files[1]!.content;
  assert.ok(all.indexOf('etcd3/virt-install.sh') < all.indexOf('patroni1/virt-install.sh'));
  assert.match(all, /virsh net-define "\$here\/network\.xml"/);
  assert.not.ok(files.some((f) => f.path === 'launch/rollout.sh'), 'seeds that bootstrap a cluster: no roll-out script');
});

test('virt-install records the seed and image it booted in the domain description, which --state compares', () => {
  const s = script('etcd1');
  assert.match(s, /description="pgha seed sha256:\$\(sha256sum "\$here\/seed\.iso" \| cut -d' ' -f1\) image sha256:\$image_sha"/);
  assert.match(s, /--metadata "description=\$description" \\\n/);
});

test('rollout.sh: once every seed joins (generation above 0); etcd members, then postgres, the leader role only to nodes without nofailover', () => {
  const m = modelOf((s) => s.nodes.forEach((n) => (n.generation = 1)));
  const files = launchFiles(m, TEMPLATES.launch);
  const f = files.find((x) => x.path === 'launch/rollout.sh')!;
  assert.is(f.mode, 0o755);
  assert.is(f.content, renderRollout(m, TEMPLATES.launch.rollout));
  assert.match(f.content, /for node in 'etcd1' 'etcd2' 'etcd3'; do roll "\$node" "\$@"; done/);
  assert.match(f.content, /for node in 'patroni1' 'patroni2' 'patroni3'; do\n/);
  assert.match(f.content, /for node in 'patroni1' 'patroni2'; do\n/);
  assert.not.match(f.content, /@@/);
});

test.run();
