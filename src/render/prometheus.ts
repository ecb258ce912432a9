import type { FileEntry } from '../lib/file.js';
import { toYaml } from '../lib/yaml.js';
import { PORTS, type ClusterModel } from '../model/model.js';
import type { Secrets } from '../secrets/types.js';

/** Where a Prometheus server finds the files, relative to prometheus.yml (Prometheus resolves them so). */
const TLS = { ca: 'tls/ca.crt', cert: 'tls/admin.crt', key: 'tls/admin.key' } as const;

/**
 * A Prometheus scrape configuration of the whole cluster (DIR/monitoring/prometheus.yml), every endpoint over
 * TLS checked against the cluster CA: etcd's /metrics on its client port and HAProxy's exporter on its metrics
 * port, both with the admin client certificate, which they want; Patroni's /metrics on its REST API. Targets are
 * the nodes' addresses, which their certificates carry, labelled with the node's name and role.
 */
export function renderPrometheusConfig(model: ClusterModel): string {
  const job = (name: string, port: number, nodes: ClusterModel['nodes'], clientCert: boolean) => ({
    job_name: `${model.name}-${name}`,
    scheme: 'https',
    metrics_path: '/metrics',
    tls_config: { ca_file: TLS.ca, ...(clientCert ? { cert_file: TLS.cert, key_file: TLS.key } : {}) },
    static_configs: nodes.map((n) => ({ targets: [`${n.ip}:${port}`], labels: { node: n.name, role: n.role, cluster: model.name } })),
  });
  return (
    `# Written by pgha for cluster ${model.name}: Prometheus scrape jobs, every endpoint over TLS (tls/ beside this file).\n` +
    toYaml({
      scrape_configs: [
        job('etcd', PORTS.etcdClient, model.etcdNodes, true),
        job('patroni', PORTS.patroniRest, model.postgresNodes, false),
        job('haproxy', model.haproxy.metricsPort, model.postgresNodes, true),
      ],
    })
  );
}

/** DIR/monitoring/: the scrape configuration and the CA and admin client certificate it names (the key 0600). */
export function monitoringFiles(model: ClusterModel, secrets: Secrets): FileEntry[] {
  return [
    { path: 'monitoring/prometheus.yml', content: renderPrometheusConfig(model), mode: 0o644 },
    { path: `monitoring/${TLS.ca}`, content: secrets.tls.ca.cert, mode: 0o644 },
    { path: `monitoring/${TLS.cert}`, content: secrets.tls.admin.cert, mode: 0o644 },
    { path: `monitoring/${TLS.key}`, content: secrets.tls.admin.key, mode: 0o600 },
  ];
}
