import { createPrivateKey, X509Certificate } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { issueCa } from '../../../src/secrets/pki-issue.js';
import { completePki, nodeSans, pairProblem } from '../../../src/secrets/pki.js';
import type { ClusterPki } from '../../../src/secrets/types.js';
import { defaultModel, modelOf, TEST_NOW, TEST_SECRETS } from '../../helpers.js';

const model = defaultModel();
const LIFETIMES = { caDays: 3650, certificateDays: 365 };
const DAY = 86_400_000;
const opts = { now: TEST_NOW, lifetimes: LIFETIMES };

let fresh: ClusterPki;
test.before(async () => {
  fresh = (await completePki(model, undefined, opts)).pki;
});

const x509 = (pem: string) => new X509Certificate(pem);
const sanList = (pem: string) => (x509(pem).subjectAltName ?? '').split(', ').sort();

test('a new cluster: a CA, one certificate per node signed by it with its name and addresses, an admin client certificate', async () => {
  const { pki, issued } = await completePki(model, undefined, opts);
  assert.is(issued.length, model.nodes.length + 2);
  const ca = x509(pki.ca.cert);
  assert.ok(ca.ca, 'the CA certificate is a CA');
  assert.is(ca.subject, 'CN=pgha 16-main CA');
  assert.equal(Object.keys(pki.nodes).sort(), model.nodes.map((n) => n.name).sort());
  for (const node of model.nodes) {
    const cert = x509(pki.nodes[node.name]!.cert);
    assert.ok(cert.verify(ca.publicKey), node.name);
    assert.not.ok(cert.ca);
    assert.is(cert.subject, `CN=${node.name}`);
    assert.ok(cert.checkPrivateKey(createPrivateKey(pki.nodes[node.name]!.key)), 'the key is the certificate\'s');
    const sans = nodeSans(model, node);
    assert.equal(sanList(pki.nodes[node.name]!.cert), [...sans.dns.map((d) => `DNS:${d}`), ...sans.ip.map((i) => `IP Address:${i}`)].sort());
    assert.is(sans.ip.includes(model.network.vip), node.role === 'postgres', 'postgres nodes carry the VIP: clients dial it');
    assert.ok(cert.keyUsage?.includes('1.3.6.1.5.5.7.3.1') && cert.keyUsage.includes('1.3.6.1.5.5.7.3.2'), 'server and client auth');
    assert.ok(Math.abs(new Date(cert.validTo).getTime() - (TEST_NOW.getTime() + 365 * DAY)) < 1000, 'certificateDays');
  }
  const admin = x509(pki.admin.cert);
  assert.ok(admin.verify(ca.publicKey));
  assert.equal(admin.keyUsage, ['1.3.6.1.5.5.7.3.2'], 'client auth only');
  assert.ok(Math.abs(new Date(ca.validTo).getTime() - (TEST_NOW.getTime() + 3650 * DAY)) < 1000, 'caDays');
  assert.is(pairProblem(pki.nodes.etcd1!), undefined);
  assert.is(pairProblem({ cert: pki.nodes.etcd1!.cert, key: pki.nodes.etcd2!.key }), 'key is not the private key of cert');
  assert.is(pairProblem({ cert: 'junk', key: pki.nodes.etcd2!.key }), 'cert is not a PEM certificate');
});

test('a second render keeps every certificate: nothing issued, nothing reported', async () => {
  const { pki, issued, warnings } = await completePki(model, structuredClone(fresh), opts);
  assert.equal(pki, fresh);
  assert.equal(issued, []);
  assert.equal(warnings, []);
});

test('a node at a new address, or an added node, gets a new certificate; the others are kept', async () => {
  const moved = modelOf((s) => {
    s.nodes.find((n) => n.name === 'patroni2')!.ip = '192.168.122.77';
    s.nodes.push({ name: 'patroni4', role: 'postgres', ip: '192.168.122.78' });
  });
  const { pki, issued } = await completePki(moved, structuredClone(fresh), opts);
  assert.equal(issued, ["patroni2's certificate (its names or addresses changed)", "patroni4's certificate"]);
  assert.ok(sanList(pki.nodes.patroni2!.cert).includes('IP Address:192.168.122.77'));
  assert.ok(sanList(pki.nodes.patroni4!.cert).includes('DNS:patroni4'));
  assert.equal(pki.nodes.patroni1, fresh.nodes.patroni1);
  assert.equal(pki.ca, fresh.ca);
});

test('renew issues every node and admin certificate again and keeps the CA', async () => {
  const { pki, issued } = await completePki(model, structuredClone(fresh), { ...opts, renew: true });
  assert.is(issued.length, model.nodes.length + 1);
  assert.equal(pki.ca, fresh.ca);
  for (const n of model.nodes) assert.is.not(pki.nodes[n.name]!.cert, fresh.nodes[n.name]!.cert);
  assert.is.not(pki.admin.key, fresh.admin.key);
});

test('certificates of another CA are issued again; a new lifetime applies only when a certificate is issued', async () => {
  const other = { ...structuredClone(fresh), ca: await issueCa('other', 10, TEST_NOW) };
  const { issued } = await completePki(model, other, opts);
  assert.ok(issued.every((i) => i.includes('not signed by the cluster CA') || i === 'the admin client certificate'));
  assert.is(issued.length, model.nodes.length + 1);
  const longer = await completePki(model, structuredClone(fresh), { ...opts, lifetimes: { caDays: 3650, certificateDays: 30 } });
  assert.equal(longer.issued, []);
});

test('a certificate never outlives its CA; ends within 30 days are reported, expired ones issued again', async () => {
  const shortCa = { ca: await issueCa('c', 20, TEST_NOW) };
  const { pki, warnings } = await completePki(model, shortCa, opts);
  assert.ok(new Date(x509(pki.nodes.etcd1!.cert).validTo) <= new Date(x509(pki.ca.cert).validTo));
  assert.ok(warnings.some((w) => w.startsWith('the cluster CA ends on')));
  const later = new Date(TEST_NOW.getTime() + 340 * DAY);
  const near = await completePki(model, structuredClone(fresh), { ...opts, now: later });
  assert.equal(near.issued, []);
  assert.ok(near.warnings.some((w) => /^the certificate of etcd1 ends on \d{4}-\d\d-\d\d: run pgha certs renew/.test(w)));
  const expired = await completePki(model, structuredClone(fresh), { ...opts, now: new Date(TEST_NOW.getTime() + 400 * DAY) });
  assert.ok(expired.issued.includes("etcd1's certificate (it expired)"));
});

test('the fixture certificates fit the built-in spec, so that golden files need no new ones', async () => {
  const { issued } = await completePki(model, structuredClone(TEST_SECRETS.tls), { ...opts, lifetimes: model.tls });
  assert.equal(issued, []);
});

test.run();
