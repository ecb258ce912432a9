import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildBackup, storeHostNames } from '../../../src/model/backup.js';
import { BUILT_IN_SPEC } from '../../../src/spec/built-in.js';
import type { Spec } from '../../../src/spec/types.js';

const spec = (backup: Spec['backup']): Spec => ({ ...structuredClone(BUILT_IN_SPEC), backup });

test('defaults: port 443, host style, /pgha/<cluster>, 2 full and 6 differential backups, weekly and daily, archive_timeout 60, no encryption', () => {
  assert.is(buildBackup(structuredClone(BUILT_IN_SPEC)), undefined, 'off when absent');
  const b = buildBackup(spec({ repository: { endpoint: 's3.example.net', bucket: 'pg', region: 'eu-central-1' } }))!;
  assert.equal(b, {
    stanza: '16-main',
    repository: { endpoint: 's3.example.net', port: 443, bucket: 'pg', region: 'eu-central-1', path: '/pgha/16-main', uriStyle: 'host' },
    retention: { full: 2, diff: 6 },
    schedule: { full: 'Sun *-*-* 01:00:00', diff: 'Mon..Sat *-*-* 01:00:00' },
    archiveTimeout: 60,
    encryption: false,
  });
  assert.equal(storeHostNames(b), ['s3.example.net', 'pg.s3.example.net'], 'virtual-hosted requests go to BUCKET.ENDPOINT');
});

test('the spec\'s values; the CA ends in one newline; the restore target in pgBackRest\'s form', () => {
  const b = buildBackup(
    spec({
      repository: { endpoint: 'minio.lan', port: 9000, address: '10.0.0.5', bucket: 'pg', region: 'x', path: '/a/b', uriStyle: 'path', caCertificate: '\n-----BEGIN CERTIFICATE-----\r\nAAAA\r\n-----END CERTIFICATE-----\n\n' },
      retention: { full: 4 },
      schedule: { diff: ' daily ' },
      archiveTimeout: 10,
      encryption: true,
      restore: { to: '2026-12-02T01:06:42Z' },
    }),
  )!;
  assert.equal([b.repository.port, b.repository.address, b.repository.path, b.retention, b.schedule.diff, b.archiveTimeout, b.encryption], [9000, '10.0.0.5', '/a/b', { full: 4, diff: 6 }, 'daily', 10, true]);
  assert.is(b.repository.caCertificate, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
  assert.equal(b.restore, { to: '2026-12-02 01:06:42+00' });
  assert.equal(storeHostNames(b), ['minio.lan']);
});

test.run();
