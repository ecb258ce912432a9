import pg from 'pg';

export interface WriteProbe {
  host: string;
  port: number;
  password: string;
  /** The cluster CA: the server's certificate is checked against it and the host. */
  ca: string;
  timeoutMs: number;
}

/**
 * Whether PostgreSQL behind host:port takes a write now: a transaction id is assigned (txid_current fails on a
 * standby). Returns the server's address when it does, else why not; never throws.
 */
export async function takesWrites(p: WriteProbe): Promise<{ ok: true; server: string } | { ok: false; error: string }> {
  const client = new pg.Client({
    host: p.host,
    port: p.port,
    user: 'postgres',
    password: p.password,
    database: 'postgres',
    ssl: { ca: p.ca },
    connectionTimeoutMillis: p.timeoutMs,
    query_timeout: p.timeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const r = await client.query<{ server: string }>('SELECT host(inet_server_addr()) AS server, txid_current()');
    return { ok: true, server: r.rows[0]!.server };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  } finally {
    await client.end().catch(() => undefined);
  }
}
