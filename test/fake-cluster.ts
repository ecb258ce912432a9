/**
 * Stand-ins for a running cluster's members on loopback addresses, for pgha status and pgha switchover: a
 * rendered spec (its secrets file has the CA, the admin and node certificates) and HTTPS servers with the
 * nodes' own certificates that ask for a client certificate, as etcd does.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttps, type Server } from 'node:https';
import type { Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import YAML from 'yaml';
import { pgha } from './helpers.js';

export const ETCD = ['127.0.61.11', '127.0.61.12', '127.0.61.13'];
export const PG = ['127.0.61.21', '127.0.61.22', '127.0.61.23'];

/** A route's answer: JSON, or a status and a text (Patroni answers POST /switchover with text). */
export type Reply = unknown | { status: number; text: string };
export type Routes = Record<string, Reply | ((body: string) => Reply)>;

export interface FakeCluster {
  dir: string;
  rendered: { code: number; stderr: string };
  /** Client certificates' common names the stand-ins saw; requests as "METHOD /path". */
  clients: Set<string>;
  requests: { name: string; route: string; body: string; authorization?: string }[];
  servers: (Server | TcpServer)[];
  serve(name: string, ip: string, port: number, routes: Routes): Promise<void>;
  /** Stops listening at once (the addresses are free for the next test) and drops the open connections. */
  stopAll(): Promise<void>;
  remove(): void;
}

const isText = (r: unknown): r is { status: number; text: string } => typeof r === 'object' && r !== null && 'text' in r && 'status' in r;

/** Renders a cluster of 3 etcd and 3 postgres nodes (pg3 with nofailover) on 127.0.61.0/24 in a new folder. */
export async function fakeCluster(): Promise<FakeCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'pgha-fake-'));
  writeFileSync(
    join(dir, 's.yaml'),
    YAML.stringify({
      cluster: { name: 'st', flavor: 'debian-12' },
      network: { cidr: '127.0.0.0/8', gateway: '127.0.0.1', vip: '127.0.61.2' },
      nodes: [
        ...ETCD.map((ip, i) => ({ name: `etcd${i + 1}`, role: 'etcd', ip })),
        ...PG.map((ip, i) => ({ name: `pg${i + 1}`, role: 'postgres', ip, ...(i === 2 ? { tags: { nofailover: true } } : {}) })),
      ],
    }),
  );
  const rendered = await pgha(['render', 's.yaml', '--out', 'out', '--no-iso'], dir);
  const tls = (YAML.parse(readFileSync(join(dir, 's.secrets.yaml'), 'utf8')) as { tls: { ca: { cert: string }; nodes: Record<string, { cert: string; key: string }> } }).tls;
  const fake: FakeCluster = {
    dir,
    rendered,
    clients: new Set(),
    requests: [],
    servers: [],
    serve(name, ip, port, routes) {
      const s = createHttps({ ...tls.nodes[name]!, ca: tls.ca.cert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          fake.clients.add(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN));
          const route = `${req.method} ${req.url}`;
          const body = Buffer.concat(chunks).toString('utf8');
          fake.requests.push({ name, route, body, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
          const r = routes[route];
          const reply = typeof r === 'function' ? r(body) : r;
          if (isText(reply)) res.writeHead(reply.status, { 'content-type': 'text/plain' }).end(reply.text);
          else res.writeHead(reply === undefined ? 404 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(reply ?? {}));
        });
      });
      fake.servers.push(s);
      return new Promise((done) => s.listen(port, ip, done));
    },
    async stopAll() {
      for (const s of fake.servers.splice(0)) {
        s.close();
        if ('closeAllConnections' in s) s.closeAllConnections();
      }
      fake.requests.length = 0;
      await new Promise((done) => setImmediate(done));
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  return fake;
}

/** The JSON of etcd's /v3/maintenance/status for member i (1-based); member 1 leads. */
export const etcdStatus = (i: number) => ({ header: { member_id: String(100 + i) }, leader: '101', version: '3.4.23', dbSize: '20480', raftIndex: '42' });

/** Every etcd member answering, healthy. */
export function etcdRoutes(i: number): Routes {
  return { 'GET /health': { health: 'true' }, 'POST /v3/maintenance/status': etcdStatus(i) };
}
