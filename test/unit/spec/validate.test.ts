import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BUILT_IN_SPEC } from '../../../src/spec/built-in.js';
import type { Diagnostic, Severity } from '../../../src/spec/diagnostic.js';
import type { Spec } from '../../../src/spec/types.js';
import { specPath, validateSpec as validate, type ValidationResult } from '../../../src/spec/validate.js';
import { RULES } from '../../helpers.js';

const validateSpec = (raw: unknown) => validate(raw, RULES);

/** The default spec after `mutate`; `raw` is loosely typed so that tests can break the schema. */
function validateWith(mutate: (raw: any) => void): ValidationResult {
  const raw = structuredClone(BUILT_IN_SPEC) as any;
  mutate(raw);
  return validateSpec(raw);
}

/** Asserts that the result holds exactly one diagnostic, with this severity, path and message fragment. */
function expectOnly(r: ValidationResult, severity: Severity, path: string, fragment: string): Diagnostic {
  assert.is(r.diagnostics.length, 1, `expected one diagnostic, got ${JSON.stringify(r.diagnostics)}`);
  return expectAt(r, severity, path, fragment);
}

/** Asserts that some diagnostic has this path, and that it has this severity and message fragment. */
function expectAt(r: ValidationResult, severity: Severity, path: string, fragment: string): Diagnostic {
  const d = r.diagnostics.find((x) => x.path === path);
  assert.ok(d, `no diagnostic at ${path}: ${JSON.stringify(r.diagnostics)}`);
  assert.is(d.severity, severity);
  assert.ok(d.message.includes(fragment), `message of ${path} lacks "${fragment}": ${d.message}`);
  if (severity === 'error') assert.is(r.spec, undefined, 'spec must be withheld when there is an error');
  return d;
}

test('the default spec is valid without any diagnostic', () => {
  const r = validateSpec(structuredClone(BUILT_IN_SPEC));
  assert.equal(r.diagnostics, []);
  assert.equal(r.spec, BUILT_IN_SPEC);
});

test('specPath turns a JSON pointer into a dotted path', () => {
  assert.is(specPath('/nodes/2/ip'), 'nodes[2].ip');
  assert.is(specPath('/network/vrrp/routerId'), 'network.vrrp.routerId');
  assert.is(specPath('/postgres/parameters/a~1b~0c'), 'postgres.parameters.a/b~c');
  assert.is(specPath(''), '');
});

test('schema: a value of the wrong type', () => {
  expectOnly(validateWith((s) => (s.nodes[0].ip = 5)), 'error', 'nodes[0].ip', 'must be string');
});

test('schema: a missing required field is reported at its own path', () => {
  expectOnly(validateWith((s) => delete s.network.vip), 'error', 'network.vip', 'is required');
});

test('schema: an unknown field is reported at its path', () => {
  expectOnly(validateWith((s) => (s.network.vipp = '192.168.122.3')), 'error', 'network.vipp', 'not a known field');
  expectOnly(validateWith((s) => (s.bogus = 1)), 'error', 'bogus', 'not a known field');
});

test('schema: a role outside the enum', () => {
  expectOnly(validateWith((s) => (s.nodes[1].role = 'master')), 'error', 'nodes[1].role', 'must be one of "etcd", "postgres"');
});

test('schema: a flavor outside the enum', () => {
  expectOnly(validateWith((s) => (s.cluster.flavor = 'arch')), 'error', 'cluster.flavor', '"ubuntu-24.04"');
});

test('schema: a malformed IPv4 address', () => {
  expectOnly(validateWith((s) => (s.nodes[2].ip = '192.168.122.300')), 'error', 'nodes[2].ip', 'ipv4 address');
});

test('schema: a malformed MAC', () => {
  expectOnly(validateWith((s) => (s.nodes[3].mac = '52:54:00:12:34')), 'error', 'nodes[3].mac', 'wrong form');
});

test('duplicate node names', () => {
  const r = validateWith((s) => (s.nodes[4].name = 'patroni1'));
  expectAt(r, 'error', 'nodes[4].name', 'duplicate name patroni1 (also nodes[3])');
});

test('duplicate node addresses', () => {
  expectOnly(validateWith((s) => (s.nodes[4].ip = '192.168.122.236')), 'error', 'nodes[4].ip', 'duplicate ip 192.168.122.236 (also nodes[3])');
});

test('duplicate explicit MACs, compared without regard to case', () => {
  const r = validateWith((s) => {
    s.nodes[0].mac = '52:54:00:AA:BB:CC';
    s.nodes[1].mac = '52:54:00:aa:bb:cc';
  });
  expectOnly(r, 'error', 'nodes[1].mac', 'duplicate MAC 52:54:00:aa:bb:cc (also nodes[0])');
});

test('a node address outside the network', () => {
  expectOnly(validateWith((s) => (s.nodes[2].ip = '10.0.0.5')), 'error', 'nodes[2].ip', 'outside network.cidr 192.168.122.0/24');
});

test('a node on the network or broadcast address', () => {
  expectOnly(validateWith((s) => (s.nodes[2].ip = '192.168.122.0')), 'error', 'nodes[2].ip', 'network or broadcast address');
  expectOnly(validateWith((s) => (s.nodes[5].ip = '192.168.122.255')), 'error', 'nodes[5].ip', 'network or broadcast address');
});

test('the VIP equal to a node address', () => {
  expectOnly(validateWith((s) => (s.network.vip = '192.168.122.18')), 'error', 'network.vip', 'equals the address of etcd1 (nodes[0].ip)');
});

test('the VIP outside the network', () => {
  expectOnly(validateWith((s) => (s.network.vip = '10.1.1.1')), 'error', 'network.vip', 'VIP 10.1.1.1 is outside network.cidr');
});

test('the gateway outside the network', () => {
  expectOnly(validateWith((s) => (s.network.gateway = '10.1.1.1')), 'error', 'network.gateway', 'gateway 10.1.1.1 is outside network.cidr');
});

test('a CIDR with host bits set names the real network', () => {
  expectOnly(validateWith((s) => (s.network.cidr = '192.168.122.1/24')), 'error', 'network.cidr', 'the network is 192.168.122.0/24');
});

test('fewer than 3 etcd members is an error', () => {
  expectOnly(validateWith((s) => s.nodes.splice(2, 1)), 'error', 'nodes', '2 etcd member(s): at least 3');
});

test('an even number of etcd members is a warning and the spec is still returned', () => {
  const r = validateWith((s) => s.nodes.push({ name: 'etcd4', role: 'etcd', ip: '192.168.122.19' }));
  expectOnly(r, 'warning', 'nodes', '4 etcd members');
  assert.ok(r.spec);
  assert.is(r.spec.nodes.length, 7);
});

test('no postgres node is an error', () => {
  expectOnly(validateWith((s) => (s.nodes = s.nodes.filter((n: Spec['nodes'][number]) => n.role === 'etcd'))), 'error', 'nodes', 'no postgres node');
});

test('a single postgres node is a warning', () => {
  const r = validateWith((s) => (s.nodes = s.nodes.slice(0, 4)));
  expectOnly(r, 'warning', 'nodes', 'one postgres node');
  assert.ok(r.spec);
});

test('every postgres node nofailover is an error', () => {
  const r = validateWith((s) => {
    for (const n of s.nodes) if (n.role === 'postgres') n.tags = { nofailover: true };
  });
  expectOnly(r, 'error', 'nodes', 'every postgres node has tags.nofailover');
});

test('nosync: false on a nofailover node in synchronous mode is an error', () => {
  const r = validateWith((s) => {
    s.patroni = { synchronousMode: true };
    s.nodes[5].tags = { nofailover: true, nosync: false };
  });
  expectOnly(r, 'error', 'nodes[5].tags.nosync', 'blocks failover in synchronous mode');
});

test('tags on an etcd node are an error', () => {
  expectOnly(validateWith((s) => (s.nodes[0].tags = { nosync: true })), 'error', 'nodes[0].tags', 'postgres nodes only');
});

test('loopWait + 2 * retryTimeout above ttl is an error', () => {
  expectOnly(validateWith((s) => (s.patroni = { ttl: 29, loopWait: 10, retryTimeout: 10 })), 'error', 'patroni', 'loopWait + 2 * retryTimeout = 30 exceeds ttl 29');
});

test('a ttl below what the flavour\'s Patroni accepts is an error; the Debian stand-in takes it', () => {
  expectOnly(validateWith((s) => (s.patroni = { ttl: 10 })), 'error', 'patroni.ttl', '(3.2.2) raises it to: set 20 or more');
  const r = validateWith((s) => {
    s.cluster.flavor = 'debian-12';
    s.patroni = { ttl: 10 };
  });
  assert.equal(r.diagnostics, []);
});

test('loopWait + 2 * retryTimeout equal to ttl is accepted', () => {
  const r = validateWith((s) => (s.patroni = { ttl: 40, loopWait: 20, retryTimeout: 10 }));
  assert.equal(r.diagnostics, []);
  assert.ok(r.spec);
});

test('an etcd election timeout below 5 heartbeats is an error', () => {
  expectOnly(validateWith((s) => (s.etcd = { heartbeatIntervalMs: 1000, electionTimeoutMs: 4999 })), 'error', 'etcd.electionTimeoutMs', 'less than 5 heartbeats (5000 ms)');
});

test('the same HAProxy port for read-write and read-only is an error', () => {
  expectOnly(validateWith((s) => (s.haproxy.readOnlyPort = 5000)), 'error', 'haproxy.readOnlyPort', 'equals haproxy.readWritePort');
});

test('a known misspelling of a PostgreSQL parameter suggests the right name', () => {
  const r = validateWith((s) => (s.postgres.parameters.min_log_message = 'info'));
  expectOnly(r, 'error', 'postgres.parameters.min_log_message', 'did you mean log_min_messages?');
});

test('a parameter within two edits of a known one suggests it', () => {
  const r = validateWith((s) => (s.postgres.parameters.shared_bufers = '1GB'));
  expectOnly(r, 'error', 'postgres.parameters.shared_bufers', 'did you mean shared_buffers?');
});

test('the TLS parameters are pgha\'s: setting ssl or its files is an error that says to remove it', () => {
  for (const name of ['ssl', 'SSL_Key_File', 'ssl_cert_file', 'ssl_ca_file']) {
    const r = validateWith((s) => (s.postgres.parameters[name] = 'off'));
    expectOnly(r, 'error', `postgres.parameters.${name}`, 'is set by pgha (TLS with the cluster\'s certificates, see tls): remove it');
  }
});

test('tls lifetimes: positive whole days', () => {
  expectOnly(validateWith((s) => (s.tls = { certificateDays: 0 })), 'error', 'tls.certificateDays', '');
  expectOnly(validateWith((s) => (s.tls = { caDays: 1.5 })), 'error', 'tls.caDays', '');
});

test('a parameter close to nothing known is only a warning', () => {
  const r = validateWith((s) => (s.postgres.parameters.zzz_custom_thing = 1));
  expectOnly(r, 'warning', 'postgres.parameters.zzz_custom_thing', 'not a PostgreSQL 16 parameter');
  assert.ok(r.spec);
});

test('a dotted extension parameter passes without a diagnostic', () => {
  const r = validateWith((s) => (s.postgres.parameters['pg_stat_statements.max'] = 1000));
  assert.equal(r.diagnostics, []);
  assert.ok(r.spec);
});

test('a parameter that Patroni manages is a warning', () => {
  const r = validateWith((s) => (s.postgres.parameters.listen_addresses = '*'));
  expectOnly(r, 'warning', 'postgres.parameters.listen_addresses', 'set by Patroni');
  assert.ok(r.spec);
});

test('a user name reserved for Patroni is an error', () => {
  const r = validateWith((s) => s.postgres.users.push({ name: 'replicator' }));
  expectOnly(r, 'error', 'postgres.users[1].name', 'replicator is reserved');
});

test('a user with both login and nologin is an error', () => {
  const r = validateWith((s) => (s.postgres.users[0].options = ['login', 'nologin']));
  expectOnly(r, 'error', 'postgres.users[0].options', 'both login and nologin');
});

test('an invalid client network is an error', () => {
  const r = validateWith((s) => (s.postgres.clientNetworks = ['10.0.0.0/8', '10.0.0.1/8']));
  expectOnly(r, 'error', 'postgres.clientNetworks[1]', 'the network is 10.0.0.0/8');
});

test('several semantic errors are reported together', () => {
  const r = validateWith((s) => {
    s.network.vip = '10.0.0.1';
    s.nodes[0].tags = { nofailover: true };
    s.patroni = { ttl: 20, loopWait: 10, retryTimeout: 10 };
    s.haproxy.readOnlyPort = 5000;
  });
  assert.is(r.spec, undefined);
  assert.ok(r.diagnostics.every((d) => d.severity === 'error'));
  assert.equal(r.diagnostics.map((d) => d.path).sort(), ['haproxy.readOnlyPort', 'network.vip', 'nodes[0].tags', 'patroni']);
});

test('errors are listed before warnings', () => {
  const r = validateWith((s) => {
    s.nodes = s.nodes.slice(0, 4);
    s.haproxy.readOnlyPort = 5000;
  });
  assert.equal(
    r.diagnostics.map((d) => [d.severity, d.path]),
    [
      ['error', 'haproxy.readOnlyPort'],
      ['warning', 'nodes'],
    ],
  );
});

test('schema: a libvirt network name may not start like an option (virsh would take --help for one)', () => {
  expectOnly(validateWith((s) => (s.launch = { network: '--help' })), 'error', 'launch.network', 'has the wrong form');
  assert.equal(validateWith((s) => (s.launch = { network: 'pgha_net-1.a' })).diagnostics, []);
});

test.run();
