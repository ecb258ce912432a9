import type { ClusterModel, NodeModel } from '../model.js';
import { ASSET_DIR } from './assets.js';
import { HAPROXY_CONFIG_PATH, haproxyServerLine } from './haproxy.js';
import { KEEPALIVED_CONFIG_PATH } from './keepalived.js';
import { PORTS } from '../model.js';
import { TLS_PATHS } from './tls.js';

export const PEERS_CONFIG_PATH = '/etc/pgha/peers.json';
export const PEERS_UNIT_PATH = '/etc/systemd/system/pgha-peers.service';

/**
 * What pgha-peers needs on a postgres node: the postgres nodes of the seed, where Patroni lists the running
 * members, and how one server line or unicast peer is written. A replaced node at a new address, or an added
 * one, appears in Patroni's member list; pgha-peers then rewrites the marked lists of HAProxy and Keepalived
 * and reloads them, so that no running node needs a new seed.
 */
export function renderPeersConfig(model: ClusterModel, node: NodeModel): string {
  const config = {
    self: node.name,
    members_url: `https://${node.ip}:${PORTS.patroniRest}/cluster`,
    ca_file: TLS_PATHS.ca,
    nodes: Object.fromEntries(model.postgresNodes.map((n) => [n.name, n.ip])),
    haproxy: { path: HAPROXY_CONFIG_PATH, server: haproxyServerLine(model, '{name}', '{ip}') },
    keepalived: model.network.vrrp.unicast ? { path: KEEPALIVED_CONFIG_PATH, peer: '{ip}' } : null,
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function renderPeersUnit(): string {
  return [
    '# Written by pgha: keeps HAProxy servers and Keepalived peers in step with Patroni\'s members.',
    '[Unit]',
    'Description=pgha: HAProxy and Keepalived learn replaced and added postgres nodes',
    'After=patroni.service haproxy.service keepalived.service',
    '',
    '[Service]',
    `ExecStart=${ASSET_DIR}/pgha-peers ${PEERS_CONFIG_PATH}`,
    'Restart=always',
    'RestartSec=5s',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}
