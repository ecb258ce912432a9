import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { etcdNodeSecrets, nodeTls, postgresNodeSecrets } from '../../../src/secrets/node-view.js';
import { defaultModel, modelOf, TEST_SECRETS } from '../../helpers.js';

const model = defaultModel();

test('an etcd node sees its TLS pair, the CA certificate and the cluster token; no password, no CA key', () => {
  const view = etcdNodeSecrets(TEST_SECRETS, model.etcdNodes[0]!);
  assert.equal(view, { tls: { ca: TEST_SECRETS.tls.ca.cert, cert: TEST_SECRETS.tls.nodes.etcd1!.cert, key: TEST_SECRETS.tls.nodes.etcd1!.key }, initialClusterToken: TEST_SECRETS.etcdInitialClusterToken });
  assert.not.ok(JSON.stringify(view).includes(TEST_SECRETS.superuserPassword));
});

test('a postgres node sees the database and REST passwords and the VRRP password; not the etcd token, not the CA key', () => {
  const view = postgresNodeSecrets(TEST_SECRETS, model.postgresNodes[1]!);
  assert.is(view.tls.key, TEST_SECRETS.tls.nodes.patroni2!.key);
  assert.equal(
    [view.superuserPassword, view.replicationPassword, view.rewindPassword, view.restApiPassword, view.keepalivedAuthPass, view.users],
    [TEST_SECRETS.superuserPassword, TEST_SECRETS.replicationPassword, TEST_SECRETS.rewindPassword, TEST_SECRETS.restApiPassword, TEST_SECRETS.keepalivedAuthPass, TEST_SECRETS.users],
  );
  const text = JSON.stringify(view);
  assert.not.ok(text.includes(TEST_SECRETS.etcdInitialClusterToken));
  assert.not.ok(text.includes(TEST_SECRETS.tls.ca.key.split('\n')[1]!));
});

test('a node without a certificate is a bug (completeSecrets issues one for every node)', () => {
  const m = modelOf((s) => s.nodes.push({ name: 'etcd4', role: 'etcd', ip: '192.168.122.19' }));
  assert.throws(() => nodeTls(TEST_SECRETS, m.etcdNodes.find((n) => n.name === 'etcd4')!), /no certificate for node etcd4/);
});

test.run();
