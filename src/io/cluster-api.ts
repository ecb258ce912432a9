import { request } from 'node:https';

/** The operator's TLS identity: the cluster CA and the admin client certificate from the secrets file. */
export interface ClientTls {
  ca: string;
  cert: string;
  key: string;
}

/** One endpoint's answer, or why there was none (never a thrown error: a dead member is a finding). */
export type Answer = { ok: true; status: number; body: unknown; ms: number } | { ok: false; error: string; ms: number };

export interface CallOptions {
  method?: 'GET' | 'POST';
  body?: string;
  timeoutMs: number;
}

/**
 * One HTTPS call to a cluster endpoint (etcd's JSON gateway, Patroni's REST API) with the CA and the admin
 * certificate; the whole call, connect to last byte, is bounded by `timeoutMs`. The body is parsed as JSON.
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
        headers: { accept: 'application/json', ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            done({ ok: true, status: res.statusCode ?? 0, body: text === '' ? null : (JSON.parse(text) as unknown), ms: ms() });
          } catch {
            done({ ok: false, error: `HTTP ${res.statusCode ?? 0}, not JSON`, ms: ms() });
          }
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
