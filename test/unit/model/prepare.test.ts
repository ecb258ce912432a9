import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prepareSpec } from '../../../src/model/prepare.js';
import { BUILT_IN_SPEC } from '../../../src/spec/built-in.js';
import { RULES, userErrorOf } from '../../helpers.js';

test('a valid spec: its model, its warnings, where it came from', () => {
  const spec = structuredClone(BUILT_IN_SPEC);
  spec.nodes.push({ name: 'etcd4', role: 'etcd', ip: '192.168.122.19' });
  const p = prepareSpec(spec, 'c.yaml', RULES, 'c.yaml');
  assert.is(p.model.etcdNodes.length, 4);
  assert.equal(p.warnings.map((w) => [w.severity, w.path]), [['warning', 'nodes']]);
  assert.equal([p.source, p.specPath], ['c.yaml', 'c.yaml']);
  assert.not.ok('specPath' in prepareSpec(structuredClone(BUILT_IN_SPEC), 'built-in default spec', RULES));
});

test('an invalid spec: one user error with every problem, errors and warnings, each with its spec path', () => {
  const spec = structuredClone(BUILT_IN_SPEC);
  spec.nodes.push({ name: 'etcd4', role: 'etcd', ip: '192.168.122.19' });
  spec.network.vip = spec.network.gateway;
  const e = userErrorOf(() => prepareSpec(spec, 'c.yaml', RULES));
  assert.is(e.message, 'c.yaml: 1 problem(s) to fix');
  assert.equal(e.details, ['error: [network.vip] equals network.gateway: the VIP must be free', 'warning: [nodes] 4 etcd members: an even number tolerates no more failures than 3; use an odd number']);
});

test.run();
