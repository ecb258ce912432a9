import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { haproxyFile, renderHaproxyConfig } from '../../../src/render/haproxy.js';
import { defaultModel, modelOf } from '../../helpers.js';

/** backend name → its lines (without indentation) */
function backends(cfg: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of cfg.split('\n')) {
    const header = /^backend (\S+)$/.exec(line);
    if (header) out.set(header[1]!, (current = []));
    else if (/^\S/.test(line)) current = undefined;
    else if (current && line.trim()) current.push(line.trim());
  }
  return out;
}

const cfg = renderHaproxyConfig(defaultModel());
const b = backends(cfg);

test('the read-write port goes to the backend checking /primary, the read-only port to /replica (mistake 4)', () => {
  assert.match(cfg, /frontend postgres_rw\n\s+bind \*:5000\n\s+default_backend postgres_primary/);
  assert.match(cfg, /frontend postgres_ro\n\s+bind \*:5001\n\s+default_backend postgres_replicas/);
  assert.ok(b.get('postgres_primary')!.includes('option httpchk OPTIONS /primary'));
  assert.ok(b.get('postgres_replicas')!.includes('option httpchk OPTIONS /replica'));
  for (const lines of b.values()) {
    assert.ok(lines.includes('http-check expect status 200'));
    assert.not.ok(lines.some((l) => l.includes('503')));
  }
});

test('sessions of a server marked down are cut; pgha\'s fast check timings by default', () => {
  for (const lines of b.values()) {
    assert.ok(lines.includes('default-server inter 1s fastinter 500ms downinter 500ms fall 2 rise 1 on-marked-down shutdown-sessions'));
  }
});

test('every postgres node is a server of both backends, checked on its Patroni REST port', () => {
  for (const lines of b.values()) {
    assert.equal(lines.filter((l) => l.startsWith('server ')), [
      'server patroni1 192.168.122.236:5432 maxconn 300 check port 8008 check-ssl verify required ca-file /etc/pgha/tls/ca.crt verifyhost patroni1',
      'server patroni2 192.168.122.188:5432 maxconn 300 check port 8008 check-ssl verify required ca-file /etc/pgha/tls/ca.crt verifyhost patroni2',
      'server patroni3 192.168.122.95:5432 maxconn 300 check port 8008 check-ssl verify required ca-file /etc/pgha/tls/ca.crt verifyhost patroni3',
    ]);
  }
  assert.not.ok(cfg.includes('192.168.122.18:'), 'no etcd node among the servers');
});

test('ports and check timings are taken from the spec', () => {
  const custom = renderHaproxyConfig(
    modelOf((s) => (s.haproxy = { readWritePort: 6432, readOnlyPort: 6433, maxconn: 10, check: { inter: '3s', fall: 3, rise: 2 } })),
  );
  assert.match(custom, /bind \*:6432\n/);
  assert.match(custom, /bind \*:6433\n/);
  assert.match(custom, /default-server inter 3s fastinter 500ms downinter 500ms fall 3 rise 2 on-marked-down shutdown-sessions/);
  assert.match(custom, /maxconn 10 check port 8008/);
});

test('the file: the same configuration on every postgres node, readable by all (it holds no secret)', () => {
  const f = haproxyFile(defaultModel());
  assert.equal([f.path, f.owner, f.mode], ['/etc/haproxy/haproxy.cfg', 'root:root', 0o644]);
  assert.is(f.content, renderHaproxyConfig(defaultModel()));
});

test('HAProxy\'s Prometheus exporter on the metrics port, over TLS with the node\'s certificate (its key found beside it)', () => {
  assert.match(cfg, /\nfrontend metrics\n    mode http\n    timeout client 10s\n    timeout http-request 5s\n    bind \*:8404 ssl crt \/etc\/pgha\/tls\/node\.crt verify required ca-file \/etc\/pgha\/tls\/ca\.crt\n    http-request use-service prometheus-exporter if \{ path \/metrics \}\n/);
  assert.match(cfg, /\n    ssl-load-extra-del-ext\n/, 'node.crt finds node.key, not node.crt.key');
  assert.match(renderHaproxyConfig(modelOf((s) => (s.haproxy = { ...s.haproxy, metricsPort: 9101 }))), /bind \*:9101 ssl crt /);
});

test.run();
