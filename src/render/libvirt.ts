import type { FileEntry } from '../lib/file.js';
import { fillTemplate } from '../lib/template.js';
import { imageFileName } from '../model/flavors.js';
import type { ClusterModel, NodeModel } from '../model/model.js';

/** The launch scripts' templates (assets/launch/): one node's virt-install.sh, the whole cluster's, the roll-out. */
export interface LaunchTemplates {
  node: string;
  all: string;
  rollout: string;
}

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

/** A value as one shell word. */
const word = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * nodes/<name>/virt-install.sh: a copy-on-write overlay of the role image, the seed ISO, and `virt-install
 * --import` with the node's MAC on the cluster network. Refuses to replace an existing domain or disk
 * unless given --force; other arguments (--dry-run, --print-xml) go to virt-install.
 */
export function renderVirtInstall(model: ClusterModel, node: NodeModel, template: string): string {
  const vm = model.launch.vm[node.role];
  const flavor = model.flavor;
  const cdrom =
    flavor.cdromBus === 'scsi' ? ['--controller scsi,model=virtio-scsi', '--disk "path=$seed,device=cdrom,bus=scsi"'] : [`--disk "path=$seed,device=cdrom,bus=${flavor.cdromBus}"`];
  return fillTemplate('assets/launch/virt-install.sh', template, {
    NODE: node.name,
    ROLE: node.role,
    CLUSTER: model.name,
    POOL_DIR: model.launch.poolDir,
    POOL_DIR_WORD: word(model.launch.poolDir),
    OS_VARIANT: flavor.osVariant,
    IMAGE: imageFileName(flavor, node.role),
    DOMAIN_WORD: word(`pgha-${model.name}-${node.name}`),
    DISK_GIB: String(vm.diskGiB),
    MEMORY_MIB: String(vm.memoryMiB),
    VCPUS: String(vm.vcpus),
    CDROM_ARGS: cdrom.map((c) => `  ${c} \\`).join('\n'),
    NETWORK_WORD: word(`network=${model.launch.network},mac=${node.mac},model=virtio`),
  });
}

/** launch/virt-install.sh: defines and starts the cluster network when missing, then creates every node, etcd first. */
export function renderLaunchAll(model: ClusterModel, template: string): string {
  const order = [...model.etcdNodes, ...model.postgresNodes];
  return fillTemplate('assets/launch/virt-install-all.sh', template, {
    CLUSTER: model.name,
    NETWORK_NAME_WORD: word(model.launch.network),
    NODE_COMMANDS: order.map((n) => `"$here/../nodes/${n.name}/virt-install.sh" "$@"`).join('\n'),
  });
}

/**
 * launch/rollout.sh: every VM replaced in turn by one on the role image and its seed, etcd members first, then
 * the Patroni replicas, a switchover to a replica that may lead, the old leader last (the order is the
 * script's at run time, as only then is the leader known).
 */
export function renderRollout(model: ClusterModel, template: string): string {
  const names = (nodes: NodeModel[]) => nodes.map((n) => word(n.name)).join(' ');
  return fillTemplate('assets/launch/rollout.sh', template, {
    CLUSTER: model.name,
    ETCD_NODES: names(model.etcdNodes),
    POSTGRES_NODES: names(model.postgresNodes),
    CANDIDATES: names(model.postgresNodes.filter((n) => !n.tags.nofailover)),
  });
}

/**
 * DIR/launch/ (network XML, the whole-cluster script) and each node's virt-install.sh; once every node's seed
 * joins a running cluster (generation above 0, as pgha rollout sets them), also launch/rollout.sh. Seeds that
 * bootstrap a new cluster must not replace the VMs of a running one, so the script is not written before.
 */
export function launchFiles(model: ClusterModel, templates: LaunchTemplates): FileEntry[] {
  const rollout = model.nodes.every((n) => n.generation > 0) ? [{ path: 'launch/rollout.sh', content: renderRollout(model, templates.rollout), mode: 0o755 }] : [];
  return [
    { path: 'launch/network.xml', content: renderNetworkXml(model), mode: 0o644 },
    { path: 'launch/virt-install.sh', content: renderLaunchAll(model, templates.all), mode: 0o755 },
    ...rollout,
    ...model.nodes.map((n) => ({ path: `nodes/${n.name}/virt-install.sh`, content: renderVirtInstall(model, n, templates.node), mode: 0o755 })),
  ];
}
