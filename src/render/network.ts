import type { ClusterModel, NodeModel } from '../model/model.js';
import { toYaml } from '../lib/yaml.js';

/** cloud-init network-config v2: the node's static address on the interface with its MAC, renamed to the spec's name. */
export function renderNetworkConfig(model: ClusterModel, node: NodeModel): string {
  const net = model.network;
  return toYaml({
    version: 2,
    ethernets: {
      [net.interface]: {
        match: { macaddress: node.mac },
        'set-name': net.interface,
        dhcp4: false,
        dhcp6: false,
        addresses: [`${node.ip}/${net.prefix}`],
        // 0.0.0.0/0 rather than `default`: cloud-init 22.4's own network state (non-netplan renderers) rejects the word
        routes: [{ to: '0.0.0.0/0', via: net.gateway }],
        nameservers: { addresses: net.dns },
      },
    },
  });
}
