import { createHash } from 'node:crypto';
import { toYaml } from '../lib/yaml.js';
import type { ClusterModel, NodeModel } from '../model/model.js';

/**
 * NoCloud meta-data: the instance-id carries a digest of what the node's seed holds, so a changed seed is a
 * new instance to cloud-init (which then runs a first boot again).
 */
export function renderMetaData(model: ClusterModel, node: NodeModel, instanceContent: string): string {
  const digest = createHash('sha256').update(instanceContent).digest('hex').slice(0, 12);
  return toYaml({ 'instance-id': `${model.name}-${node.name}-${digest}`, 'local-hostname': node.name });
}
