import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addNode, nextRestoreNamespace, replaceNode, restoreCluster, rollOutNodes } from '../../../src/spec/edit.js';
import { userErrorOf } from '../../helpers.js';

const TEXT = `# my cluster
cluster: {name: c}
nodes:
  # the first etcd member
  - name: e1
    role: etcd
    ip: 10.0.0.11
  - name: p1
    role: postgres
    ip: 10.0.0.21
    generation: 2
`;

test('replaceNode: the generation goes up, --ip and --mac are recorded, comments and layout are kept', () => {
  const e = replaceNode(TEXT, 'c.yaml', 'e1', { ip: '10.0.0.12', mac: '52:54:00:00:00:01' });
  assert.is(e.text, TEXT.replace('    ip: 10.0.0.11\n', '    ip: 10.0.0.12\n    mac: 52:54:00:00:00:01\n    generation: 1\n'));
  assert.equal((e.raw as { nodes: unknown[] }).nodes[0], { name: 'e1', role: 'etcd', ip: '10.0.0.12', mac: '52:54:00:00:00:01', generation: 1 });
  assert.match(replaceNode(TEXT, 'c.yaml', 'p1', {}).text, /generation: 3\n$/);
});

test('rollOutNodes: every node\'s generation goes up by one, comments and layout kept', () => {
  const e = rollOutNodes(TEXT, 'c.yaml');
  assert.is(e.text, TEXT.replace('    ip: 10.0.0.11\n', '    ip: 10.0.0.11\n    generation: 1\n').replace('generation: 2\n', 'generation: 3\n'));
  assert.equal((e.raw as { nodes: { generation: number }[] }).nodes.map((n) => n.generation), [1, 3]);
});

test('addNode: appended with generation 1 (its seed joins the running cluster); a name that exists is refused', () => {
  const e = addNode(TEXT, 'c.yaml', { name: 'p2', role: 'postgres', ip: '10.0.0.22', tags: { nofailover: true } });
  assert.is(e.text, `${TEXT}  - name: p2\n    role: postgres\n    ip: 10.0.0.22\n    generation: 1\n    tags:\n      nofailover: true\n`);
  assert.match(userErrorOf(() => addNode(TEXT, 'c.yaml', { name: 'e1', role: 'etcd', ip: '10.0.0.13' })).message, /c\.yaml: a node named e1 exists; to boot a new machine for it use pgha replace e1/);
});

test('replacing an unknown node names the nodes there are', () => {
  assert.match(userErrorOf(() => replaceNode(TEXT, 'c.yaml', 'e9', {})).message, /^c\.yaml: no node named e9; the nodes are e1, p1$/);
});

test('restoreCluster: the target (quoted) and a new Patroni namespace recorded, comments kept; a spec without backup is refused', () => {
  const text = `${TEXT}backup:\n  # the store\n  repository: {endpoint: s3.example.net, bucket: b, region: r}\n`;
  const e = restoreCluster(text, 'c.yaml', '2026-12-02 01:06:42+00');
  assert.is(e.text, text.replace('cluster: {name: c}', 'cluster: {name: c, namespace: /service/restore1/}') + "  restore:\n    to: '2026-12-02 01:06:42+00'\n");
  assert.equal(e.namespace, { old: '/service/', new: '/service/restore1/' });
  assert.equal((e.raw as { backup: { restore: unknown } }).backup.restore, { to: '2026-12-02 01:06:42+00' });
  const again = restoreCluster(e.text, 'c.yaml', 'latest');
  assert.equal(again.namespace, { old: '/service/restore1/', new: '/service/restore2/' });
  assert.match(again.text, /\n  restore:\n    to: 'latest'\n$/);
  assert.match(userErrorOf(() => restoreCluster(TEXT, 'c.yaml', 'latest')).message, /^c\.yaml: no backup section: pgha restore rebuilds a cluster from its backup repository/);
  assert.equal(['/pg/', '/pg/restore9/', '/a/restore1/b/'].map(nextRestoreNamespace), ['/pg/restore1/', '/pg/restore10/', '/a/restore1/b/restore1/']);
});

test.run();
