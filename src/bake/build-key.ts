import { generateKeyPairSync } from 'node:crypto';

function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

function sshMpint(base64url: string): Buffer {
  let b = Buffer.from(base64url, 'base64url');
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return sshString(b);
}

/**
 * A throwaway RSA key pair for one build's SSH communicator: the private key as PKCS#1 PEM (which every
 * Packer version reads) and the public key in OpenSSH authorized_keys form, for the build-time seed.
 */
export function buildKeyPair(comment: string): { privatePem: string; publicOpenSsh: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
  const jwk = publicKey.export({ format: 'jwk' });
  const blob = Buffer.concat([sshString(Buffer.from('ssh-rsa')), sshMpint(jwk.e!), sshMpint(jwk.n!)]);
  return {
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
    publicOpenSsh: `ssh-rsa ${blob.toString('base64')} ${comment}`,
  };
}
