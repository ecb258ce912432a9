import type { FileEntry } from '../lib/file.js';
import type { ClusterModel, NodeModel } from '../model/model.js';
import { vrrpPriority } from '../model/vrrp.js';
import { ASSET_DIR, CONFIG_PATHS, PEERS_BEGIN_LINE, PEERS_MARKERS } from '../node/contract.js';

function block(header: string, lines: (string | string[])[], indent = '    '): string[] {
  return [`${header} {`, ...lines.flat().map((l) => indent + l), '}'];
}

/**
 * Keepalived holding the VIP on a postgres node whose HAProxy runs. Priorities differ (100, 99, ... by node
 * name: model/vrrp.ts) so the election is deterministic; the first node starts as MASTER and takes the VIP as soon as its
 * HAProxy check passes (a BACKUP would first wait 3 adverts for a master), the others start as BACKUP. A node
 * whose check fails twice enters FAULT and gives the VIP up; one pass brings it back. Unicast peers where
 * multicast does not work.
 */
export function renderKeepalivedConfig(model: ClusterModel, node: NodeModel, authPass: string): string {
  const index = model.postgresNodes.findIndex((n) => n.name === node.name);
  const net = model.network;
  const peers = model.postgresNodes.filter((n) => n.name !== node.name);
  const instance = block(`vrrp_instance pgha_${model.name.replace(/-/g, '_')}`, [
    `interface ${net.interface}`,
    `state ${index === 0 ? 'MASTER' : 'BACKUP'}`,
    `virtual_router_id ${net.vrrp.routerId}`,
    `priority ${vrrpPriority(index, model.postgresNodes.length)}`,
    'advert_int 1',
    ...block('authentication', ['auth_type PASS', `auth_pass ${authPass}`]),
    ...(net.vrrp.unicast ? [`unicast_src_ip ${node.ip}`, ...block('unicast_peer', [PEERS_BEGIN_LINE, ...peers.map((p) => p.ip), PEERS_MARKERS.end])] : []),
    ...block('virtual_ipaddress', [`${net.vip}/${net.prefix} dev ${net.interface}`]),
    ...block('track_script', ['chk_haproxy']),
  ]);
  return [
    `# Written by pgha for ${node.name} of cluster ${model.name}.`,
    ...block('global_defs', [`router_id ${node.name}`, 'script_user root', 'enable_script_security']),
    '',
    ...block('vrrp_script chk_haproxy', [
      `script "${ASSET_DIR}/pgha-check-haproxy ${model.flavor.paths.haproxyPidFile}"`,
      'interval 1',
      'fall 2',
      'rise 1',
    ]),
    '',
    ...instance,
    '',
  ].join('\n');
}

/** Keepalived's configuration holds the VRRP password: root only. */
export function keepalivedFile(model: ClusterModel, node: NodeModel, authPass: string): FileEntry {
  return { path: CONFIG_PATHS.keepalived, owner: 'root:root', mode: 0o600, content: renderKeepalivedConfig(model, node, authPass) };
}
