import { X509Certificate } from 'node:crypto';
import { UserError } from '../errors.js';
import { callJson, type Answer, type CallOptions, type ClientTls } from '../io/cluster-api.js';
import { PORTS, type ClusterModel } from '../model/model.js';
import { secretsFromEnv } from '../secrets/env.js';
import { readSecretsFile } from '../secrets/file.js';
import type { Secrets } from '../secrets/types.js';
import type { Io } from './io.js';
import { prepare } from './load.js';
import { textOption } from './options.js';
import type { CommandResult } from './result.js';
import { statusReport, type StatusFacts } from './status-report.js';
import { defaultSecretsPath } from './write-cluster.js';

export interface StatusOptions {
  out?: string;
  secrets?: string;
  timeout?: string;
}

/** Seconds one endpoint may take, connect to last byte, by default. */
export const DEFAULT_TIMEOUT_S = 2;

function timeoutMs(value: unknown): number {
  const text = textOption(value, '--timeout');
  if (text === undefined) return DEFAULT_TIMEOUT_S * 1000;
  const s = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || s <= 0 || s > 60) throw new UserError(`--timeout ${text}: give seconds, more than 0 and at most 60 (default ${DEFAULT_TIMEOUT_S})`);
  return Math.round(s * 1000);
}

/** What pgha status and pgha switchover start from: the endpoints' answers, and the operator's credentials. */
export interface Gathered {
  facts: StatusFacts;
  tls: ClientTls;
  secrets: Partial<Secrets>;
  call: (url: string, options?: Partial<CallOptions>) => Promise<Answer>;
}

/** Asks every etcd and Patroni member at once, each within the timeout (see status). */
export async function gather(model: ClusterModel, specPath: string | undefined, options: StatusOptions, io: Io): Promise<Gathered> {
  const limit = timeoutMs(options.timeout);
  const secretsPath = textOption(options.secrets, '--secrets') ?? defaultSecretsPath(specPath, textOption(options.out, '--out') ?? 'out');
  const loaded = readSecretsFile(secretsPath);
  if (loaded.warning) io.err(`warning: ${loaded.warning}`);
  // as a render reads them: PGHA_SECRET_* over the file
  const secrets = secretsFromEnv(io.env, loaded.secrets);
  const pki = secrets?.tls;
  if (!secrets || !pki?.ca || !pki.admin) {
    throw new UserError(`${secretsPath} has no cluster CA and admin certificate (nor PGHA_SECRET_TLS): give the secrets file of this cluster's render (--secrets FILE)`);
  }
  const tls: ClientTls = { ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key };
  const call = (url: string, o: Partial<CallOptions> = {}) => callJson(url, tls, { timeoutMs: limit, ...o });
  const post = { method: 'POST', body: '{}' } as const;

  const [etcd, patroni] = await Promise.all([
    Promise.all(
      model.etcdNodes.map(async (n) => {
        const base = `https://${n.ip}:${PORTS.etcdClient}`;
        const [health, st] = await Promise.all([call(`${base}/health`), call(`${base}/v3/maintenance/status`, post)]);
        return { name: n.name, ip: n.ip, health, status: st };
      }),
    ),
    Promise.all(model.postgresNodes.map(async (n) => ({ name: n.name, ip: n.ip, member: await call(`https://${n.ip}:${PORTS.patroniRest}/patroni`) }))),
  ]);
  // the member list from the first member that gives it
  let cluster: StatusFacts['cluster'];
  let api: string | undefined;
  for (const p of patroni.filter((x) => x.member.ok)) {
    api = `https://${p.ip}:${PORTS.patroniRest}`;
    cluster = { from: p.name, answer: await call(`${api}/cluster`) };
    if (cluster.answer.ok && cluster.answer.status === 200) break;
  }
  // from the same member: its view of the /failsafe key
  const failsafe = api && cluster?.answer.ok && model.patroni.failsafeMode ? await call(`${api}/failsafe`) : undefined;
  const facts: StatusFacts = {
    etcd,
    patroni,
    ...(cluster ? { cluster } : {}),
    ...(failsafe ? { failsafe } : {}),
    certificates: [
      { name: 'the CA', notAfter: new Date(new X509Certificate(pki.ca.cert).validTo) },
      { name: 'the admin client', notAfter: new Date(new X509Certificate(pki.admin.cert).validTo) },
      ...Object.entries(pki.nodes ?? {}).map(([name, c]) => ({ name, notAfter: new Date(new X509Certificate(c.cert).validTo) })),
    ],
    timeoutMs: limit,
  };
  return { facts, tls, secrets, call };
}

/**
 * pgha status: the cluster seen from the operator's machine, with the admin client certificate and the CA
 * from the secrets file: every etcd member's health and status, every Patroni member and the member list
 * Patroni keeps, the certificates' ends. Every endpoint is asked at once, each bounded by --timeout; a dead
 * member is a finding (exit 4), no answer at all exit 5. Nothing is written.
 */
export async function status(spec: string | undefined, options: StatusOptions, io: Io): Promise<CommandResult> {
  const { model, specPath } = prepare(spec);
  const { facts } = await gather(model, specPath, options, io);
  return statusReport(model, facts, new Date());
}
