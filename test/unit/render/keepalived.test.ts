import { test } from 'uvu';
import { PEERS_BEGIN_LINE as PEERS_BEGIN, PEERS_MARKERS } from '../../../src/node/contract.js';
import * as assert from 'uvu/assert';
import { keepalivedFile, renderKeepalivedConfig } from '../../../src/render/keepalived.js';
import { defaultModel, modelOf, TEST_SECRETS } from '../../helpers.js';

const model = defaultModel();
const conf = (name: string, m = model) => renderKeepalivedConfig(m, m.postgresNodes.find((n) => n.name === name)!, TEST_SECRETS.keepalivedAuthPass);

test('the VIP, router id and interface come from the spec', () => {
  const c = conf('patroni1');
  assert.match(c, /virtual_ipaddress \{\n\s+192\.168\.122\.2\/24 dev enp1s0\n\s+\}/);
  assert.match(c, /virtual_router_id 69\n/);
  assert.match(c, /interface enp1s0\n/);
  assert.match(c, /state MASTER\n/, 'the first node takes the VIP at once');
  assert.match(conf('patroni2'), /state BACKUP\n/);
  assert.match(conf('patroni3'), /state BACKUP\n/);
  assert.match(c, /interval 1\n\s+fall 2\n\s+rise 1\n/);
});

test('authentication uses the 8-character secret, never a longer one (mistake 5)', () => {
  const m = /auth_pass (\S+)/.exec(conf('patroni2'));
  assert.is(m?.[1], TEST_SECRETS.keepalivedAuthPass);
  assert.is(m?.[1]?.length, 8);
});

test('the HAProxy check needs no psmisc: it signals the pid from HAProxy\'s pid file (mistake 5)', () => {
  const c = conf('patroni1');
  assert.not.ok(c.includes('killall'));
  assert.match(c, /script "\/usr\/local\/lib\/pgha\/pgha-check-haproxy \/run\/haproxy.pid"/);
  assert.match(c, /track_script \{\n\s+chk_haproxy\n/);
  assert.match(c, /enable_script_security/);
});

test('unicast: the node\'s own address is the source and every other postgres node a peer', () => {
  const c = conf('patroni2');
  assert.match(c, /unicast_src_ip 192\.168\.122\.188\n/);
  const peers = /unicast_peer \{\n([^}]*)\}/.exec(c)![1]!.trim().split('\n').map((l) => l.trim());
  assert.equal(peers, [PEERS_BEGIN, '192.168.122.236', '192.168.122.95', PEERS_MARKERS.end], 'between the markers pgha-peers rewrites');
});

test('multicast when unicast is turned off', () => {
  const m = modelOf((s) => (s.network.vrrp = { routerId: 7, unicast: false }));
  const c = conf('patroni1', m);
  assert.not.ok(c.includes('unicast'));
  assert.match(c, /virtual_router_id 7\n/);
});

test('priorities differ between nodes, so the election is deterministic', () => {
  const priorities = model.postgresNodes.map((n) => Number(/priority (\d+)/.exec(conf(n.name))![1]));
  assert.equal(priorities, [100, 99, 98]);
});

test('the file: root only, it holds the VRRP password', () => {
  const node = model.postgresNodes[1]!;
  const f = keepalivedFile(model, node, 'Vrrp1234');
  assert.equal([f.path, f.owner, f.mode], ['/etc/keepalived/keepalived.conf', 'root:root', 0o600]);
  assert.match(f.content, /auth_pass Vrrp1234\n/);
});

test('a cluster of more than 100 postgres nodes: priorities 254 down, distinct, none below 1 (Keepalived would take 100 instead)', () => {
  const m = modelOf((s) => {
    s.network.cidr = '10.0.0.0/16';
    s.nodes = [...s.nodes.slice(0, 3), ...Array.from({ length: 150 }, (_, i) => ({ name: `pg${String(i).padStart(3, '0')}`, role: 'postgres' as const, ip: `10.0.1.${i + 1}` }))];
  });
  const priorities = m.postgresNodes.map((n) => Number(/priority (\d+)/.exec(renderKeepalivedConfig(m, n, 'Vrrp1234'))![1]));
  assert.equal([priorities[0], priorities.at(-1)], [254, 105]);
  assert.is(new Set(priorities).size, 150);
});

test.run();
