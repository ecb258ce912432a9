import { createServer } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { callJson } from '../../../src/io/cluster-api.js';
import { TEST_SECRETS } from '../../helpers.js';

const tls = { ca: TEST_SECRETS.tls.ca.cert, cert: TEST_SECRETS.tls.admin.cert, key: TEST_SECRETS.tls.admin.key };

test('a member that accepts the connection and never answers: an answer with the timeout, not a hang or a throw', async () => {
  const silent = createServer(() => undefined);
  await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
  const port = (silent.address() as { port: number }).port;
  const a = await callJson(`https://127.0.0.1:${port}/health`, tls, { timeoutMs: 300 });
  silent.close();
  assert.equal([a.ok, a.ok ? '' : a.error], [false, 'no answer within 300 ms']);
  assert.ok(a.ms >= 290 && a.ms < 2000, `${a.ms} ms`);
});

test('nothing listening: the error code named', async () => {
  const closed = createServer();
  await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
  const port = (closed.address() as { port: number }).port;
  await new Promise((done) => closed.close(done));
  const a = await callJson(`https://127.0.0.1:${port}/`, tls, { timeoutMs: 1000 });
  assert.ok(!a.ok && a.error.includes('ECONNREFUSED'), JSON.stringify(a));
});

test.run();
