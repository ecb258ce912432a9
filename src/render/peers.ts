import type { FileEntry } from '../lib/file.js';
import { PORTS, type ClusterModel, type NodeModel } from '../model/model.js';
import { ASSET_DIR, CONFIG_PATHS, TLS_PATHS, UNITS } from '../node/contract.js';
import { haproxyServerLine } from './haproxy.js';

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
    haproxy: { path: CONFIG_PATHS.haproxy, server: haproxyServerLine(model, '{name}', '{ip}') },
    keepalived: model.network.vrrp.unicast ? { path: CONFIG_PATHS.keepalived, peer: '{ip}' } : null,
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function renderPeersUnit(): string {
  return [
    '# Written by pgha: keeps HAProxy servers and Keepalived peers in step with Patroni\'s members.',
    '[Unit]',
    'Description=pgha: HAProxy and Keepalived learn replaced and added postgres nodes',
    `After=${UNITS.patroni} ${UNITS.haproxy} ${UNITS.keepalived}`,
    '',
    '[Service]',
    `ExecStart=${ASSET_DIR}/pgha-peers ${CONFIG_PATHS.peers}`,
    'Restart=always',
    'RestartSec=5s',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

export function peersFiles(model: ClusterModel, node: NodeModel): FileEntry[] {
  return [
    { path: CONFIG_PATHS.peers, owner: 'root:root', mode: 0o644, content: renderPeersConfig(model, node) },
    { path: CONFIG_PATHS.peersUnit, owner: 'root:root', mode: 0o644, content: renderPeersUnit() },
  ];
}
