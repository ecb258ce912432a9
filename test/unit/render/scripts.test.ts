import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { placeholders } from '../../../src/lib/template.js';
import { IMAGE_SCRIPTS, imageScriptFiles, NODE_SCRIPTS, nodeScriptFiles, scriptValues } from '../../../src/render/scripts.js';
import { defaultModel, FLAVORS, modelOf, TEMPLATES } from '../../helpers.js';

const all = () => [...Object.values(TEMPLATES.scripts.node), ...Object.values(TEMPLATES.scripts.image)];

test('every placeholder of the scripts has a value, and every value is used by a script', () => {
  const used = [...new Set(all().flatMap(placeholders))].sort();
  assert.equal(Object.keys(scriptValues(defaultModel())).sort(), used);
});

test('the values: the node contract and the flavour\'s paths, as the scripts spell them', () => {
  const v = scriptValues(defaultModel());
  assert.is(v.STATE_DIR, '/var/lib/pgha');
  assert.is(v.TLS_DIR, '/etc/pgha/tls');
  assert.is(v.POSTGRES_UNITS, 'patroni.service haproxy.service keepalived.service');
  assert.is(v.PG_CONFIG_DIR, '/etc/postgresql/$version/$name', 'the scripts take the version and cluster name as arguments');
  assert.is(v.PG_BIN_DIR, '/usr/lib/postgresql/$version/bin');
  assert.is(v.PG_DATA_ROOT, '/var/lib/postgresql');
  assert.is(v.ETCD_HOME, '/var/lib/etcd');
  assert.is(v.SEED_PATHS, 'etc/patroni/config.yml etc/keepalived/keepalived.conf etc/pgha var/lib/pgha etc/systemd/system/etcd.service.d/pgha.conf usr/local/lib/pgha etc/pgbackrest/pgbackrest.conf etc/pgbackrest/conf.d/pgha-secrets.conf');
  assert.equal([v.BACKUP_ENV, v.BACKUP_SPOOL, v.PGBACKREST_ETC, v.PGBACKREST_PACKAGE_UNIT], ['/etc/pgha/backup.env', '/var/spool/pgbackrest', '/etc/pgbackrest', 'pgbackrest.service']);
  for (const name of FLAVORS.keys()) assert.equal(Object.keys(scriptValues(modelOf((s) => (s.cluster.flavor = name)))).sort(), Object.keys(v).sort(), name);
});

test('node scripts: installed in /usr/local/lib/pgha, executable, filled in; image scripts beside the Packer templates', () => {
  const node = nodeScriptFiles(defaultModel(), TEMPLATES.scripts);
  assert.equal(Object.keys(node), [...NODE_SCRIPTS]);
  for (const [name, f] of Object.entries(node)) {
    assert.equal([f.path, f.owner, f.mode], [`/usr/local/lib/pgha/${name}`, 'root:root', 0o755]);
    assert.equal(placeholders(f.content), [], name);
  }
  assert.match(node['pgha-node'].content, /\nSTATE=\/var\/lib\/pgha\nSENTINEL=\$STATE\/bootstrap\.done\n/);
  const image = imageScriptFiles(defaultModel(), TEMPLATES.scripts);
  assert.equal(image.map((f) => [f.path, f.mode]), IMAGE_SCRIPTS.map((n) => [`packer/scripts/${n}`, 0o755]));
  assert.match(image.find((f) => f.path.endsWith('configure-services.sh'))!.content, /stop_disable patroni\.service haproxy\.service keepalived\.service postgresql\.service pgbackrest\.service\n/);
});

test.run();
