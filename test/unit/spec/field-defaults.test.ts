import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { packagePath } from '../../../src/paths.js';
import { DEFAULTS, effectivePatroniTimings } from '../../../src/spec/field-defaults.js';
import { BUILT_IN_SPEC } from '../../../src/spec/built-in.js';

test('the JSON Schema documents the same defaults the model applies', () => {
  assert.is(JSON.parse(readFileSync(packagePath('schema', 'pgha-spec.schema.json'), 'utf8')).properties.cluster.properties.flavor.default, DEFAULTS.flavor);
  const schema = JSON.parse(readFileSync(packagePath('schema', 'pgha-spec.schema.json'), 'utf8'));
  const p = schema.properties;
  const d = (o: { properties: Record<string, { default?: unknown }> }) => Object.fromEntries(Object.entries(o.properties).map(([k, v]) => [k, v.default]));
  assert.equal(d(p.etcd), DEFAULTS.etcd);
  const { primaryStartTimeout, ...patroni } = d(p.patroni);
  assert.equal(patroni, DEFAULTS.patroni);
  assert.is(primaryStartTimeout, undefined, 'derived (0 in synchronous mode, else ttl): no single default to state');
  assert.equal(d(p.network.properties.vrrp), DEFAULTS.vrrp);
  assert.equal(d(p.haproxy.properties.check), DEFAULTS.haproxy.check);
  const { check: _check, ...ports } = DEFAULTS.haproxy;
  const { check: _c, ...schemaPorts } = d(p.haproxy);
  assert.equal(schemaPorts, ports);
  assert.is(p.admin.properties.user.default, DEFAULTS.adminUser);
});

test('Patroni\'s timings: pgha\'s defaults raised to the flavour\'s ttl floor; the spec\'s own values as they are', () => {
  const spec = structuredClone(BUILT_IN_SPEC);
  delete spec.patroni;
  assert.equal(effectivePatroniTimings(spec, undefined), { ...DEFAULTS.patroni, primaryStartTimeout: DEFAULTS.patroni.ttl });
  assert.is(effectivePatroniTimings(spec, 20).ttl, 20);
  spec.patroni = { ttl: 9, synchronousMode: true };
  assert.equal(effectivePatroniTimings(spec, 20), { ...DEFAULTS.patroni, ttl: 9, synchronousMode: true, primaryStartTimeout: 0 }, 'validation, not the model, refuses a ttl below the floor');
});

test.run();
