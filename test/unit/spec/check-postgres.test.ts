import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { flavorNamed } from '../../../src/model/flavors.js';
import { BUILT_IN_SPEC } from '../../../src/spec/built-in.js';
import { checkPostgres } from '../../../src/spec/check-postgres.js';
import type { Diagnostic } from '../../../src/spec/diagnostic.js';
import type { Spec } from '../../../src/spec/types.js';
import { FLAVORS } from '../../helpers.js';

function check(postgres: Spec['postgres'], flavor = 'ubuntu-24.04'): string[] {
  const spec = { ...structuredClone(BUILT_IN_SPEC), postgres };
  const out: Diagnostic[] = [];
  checkPostgres(spec, flavorNamed(FLAVORS, flavor), out);
  return out.map((d) => `${d.severity} ${d.path}: ${d.message}`);
}

test('the built-in spec\'s parameters and users pass', () => {
  assert.equal(check(BUILT_IN_SPEC.postgres), []);
});

test('parameters: a misspelling is an error with the meant name; pgha\'s TLS settings an error; Patroni\'s a warning; extensions pass', () => {
  assert.equal(check({ parameters: { min_log_message: 'info', ssl: 'off', port: 5433, 'pg_stat_statements.max': 100 } }), [
    'error postgres.parameters.min_log_message: is not a PostgreSQL 16 parameter: did you mean log_min_messages?',
    'error postgres.parameters.ssl: is set by pgha (TLS with the cluster\'s certificates, see tls): remove it',
    'warning postgres.parameters.port: is set by Patroni from its own configuration; this value is ignored',
  ]);
  assert.equal(check({ parameters: { shared_bufers: '1GB' } }, 'debian-12'), ['error postgres.parameters.shared_bufers: is not a PostgreSQL 15 parameter: did you mean shared_buffers?']);
  assert.match(check({ parameters: { frobnicate_everything: 1 } })[0]!, /^warning .*is not a PostgreSQL 16 parameter; Patroni will drop it/);
});

test('users: reserved names, duplicates, login with nologin; client networks must be subnets', () => {
  assert.equal(check({ users: [{ name: 'replicator' }, { name: 'app' }, { name: 'app', options: ['login', 'nologin'] }], clientNetworks: ['10.0.0.1/8'] }), [
    'error postgres.users[0].name: replicator is reserved for Patroni: choose another name',
    'error postgres.users[2].name: duplicate user app',
    'error postgres.users[2].options: has both login and nologin: keep one',
    'error postgres.clientNetworks[0]: is not a valid subnet: host bits are set; the network is 10.0.0.0/8',
  ]);
});

test.run();
