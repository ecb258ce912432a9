import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { renderNetworkConfig } from '../../../src/render/network.js';
import { defaultModel, modelOf } from '../../helpers.js';

test('network-config v2: static address, gateway and DNS on the interface matched by MAC', () => {
  const model = defaultModel();
  const node = model.nodes.find((n) => n.name === 'etcd3')!;
  const nc = YAML.parse(renderNetworkConfig(model, node), { version: '1.1' });
  assert.equal(nc, {
    version: 2,
    ethernets: {
      enp1s0: {
        match: { macaddress: node.mac },
        'set-name': 'enp1s0',
        dhcp4: false,
        dhcp6: false,
        addresses: ['192.168.122.187/24'],
        routes: [{ to: '0.0.0.0/0', via: '192.168.122.1' }],
        nameservers: { addresses: ['192.168.122.1'] },
      },
    },
  });
});

test('an explicit MAC is used as given (lower-cased), interface name from the spec', () => {
  const model = modelOf((s) => {
    s.nodes[0]!.mac = '52:54:00:12:34:56';
    s.network.interface = 'eth1';
  });
  const text = renderNetworkConfig(model, model.nodes.find((n) => n.name === 'etcd1')!);
  assert.match(text, /macaddress: "52:54:00:12:34:56"/);
  const nc = YAML.parse(text, { version: '1.1' });
  assert.is(nc.ethernets.eth1.match.macaddress, '52:54:00:12:34:56');
  assert.is(nc.ethernets.eth1['set-name'], 'eth1');
});

test.run();
