import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { etcdFiles, renderEtcdDropin, renderEtcdEnv } from '../../../src/render/etcd.js';
import { etcdNodeSecrets } from '../../../src/secrets/node-view.js';
import { defaultModel, modelOf, TEST_SECRETS } from '../../helpers.js';

function env(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => {
        const m = /^([A-Z0-9_]+)="([^"]*)"$/.exec(l);
        if (!m) throw new Error(`not KEY="value": ${l}`);
        return [m[1]!, m[2]!];
      }),
  );
}

const model = defaultModel();
const etcd2 = model.etcdNodes.find((n) => n.name === 'etcd2')!;
const vars = env(renderEtcdEnv(model, etcd2, etcdNodeSecrets(TEST_SECRETS, etcd2)));

test('the member advertises and listens on its own address only', () => {
  assert.is(vars.ETCD_NAME, 'etcd2');
  assert.is(vars.ETCD_INITIAL_ADVERTISE_PEER_URLS, 'https://192.168.122.104:2380');
  assert.is(vars.ETCD_ADVERTISE_CLIENT_URLS, 'https://192.168.122.104:2379');
  assert.is(vars.ETCD_LISTEN_PEER_URLS, 'https://192.168.122.104:2380');
  assert.is(vars.ETCD_LISTEN_CLIENT_URLS, 'https://192.168.122.104:2379,https://127.0.0.1:2379');
});

test('the initial cluster lists every etcd member and no postgres node, state new', () => {
  assert.is(
    vars.ETCD_INITIAL_CLUSTER,
    'etcd1=https://192.168.122.18:2380,etcd2=https://192.168.122.104:2380,etcd3=https://192.168.122.187:2380',
  );
  assert.is(vars.ETCD_INITIAL_CLUSTER_STATE, 'new');
  assert.is(vars.ETCD_INITIAL_CLUSTER_TOKEN, TEST_SECRETS.etcdInitialClusterToken);
});

test('v3 API only: no v2 switch; timings from the spec', () => {
  assert.not.ok('ETCD_ENABLE_V2' in vars);
  assert.is(vars.ETCD_HEARTBEAT_INTERVAL, '100');
  assert.is(vars.ETCD_ELECTION_TIMEOUT, '1000');
  const slow = env(renderEtcdEnv(modelOf((s) => (s.etcd = { heartbeatIntervalMs: 1000, electionTimeoutMs: 5000 })), etcd2, etcdNodeSecrets(TEST_SECRETS, etcd2)));
  assert.is(slow.ETCD_HEARTBEAT_INTERVAL, '1000');
  assert.is(slow.ETCD_ELECTION_TIMEOUT, '5000');
  assert.is(vars.ETCD_DATA_DIR, '/var/lib/etcd/default');
});

test('the systemd drop-in lets etcd wait for its peers without a start timeout', () => {
  const dropin = renderEtcdDropin();
  assert.match(dropin, /^\[Service\]$/m);
  assert.match(dropin, /^TimeoutStartSec=infinity$/m);
  assert.match(dropin, /^Restart=on-failure$/m);
});

test('the files: the environment file with the cluster token is readable by etcd only; the drop-in by all', () => {
  const files = etcdFiles(model, etcd2, etcdNodeSecrets(TEST_SECRETS, etcd2));
  assert.equal(files.map((f) => [f.path, f.owner, f.mode]), [
    ['/etc/default/etcd', 'root:etcd', 0o640],
    ['/etc/systemd/system/etcd.service.d/pgha.conf', 'root:root', 0o644],
  ]);
  assert.is(files[1]!.content, renderEtcdDropin());
});

test.run();
