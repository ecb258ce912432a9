import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { flavorNamed, imageFileName, patternRoot, resolveFlavor } from '../../../src/model/flavors.js';
import { FLAVORS } from '../../helpers.js';

test('flavorNamed: a known flavour; an unknown one is a bug (the spec schema lists the known ones)', () => {
  assert.is(flavorNamed(FLAVORS, 'debian-12').postgresVersion, 15);
  assert.throws(() => flavorNamed(FLAVORS, 'plan9'), /unknown flavor plan9/);
});

test('imageFileName: the flavour and the role, as Packer names the image and the launch scripts boot it', () => {
  assert.is(imageFileName(flavorNamed(FLAVORS, 'debian-12'), 'postgres'), 'pgha-debian-12-postgres.qcow2');
});

test('resolveFlavor: {pg} and {cluster} replaced in every path and package; the table\'s flavour is left as it was', () => {
  const base = flavorNamed(FLAVORS, 'ubuntu-24.04');
  const f = resolveFlavor(base, { pg: '16', cluster: 'main' });
  assert.is(f.paths.pgDataDir, '/var/lib/postgresql/16/main');
  assert.is(f.paths.pgConfigDir, '/etc/postgresql/16/main');
  assert.is(f.paths.pgBinDir, '/usr/lib/postgresql/16/bin');
  assert.ok(f.packages.postgres.includes('postgresql-16'));
  assert.not.match(JSON.stringify(f), /\{pg\}|\{cluster\}/);
  assert.is(base.paths.pgDataDir, '/var/lib/postgresql/{pg}/{cluster}');
  assert.is(resolveFlavor(base, { pg: '$version', cluster: '$name' }).paths.pgConfigDir, '/etc/postgresql/$version/$name');
});

test('patternRoot: the folder before the version part; a pattern without one is a bug', () => {
  assert.is(patternRoot('/var/lib/postgresql/{pg}/{cluster}'), '/var/lib/postgresql');
  assert.throws(() => patternRoot('/var/lib/etcd/default'), /has no \/\{pg\} part/);
});

test.run();
