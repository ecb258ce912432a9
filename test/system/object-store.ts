/**
 * The backup repository of the backup system tests and `npm run bench:backup`: s3rver (npm) over TLS with a
 * certificate from a test CA for STORE_NAME, which the nodes reach through the /etc/hosts entry their seeds
 * write (pgBackRest 2.45 checks certificates against names only). It listens on the host's address on the test
 * cluster's Docker network (its gateway) and is removed, data and all, by dispose(). s3rver knows the access key
 * id S3RVER and does not check signatures: wrong keys are not what these tests try.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagePath } from '../../src/paths.js';
import { issueCa, issueCert } from '../../src/secrets/pki-issue.js';
import type { CertKey } from '../../src/secrets/types.js';
import { PGHA_ARGV } from '../helpers.js';

export const STORE_NAME = 's3.pgha.test';
export const STORE_PORT = 9443;
export const STORE_BUCKET = 'pgha-backup';
/** s3rver's account: the nodes get them as PGHA_SECRET_BACKUP_S3_KEY and _SECRET. */
export const STORE_KEYS = { PGHA_SECRET_BACKUP_S3_KEY: 'S3RVER', PGHA_SECRET_BACKUP_S3_KEY_SECRET: 'S3RVER' };

export interface ObjectStore {
  ca: string;
  /** The backup section of a spec for a cluster whose nodes reach the store at `address`. */
  backupSection(address: string, extra?: Record<string, unknown>): string;
  /** Starts serving on `address` (the test network's gateway); the data survive stop() and start(). */
  start(address: string): Promise<void>;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

export async function objectStore(): Promise<ObjectStore> {
  const dir = mkdtempSync(join(tmpdir(), 'pgha-s3-'));
  const now = new Date();
  const ca = await issueCa('object store test', 1, now);
  const cert: CertKey = await issueCert(ca, STORE_NAME, { dns: [STORE_NAME], ip: [] }, 'node', 1, now);
  let child: ChildProcess | undefined;
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };
  process.once('exit', () => child?.kill('SIGKILL'));
  return {
    ca: ca.cert,
    backupSection: (address, extra = {}) =>
      `backup: ${JSON.stringify({
        repository: { endpoint: STORE_NAME, port: STORE_PORT, address, bucket: STORE_BUCKET, region: 'us-east-1', uriStyle: 'path', caCertificate: ca.cert },
        ...extra,
      })}\n`,
    async start(address) {
      const c = spawn(process.execPath, [...PGHA_ARGV.slice(0, 2), packagePath('test', 'system', 'object-store-main.ts')], {
        env: { ...process.env, S3_ADDRESS: address, S3_PORT: String(STORE_PORT), S3_DIR: join(dir, 'data'), S3_CERT: cert.cert, S3_KEY: cert.key, S3_BUCKET: STORE_BUCKET },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      child = c;
      await new Promise<void>((resolve, reject) => {
        c.stdout!.on('data', (d: Buffer) => (String(d).includes('listening') ? resolve() : undefined));
        c.once('exit', (code) => reject(new Error(`the object store exited (${code}) before it served`)));
      });
    },
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
