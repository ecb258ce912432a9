import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkSecrets } from '../../../src/secrets/check.js';
import { TEST_SECRETS, userErrorOf } from '../../helpers.js';

test('well-formed secrets are returned as they are, partial ones too', () => {
  assert.is(checkSecrets(TEST_SECRETS, 's.yaml'), TEST_SECRETS as unknown);
  assert.equal(checkSecrets({ superuserPassword: 'abc' }, 's.yaml'), { superuserPassword: 'abc' });
});

test('each problem names where the secrets came from and the field, never the value', () => {
  const cases: [unknown, RegExp][] = [
    [['x'], /^env: not a secrets file \(expected a mapping\)/],
    [{ rewindPassword: 5 }, /^env: rewindPassword must be a string$/],
    [{ rewindPassword: 'Hidden Value' }, /^env: rewindPassword may hold only letters and digits/],
    [{ keepalivedAuthPass: 'HiddenValue' }, /^env: keepalivedAuthPass is longer than 8 characters, which Keepalived silently truncates/],
    [{ users: ['HiddenValue'] }, /^env: users must be a mapping of user name to password$/],
    [{ users: { app: 'Hidden Value' } }, /^env: users\.app may hold only letters and digits/],
    [{ tls: 'HiddenValue' }, /^env: tls must be a mapping/],
    [{ backup: 'HiddenValue' }, /^env: backup must be a mapping \(s3Key, s3KeySecret, cipherPass\)/],
    [{ backup: { s3key: 'HiddenValue' } }, /^env: backup\.s3key is not a field pgha knows/],
    [{ backup: { s3KeySecret: 'Hidden Value' } }, /^env: backup\.s3KeySecret must be printable ASCII without spaces/],
    [{ tls: { ca: { cert: TEST_SECRETS.tls.ca.cert, key: TEST_SECRETS.tls.admin.key } } }, /^env: tls\.ca\.key is not the private key of cert/],
  ];
  for (const [data, message] of cases) {
    const e = userErrorOf(() => checkSecrets(data, 'env'));
    assert.match(e.message, message);
    assert.not.match(e.message, /Hidden/);
  }
});

test.run();
