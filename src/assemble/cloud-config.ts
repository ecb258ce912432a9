import { createHash } from 'node:crypto';
import type { ClusterModel, NodeModel } from '../model.js';
import { PORTS } from '../model.js';
import type { Secrets } from '../secrets.js';
import { ASSET_DIR, type AssetName, type Assets } from '../render/assets.js';
import { ETCD_DROPIN_PATH, ETCD_ENV_PATH, etcdClientUrl, etcdPeerUrl, renderEtcdDropin, renderEtcdEnv } from '../render/etcd.js';
import { PEERS_CONFIG_PATH, PEERS_UNIT_PATH, renderPeersConfig, renderPeersUnit } from '../render/peers.js';
import { HAPROXY_CONFIG_PATH, renderHaproxyConfig } from '../render/haproxy.js';
import { KEEPALIVED_CONFIG_PATH, renderKeepalivedConfig } from '../render/keepalived.js';
import { PATRONI_CONFIG_PATH, renderPatroniConfig } from '../render/patroni.js';
import { renderTlsFiles } from '../render/tls.js';
import { toYaml } from '../yaml.js';

/** A cloud-config write_files entry: a rendered file handed to the assembler as opaque content. */
export interface WriteFile {
  path: string;
  owner: string;
  permissions: string;
  content: string;
}

/** What a node role adds to the common base: its files and its ordered first-boot steps. */
export interface RoleBootstrap {
  files: WriteFile[];
  steps: string[][];
}

export const SENTINEL_PATH = '/var/lib/pgha/bootstrap.done';
const NODE = `${ASSET_DIR}/pgha-node`;

function script(assets: Assets, name: AssetName): WriteFile {
  return { path: `${ASSET_DIR}/${name}`, owner: 'root:root', permissions: '0755', content: assets[name] };
}

/**
 * An etcd member of the initial cluster starts with the seed's member list; a replacement or added one
 * (generation above 0) first joins the running cluster through the other members (pgha-etcd-join).
 */
function etcdBootstrap(model: ClusterModel, node: NodeModel, secrets: Secrets, assets: Assets): RoleBootstrap {
  const joins = node.generation > 0;
  const others = model.etcdNodes.filter((n) => n.name !== node.name);
  return {
    files: [
      ...renderTlsFiles(node, secrets),
      { path: ETCD_ENV_PATH, owner: 'root:etcd', permissions: '0640', content: renderEtcdEnv(model, node, secrets) },
      { path: ETCD_DROPIN_PATH, owner: 'root:root', permissions: '0644', content: renderEtcdDropin() },
      ...(joins ? [script(assets, 'pgha-etcd-join')] : []),
    ],
    steps: [
      [NODE, 'reset-etcd', model.flavor.paths.etcdDataDir],
      ...(joins ? [[NODE, 'join-etcd', ETCD_ENV_PATH, node.name, etcdPeerUrl(node), ...others.map(etcdClientUrl)]] : []),
      [NODE, 'start', 'etcd.service'],
      [NODE, 'wait-etcd', etcdClientUrl(node)],
    ],
  };
}

function postgresBootstrap(model: ClusterModel, node: NodeModel, secrets: Secrets, assets: Assets): RoleBootstrap {
  return {
    files: [
      ...renderTlsFiles(node, secrets),
      script(assets, 'pgha-createcluster'),
      script(assets, 'pgha-clonecluster'),
      script(assets, 'pgha-check-haproxy'),
      script(assets, 'pgha-peers'),
      { path: PATRONI_CONFIG_PATH, owner: 'postgres:postgres', permissions: '0600', content: renderPatroniConfig(model, node, secrets) },
      { path: HAPROXY_CONFIG_PATH, owner: 'root:root', permissions: '0644', content: renderHaproxyConfig(model) },
      { path: KEEPALIVED_CONFIG_PATH, owner: 'root:root', permissions: '0600', content: renderKeepalivedConfig(model, node, secrets) },
      { path: PEERS_CONFIG_PATH, owner: 'root:root', permissions: '0644', content: renderPeersConfig(model, node) },
      { path: PEERS_UNIT_PATH, owner: 'root:root', permissions: '0644', content: renderPeersUnit() },
    ],
    steps: [
      [NODE, 'drop-default-cluster'],
      [NODE, 'start', 'patroni.service', 'haproxy.service', 'keepalived.service', 'pgha-peers.service'],
      [NODE, 'wait-patroni', `https://${node.ip}:${PORTS.patroniRest}/health`],
    ],
  };
}

/** The #cloud-config user-data of one node: the common base plus its role's files and steps, then the sentinel. */
export function renderUserData(model: ClusterModel, node: NodeModel, secrets: Secrets, assets: Assets): string {
  const role = node.role === 'etcd' ? etcdBootstrap(model, node, secrets, assets) : postgresBootstrap(model, node, secrets, assets);
  const admin = model.admin;
  const config = {
    hostname: node.name,
    preserve_hostname: false,
    manage_etc_hosts: true,
    ssh_pwauth: false,
    disable_root: true,
    ...(admin.sshAuthorizedKeys.length === 0
      ? {}
      : {
          users: [
            {
              name: admin.user,
              groups: ['sudo'],
              shell: '/bin/bash',
              sudo: 'ALL=(ALL) NOPASSWD:ALL',
              lock_passwd: true,
              ssh_authorized_keys: admin.sshAuthorizedKeys,
            },
          ],
        }),
    write_files: [script(assets, 'pgha-node'), ...role.files],
    runcmd: [...role.steps, [NODE, 'done']],
  };
  return `#cloud-config\n${toYaml(config)}`;
}

export function renderMetaData(model: ClusterModel, node: NodeModel, instanceContent: string): string {
  const digest = createHash('sha256').update(instanceContent).digest('hex').slice(0, 12);
  return toYaml({ 'instance-id': `${model.name}-${node.name}-${digest}`, 'local-hostname': node.name });
}
