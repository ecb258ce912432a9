import { createPrivateKey, X509Certificate } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { issueCa, issueCert } from '../../../src/secrets/pki-issue.js';
import { TEST_NOW } from '../../helpers.js';

const ca = await issueCa('c,1', 3650, TEST_NOW);
const caCert = new X509Certificate(ca.cert);

test('the CA: self-signed, a CA of path length 0, its name escaped, valid from an hour back for its days', () => {
  assert.ok(caCert.ca);
  assert.ok(caCert.verify(caCert.publicKey));
  assert.is(caCert.subject, 'CN=pgha c\\,1 CA');
  assert.is(new Date(caCert.validFrom).getTime(), TEST_NOW.getTime() - 3_600_000);
  assert.is(new Date(caCert.validTo).getTime(), TEST_NOW.getTime() + 3650 * 86_400_000);
  assert.ok(caCert.checkPrivateKey(createPrivateKey(ca.key)));
  assert.is(createPrivateKey(ca.key).asymmetricKeyDetails?.namedCurve, 'prime256v1');
});

test('a node certificate: signed by the CA, server and client use, its SANs, its own key, never past the CA\'s end', async () => {
  const pair = await issueCert(ca, 'pg1', { dns: ['pg1', 'localhost'], ip: ['10.0.0.21', '127.0.0.1'] }, 'node', 100_000, TEST_NOW);
  const cert = new X509Certificate(pair.cert);
  assert.ok(cert.verify(caCert.publicKey));
  assert.is(cert.issuer, caCert.subject);
  assert.not.ok(cert.ca);
  assert.is(cert.subjectAltName, 'DNS:pg1, DNS:localhost, IP Address:10.0.0.21, IP Address:127.0.0.1');
  assert.equal(cert.keyUsage, ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
  assert.ok(cert.checkPrivateKey(createPrivateKey(pair.key)));
  assert.is(cert.validTo, caCert.validTo, 'capped at the CA\'s end');
  const client = new X509Certificate((await issueCert(ca, 'pgha-admin', { dns: [], ip: [] }, 'client', 30, TEST_NOW)).cert);
  assert.equal(client.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  assert.is(client.subjectAltName, undefined);
  assert.is.not(client.serialNumber, cert.serialNumber);
});

test.run();
