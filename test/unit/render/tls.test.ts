import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tlsFiles } from '../../../src/render/tls.js';
import { defaultModel } from '../../helpers.js';

const tls = { ca: 'CA', cert: 'CERT', key: 'KEY' };

test('a node\'s TLS files: certificates readable by all, the key by its role\'s service user only', () => {
  const model = defaultModel();
  assert.equal(tlsFiles(model.etcdNodes[0]!, tls), [
    { path: '/etc/pgha/tls/ca.crt', owner: 'root:root', mode: 0o644, content: 'CA' },
    { path: '/etc/pgha/tls/node.crt', owner: 'root:root', mode: 0o644, content: 'CERT' },
    { path: '/etc/pgha/tls/node.key', owner: 'etcd:etcd', mode: 0o600, content: 'KEY' },
  ]);
  assert.is(tlsFiles(model.postgresNodes[0]!, tls)[2]!.owner, 'postgres:postgres');
});

test.run();
