import { createHash, createHmac } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderUsersSql, scramVerifier, scramVerifierWithSalt, usersSqlFile } from '../../../src/render/users.js';
import { defaultModel, modelOf, TEST_SECRETS } from '../../helpers.js';

test('the SCRAM-SHA-256 verifier matches RFC 7677\'s example exchange (user, pencil)', () => {
  const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
  const [, keys] = scramVerifierWithSalt('pencil', salt).split('$').slice(1);
  assert.match(scramVerifierWithSalt('pencil', salt), /^SCRAM-SHA-256\$4096:W22ZaJ0SNY7soEsUEjb6gQ==\$/);
  const [storedKey, serverKey] = keys!.split(':').map((k) => Buffer.from(k, 'base64'));
  const authMessage =
    'n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,' +
    'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
  assert.is(createHmac('sha256', serverKey!).update(authMessage).digest('base64'), '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=', 'the server signature');
  const clientSignature = createHmac('sha256', storedKey!).update(authMessage).digest();
  const proof = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64');
  const clientKey = Buffer.from(proof.map((b, i) => b ^ clientSignature[i]!));
  assert.ok(createHash('sha256').update(clientKey).digest().equals(storedKey!), 'the client proof checks against the stored key');
});

test('the verifier is the same for the same user and password (byte-identical renders), another for another user', () => {
  assert.is(scramVerifier('admin', 'pw1'), scramVerifier('admin', 'pw1'));
  assert.is.not(scramVerifier('admin', 'pw1'), scramVerifier('app', 'pw1'));
  assert.is.not(scramVerifier('admin', 'pw1'), scramVerifier('admin', 'pw2'));
});

test('the users SQL: each user created when missing, then given the spec\'s options, LOGIN unless NOLOGIN, and its verifier', () => {
  const m = modelOf((s) => (s.postgres!.users = [{ name: 'admin', options: ['createrole', 'createdb'] }, { name: 'ro"x', options: ['nologin'] }]));
  const sql = renderUsersSql(m, { admin: 'A1', 'ro"x': 'B2' });
  assert.ok(sql.includes('SET log_statement TO none;'));
  assert.ok(sql.includes(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'admin') THEN CREATE ROLE "admin"; END IF; END $$;`));
  assert.ok(sql.includes(`ALTER ROLE "admin" WITH CREATEDB CREATEROLE LOGIN PASSWORD '${scramVerifier('admin', 'A1')}';`));
  assert.ok(sql.includes(`ALTER ROLE "ro""x" WITH NOLOGIN PASSWORD '${scramVerifier('ro"x', 'B2')}';`));
  assert.not.ok(sql.includes('A1') || sql.includes('B2'), 'no password in clear');
  assert.throws(() => renderUsersSql(m, { admin: 'A1' }), /no password for user ro"x/);
});

test('the file: postgres reads it, nobody else', () => {
  const f = usersSqlFile(defaultModel(), TEST_SECRETS.users);
  assert.equal([f.path, f.owner, f.mode], ['/etc/pgha/users.sql', 'postgres:postgres', 0o600]);
});

test.run();
