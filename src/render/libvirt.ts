import type { OutputFile } from '../assemble/cluster.js';
import type { ClusterModel, NodeModel } from '../model.js';

/** Values are checked by the spec schema (names, addresses); escaped all the same. */
function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');
}

function netmask(prefix: number): string {
  const m = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (m >>> s) & 255).join('.');
}

/**
 * A libvirt NAT network for the cluster subnet, the host at the gateway address (which also serves DNS).
 * No DHCP: every node has its static address from its seed.
 */
export function renderNetworkXml(model: ClusterModel): string {
  return [
    '<network>',
    `  <name>${xml(model.launch.network)}</name>`,
    "  <forward mode='nat'/>",
    `  <ip address='${xml(model.network.gateway)}' netmask='${netmask(model.network.prefix)}'/>`,
    '</network>',
    '',
  ].join('\n');
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * nodes/<name>/virt-install.sh: a copy-on-write overlay of the role image, the seed ISO, and `virt-install
 * --import` with the node's MAC on the cluster network. Refuses to replace an existing domain or disk
 * unless given --force; other arguments (--dry-run, --print-xml) go to virt-install.
 */
export function renderVirtInstall(model: ClusterModel, node: NodeModel): string {
  const vm = model.launch.vm[node.role];
  const flavor = model.flavor;
  const image = `pgha-${flavor.name}-${node.role}.qcow2`;
  const domain = `pgha-${model.name}-${node.name}`;
  const cdrom = flavor.cdromBus === 'scsi' ? ['--controller scsi,model=virtio-scsi', '--disk "path=$seed,device=cdrom,bus=scsi"'] : [`--disk "path=$seed,device=cdrom,bus=${flavor.cdromBus}"`];
  return `#!/bin/bash
# Written by pgha: creates the VM of node ${node.name} (${node.role}) of cluster ${model.name}.
# Usage: virt-install.sh [--force] [virt-install options such as --dry-run]
# Environment: LIBVIRT_DEFAULT_URI (default qemu:///system), PGHA_IMAGE (the role image; default: the one
# pgha bake wrote beside this output), PGHA_POOL_DIR (default ${model.launch.poolDir}),
# PGHA_OS_VARIANT (default ${flavor.osVariant}; older osinfo databases may not know it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export LIBVIRT_DEFAULT_URI=\${LIBVIRT_DEFAULT_URI:-qemu:///system}
image=\${PGHA_IMAGE:-$here/../../images/${node.role}/${image}}
pool=\${PGHA_POOL_DIR:-${q(model.launch.poolDir)}}
name=${q(domain)}
disk=$pool/$name.qcow2
seed=$pool/$name-seed.iso
force=0
dry_run=0
args=()
for a in "$@"; do
  case $a in
    --force) force=1 ;;
    --dry-run) dry_run=1; args+=("$a") ;;
    *) args+=("$a") ;;
  esac
done

if virsh dominfo "$name" >/dev/null 2>&1; then
  if ((force == 0 || dry_run == 1)); then
    echo "virt-install.sh: domain $name exists; pass --force to replace it (its disk is deleted)" >&2
    exit 1
  fi
  virsh destroy "$name" >/dev/null 2>&1 || true
  virsh undefine "$name" >/dev/null
fi
if [[ -e $disk && $force == 0 ]]; then
  echo "virt-install.sh: $disk exists; pass --force to replace it" >&2
  exit 1
fi
[[ -r $image ]] || { echo "virt-install.sh: role image $image not found: run pgha bake, or set PGHA_IMAGE" >&2; exit 1; }
if ((dry_run == 1)); then
  # a dry run touches nothing in the pool: its disk and seed live in a temporary folder
  pool=$(mktemp -d)
  trap 'rm -rf -- "$pool"' EXIT
  disk=$pool/$name.qcow2
  seed=$pool/$name-seed.iso
fi

# The role image is copied into the pool (once per content) so that QEMU, which libvirt runs as its own
# user, can read the overlay's backing file; pgha's output folder is private to root.
install -d -m 0755 "$pool"
backing=$pool/$(basename "\${image%.qcow2}")-$(sha256sum "$image" | cut -c1-12).qcow2
[[ -e $backing ]] || install -m 0644 "$image" "$backing"
rm -f -- "$disk"
qemu-img create -q -f qcow2 -b "$backing" -F qcow2 "$disk" ${vm.diskGiB}G
install -m 0600 "$here/seed.iso" "$seed"

virt-install \\
  --name "$name" \\
  --memory ${vm.memoryMiB} \\
  --vcpus ${vm.vcpus} \\
  --import \\
  --disk "path=$disk,format=qcow2,bus=virtio" \\
${cdrom.map((c) => `  ${c} \\\n`).join('')}  --network ${q(`network=${model.launch.network},mac=${node.mac},model=virtio`)} \\
  --os-variant "\${PGHA_OS_VARIANT:-${flavor.osVariant}}" \\
  --graphics none \\
  --console pty,target_type=serial \\
  --noautoconsole \\
  "\${args[@]}"
`;
}

/** launch/virt-install.sh: defines and starts the cluster network when missing, then creates every node, etcd first. */
function renderLaunchAll(model: ClusterModel): string {
  const order = [...model.etcdNodes, ...model.postgresNodes];
  return `#!/bin/bash
# Written by pgha: creates the cluster network (if missing) and every VM of cluster ${model.name}.
# Arguments go to each node's virt-install.sh (--force, --dry-run).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export LIBVIRT_DEFAULT_URI=\${LIBVIRT_DEFAULT_URI:-qemu:///system}
network=${q(model.launch.network)}
if ! virsh net-info "$network" >/dev/null 2>&1; then
  virsh net-define "$here/network.xml"
  virsh net-autostart "$network"
fi
if [[ $(virsh net-info "$network" | awk '/^Active:/ {print $2}') != yes ]]; then
  virsh net-start "$network"
fi
${order.map((n) => `"$here/../nodes/${n.name}/virt-install.sh" "$@"`).join('\n')}
`;
}

/** DIR/launch/ (network XML, the whole-cluster script) and each node's virt-install.sh. */
export function renderLaunch(model: ClusterModel): OutputFile[] {
  return [
    { path: 'launch/network.xml', content: renderNetworkXml(model), mode: 0o644 },
    { path: 'launch/virt-install.sh', content: renderLaunchAll(model), mode: 0o755 },
    ...model.nodes.map((n) => ({ path: `nodes/${n.name}/virt-install.sh`, content: renderVirtInstall(model, n), mode: 0o755 })),
  ];
}
