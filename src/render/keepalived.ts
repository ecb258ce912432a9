import type { ClusterModel, NodeModel } from '../model.js';
import type { Secrets } from '../secrets.js';
import { ASSET_DIR } from './assets.js';
import { PEERS_BEGIN, PEERS_END } from './haproxy.js';

export const KEEPALIVED_CONFIG_PATH = '/etc/keepalived/keepalived.conf';

function block(header: string, lines: (string | string[])[], indent = '    '): string[] {
  return [`${header} {`, ...lines.flat().map((l) => indent + l), '}'];
}

/**
 * Keepalived holding the VIP on a postgres node whose HAProxy runs. Priorities differ (100, 99, ... by node
 * name) so the election is deterministic; the first node starts as MASTER and takes the VIP as soon as its
 * HAProxy check passes (a BACKUP would first wait 3 adverts for a master), the others start as BACKUP. A node
 * whose check fails twice enters FAULT and gives the VIP up; one pass brings it back. Unicast peers where
 * multicast does not work.
 */
export function renderKeepalivedConfig(model: ClusterModel, node: NodeModel, secrets: Secrets): string {
  const index = model.postgresNodes.findIndex((n) => n.name === node.name);
  const net = model.network;
  const peers = model.postgresNodes.filter((n) => n.name !== node.name);
  const instance = block(`vrrp_instance pgha_${model.name.replace(/-/g, '_')}`, [
    `interface ${net.interface}`,
    `state ${index === 0 ? 'MASTER' : 'BACKUP'}`,
    `virtual_router_id ${net.vrrp.routerId}`,
    `priority ${100 - index}`,
    'advert_int 1',
    ...block('authentication', ['auth_type PASS', `auth_pass ${secrets.keepalivedAuthPass}`]),
    ...(net.vrrp.unicast ? [`unicast_src_ip ${node.ip}`, ...block('unicast_peer', [PEERS_BEGIN, ...peers.map((p) => p.ip), PEERS_END])] : []),
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
