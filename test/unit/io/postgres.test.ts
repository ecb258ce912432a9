import { createServer } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { takesWrites } from '../../../src/io/postgres.js';
import { TEST_SECRETS } from '../../helpers.js';

test('no PostgreSQL behind the address: not ok, with the reason, never a throw', async () => {
  const s = createServer();
  await new Promise<void>((done) => s.listen(0, '127.0.0.1', done));
  const port = (s.address() as { port: number }).port;
  await new Promise((done) => s.close(done));
  const r = await takesWrites({ host: '127.0.0.1', port, password: 'x', ca: TEST_SECRETS.tls.ca.cert, timeoutMs: 1000 });
  assert.ok(!r.ok && r.error.includes('ECONNREFUSED'), JSON.stringify(r));
});

test('a server that never answers: not ok within the timeout', async () => {
  const silent = createServer(() => undefined);
  await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
  const port = (silent.address() as { port: number }).port;
  const started = Date.now();
  const r = await takesWrites({ host: '127.0.0.1', port, password: 'x', ca: TEST_SECRETS.tls.ca.cert, timeoutMs: 300 });
  silent.close();
  assert.is(r.ok, false);
  assert.ok(Date.now() - started < 3000, `${Date.now() - started} ms`);
});

test.run();
