import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { monitoringFiles, renderPrometheusConfig } from '../../../src/render/prometheus.js';
import { defaultModel, modelOf, TEST_SECRETS } from '../../helpers.js';

interface Job {
  job_name: string;
  scheme: string;
  tls_config: Record<string, string>;
  static_configs: { targets: string[]; labels: Record<string, string> }[];
}

test('one job per endpoint kind, every target over TLS against the CA; etcd and HAProxy get the client certificate', () => {
  const model = defaultModel();
  const jobs = (YAML.parse(renderPrometheusConfig(model)) as { scrape_configs: Job[] }).scrape_configs;
  assert.equal(jobs.map((j) => j.job_name), ['16-main-etcd', '16-main-patroni', '16-main-haproxy']);
  assert.ok(jobs.every((j) => j.scheme === 'https' && j.tls_config.ca_file === 'tls/ca.crt'));
  assert.equal(jobs.map((j) => Object.keys(j.tls_config).length), [3, 1, 3]);
  const targets = (j: Job) => j.static_configs.map((c) => `${c.labels.node}=${c.targets.join(',')}`);
  assert.equal(targets(jobs[0]!), model.etcdNodes.map((n) => `${n.name}=${n.ip}:2379`));
  assert.equal(targets(jobs[2]!), model.postgresNodes.map((n) => `${n.name}=${n.ip}:8404`));
});

test('the metrics port follows the spec; the admin key is written 0600 beside the config', () => {
  const model = modelOf((s) => (s.haproxy = { ...s.haproxy, metricsPort: 9101 }));
  assert.match(renderPrometheusConfig(model), /:9101\n/);
  const files = monitoringFiles(defaultModel(), TEST_SECRETS);
  assert.equal(files.map((f) => [f.path, f.mode?.toString(8)]), [
    ['monitoring/prometheus.yml', '644'],
    ['monitoring/tls/ca.crt', '644'],
    ['monitoring/tls/admin.crt', '644'],
    ['monitoring/tls/admin.key', '600'],
  ]);
  assert.is(files[3]!.content, TEST_SECRETS.tls.admin.key);
});

test.run();
