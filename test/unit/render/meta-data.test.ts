import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { renderMetaData } from '../../../src/render/meta-data.js';
import { defaultModel } from '../../helpers.js';

test('meta-data: instance-id changes with the node\'s content, local-hostname is the node name', () => {
  const model = defaultModel();
  const node = model.nodes[0]!;
  const a = YAML.parse(renderMetaData(model, node, 'x'));
  const b = YAML.parse(renderMetaData(model, node, 'y'));
  assert.is(a['local-hostname'], node.name);
  assert.match(a['instance-id'], /^16-main-etcd1-[0-9a-f]{12}$/);
  assert.is.not(a['instance-id'], b['instance-id']);
  assert.is(renderMetaData(model, node, 'x'), renderMetaData(model, node, 'x'));
});

test.run();
