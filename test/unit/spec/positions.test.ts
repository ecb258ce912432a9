import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { locate } from '../../../src/spec/positions.js';

const TEXT = `cluster: {name: a}
network:
  cidr: 10.0.0.0/24
  vip: 10.0.0.2
nodes:
  - name: e1
    role: etcd
    ip: 10.9.9.9
  - {name: e2, role: etcd, ip: 10.0.0.12}
postgres:
  parameters:
    pg_stat_statements.max: 100
`;

const at = (path: string) => {
  const [d] = locate(TEXT, [{ severity: 'error', path, message: 'm' }]);
  return d!.line === undefined ? undefined : [d!.line, d!.column];
};

test('a spec path is placed at its key in the YAML (list items by index, flow collections too)', () => {
  assert.equal(at('nodes[0].ip'), [8, 5]);
  assert.equal(at('nodes[1].ip'), [9, 28]);
  assert.equal(at('nodes[1]'), [9, 5]);
  assert.equal(at('network.cidr'), [3, 3]);
  assert.equal(at('cluster.name'), [1, 11]);
});

test('a key holding a dot (a PostgreSQL parameter) is found whole', () => {
  assert.equal(at('postgres.parameters.pg_stat_statements.max'), [12, 5]);
});

test('a path not in the file points at the deepest part that is; the whole spec and a known line stay as they are', () => {
  assert.equal(at('network.gateway'), [2, 1], 'a required field left out: its section');
  assert.equal(at('nodes[5].ip'), [5, 1]);
  assert.is(at(''), undefined);
  assert.is(at('admin'), undefined);
  const given = { severity: 'error' as const, path: 'nodes', message: 'm', line: 99, column: 1 };
  assert.equal(locate(TEXT, [given]), [given]);
});

test('JSON specs are YAML: their paths are placed too', () => {
  const json = JSON.stringify({ cluster: { name: 'a' }, nodes: [{ ip: '1' }] }, null, 2);
  const [d] = locate(json, [{ severity: 'warning', path: 'nodes[0].ip', message: 'm' }]);
  assert.equal([d!.line, d!.column, d!.severity], [7, 7, 'warning']);
});

test.run();
