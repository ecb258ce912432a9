import { createPrivateKey, createPublicKey } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildKeyPair } from '../../../src/bake/build-key.js';

test('a PKCS#1 RSA private key and its OpenSSH public key, with the comment; a new pair each call', () => {
  const a = buildKeyPair('pgha-build');
  assert.match(a.privatePem, /^-----BEGIN RSA PRIVATE KEY-----\n/);
  const [type, blob, comment] = a.publicOpenSsh.split(' ');
  assert.equal([type, comment], ['ssh-rsa', 'pgha-build']);
  // the wire format: string "ssh-rsa", mpint e, mpint n; n must be the private key's modulus
  const buf = Buffer.from(blob!, 'base64');
  const field = (at: number) => buf.subarray(at + 4, at + 4 + buf.readUInt32BE(at));
  const name = field(0);
  const e = field(4 + name.length);
  const n = field(8 + name.length + e.length);
  const jwk = createPublicKey(createPrivateKey(a.privatePem)).export({ format: 'jwk' });
  assert.is(name.toString(), 'ssh-rsa');
  assert.is(Buffer.from(jwk.e!, 'base64url').toString('hex'), e.toString('hex').replace(/^00/, ''));
  assert.is(Buffer.from(jwk.n!, 'base64url').toString('hex'), n.toString('hex').replace(/^00/, ''));
  assert.is(n[0], 0, 'the modulus has its high bit set, so its mpint carries a leading zero');
  assert.is.not(buildKeyPair('x').privatePem, a.privatePem);
});

test.run();
