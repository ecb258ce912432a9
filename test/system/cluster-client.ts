/**
 * What a client of the cluster sees, from the test host: SQL through the VIP (node-postgres, TLS checked
 * against the cluster CA), Patroni's REST API over HTTPS, etcd's HTTP gateway over TLS with the admin client
 * certificate. Also the writer the failover tests and the benchmark run: one autocommit insert
 * every 100 ms through VIP:5000, recording which ids were acknowledged and when.
 */
import { request } from 'node:https';
import { connect as netConnect } from 'node:net';
import pg from 'pg';
import type { Cluster } from './machines.js';

export const TABLE = 'pgha_writes';

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `fn` until it returns a value other than undefined (errors count as not yet), or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(everyMs);
  }
}

export interface HttpsAnswer {
  status: number;
  body: string;
}

/**
 * One HTTPS request to a node, checked against the cluster CA (the node's certificate names its address), with
 * the admin client certificate (etcd wants one; Patroni does not ask).
 */
export function https(cluster: Cluster, url: string, options: { method?: string; body?: string; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<HttpsAnswer> {
  const { tls } = cluster.secrets;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, ca: tls.ca.cert, cert: tls.admin.cert, key: tls.admin.key, timeout: options.timeoutMs ?? 1500 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer in ${options.timeoutMs ?? 1500} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

async function httpsJson<T>(cluster: Cluster, url: string, options: Parameters<typeof https>[2] = {}): Promise<T> {
  const r = await https(cluster, url, options);
  if (r.status !== 200) throw new Error(`${url}: ${r.status}`);
  return JSON.parse(r.body) as T;
}

function clientConfig(cluster: Cluster, host: string, port: number): pg.ClientConfig {
  return {
    ssl: { ca: cluster.secrets.tls.ca.cert },
    host,
    port,
    user: 'postgres',
    password: cluster.secrets.superuserPassword,
    database: 'postgres',
    connectionTimeoutMillis: 1000,
    query_timeout: 2000,
  };
}

/** One query on a new connection. */
/** One query as the superuser (or `as` another user with its password), over TLS checked against the CA. */
export async function query<R extends pg.QueryResultRow>(
  cluster: Cluster,
  host: string,
  port: number,
  sql: string,
  params: unknown[] = [],
  as?: { user: string; password: string },
): Promise<R[]> {
  const client = new pg.Client({ ...clientConfig(cluster, host, port), ...as });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface PatroniMember {
  name: string;
  role: string;
  state: string;
  host: string;
  lag?: number | string;
  tags?: Record<string, unknown>;
}

/**
 * Patroni's view of the cluster, from whichever postgres node answers first (all are asked at once: a killed
 * one never answers); `except` leaves out nodes whose view is not wanted (a partitioned one).
 */
export async function patroniMembers(cluster: Cluster, except: string[] = []): Promise<PatroniMember[]> {
  const asks = cluster.nodes
    .filter((x) => x.role === 'postgres' && !except.includes(x.name))
    .map(async (n) => {
      return (await httpsJson<{ members: PatroniMember[] }>(cluster, `https://${n.ip}:8008/cluster`)).members;
    });
  try {
    return await Promise.any(asks);
  } catch {
    throw new Error('no Patroni REST API answers');
  }
}

export async function leaderOf(cluster: Cluster, except: string[] = []): Promise<string | undefined> {
  return (await patroniMembers(cluster, except)).find((m) => m.role === 'leader' && m.state === 'running')?.name;
}

/** True when every etcd node answers healthy on its client URL. */
export async function etcdHealthy(cluster: Cluster, nodes = cluster.nodes.filter((n) => n.role === 'etcd')): Promise<boolean> {
  const answers = await Promise.all(
    nodes.map(async (n) => {
      try {
        return (await httpsJson<{ health: string }>(cluster, `https://${n.ip}:2379/health`)).health === 'true';
      } catch {
        return false;
      }
    }),
  );
  return answers.every(Boolean);
}

export async function etcdMembers(cluster: Cluster): Promise<string[]> {
  return Object.keys(await etcdMemberUrls(cluster)).sort();
}

/** The postgres machines that hold the VIP on their interface (observed with `ip`). */
export async function vipHolders(cluster: Cluster, nodes = cluster.nodes.filter((n) => n.role === 'postgres')): Promise<string[]> {
  const held = await Promise.all(
    nodes.map(async (n) => {
      try {
        const out = await cluster.exec(n.name, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
        return out.includes(` ${cluster.vip}/`) ? n.name : undefined;
      } catch {
        return undefined; // a killed machine holds nothing
      }
    }),
  );
  return held.filter((x): x is string => x !== undefined);
}

export interface Ack {
  id: number;
  at: number;
  /** The address of the server that acknowledged it. */
  server: string;
}

/**
 * Inserts one row every `everyMs` through host:port on one connection, reconnecting after any error; an
 * insert is acknowledged when its autocommit INSERT returned.
 */
export class Writer {
  readonly acks: Ack[] = [];
  errors = 0;
  private next: number;
  private running = false;
  private loop?: Promise<void>;

  /** `firstId`: where this writer's ids start, so that two writers never insert the same id. */
  constructor(private readonly cluster: Cluster, private readonly host: string, private readonly port: number, firstId = 1, private readonly everyMs = 100) {
    this.next = firstId;
  }

  start(): this {
    this.running = true;
    this.loop = this.run();
    return this;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  get lastAck(): Ack | undefined {
    return this.acks[this.acks.length - 1];
  }

  /** The first acknowledgement after `t` (ms since the epoch), waiting for it up to `timeoutMs`. */
  async ackAfter(t: number, timeoutMs: number): Promise<Ack> {
    return waitFor(`a write acknowledged after ${new Date(t).toISOString()}`, timeoutMs, async () => this.acks.find((a) => a.at > t), 50);
  }

  private async run(): Promise<void> {
    let client: pg.Client | undefined;
    let tableReady = false;
    while (this.running) {
      const tick = Date.now();
      try {
        if (!client) {
          const c = new pg.Client(clientConfig(this.cluster, this.host, this.port));
          c.on('error', () => undefined);
          client = c;
          await c.connect();
        }
        if (!tableReady) {
          await client.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (id integer PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())`);
          tableReady = true;
        }
        const id = this.next++;
        const r = await client.query<{ server: string }>(`INSERT INTO ${TABLE} (id) VALUES ($1) RETURNING host(inet_server_addr()) AS server`, [id]);
        this.acks.push({ id, at: Date.now(), server: r.rows[0]!.server });
      } catch {
        this.errors++;
        const c = client;
        client = undefined;
        c?.end().catch(() => undefined);
      }
      await sleep(Math.max(0, this.everyMs - (Date.now() - tick)));
    }
    await client?.end().catch(() => undefined);
  }
}

/** Acknowledged ids that are not in the table on host:port (the leader after a failover). */
export async function missingAcks(cluster: Cluster, host: string, port: number, acks: Ack[]): Promise<number[]> {
  const rows = await query<{ id: number }>(cluster, host, port, `SELECT id FROM ${TABLE}`);
  const have = new Set(rows.map((r) => r.id));
  return acks.map((a) => a.id).filter((id) => !have.has(id));
}

/** Waits until `node` is a replica that streams from the leader with no lag. */
export async function streaming(cluster: Cluster, node: string, timeoutMs = 120_000): Promise<void> {
  await waitFor(`${node} streaming with lag 0`, timeoutMs, async () => {
    const members = await patroniMembers(cluster);
    const leader = members.find((m) => m.role === 'leader');
    const m = members.find((x) => x.name === node);
    if (!leader || !m || m.role === 'leader' || m.lag !== 0) return undefined;
    const rows = await query<{ application_name: string; state: string }>(
      cluster,
      leader.host,
      5432,
      'SELECT application_name, state FROM pg_stat_replication',
    );
    return rows.some((r) => r.application_name === node && r.state === 'streaming') ? true : undefined;
  });
}

/** A planned switchover through Patroni's REST API (authenticated, as its unsafe endpoints are). */
export async function switchover(cluster: Cluster, leader: string, candidate: string): Promise<void> {
  const auth = Buffer.from(`patroni:${cluster.secrets.restApiPassword}`).toString('base64');
  const r = await https(cluster, `https://${cluster.node(leader).ip}:8008/switchover`, {
    method: 'POST',
    headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
    body: JSON.stringify({ leader, candidate }),
    timeoutMs: 30_000,
  });
  if (r.status !== 200) throw new Error(`switchover ${leader} -> ${candidate}: ${r.status} ${r.body}`);
  await waitFor(`${candidate} leading`, 60_000, async () => ((await leaderOf(cluster)) === candidate ? true : undefined));
  await streaming(cluster, leader);
}

export interface LeaderKill {
  old: string;
  next: string;
  /** Kill -> the new leader seen in Patroni's /cluster. */
  electedS: number;
  /** Last write acknowledged before the kill -> first acknowledged after it. */
  rtoS: number;
  /** Acknowledged writes (up to the kill) missing on the new leader, of `acked`. */
  missing: number;
  acked: number;
  /** The old leader's machine started again -> streaming with lag 0 and back in the leader's /failsafe key. */
  rejoinS: number;
  /** The failover as it happened, for a timeline (scripts/failover-timeline.ts): times in ms since the epoch. */
  observed: {
    killedAt: number;
    /** Patroni's leader key in etcd no longer names the old leader. */
    lockExpiredAt?: number;
    promotedAt: number;
    /** Another machine holds the VIP (absent when the old leader did not hold it). */
    vipMovedAt?: number;
    firstWriteAt: number;
    /** The writer's acknowledgements from 5 s before the kill until the old machine is started again. */
    acks: number[];
  };
}

/** A key of Patroni's in etcd (`<namespace><scope>/<key>`), read through etcd's HTTP gateway. */
async function patroniKey(cluster: Cluster, key: string, namespace = '/service/'): Promise<string | undefined> {
  const k = Buffer.from(`${namespace}${cluster.name}/${key}`).toString('base64');
  const asks = cluster.nodes
    .filter((n) => n.role === 'etcd')
    .map(async (n) => httpsJson<{ kvs?: { value: string }[] }>(cluster, `https://${n.ip}:2379/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: k }) }));
  const r = await Promise.any(asks);
  return r.kvs?.[0] ? Buffer.from(r.kvs[0].value, 'base64').toString() : undefined;
}

/**
 * Whether `node` may take part in the next leader race as far as failsafe_mode goes: a member missing from the
 * leader's /failsafe key never takes the lock (Patroni's is_healthiest_node), and the leader writes it there
 * only at its next loop after the member's key came back. True when failsafe_mode is off (no such key).
 */
async function inFailsafeTopology(cluster: Cluster, node: string): Promise<boolean> {
  const failsafe = await patroniKey(cluster, 'failsafe');
  return failsafe === undefined || node in (JSON.parse(failsafe) as Record<string, string>);
}

/** Polls `changed` every `everyMs` until it holds, and resolves with the time it first did (undefined if `stop` came first). */
async function firstTime(changed: () => Promise<boolean>, stop: { done: boolean }, everyMs: number): Promise<number | undefined> {
  while (!stop.done) {
    const at = Date.now();
    if (await changed().catch(() => false)) return at;
    await sleep(everyMs);
  }
  return undefined;
}

/**
 * Kills the leader's machine while `writer` writes, measures the failover, and starts the machine again. In
 * synchronous mode it first waits for a synchronous standby: without one Patroni rightly promotes nobody.
 */
export async function killLeader(cluster: Cluster, writer: Writer, synchronous = false): Promise<LeaderKill> {
  const old = await waitFor('a leader', 60_000, () => leaderOf(cluster));
  if (synchronous) {
    await waitFor('a synchronous standby', 60_000, async () => ((await patroniMembers(cluster)).some((m) => m.role === 'sync_standby') ? true : undefined));
  }
  await writer.ackAfter(Date.now(), 30_000);
  const [vipBefore] = await vipHolders(cluster);
  const watching = { done: false };
  const lockExpired = firstTime(async () => (await patroniKey(cluster, 'leader')) !== old, watching, 100);
  const vipMoved = vipBefore === old ? firstTime(async () => (await vipHolders(cluster)).some((h) => h !== old), watching, 200) : Promise.resolve(undefined);
  await cluster.kill(old);
  const killedAt = Date.now();
  const lastBefore = writer.acks.filter((a) => a.at <= killedAt).at(-1)!;
  const next = await waitFor('a new leader', 180_000, async () => {
    const l = await leaderOf(cluster);
    return l && l !== old ? l : undefined;
  }, 100);
  const promotedAt = Date.now();
  const electedS = (promotedAt - killedAt) / 1000;
  const firstAfter = await writer.ackAfter(killedAt, 180_000);
  // both happened before that write (it went through the VIP to a new leader); the watchers see it at their next look
  const giveUp = setTimeout(() => (watching.done = true), 30_000);
  const [lockExpiredAt, vipMovedAt] = await Promise.all([lockExpired, vipMoved]);
  clearTimeout(giveUp);
  const before = writer.acks.filter((a) => a.at <= killedAt);
  const missing = await missingAcks(cluster, cluster.node(next).ip, 5432, before);
  const restartedAt = Date.now();
  await cluster.start(old);
  await streaming(cluster, old, 180_000);
  // until then the old leader could not replace a leader that died: with loop_wait 10 that was seen to leave
  // Patroni 4.0.7 with no leader after the next kill (docs/failover.md)
  await waitFor(`${old} in the leader's /failsafe key`, 60_000, async () => ((await inFailsafeTopology(cluster, old)) ? true : undefined), 200);
  return {
    old,
    next,
    electedS,
    rtoS: (firstAfter.at - lastBefore.at) / 1000,
    missing: missing.length,
    acked: before.length,
    rejoinS: (Date.now() - restartedAt) / 1000,
    observed: {
      killedAt,
      ...(lockExpiredAt !== undefined ? { lockExpiredAt } : {}),
      promotedAt,
      ...(vipMovedAt !== undefined ? { vipMovedAt } : {}),
      firstWriteAt: firstAfter.at,
      acks: writer.acks.filter((a) => a.at >= killedAt - 5000 && a.at <= restartedAt).map((a) => a.at),
    },
  };
}

/** The peer and client URLs etcd lists for each member, by name, from whichever etcd node answers first. */
export async function etcdMemberUrls(cluster: Cluster): Promise<Record<string, { peer: string[]; client: string[] }>> {
  type Member = { name: string; peerURLs: string[]; clientURLs?: string[] };
  const asks = cluster.nodes
    .filter((n) => n.role === 'etcd')
    .map(async (n) => {
      return (await httpsJson<{ members: Member[] }>(cluster, `https://${n.ip}:2379/v3/cluster/member/list`, { method: 'POST', body: '{}' })).members;
    });
  const members = await Promise.any(asks).catch(() => {
    throw new Error('no etcd member answers');
  });
  return Object.fromEntries(members.map((m) => [m.name, { peer: m.peerURLs, client: m.clientURLs ?? [] }]));
}

/**
 * The on-call case for an etcd member: its machine is dead; `pgha replace` (with a new address if given) and a
 * new machine from the new seed. Resolves with the seconds from the new machine's start to 3 healthy members
 * that list it at its address.
 */
export async function replaceEtcd(cluster: Cluster, node: string, newIp?: string): Promise<number> {
  await cluster.kill(node);
  cluster.pgha(['replace', node, 'spec.yaml', '--out', 'out', '--no-iso', ...(newIp ? ['--ip', newIp] : [])]);
  await cluster.boot(node);
  const booted = Date.now();
  const ip = cluster.node(node).ip;
  await waitFor(`${node} a healthy member again at ${ip}`, 180_000, async () => {
    const urls = await etcdMemberUrls(cluster);
    const names = Object.keys(urls).sort();
    const ok = names.length === 3 && names.every(Boolean) && urls[node]?.client.includes(`https://${ip}:2379`) && (await etcdHealthy(cluster));
    return ok ? true : undefined;
  });
  return (Date.now() - booted) / 1000;
}

/** A dead replica's replacement (same address): seconds from the new machine's start to streaming with lag 0. */
export async function replaceReplica(cluster: Cluster, node: string): Promise<number> {
  await cluster.kill(node);
  cluster.pgha(['replace', node, 'spec.yaml', '--out', 'out', '--no-iso']);
  await cluster.boot(node);
  const booted = Date.now();
  await streaming(cluster, node, 180_000);
  return (Date.now() - booted) / 1000;
}

/** A new postgres node: seconds from its machine's start to streaming with lag 0. */
export async function addReplica(cluster: Cluster, node: string, ip: string): Promise<number> {
  cluster.pgha(['add', node, 'spec.yaml', '--out', 'out', '--no-iso', '--role', 'postgres', '--ip', ip]);
  await cluster.boot(node);
  const booted = Date.now();
  await streaming(cluster, node, 180_000);
  return (Date.now() - booted) / 1000;
}

/** The addresses VIP:5001 sends `tries` new connections to. */
export async function readTargets(cluster: Cluster, tries: number): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < tries; i++) {
    try {
      const [row] = await query<{ addr: string }>(cluster, cluster.vip, 5001, 'SELECT host(inet_server_addr()) AS addr');
      if (row) seen.add(row.addr);
    } catch {
      // a check interval may still be marking a server up
    }
  }
  return seen;
}

/** Waits until the VIP sits on one machine for 3 s and that machine is not the leader (a switchover moves the leader otherwise). */
export async function vipAwayFromLeader(cluster: Cluster): Promise<{ holder: string; leader: string }> {
  const settled = () =>
    waitFor('the VIP on one machine for 3 s', 60_000, async () => {
      const [h] = await vipHolders(cluster);
      await sleep(3000);
      const [again, extra] = await vipHolders(cluster);
      return h && again === h && !extra ? h : undefined;
    });
  const current = await settled();
  const leader = (await leaderOf(cluster))!;
  if (current === leader) {
    // Keepalived's priorities, not Patroni, place the VIP: move the leader away from it, as an operator would.
    const candidate = cluster.nodes.find((n) => n.role === 'postgres' && n.name !== leader && n.name !== 'pg3')!.name;
    await switchover(cluster, leader, candidate);
  }
  const holder = await settled();
  return { holder, leader: (await leaderOf(cluster))! };
}

export interface Partition {
  old: string;
  next: string;
  /** Writes acknowledged by the old leader after the new one acknowledged its first: two primaries at once. */
  dualPrimaryWrites: number;
  /** Partition -> the old leader's last acknowledged write (it stops within ttl). */
  oldStoppedS: number;
  /** Acknowledged writes (through the VIP and directly on the old leader) missing on the leader after the heal. */
  lostWrites: number;
  /** The partition healed -> the old leader streams as a replica. */
  rejoinS: number;
}

/**
 * Cuts the leader off from every other machine (blackhole routes on it: only the test host still reaches it)
 * while `writer` writes through the VIP and a second writer writes directly to the leader, then heals it.
 * The VIP is first moved off the leader, so that the cut leader holds no address the others need.
 */
export async function partitionLeader(cluster: Cluster, writer: Writer): Promise<Partition> {
  const { leader: old } = await vipAwayFromLeader(cluster);
  const oldIp = cluster.node(old).ip;
  const direct = new Writer(cluster, oldIp, 5432, 1_000_000).start();
  await direct.ackAfter(Date.now(), 30_000);
  const others = cluster.nodes.filter((n) => n.name !== old).map((n) => n.ip);
  for (const ip of others) await cluster.exec(old, ['ip', 'route', 'add', 'blackhole', `${ip}/32`]);
  const cutAt = Date.now();
  const next = await waitFor('a new leader among the others', 120_000, async () => {
    const l = await leaderOf(cluster, [old]);
    return l && l !== old ? l : undefined;
  }, 200);
  const nextIp = cluster.node(next).ip;
  await writer.ackAfter(cutAt, 60_000);
  await sleep(5000); // the old leader's last chance to acknowledge anything
  await direct.stop();
  const all = [...writer.acks, ...direct.acks];
  const firstOnNext = Math.min(...all.filter((a) => a.server === nextIp && a.at >= cutAt).map((a) => a.at));
  const onOld = all.filter((a) => a.server === oldIp && a.at >= cutAt);
  const dualPrimaryWrites = onOld.filter((a) => a.at >= firstOnNext).length;
  const oldStoppedS = (Math.max(cutAt, ...onOld.map((a) => a.at)) - cutAt) / 1000;
  for (const ip of others) await cluster.exec(old, ['ip', 'route', 'del', 'blackhole', `${ip}/32`]);
  const healedAt = Date.now();
  await streaming(cluster, old, 180_000);
  const rejoinS = (Date.now() - healedAt) / 1000;
  const leaderNow = (await leaderOf(cluster))!;
  const lost = await missingAcks(cluster, cluster.node(leaderNow).ip, 5432, all.filter((a) => a.at < healedAt));
  return { old, next, dualPrimaryWrites, oldStoppedS, lostWrites: lost.length, rejoinS };
}

/**
 * Stops two of the three etcd machines for `outageMs` while `writer` writes through the VIP, then starts them
 * again. Says what Patroni did: whether writes went on while etcd had no quorum, and how long after quorum
 * returned etcd and Patroni were normal again.
 */
export async function etcdQuorumLoss(cluster: Cluster, writer: Writer, outageMs = 20_000): Promise<string> {
  const leader = await leaderOf(cluster);
  await cluster.kill('etcd2');
  await cluster.kill('etcd3');
  const lostAt = Date.now();
  await sleep(outageMs);
  const during = writer.acks.filter((a) => a.at > lostAt + outageMs / 2).length;
  await cluster.start('etcd2');
  await cluster.start('etcd3');
  const backAt = Date.now();
  await waitFor('3 healthy etcd members', 120_000, async () => ((await etcdHealthy(cluster)) ? true : undefined));
  const next = await waitFor('a Patroni leader', 120_000, () => leaderOf(cluster));
  await writer.ackAfter(Date.now(), 60_000);
  const normalS = ((Date.now() - backAt) / 1000).toFixed(1);
  const writes = during > 0 ? `writes went on (${during} acknowledged in the outage's second half)` : 'no write was acknowledged in the outage\'s second half (the leader demoted itself)';
  return `etcd2 and etcd3 stopped for ${outageMs / 1000} s: ${writes}; leader ${leader} before, ${next} after; etcd healthy, a leader and a write through the VIP ${normalS} s after the two machines were started again`;
}

/** When each step of a cluster's formation was first seen from the host, in seconds after all machines started. */
export interface FormationPhases {
  cloudInitRunning: number;
  etcdHealthy: number;
  leaderElected: number;
  replicasStreaming: number;
  vipUp: number;
  firstWrite: number;
}

/** Whether a TCP connection to host:port opens within a second (HAProxy listening on the VIP's holder). */
function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = netConnect({ host, port, timeout: 1000 }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
    s.on('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

/**
 * Watches a starting cluster until every phase below was seen, recording when each was first
 * seen: every machine's first-boot steps running (pgha-node's status file), etcd healthy, a Patroni leader,
 * every replica streaming (pg_stat_replication on the leader), the VIP answering on the read-write port, the
 * first write. Shows how much of the time to cluster is pgha's own steps and how much the programs'.
 */
export async function watchFormation(cluster: Cluster, writer: Writer, timeoutMs = 300_000): Promise<FormationPhases> {
  const seen: Partial<FormationPhases> = {};
  const at = () => (Date.now() - cluster.startedAt) / 1000;
  const replicas = cluster.nodes.filter((n) => n.role === 'postgres').length - 1;
  const deadline = Date.now() + timeoutMs;
  while (Object.keys(seen).length < 6) {
    if (Date.now() > deadline) throw new Error(`the cluster did not form in ${timeoutMs / 1000} s: ${JSON.stringify(seen)}`);
    const check = async (phase: keyof FormationPhases, probe: () => Promise<boolean>) => {
      if (seen[phase] === undefined && (await probe().catch(() => false))) seen[phase] = at();
    };
    await Promise.all([
      check('cloudInitRunning', async () => (await Promise.all(cluster.nodes.map((n) => cluster.exec(n.name, ['test', '-e', '/var/lib/pgha/status']).then(() => true, () => false)))).every(Boolean)),
      check('etcdHealthy', () => etcdHealthy(cluster)),
      check('vipUp', () => tcpOpen(cluster.vip, 5000)),
      (async () => {
        const leader = await leaderOf(cluster).catch(() => undefined);
        if (!leader) return;
        seen.leaderElected ??= at();
        await check('replicasStreaming', async () => {
          const rows = await query<{ n: string }>(cluster, cluster.node(leader).ip, 5432, "SELECT count(*) AS n FROM pg_stat_replication WHERE state = 'streaming'");
          return Number(rows[0]!.n) >= replicas;
        });
      })(),
    ]);
    if (writer.acks.length > 0) seen.firstWrite ??= (writer.acks[0]!.at - cluster.startedAt) / 1000;
    await sleep(250);
  }
  return seen as FormationPhases;
}
