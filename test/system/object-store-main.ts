/**
 * The S3-compatible test store as a process of its own (started by object-store.ts): s3rver over HTTPS with the
 * bucket made at start. Its own process, because s3rver answers from the event loop, which a test blocks
 * whenever it runs pgha (spawnSync). Env: S3_ADDRESS S3_PORT S3_DIR S3_CERT S3_KEY S3_BUCKET. Prints
 * "listening" when it serves; SIGTERM closes it.
 */
import { createRequire } from 'node:module';

interface S3rverServer {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
  httpServer: { on(event: 'error', listener: (e: Error) => void): void };
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverServer;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

const env = (name: string) => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`${name} is not set`);
  return v;
};

const server = new S3rver({
  address: env('S3_ADDRESS'),
  port: Number(env('S3_PORT')),
  cert: env('S3_CERT'),
  key: env('S3_KEY'),
  directory: env('S3_DIR'),
  silent: true,
  resetOnClose: false,
  // otherwise a Host that is a name (s3.pgha.test) is taken for a virtual-hosted bucket; pgBackRest sends the bucket in the path
  vhostBuckets: false,
  configureBuckets: [{ name: env('S3_BUCKET') }],
});
process.on('uncaughtException', (e) => {
  console.error(`object store: ${e.message}`);
  process.exit(1);
});
await server.run();
// listen() errors (EADDRINUSE) come as events, not as a rejected run()
server.httpServer.on('error', (e) => {
  console.error(`object store: ${e.message}`);
  process.exit(1);
});
console.log('listening');
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
