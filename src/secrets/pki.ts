import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { ClusterModel, NodeModel } from '../model/model.js';
import type { CertKey, ClusterPki, Lifetimes, Sans } from './types.js';

/**
 * The cluster's certificate authority and the certificates it issues: one per node (its name and addresses as
 * SANs, for serving and as a client of the other nodes), and one admin client certificate (etcdctl, patronictl
 * and scripts from outside the cluster). Certificates are random, so they are kept with the secrets: a render
 * reuses them and stays byte-identical. Checking them needs only node:crypto; issuing (pki-issue.ts) is loaded
 * only when a certificate must be made.
 */

const DAY_MS = 86_400_000;
/** Expiry closer than this is reported on every render. */
export const EXPIRY_WARNING_DAYS = 30;

export const ADMIN_CN = 'pgha-admin';

const parsed = new Map<string, X509Certificate>();
/** A PEM certificate, parsed once per process (a render checks each one several times). */
function certOf(pem: string): X509Certificate {
  let cert = parsed.get(pem);
  if (!cert) parsed.set(pem, (cert = new X509Certificate(pem)));
  return cert;
}

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

/** Why a PEM pair is unusable (a message naming no value), or undefined when it is a certificate with its key. */
export function pairProblem(pair: CertKey): string | undefined {
  let cert: X509Certificate;
  try {
    cert = certOf(pair.cert);
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
  const cert = certOf(pair.cert);
  const caCert = certOf(ca.cert);
  if (!cert.verify(caCert.publicKey) || cert.issuer !== caCert.subject) return 'it is not signed by the cluster CA';
  const actual = (cert.subjectAltName ?? '').split(', ').filter(Boolean).sort().join(', ');
  if (actual !== sanText(sans)) return 'its names or addresses changed';
  if (new Date(cert.validTo).getTime() <= now.getTime()) return 'it expired';
  return undefined;
}

/** The certificate's end as a date, and the days left from `now`. */
export function expiry(pem: string, now: Date): { date: string; days: number } {
  const end = new Date(certOf(pem).validTo);
  return { date: end.toISOString().slice(0, 10), days: Math.floor((end.getTime() - now.getTime()) / DAY_MS) };
}

export interface PkiOptions {
  now: Date;
  lifetimes: Lifetimes;
  /** Issue every node and admin certificate again (pgha certs renew); the CA is kept. */
  renew?: boolean;
  /** Nodes whose machine is replaced (pgha replace): a new key, never the dead machine's. */
  replaced?: string[];
}

export interface CompletedPki {
  pki: ClusterPki;
  /** What was issued, for the CLI to say (names only). */
  issued: string[];
  warnings: string[];
}

/**
 * Keeps the CA and every certificate that still fits its node, and issues the missing ones: all of them for a
 * new cluster, one for an added or replaced node or a node at a new address, all but the CA on renew. A node
 * certificate that no longer names its node is issued again; one close to its end is only reported (renewal
 * is a rollout).
 */
export async function completePki(model: ClusterModel, existing: Partial<ClusterPki> | undefined, options: PkiOptions): Promise<CompletedPki> {
  const { now, lifetimes } = options;
  const issued: string[] = [];
  const warnings: string[] = [];
  let issuer: typeof import('./pki-issue.js') | undefined;
  const load = async () => (issuer ??= await import('./pki-issue.js'));
  let ca = existing?.ca;
  if (!ca) {
    ca = await (await load()).issueCa(model.name, lifetimes.caDays, now);
    issued.push('the cluster CA');
  }
  const caEnd = expiry(ca.cert, now);
  if (caEnd.days < EXPIRY_WARNING_DAYS) {
    warnings.push(`the cluster CA ends on ${caEnd.date}: certificates cannot outlive it; a new CA means new certificates on every node`);
  }
  const fresh = (pair: CertKey | undefined, sans: Sans, name?: string): string | undefined => {
    if (!pair) return 'it is new';
    if (options.renew) return 'renew';
    if (name !== undefined && options.replaced?.includes(name)) return 'its machine is replaced';
    return reissueReason(pair, ca, sans, now);
  };
  const nodes: Record<string, CertKey> = {};
  for (const node of model.nodes) {
    const sans = nodeSans(model, node);
    const current = existing?.nodes?.[node.name];
    const reason = fresh(current, sans, node.name);
    if (reason === undefined && current) {
      nodes[node.name] = current;
      const end = expiry(current.cert, now);
      if (end.days < EXPIRY_WARNING_DAYS) warnings.push(`the certificate of ${node.name} ends on ${end.date}: run pgha certs renew and roll it out`);
      continue;
    }
    nodes[node.name] = await (await load()).issueCert(ca, node.name, sans, 'node', lifetimes.certificateDays, now);
    issued.push(reason === 'renew' || reason === 'it is new' ? `${node.name}'s certificate` : `${node.name}'s certificate (${reason})`);
  }
  const adminSans = { dns: [], ip: [] };
  let admin = existing?.admin;
  const adminReason = fresh(admin, adminSans);
  if (adminReason !== undefined || !admin) {
    admin = await (await load()).issueCert(ca, ADMIN_CN, adminSans, 'client', lifetimes.certificateDays, now);
    issued.push('the admin client certificate');
  }
  return { pki: { ca, admin, nodes }, issued, warnings };
}
