import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { haproxyServerLine } from '../../../src/render/haproxy.js';
import { peersFiles, renderPeersConfig, renderPeersUnit } from '../../../src/render/peers.js';
import { defaultModel, modelOf } from '../../helpers.js';

test('pgha-peers\' configuration: this node, Patroni\'s member list over HTTPS, the seed\'s postgres nodes, the line templates', () => {
  const model = defaultModel();
  const node = model.postgresNodes[1]!;
  const c = JSON.parse(renderPeersConfig(model, node));
  assert.equal(c, {
    self: 'patroni2',
    members_url: 'https://192.168.122.188:8008/cluster',
    ca_file: '/etc/pgha/tls/ca.crt',
    nodes: { patroni1: '192.168.122.236', patroni2: '192.168.122.188', patroni3: '192.168.122.95' },
    haproxy: { path: '/etc/haproxy/haproxy.cfg', server: haproxyServerLine(model, '{name}', '{ip}') },
    keepalived: { path: '/etc/keepalived/keepalived.conf', peer: '{ip}' },
  });
  const multicast = modelOf((s) => (s.network.vrrp = { routerId: 69, unicast: false }));
  assert.is(JSON.parse(renderPeersConfig(multicast, multicast.postgresNodes[0]!)).keepalived, null, 'no unicast peers to keep');
});

test('the unit runs pgha-peers on the configuration after the services it reloads, restarting it always', () => {
  const unit = renderPeersUnit();
  assert.match(unit, /\nAfter=patroni\.service haproxy\.service keepalived\.service\n/);
  assert.match(unit, /\nExecStart=\/usr\/local\/lib\/pgha\/pgha-peers \/etc\/pgha\/peers\.json\n/);
  assert.match(unit, /\nRestart=always\n/);
  const model = defaultModel();
  assert.equal(peersFiles(model, model.postgresNodes[0]!).map((f) => [f.path, f.owner, f.mode]), [
    ['/etc/pgha/peers.json', 'root:root', 0o644],
    ['/etc/systemd/system/pgha-peers.service', 'root:root', 0o644],
  ]);
});

test.run();
