import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { packagePath } from '../../../src/paths.js';
import { ASSET_DIR, BUILD, NODE_NAME_PATTERN, CONFIG_PATHS, PEERS_BEGIN_LINE, PEERS_MARKERS, ROLE_UNITS, SENTINEL_PATH, SERVICE_USER, STATE_DIR, TLS_DIR, TLS_PATHS, UNITS } from '../../../src/node/contract.js';
import { ROLES } from '../../../src/spec/types.js';

test('every path is absolute; pgha\'s own files live in its own folders', () => {
  const paths = [ASSET_DIR, STATE_DIR, SENTINEL_PATH, TLS_DIR, ...Object.values(TLS_PATHS), ...Object.values(CONFIG_PATHS), BUILD.dir, BUILD.aptProxyConf];
  for (const p of paths) assert.match(p, /^\/[a-z]/, p);
  assert.ok(SENTINEL_PATH.startsWith(`${STATE_DIR}/`));
  for (const p of Object.values(TLS_PATHS)) assert.ok(p.startsWith(`${TLS_DIR}/`), p);
  assert.is(new Set(paths).size, paths.length, 'no two facts share a path');
  assert.is(CONFIG_PATHS.etcdDropin, '/etc/systemd/system/etcd.service.d/pgha.conf');
});

test('every role has its units and its service user; the peers unit is the seed\'s own', () => {
  for (const r of ROLES) {
    assert.ok(ROLE_UNITS[r].length > 0 && ROLE_UNITS[r].every((u) => u.endsWith('.service')), r);
    assert.match(SERVICE_USER[r], /^[a-z]+$/);
  }
  assert.not.ok(Object.values(ROLE_UNITS).flat().includes(UNITS.peers), 'no package provides it');
  assert.ok(CONFIG_PATHS.peersUnit.endsWith(`/${UNITS.peers}`));
});

test('the peers markers: the begin line starts with the marker pgha-peers finds it by', () => {
  assert.ok(PEERS_BEGIN_LINE.startsWith(PEERS_MARKERS.begin));
  assert.not.ok(PEERS_BEGIN_LINE.startsWith(PEERS_MARKERS.end));
});

test('the node name pattern is the spec schema\'s', () => {
  const schema = JSON.parse(readFileSync(packagePath('schema', 'pgha-spec.schema.json'), 'utf8'));
  assert.is(schema.properties.nodes.items.properties.name.pattern, `^${NODE_NAME_PATTERN}$`);
});

test.run();
