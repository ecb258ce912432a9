import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { restore } from '../../../src/commands/restore.js';
import { UserError } from '../../../src/errors.js';
import { secretsToYaml } from '../../../src/secrets/file.js';
import { parseUserData, pgha, TEST_SECRETS, tree, writeFile } from '../../helpers.js';

let dir = '';
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgha-restore-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

const KEYS = { ...process.env, PGHA_SECRET_BACKUP_S3_KEY: 'AKIATEST', PGHA_SECRET_BACKUP_S3_KEY_SECRET: 'wJal/Rx+Y' };
const BACKUP = 'backup:\n  repository: {endpoint: s3.example.net, bucket: pgha-backup, region: eu-central-1}\n';
/** The spec with a backup section and the test secrets without the store's keys (no certificates to issue: fast). */
async function specWithBackup(): Promise<void> {
  assert.is((await pgha(['init', 'c.yaml'], dir)).code, 0);
  appendFileSync(join(dir, 'c.yaml'), BACKUP);
  const { backup: _keys, ...secrets } = TEST_SECRETS;
  writeFileSync(join(dir, 'c.secrets.yaml'), secretsToYaml(secrets, '16-main'), { mode: 0o600 });
}
const patroni = (out: Record<string, string>, node: string) => YAML.parse(writeFile(parseUserData(out[`${node}/user-data`]!), '/etc/patroni/config.yml').content, { version: '1.1' });

test('a render with the backup section and no access keys is refused, naming the secrets-file fields and the variables; nothing is written', async () => {
  await specWithBackup();
  const secrets = readFileSync(join(dir, 'c.secrets.yaml'), 'utf8');
  const r = await pgha(['render', 'c.yaml', '--out', 'out', '--no-iso'], dir, { ...process.env });
  assert.is(r.code, 2);
  assert.match(r.stderr, /the backup section needs the object store's access key id and secret/);
  assert.match(r.stderr, /add backup\.s3Key to c\.secrets\.yaml \(mode 0600\), or set PGHA_SECRET_BACKUP_S3_KEY\n/);
  assert.match(r.stderr, /add backup\.s3KeySecret to c\.secrets\.yaml \(mode 0600\), or set PGHA_SECRET_BACKUP_S3_KEY_SECRET\n/);
  assert.not.ok(existsSync(join(dir, 'out')));
  assert.is(readFileSync(join(dir, 'c.secrets.yaml'), 'utf8'), secrets);
});

test('pgha restore: spec, secrets and seeds together: the target, a new namespace, new postgres certificates, the custom bootstrap; etcd seeds unchanged', async () => {
  await specWithBackup();
  assert.is((await pgha(['render', 'c.yaml', '--out', 'out', '--no-iso'], dir, KEYS)).code, 0);
  const before = tree(join(dir, 'out', 'nodes'));
  assert.is(patroni(before, 'patroni1').bootstrap.method, 'pgha_createcluster');
  const r = await pgha(['restore', 'c.yaml', '--out', 'out', '--no-iso', '--to', '2026-12-02T01:06:42.5+01:00'], dir, KEYS);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /c\.yaml: cluster 16-main is rebuilt from its backup repository up to 2026-12-02 01:06:42\.5\+01:00, in the Patroni namespace \/postgresql-common\/restore1\/ \(was \/postgresql-common\/\)/);
  assert.match(r.stdout, /issued patroni1's certificate \(its machine is replaced\), patroni2's .*patroni3's/);
  assert.match(r.stdout, /del --prefix \/postgresql-common\/16-main\//, 'how to tidy the old keys away later');
  const text = readFileSync(join(dir, 'c.yaml'), 'utf8');
  assert.match(text, /^# yaml-language-server/, 'comments kept');
  assert.match(text, /\n  restore:\n    to: '2026-12-02 01:06:42\.5\+01:00'\n/);
  const after = tree(join(dir, 'out', 'nodes'));
  const c = patroni(after, 'patroni2');
  assert.equal([c.namespace, c.bootstrap.method, c.bootstrap.pgha_restore.command], ['/postgresql-common/restore1/', 'pgha_restore', "/usr/local/lib/pgha/pgha-restorecluster 16 main 16-main '2026-12-02 01:06:42.5+01:00'"]);
  for (const n of ['patroni1', 'patroni2', 'patroni3']) assert.is.not(after[`${n}/tls/node.key`], before[`${n}/tls/node.key`], `${n}: new machines, new keys`);
  for (const n of ['etcd1', 'etcd2', 'etcd3']) assert.is(after[`${n}/user-data`], before[`${n}/user-data`], `${n} keeps running as it is`);
  assert.match(writeFile(parseUserData(after['patroni1/user-data']!), '/etc/pgbackrest/conf.d/pgha-secrets.conf').content, /\nrepo1-s3-key=AKIATEST\nrepo1-s3-key-secret=wJal\/Rx\+Y\n/);
});

test('pgha restore refuses bad input with exit 2 and changes nothing', async () => {
  assert.is((await pgha(['init', 'c.yaml'], dir)).code, 0);
  const plain = readFileSync(join(dir, 'c.yaml'), 'utf8');
  const cases: [string[], RegExp][] = [
    [['restore', 'c.yaml', '--out', 'out', '--to', 'latest'], /c\.yaml: no backup section/],
    [['restore', 'c.yaml', '--out', 'out'], /--to is missing: give latest/],
    [['restore', 'c.yaml', '--out', 'out', '--to', '2026-12-02 01:06:42'], /--to 2026-12-02 01:06:42: give latest or a time with its zone/],
    [['restore', '--out', 'out', '--to', 'latest'], /pgha restore records the change in the spec file \(the restore target and a new Patroni namespace\)/],
    [['restore', 'c.yaml', '--to', 'latest'], /--out DIR is missing/],
  ];
  for (const [args, message] of cases) {
    const r = await pgha(args, dir, KEYS);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.is(readFileSync(join(dir, 'c.yaml'), 'utf8'), plain);
  assert.not.ok(existsSync(join(dir, 'out')));
  await restore(undefined, {}, { out: () => {}, err: () => {}, env: {} }).then(
    () => assert.unreachable('no error'),
    (e: unknown) => assert.instance(e, UserError),
  );
});

test.run();
