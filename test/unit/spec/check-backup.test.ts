import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { restoreTarget } from '../../../src/spec/check-backup.js';
import { BUILT_IN_SPEC } from '../../../src/spec/built-in.js';
import { formatDiagnostic } from '../../../src/spec/diagnostic.js';
import type { Spec } from '../../../src/spec/types.js';
import { validateSpec } from '../../../src/spec/validate.js';
import { RULES, TEST_SECRETS } from '../../helpers.js';

const repository = { endpoint: 's3.example.net', bucket: 'pgha-backup', region: 'us-east-1' };
function problems(change: (s: Spec) => void): string[] {
  const spec: Spec = { ...structuredClone(BUILT_IN_SPEC), backup: { repository: { ...repository } } };
  change(spec);
  return validateSpec(spec, RULES).diagnostics.map(formatDiagnostic);
}

test('a backup section with a host name, a bucket and a region (and the cluster CA as the store\'s CA) is valid', () => {
  assert.equal(problems(() => undefined), []);
  assert.equal(problems((s) => (s.backup!.repository.caCertificate = TEST_SECRETS.tls.ca.cert)), []);
  assert.equal(problems((s) => (s.backup!.schedule = { full: 'Sat 03:00 UTC', diff: 'daily' })), []);
});

test('what pgBackRest or systemd would refuse at the first boot is refused at its spec path', () => {
  const cases: [(s: Spec) => void, RegExp][] = [
    [(s) => delete (s.backup!.repository as Partial<typeof repository>).bucket, /\[backup\.repository\.bucket\] is required/],
    [(s) => (s.backup!.repository.bucket = 'pgha.backup'), /\[backup\.repository\.bucket\] holds a dot/],
    [(s) => (s.backup!.repository.bucket = 'PG'), /\[backup\.repository\.bucket\] is not an S3 bucket name/],
    [(s) => (s.backup!.repository.endpoint = '10.0.0.5'), /\[backup\.repository\.endpoint\] is an IP address, .*backup\.repository\.address/],
    [(s) => (s.backup!.repository.endpoint = 'https://s3.example.net'), /\[backup\.repository\.endpoint\] holds a scheme/],
    [(s) => (s.backup!.repository.endpoint = 's3.example.net:9000'), /\[backup\.repository\.endpoint\] holds a port .*backup\.repository\.port/],
    [(s) => (s.backup!.repository.endpoint = 's3.example.net/pg'), /\[backup\.repository\.endpoint\] holds a path/],
    [(s) => (s.backup!.repository.endpoint = 's3_x.example.net'), /\[backup\.repository\.endpoint\] is not a host name/],
    [(s) => (s.backup!.retention = { full: 0 }), /\[backup\.retention\.full\] must be >= 1/],
    [(s) => (s.backup!.retention = { diff: 0 }), /\[backup\.retention\.diff\] must be >= 1/],
    [(s) => (s.backup!.schedule = { full: 'Sun 25:00' }), /\[backup\.schedule\.full\] is not a systemd calendar event \(OnCalendar\): hour 25/],
    [(s) => (s.backup!.repository.caCertificate = 'not a certificate'), /\[backup\.repository\.caCertificate\] is not PEM text/],
    [(s) => (s.backup!.repository.caCertificate = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), /caCertificate\] holds a block that is not a readable X\.509/],
    [(s) => (s.backup!.restore = { to: '2026-02-30 01:00:00+00' }), /\[backup\.restore\.to\] is not a date that exists/],
    [(s) => (s.backup!.restore = { to: 'yesterday' }), /\[backup\.restore\.to\] has the wrong form/],
    [(s) => (s.postgres!.parameters = { archive_command: '/bin/true' }), /\[postgres\.parameters\.archive_command\] is set by pgha for the backup section/],
    [(s) => (s.backup!.archiveTimeout = 0), /\[backup\.archiveTimeout\] must be >= 1/],
  ];
  for (const [change, message] of cases) {
    const found = problems(change);
    assert.ok(found.some((p) => message.test(p)), `${message}: ${found.join('; ')}`);
  }
  const without = structuredClone(BUILT_IN_SPEC);
  without.postgres!.parameters = { archive_command: '/bin/true' };
  assert.ok(validateSpec(without, RULES).spec, 'without the backup section the spec may archive as it likes');
});

test('restore targets: latest, or a real time with its zone, in pgBackRest\'s form', () => {
  assert.is(restoreTarget('latest'), 'latest');
  assert.is(restoreTarget('2026-12-02 01:06:42.478817+00'), '2026-12-02 01:06:42.478817+00');
  assert.is(restoreTarget('2026-12-02T01:06:42Z'), '2026-12-02 01:06:42+00');
  assert.is(restoreTarget('2026-12-02T01:06:42+0530'), '2026-12-02 01:06:42+05:30');
  for (const bad of ['2026-12-02 01:06:42', '2026-13-02 01:00:00Z', '2026-12-02 24:00:00Z', 'now', ' 2026-12-02 01:06:42Z']) assert.is(restoreTarget(bad), undefined, bad);
});

test.run();
