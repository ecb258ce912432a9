import { request } from 'node:https';

/** The operator's TLS identity: the cluster CA and the admin client certificate from the secrets file. */
export interface ClientTls {
  ca: string;
  cert: string;
  key: string;
}

/**
 * One endpoint's answer, or why there was none (never a thrown error: a dead member is a finding). `body` is
 * the JSON it sent, undefined when it sent text (Patroni's switchover answer).
 */
export type Answer = { ok: true; status: number; body: unknown; text: string; ms: number } | { ok: false; error: string; ms: number };

export interface CallOptions {
  method?: 'GET' | 'POST';
  body?: string;
  timeoutMs: number;
  /** HTTP basic authentication (Patroni's REST API for its unsafe methods). */
  auth?: { user: string; password: string };
}

function parsed(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * One HTTPS call to a cluster endpoint (etcd's JSON gateway, Patroni's REST API) with the CA and the admin
 * certificate; the whole call, connect to last byte, is bounded by `timeoutMs`.
 */
export function callJson(url: string, tls: ClientTls, options: CallOptions): Promise<Answer> {
  const started = Date.now();
  const ms = () => Date.now() - started;
  return new Promise((done) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        ca: tls.ca,
        cert: tls.cert,
        key: tls.key,
        agent: false,
        headers: {
          accept: 'application/json',
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(options.auth ? { authorization: `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString('base64')}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          done({ ok: true, status: res.statusCode ?? 0, body: parsed(text), text, ms: ms() });
        });
        res.on('error', (e) => done({ ok: false, error: e.message, ms: ms() }));
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, error: e.code && !e.message.includes(e.code) ? `${e.code}: ${e.message}` : e.message, ms: ms() }));
    req.on('close', () => clearTimeout(timer));
    req.end(options.body);
  });
}
