import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import type { NodeModel } from '../../../src/model/model.js';
import { patroniFile, renderPatroniConfig as render, renderPgHba } from '../../../src/render/patroni.js';
import { postgresNodeSecrets } from '../../../src/secrets/node-view.js';
import type { Secrets } from '../../../src/secrets/types.js';
import { defaultModel, modelOf, REFERENCE_SECRETS, TEST_SECRETS } from '../../helpers.js';

const renderPatroniConfig = (m: Parameters<typeof render>[0], node: NodeModel, secrets: Secrets) => render(m, node, postgresNodeSecrets(secrets, node));

const model = defaultModel();
const parse = (name: string, m = model) => {
  const node = m.postgresNodes.find((n) => n.name === name)!;
  return YAML.parse(renderPatroniConfig(m, node, TEST_SECRETS), { version: '1.1' }) as Record<string, any>;
};

test('connect addresses and the REST API are the node\'s own address (reference mistake 1)', () => {
  for (const n of model.postgresNodes) {
    const c = parse(n.name);
    assert.is(c.name, n.name);
    assert.is(c.postgresql.connect_address, `${n.ip}:5432`);
    assert.is(c.restapi.connect_address, `${n.ip}:8008`);
    assert.is(c.restapi.listen, `${n.ip}:8008`);
  }
});

test('the etcd3 section lists every etcd member; no v2 etcd section (mistake 3)', () => {
  const c = parse('patroni1');
  assert.equal(c.etcd3.hosts, ['192.168.122.18:2379', '192.168.122.104:2379', '192.168.122.187:2379']);
  assert.not.ok('etcd' in c);
  assert.is(c.scope, '16-main');
  assert.is(c.namespace, '/postgresql-common/');
});

test('tags are at the top level, and only patroni3 is nofailover (mistake 8)', () => {
  assert.equal(parse('patroni3').tags, { nofailover: true, noloadbalance: false, clonefrom: false, nosync: false });
  assert.is(parse('patroni1').tags.nofailover, false);
  assert.not.ok('tags' in parse('patroni3').postgresql);
});

test('in synchronous mode a nofailover node is nosync, so that it cannot be the standby that a failover needs', () => {
  const sync = modelOf((s) => (s.patroni = { synchronousMode: true }));
  const tags = (name: string) => sync.postgresNodes.find((n) => n.name === name)!.tags;
  assert.equal([tags('patroni1').nosync, tags('patroni2').nosync, tags('patroni3').nosync], [false, false, true]);
});

test('REST API unsafe endpoints need authentication (mistake 6)', () => {
  assert.equal(parse('patroni1').restapi.authentication, { username: 'patroni', password: TEST_SECRETS.restApiPassword });
});

test('the bootstrap method that runs is the one given checksums; replicas clone with a fast checkpoint (mistakes 9, 11)', () => {
  const c = parse('patroni2');
  assert.is(c.bootstrap.method, 'pgha_createcluster');
  assert.is(c.bootstrap.pgha_createcluster.command, '/usr/local/lib/pgha/pgha-createcluster 16 main');
  assert.not.ok('initdb' in c.bootstrap);
  assert.equal(c.postgresql.create_replica_methods, ['pgha_clonecluster']);
  assert.is(c.postgresql.pgha_clonecluster.command, '/usr/local/lib/pgha/pgha-clonecluster 16 main');
});

test('Debian layout paths follow the flavour\'s PostgreSQL version', () => {
  const c = parse('patroni1', modelOf((s) => (s.cluster.flavor = 'debian-12')));
  assert.is(c.postgresql.data_dir, '/var/lib/postgresql/15/main');
  assert.is(c.postgresql.bin_dir, '/usr/lib/postgresql/15/bin');
  assert.is(c.postgresql.config_dir, '/etc/postgresql/15/main');
  assert.is(c.bootstrap.pgha_createcluster.command, '/usr/local/lib/pgha/pgha-createcluster 15 main');
});

test('DCS timings and parameters come from the spec; log_min_messages, not min_log_message (mistake 2)', () => {
  const dcs = parse('patroni1').bootstrap.dcs;
  assert.equal([dcs.ttl, dcs.loop_wait, dcs.retry_timeout, dcs.maximum_lag_on_failover, dcs.synchronous_mode, dcs.failsafe_mode], [20, 1, 3, 1048576, false, true]);
  const sync = modelOf((s) => (s.patroni = { ttl: 30, loopWait: 10, retryTimeout: 10, synchronousMode: true }));
  const syncDcs = YAML.parse(renderPatroniConfig(sync, sync.postgresNodes[0]!, TEST_SECRETS), { version: '1.1' }).bootstrap.dcs;
  assert.equal([syncDcs.ttl, syncDcs.loop_wait, syncDcs.retry_timeout, syncDcs.synchronous_mode], [30, 10, 10, true]);
  assert.is(dcs.postgresql.parameters.log_min_messages, 'info');
  assert.not.ok('min_log_message' in dcs.postgresql.parameters);
  assert.is(dcs.postgresql.parameters.password_encryption, 'scram-sha-256');
  assert.ok(dcs.postgresql.use_pg_rewind);
});

test('credentials come from the secrets; none of the reference\'s passwords appear (mistake 6)', () => {
  const text = renderPatroniConfig(model, model.postgresNodes[0]!, TEST_SECRETS);
  const c = YAML.parse(text, { version: '1.1' });
  assert.is(c.postgresql.authentication.superuser.password, TEST_SECRETS.superuserPassword);
  assert.is(c.postgresql.authentication.replication.username, 'replicator');
  assert.not.ok('users' in c.bootstrap, 'extra users come from post_bootstrap: Patroni 4 ignores bootstrap.users');
  assert.is(c.bootstrap.post_bootstrap, '/usr/local/lib/pgha/pgha-postbootstrap');
  assert.not.ok(text.includes(TEST_SECRETS.users.admin!), 'an extra user\'s password is not in Patroni\'s configuration');
  for (const s of REFERENCE_SECRETS) assert.not.ok(text.includes(s), s);
});

test('pg_hba: TLS and scram-sha-256 for every remote rule, never trust; replication only for the replicator, from the cluster network', () => {
  const m = modelOf((s) => (s.postgres!.clientNetworks = ['10.20.0.0/16']));
  const lines = renderPgHba(m).map((l) => l.split(/\s+/));
  assert.not.ok(lines.some((l) => l.includes('trust')));
  for (const l of lines.filter((l) => l[0]!.startsWith('host'))) assert.is(l[4], 'scram-sha-256');
  const loopback = ['127.0.0.1/32', '::1/128'];
  for (const l of lines.filter((l) => l[0] === 'host')) assert.ok(loopback.includes(l[3]!), `only loopback goes without TLS: ${l.join(' ')}`);
  const replication = lines.filter((l) => l[0]!.startsWith('host') && l[1] === 'replication').map((l) => `${l[0]} ${l[3]}`);
  assert.equal(replication, ['host 127.0.0.1/32', 'hostssl 192.168.122.0/24']);
  const all = lines.filter((l) => l[0] === 'hostssl' && l[1] === 'all').map((l) => l[3]);
  assert.equal(all, ['192.168.122.0/24', '10.20.0.0/16']);
});

test('TLS: the REST API serves HTTPS, etcd is reached with a client certificate, PostgreSQL has ssl on, members verify each other', () => {
  const c = YAML.parse(renderPatroniConfig(model, model.postgresNodes[0]!, TEST_SECRETS), { version: '1.1' });
  const tls = { ca: '/etc/pgha/tls/ca.crt', cert: '/etc/pgha/tls/node.crt', key: '/etc/pgha/tls/node.key' };
  assert.equal([c.restapi.certfile, c.restapi.keyfile, c.restapi.cafile], [tls.cert, tls.key, tls.ca]);
  assert.is(c.restapi.verify_client, undefined, 'HAProxy and monitoring check without a client certificate');
  assert.ok(c.restapi.authentication.password, 'unsafe endpoints want the REST password');
  assert.equal(c.ctl, { certfile: tls.cert, keyfile: tls.key, cacert: tls.ca }, 'without ctl.certfile Patroni calls members with certificate checks off');
  assert.equal([c.etcd3.protocol, c.etcd3.cacert, c.etcd3.cert, c.etcd3.key], ['https', tls.ca, tls.cert, tls.key]);
  assert.equal([c.postgresql.parameters.ssl, c.postgresql.parameters.ssl_cert_file, c.postgresql.parameters.ssl_key_file], ['on', tls.cert, tls.key]);
  for (const who of ['replication', 'rewind']) {
    assert.is(c.postgresql.authentication[who].sslmode, 'verify-full', who);
    assert.is(c.postgresql.authentication[who].sslrootcert, tls.ca, who);
  }
});

test('the file: postgres owns Patroni\'s configuration, with its passwords, mode 0600', () => {
  const model = defaultModel();
  const node = model.postgresNodes[0]!;
  const f = patroniFile(model, node, postgresNodeSecrets(TEST_SECRETS, node));
  assert.equal([f.path, f.owner, f.mode], ['/etc/patroni/config.yml', 'postgres:postgres', 0o600]);
  assert.is(f.content, renderPatroniConfig(model, node, TEST_SECRETS));
});

test('primary_start_timeout: one ttl by default (a crashed PostgreSQL fails over no later than a dead machine), 0 in synchronous mode, the spec\'s own otherwise', () => {
  const dcs = (m: ReturnType<typeof defaultModel>) => YAML.parse(renderPatroniConfig(m, m.postgresNodes[0]!, TEST_SECRETS), { version: '1.1' }).bootstrap.dcs;
  assert.is(dcs(defaultModel()).primary_start_timeout, 20);
  assert.is(dcs(modelOf((s) => (s.patroni = { synchronousMode: true }))).primary_start_timeout, 0);
  assert.is(dcs(modelOf((s) => (s.patroni = { synchronousMode: true, primaryStartTimeout: 45 }))).primary_start_timeout, 45);
  assert.is(dcs(modelOf((s) => (s.cluster.flavor = 'debian-12'))).primary_start_timeout, 7);
});

test.run();
