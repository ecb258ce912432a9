import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pgbackrestFiles, renderHosts, renderPgbackrestConf, renderPgbackrestSecrets } from '../../../src/render/pgbackrest.js';
import { postgresNodeSecrets } from '../../../src/secrets/node-view.js';
import { backupModel, defaultModel, TEST_SECRETS } from '../../helpers.js';

const model = backupModel();
const node = model.postgresNodes[0]!;
const ini = (text: string) => text.split('\n').filter((l) => l.includes('='));

test('pgbackrest.conf: the S3 repository by name and port, the store\'s CA, retention, encryption, async archiving, the stanza with the data directory; no secret', () => {
  const text = renderPgbackrestConf(model, model.backup!);
  assert.equal(ini(text).slice(0, 12), [
    'repo1-type=s3',
    'repo1-s3-endpoint=s3.pgha.test',
    'repo1-storage-port=8443',
    'repo1-s3-bucket=pgha-backup',
    'repo1-s3-region=us-east-1',
    'repo1-s3-uri-style=path',
    'repo1-path=/pgha/16-main',
    'repo1-storage-ca-file=/etc/pgha/backup-ca.crt',
    'repo1-retention-full=2',
    'repo1-retention-diff=6',
    'repo1-cipher-type=aes-256-cbc',
    'archive-async=y',
  ]);
  assert.match(text, /\nspool-path=\/var\/spool\/pgbackrest\n[\s\S]*\nio-timeout=20\n/);
  assert.match(text, /\n\[16-main\]\npg1-path=\/var\/lib\/postgresql\/16\/main\npg1-port=5432\npg1-socket-path=\/var\/run\/postgresql\n$/);
  assert.not.match(text, /s3-key|cipher-pass/, 'a key set in two files is an error to pgBackRest');
  const plain = backupModel((b) => {
    delete b.repository.caCertificate;
    b.encryption = false;
  });
  assert.not.match(renderPgbackrestConf(plain, plain.backup!), /ca-file|cipher/, 'the system trust store; no encryption');
});

test('the keys go to conf.d only, readable by postgres; the cipher pass only with encryption; a render without keys is a bug', () => {
  const files = pgbackrestFiles(model, node, postgresNodeSecrets(TEST_SECRETS, node));
  assert.equal(files.map((f) => [f.path, f.owner, f.mode]), [
    ['/etc/pgbackrest/pgbackrest.conf', 'root:postgres', 0o640],
    ['/etc/pgbackrest/conf.d/pgha-secrets.conf', 'root:postgres', 0o640],
    ['/etc/pgha/backup-ca.crt', 'root:root', 0o644],
    ['/etc/pgha/backup.env', 'root:root', 0o644],
    ['/etc/hosts', 'root:root', 0o644],
  ]);
  assert.equal(ini(files[1]!.content), ['repo1-s3-key=TestS3KeyId', 'repo1-s3-key-secret=TestS3Secret/With+Signs', 'repo1-cipher-pass=TestCipherPass000000000000000000']);
  assert.is(files[2]!.content, TEST_SECRETS.tls.ca.cert.trim() + '\n');
  assert.equal(ini(files[3]!.content), ['PGHA_STANZA=16-main', `PGHA_PRIMARY_URL=https://${node.ip}:8008/primary`], 'the node\'s own REST API says whether it leads');
  const plain = backupModel((b) => (b.encryption = false));
  assert.not.match(renderPgbackrestSecrets(plain.backup!, TEST_SECRETS.backup!), /cipher/);
  assert.throws(() => renderPgbackrestSecrets(model.backup!, {}), /no backup access keys/);
  assert.equal(pgbackrestFiles(defaultModel(), node, postgresNodeSecrets(TEST_SECRETS, node)), [], 'nothing without the backup section');
});

test('/etc/hosts: the store\'s address with its name (and BUCKET.ENDPOINT for virtual-hosted requests), the node and localhost; only when the spec gives the address', () => {
  assert.match(renderHosts(node, model.backup!), new RegExp(`^# Written by pgha[^\\n]*\\n127\\.0\\.1\\.1 ${node.name}\\n127\\.0\\.0\\.1 localhost\\n[\\s\\S]*\\n192\\.168\\.122\\.1 s3\\.pgha\\.test\\n$`));
  const host = backupModel((b) => (b.repository.uriStyle = 'host'));
  assert.match(renderHosts(node, host.backup!), /\n192\.168\.122\.1 s3\.pgha\.test pgha-backup\.s3\.pgha\.test\n$/);
  const byDns = backupModel((b) => delete b.repository.address);
  assert.not.ok(pgbackrestFiles(byDns, node, postgresNodeSecrets(TEST_SECRETS, node)).some((f) => f.path === '/etc/hosts'));
});

test.run();
