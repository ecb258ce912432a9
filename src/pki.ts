import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import type { ClusterModel, NodeModel } from './model.js';

/**
 * The cluster's certificate authority and the certificates it issues: one per node (its name and addresses as
 * SANs, for serving and as a client of the other nodes), and one admin client certificate (etcdctl, patronictl
 * and scripts from outside the cluster). Made in-process with @peculiar/x509 over Node's WebCrypto: no openssl
 * binary (or LibreSSL's different flags) at render time, and no private key ever written to a temporary file.
 * Keys are ECDSA P-256, which etcd (Go), Patroni (Python), PostgreSQL, libpq, HAProxy and Node all accept.
 * Certificates are random, so they are kept with the secrets: a render reuses them and stays byte-identical.
 */

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;
/** Certificates start a little in the past, so that a node whose clock is behind still accepts them. */
const BACKDATE_MS = 3_600_000;
/** Expiry closer than this is reported on every render. */
export const EXPIRY_WARNING_DAYS = 30;

/** One certificate and its private key, both PEM. */
export interface CertKey {
  cert: string;
  key: string;
}

export interface ClusterPki {
  ca: CertKey;
  admin: CertKey;
  nodes: Record<string, CertKey>;
}

export interface Lifetimes {
  caDays: number;
  certificateDays: number;
}

/** The names a certificate must carry. */
export interface Sans {
  dns: string[];
  ip: string[];
}

export const ADMIN_CN = 'pgha-admin';

/**
 * A node's SANs: its name and address, and loopback (etcdctl and Patroni's own checks on the node). A postgres
 * node also carries the VIP: clients reach PostgreSQL through HAProxy on the VIP and check the name they dialled.
 */
export function nodeSans(model: ClusterModel, node: NodeModel): Sans {
  return {
    dns: [node.name, 'localhost'],
    ip: [node.ip, '127.0.0.1', ...(node.role === 'postgres' ? [model.network.vip] : [])],
  };
}

async function keyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END PRIVATE KEY-----\n`;
}

async function importKey(pem: string): Promise<CryptoKey> {
  const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  return webcrypto.subtle.importKey('pkcs8', der, ALGORITHM, false, ['sign']) as Promise<CryptoKey>;
}

/** A positive 128-bit serial number. */
function serial(): string {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f | 0x01;
  return b.toString('hex');
}

function certPem(cert: x509.X509Certificate): string {
  return `${cert.toString('pem').replace(/\r\n/g, '\n').trimEnd()}\n`;
}

/** A dn attribute value with the characters that RFC 4514 escapes. */
function dnValue(s: string): string {
  return s.replace(/[\\,+"<>;=#]/g, (c) => `\\${c}`);
}

export async function issueCa(clusterName: string, days: number, now: Date): Promise<CertKey> {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${dnValue(`pgha ${clusterName} CA`)}`,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + days * DAY_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: certPem(cert), key: await keyPem(keys.privateKey) };
}

/** A certificate signed by the CA, valid for `days` but never past the CA's own end. */
export async function issueCert(ca: CertKey, cn: string, sans: Sans, usage: 'node' | 'client', days: number, now: Date): Promise<CertKey> {
  const caCert = new x509.X509Certificate(ca.cert);
  const keys = await keyPair();
  const notAfter = Math.min(now.getTime() + days * DAY_MS, caCert.notAfter.getTime());
  const eku = usage === 'node' ? [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth] : [x509.ExtendedKeyUsage.clientAuth];
  const names = [...sans.dns.map((value) => ({ type: 'dns' as const, value })), ...sans.ip.map((value) => ({ type: 'ip' as const, value }))];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${dnValue(cn)}`,
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(notAfter),
    publicKey: keys.publicKey,
    signingKey: await importKey(ca.key),
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(eku),
      ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: certPem(cert), key: await keyPem(keys.privateKey) };
}

/** Why a PEM pair is unusable (a message naming no value), or undefined when it is a certificate with its key. */
export function pairProblem(pair: CertKey): string | undefined {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pair.cert);
  } catch {
    return 'cert is not a PEM certificate';
  }
  try {
    if (!cert.checkPrivateKey(createPrivateKey(pair.key))) return 'key is not the private key of cert';
  } catch {
    return 'key is not a PEM private key';
  }
  return undefined;
}

function sanText(sans: Sans): string {
  return [...sans.dns.map((d) => `DNS:${d}`), ...sans.ip.map((i) => `IP Address:${i}`)].sort().join(', ');
}

/** Why a certificate must be issued again: not signed by this CA, other names, or expired. */
export function reissueReason(pair: CertKey, ca: CertKey, sans: Sans, now: Date): string | undefined {
  const cert = new X509Certificate(pair.cert);
  const caCert = new X509Certificate(ca.cert);
  if (!cert.verify(caCert.publicKey) || cert.issuer !== caCert.subject) return 'it is not signed by the cluster CA';
  const actual = (cert.subjectAltName ?? '').split(', ').filter(Boolean).sort().join(', ');
  if (actual !== sanText(sans)) return 'its names or addresses changed';
  if (new Date(cert.validTo).getTime() <= now.getTime()) return 'it expired';
  return undefined;
}

/** The certificate's end as a date, and the days left from `now`. */
export function expiry(pem: string, now: Date): { date: string; days: number } {
  const end = new Date(new X509Certificate(pem).validTo);
  return { date: end.toISOString().slice(0, 10), days: Math.floor((end.getTime() - now.getTime()) / DAY_MS) };
}

export interface PkiOptions {
  now: Date;
  lifetimes: Lifetimes;
  /** Issue every node and admin certificate again (pgha certs renew); the CA is kept. */
  renew?: boolean;
}

export interface CompletedPki {
  pki: ClusterPki;
  /** What was issued, for the CLI to say (names only). */
  issued: string[];
  warnings: string[];
}

/**
 * Keeps the CA and every certificate that still fits its node, and issues the missing ones: all of them for a
 * new cluster, one for an added node or a node at a new address, all but the CA on renew. A node certificate
 * that no longer names its node is issued again; one close to its end is only reported (renewal is a rollout).
 */
export async function completePki(model: ClusterModel, existing: Partial<ClusterPki> | undefined, options: PkiOptions): Promise<CompletedPki> {
  const { now, lifetimes } = options;
  const issued: string[] = [];
  const warnings: string[] = [];
  let ca = existing?.ca;
  if (!ca) {
    ca = await issueCa(model.name, lifetimes.caDays, now);
    issued.push('the cluster CA');
  }
  const caEnd = expiry(ca.cert, now);
  if (caEnd.days < EXPIRY_WARNING_DAYS) {
    warnings.push(`the cluster CA ends on ${caEnd.date}: certificates cannot outlive it; a new CA means new certificates on every node`);
  }
  const fresh = (pair: CertKey | undefined, sans: Sans): string | undefined => {
    if (!pair) return 'it is new';
    if (options.renew) return 'renew';
    return reissueReason(pair, ca, sans, now);
  };
  const nodes: Record<string, CertKey> = {};
  for (const node of model.nodes) {
    const sans = nodeSans(model, node);
    const current = existing?.nodes?.[node.name];
    const reason = fresh(current, sans);
    if (reason === undefined && current) {
      nodes[node.name] = current;
      const end = expiry(current.cert, now);
      if (end.days < EXPIRY_WARNING_DAYS) warnings.push(`the certificate of ${node.name} ends on ${end.date}: run pgha certs renew and roll it out`);
      continue;
    }
    nodes[node.name] = await issueCert(ca, node.name, sans, 'node', lifetimes.certificateDays, now);
    issued.push(reason === 'renew' || reason === 'it is new' ? `${node.name}'s certificate` : `${node.name}'s certificate (${reason})`);
  }
  const adminSans = { dns: [], ip: [] };
  let admin = existing?.admin;
  const adminReason = fresh(admin, adminSans);
  if (adminReason !== undefined || !admin) {
    admin = await issueCert(ca, ADMIN_CN, adminSans, 'client', lifetimes.certificateDays, now);
    issued.push('the admin client certificate');
  }
  return { pki: { ca, admin, nodes }, issued, warnings };
}
