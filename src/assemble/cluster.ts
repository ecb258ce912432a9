import type { FileEntry } from '../lib/file.js';
import type { ClusterModel } from '../model/model.js';
import { launchFiles, type LaunchTemplates } from '../render/libvirt.js';
import { renderMetaData } from '../render/meta-data.js';
import { renderNetworkConfig } from '../render/network.js';
import { packerFiles, type PackerTarget } from '../render/packer.js';
import { monitoringFiles } from '../render/prometheus.js';
import { nodeScriptFiles, type ScriptTemplates } from '../render/scripts.js';
import { tlsFiles } from '../render/tls.js';
import { nodeTls } from '../secrets/node-view.js';
import type { Secrets } from '../secrets/types.js';
import { userDataConfig, userDataFile, type NodeScriptFiles } from './cloud-config.js';

/** The templates a render fills: the node and image scripts, the launch scripts (io/package-data.ts reads them). */
export interface Templates {
  scripts: ScriptTemplates;
  launch: LaunchTemplates;
}

/**
 * Each node's NoCloud seed files. A replaced node's generation is part of its instance-id, so that even an unchanged seed is a new instance to cloud-init.
 */
function seedFiles(model: ClusterModel, secrets: Secrets, scripts: NodeScriptFiles): FileEntry[] {
  return model.nodes.flatMap((node) => {
    const dir = `nodes/${node.name}`;
    const userData = userDataFile(`${dir}/user-data`, userDataConfig(model, node, secrets, scripts));
    const networkConfig = renderNetworkConfig(model, node);
    const instance = userData.content + networkConfig + (node.generation > 0 ? `generation ${node.generation}\n` : '');
    return [
      userData,
      // the node's TLS files on their own, for rolling out renewed certificates (pgha certs renew)
      ...tlsFiles(node, nodeTls(secrets, node)).map((f) => ({ path: `${dir}/tls/${f.path.slice(f.path.lastIndexOf('/') + 1)}`, content: f.content, mode: f.mode })),
      { path: `${dir}/meta-data`, content: renderMetaData(model, node, instance), mode: 0o644 },
      { path: `${dir}/network-config`, content: networkConfig, mode: 0o644 },
    ];
  });
}

/**
 * Every file of the output folder: each node's seed, the launch scripts, the Packer templates with their
 * scripts, the Prometheus scrape configuration. Pure: the same model, secrets and templates give byte-identical files.
 */
export function renderCluster(model: ClusterModel, secrets: Secrets, templates: Templates, packerTarget: PackerTarget): FileEntry[] {
  return [
    ...seedFiles(model, secrets, nodeScriptFiles(model, templates.scripts)),
    ...launchFiles(model, templates.launch),
    ...packerFiles(model, packerTarget, templates.scripts),
    ...monitoringFiles(model, secrets),
  ];
}
