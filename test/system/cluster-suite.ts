/**
 * The mission end to end, on one stack (test/system/machines.ts Stack): six container machines (3 etcd, 3
 * postgres, pg3 with nofailover), booted from the role images' contents with their generated seeds, become a
 * working HA cluster with nobody logging in, and survive the faults the reference tried by hand: the leader's
 * machine killed under writes, the VIP holder killed, an etcd machine killed. Every endpoint speaks TLS with the
 * cluster's certificates. Exec into a machine observes it, injects a fault, or installs renewed certificates as
 * the README says to. `full: false` runs the formation, TLS, users, leader kill, replica replacement and added
 * node only (cluster.test.ts says which stack gets which).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { connect, type PeerCertificate } from 'node:tls';
import pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { XMLValidator } from 'fast-xml-parser';
import { MARKS, timelineSvg } from '../../scripts/failover-timeline.js';
import { callJson } from '../../src/io/cluster-api.js';
import { SENTINEL_PATH } from '../../src/node/contract.js';
import { PGHA_ARGV } from '../helpers.js';
import {
  addReplica,
  etcdHealthy,
  etcdMembers,
  etcdQuorumLoss,
  etcdMemberUrls,
  https,
  killLeader,
  leaderOf,
  missingAcks,
  partitionLeader,
  patroniMembers,
  query,
  readTargets,
  replaceEtcd,
  replaceReplica,
  streaming,
  vipAwayFromLeader,
  vipHolders,
  waitFor,
  Writer,
} from './cluster-client.js';
import { ensureDocker, patroniVersionOf, startCluster, testSpec, type Cluster, type Stack } from './machines.js';

export interface SuiteOptions {
  /** The spec's own subnet, 10.N.0.0/24. */
  subnet: number;
  /** YAML added to the test spec (e.g. the ttl the stack's Patroni takes). */
  extra?: string;
  full: boolean;
}

/** The cluster suite on one stack; the caller runs it. */
export function clusterSuite(title: string, stack: Stack, { subnet, extra = '', full }: SuiteOptions) {
  const t = suite(title);
  const name = `pghact${subnet}`;
  let ttl = 0;
  let cluster: Cluster;
  let writer: Writer;
  const ip = (node: string) => cluster.node(node).ip;
  const report = (line: string) => console.log(`    [${title}] ${line}`);

  // uvu does not print an error of a before hook: say it here, else the suite only shows "(0 / N)"
  t.before(async () => {
    try {
      await start();
    } catch (e) {
      console.error(`    [${title}] the cluster did not start: ${(e as Error).stack ?? String(e)}`);
      throw e;
    }
  });
  async function start(): Promise<void> {
    ensureDocker();
    cluster = await startCluster(name, testSpec(name, subnet, `postgres: {users: [{name: app, options: [createdb]}]}\n${extra}`, stack.flavor), stack);
    writer = new Writer(cluster, cluster.vip, 5000).start();
    // the ttl pgha rendered (the stack's Patroni may have raised pgha's default to its floor)
    ttl = Number(/\n\s+ttl: (\d+)\n/.exec(readFileSync(join(cluster.dir, 'out', 'nodes', 'pg1', 'user-data'), 'utf8'))![1]);
  }

  t.after(async () => {
    await writer?.stop();
    await cluster?.dispose();
  });

  /** The certificate a TLS endpoint serves (with the admin client certificate, which etcd wants). */
  function servedCert(host: string, port: number): Promise<PeerCertificate> {
    const { tls } = cluster.secrets;
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, ca: tls.ca.cert, cert: tls.admin.cert, key: tls.admin.key, timeout: 3000 }, () => {
        resolve(socket.getPeerCertificate());
        socket.end();
      });
      socket.on('error', reject);
      socket.on('timeout', () => socket.destroy(new Error(`${host}:${port}: no TLS handshake`)));
    });
  }

  /** The certificate PostgreSQL serves, through node-postgres's TLS socket. */
  async function postgresCert(host: string): Promise<PeerCertificate> {
    const client = new pg.Client({ host, port: 5432, user: 'postgres', password: cluster.secrets.superuserPassword, database: 'postgres', ssl: { ca: cluster.secrets.tls.ca.cert }, connectionTimeoutMillis: 3000 });
    await client.connect();
    try {
      return ((client as unknown as { connection: { stream: { getPeerCertificate(): PeerCertificate } } }).connection.stream).getPeerCertificate();
    } finally {
      await client.end();
    }
  }

  /** pgha ARGS --json from the test host, as the operator runs it (its own process; the writer goes on). */
  function pghaJson<T>(args: string[]): Promise<{ code: number; doc: T }> {
    return new Promise((resolve, reject) => {
      execFile(process.execPath, [...PGHA_ARGV, ...args, '--json'], { cwd: cluster.dir, encoding: 'utf8' }, (e, stdout, stderr) => {
        try {
          resolve({ code: e ? Number(e.code) : 0, doc: JSON.parse(stdout) as T });
        } catch {
          reject(new Error(`pgha ${args.join(' ')}: no JSON (exit ${e?.code ?? 0}): ${stderr}`));
        }
      });
    });
  }
  const status = () => pghaJson<{ health: string; problems: string[]; patroni: { name: string; role: string | null; version: string | null }[] }>(['status', 'spec.yaml']);

  /** How a connection attempt ends: 'ok' or the error's message. */
  async function outcomeOf(attempt: () => Promise<unknown>): Promise<string> {
    try {
      await attempt();
      return 'ok';
    } catch (e) {
      return (e as Error).message;
    }
  }

  t('the six machines form the cluster by themselves from their seeds; no default login user; the stack\'s Patroni', async () => {
    const first = await writer.ackAfter(0, 300_000);
    report(`time to cluster: ${((first.at - cluster.startedAt) / 1000).toFixed(1)} s (all machines started -> first write acknowledged through VIP:5000)`);

    await waitFor('the sentinel on every machine', 180_000, async () => {
      for (const n of cluster.nodes) await cluster.exec(n.name, ['test', '-e', SENTINEL_PATH]);
      return true;
    });
    for (const n of cluster.nodes) {
      // cloud-init 23.4 and later exit 2 when the boot logged warnings ("recoverable errors"), 1 on an error
      const status = await cluster.exec(n.name, ['sh', '-c', 'cloud-init status --long; echo "exit $?"']);
      assert.match(status, /^status: done$/m, `${n.name}: ${status}`);
      const code = /^exit (\d+)$/m.exec(status)![1];
      assert.ok(code === '0' || code === '2', `${n.name}: ${status}`);
      if (code === '2') {
        const warnings = await cluster.exec(n.name, ['sh', '-c', 'cloud-init status --format json | python3 -c "import json,sys; print(json.load(sys.stdin).get(\'recoverable_errors\'))"']);
        report(`${n.name}: cloud-init done with recoverable errors ${warnings.trim().slice(0, 600)}`);
      }
      const failed = await cluster.exec(n.name, ['sh', '-c', 'test ! -e /var/lib/pgha/failed && echo none']);
      assert.is(failed.trim(), 'none', `${n.name}: a bootstrap step failed`);
    }

    assert.ok(await etcdHealthy(cluster), 'every etcd member is healthy');
    assert.equal(await etcdMembers(cluster), ['etcd1', 'etcd2', 'etcd3']);

    const members = await patroniMembers(cluster);
    const leaders = members.filter((m) => m.role === 'leader');
    assert.is(leaders.length, 1, JSON.stringify(members));
    const leader = leaders[0]!.name;
    assert.is.not(leader, 'pg3', 'the nofailover node never leads');
    for (const r of members.filter((m) => m.role !== 'leader')) await streaming(cluster, r.name);

    assert.equal(await vipHolders(cluster), [await waitFor('one VIP holder', 30_000, async () => {
      const h = await vipHolders(cluster);
      return h.length === 1 ? h[0] : undefined;
    })]);

    const rw = await query<{ addr: string; standby: boolean }>(cluster, cluster.vip, 5000, 'SELECT host(inet_server_addr()) AS addr, pg_is_in_recovery() AS standby');
    assert.equal(rw, [{ addr: ip(leader), standby: false }], 'VIP:5000 reaches the leader');
    const written = await query<{ n: string }>(cluster, ip(leader), 5432, `SELECT count(*) AS n FROM pgha_writes`);
    assert.ok(Number(written[0]!.n) >= 1, 'the writes through the VIP are on the leader');
    const ro = await query<{ addr: string; standby: boolean }>(cluster, cluster.vip, 5001, 'SELECT host(inet_server_addr()) AS addr, pg_is_in_recovery() AS standby');
    assert.is(ro[0]!.standby, true, 'VIP:5001 reaches a replica');
    assert.is.not(ro[0]!.addr, ip(leader));

    for (const n of cluster.nodes) {
      const users = await cluster.exec(n.name, ['sh', '-c', 'getent passwd debian ubuntu || echo none']);
      assert.is(users.trim(), 'none', `${n.name}: no default login user (users: [])`);
    }
    const version = await cluster.exec(leader, ['patroni', '--version']);
    assert.is(version.trim(), `patroni ${patroniVersionOf(stack)}`, 'the stack\'s Patroni');

    const started = Date.now();
    const st = await waitFor('pgha status healthy', 30_000, async () => {
      const s = await status();
      return s.code === 0 ? s : undefined;
    });
    report(`pgha status: healthy, exit 0 (${Date.now() - started} ms with its retries)`);
    assert.equal(st.doc.patroni.filter((p) => p.role === 'leader').map((p) => p.name), [leader], 'pgha status names the leader');
    assert.ok(st.doc.patroni.every((p) => p.version === patroniVersionOf(stack)), JSON.stringify(st.doc.patroni));
  });

  t('metrics: every target of monitoring/prometheus.yml answers Prometheus text over TLS, with the files beside it', async () => {
    const mon = join(cluster.dir, 'out', 'monitoring');
    const jobs = (YAML.parse(readFileSync(join(mon, 'prometheus.yml'), 'utf8')) as { scrape_configs: { job_name: string; tls_config: Record<string, string>; static_configs: { targets: string[] }[] }[] }).scrape_configs;
    const file = (f?: string) => (f ? readFileSync(join(mon, f), 'utf8') : '');
    // Patroni (3.x, 4.0) writes patroni_postgres_server_version with a blank before its labels: the check
    // allows that one blank, Patroni's own format
    const sample = /^[a-zA-Z_:][a-zA-Z0-9_:]* ?(\{[^}]*\})? [-+0-9.eEInfNa]+( -?\d+)?$/;
    const seen: Record<string, number> = {};
    for (const job of jobs) {
      const tls = { ca: file(job.tls_config.ca_file), cert: file(job.tls_config.cert_file), key: file(job.tls_config.key_file) };
      for (const target of job.static_configs.flatMap((c) => c.targets)) {
        const a = await callJson(`https://${target}/metrics`, tls, { timeoutMs: 5000 });
        assert.ok(a.ok && a.status === 200, `${job.job_name} ${target}: ${a.ok ? a.status : a.error}`);
        const lines = a.text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
        const bad = lines.filter((l) => !sample.test(l));
        assert.equal(bad.slice(0, 3), [], `${job.job_name} ${target}: not Prometheus text`);
        seen[job.job_name] = (seen[job.job_name] ?? 0) + lines.length;
        const kind = job.job_name.slice(job.job_name.lastIndexOf('-') + 1);
        const expected = { etcd: /^etcd_server_has_leader 1$/m, patroni: /^patroni_postgres_running\{[^}]*\} 1$/m, haproxy: /^haproxy_process_nbthread /m }[kind];
        assert.ok(expected && expected.test(a.text), `${job.job_name} ${target}: ${String(expected)}`);
      }
    }
    assert.equal(Object.keys(seen).length, 3);
    report(`metrics: ${Object.entries(seen).map(([j, n]) => `${j} ${n} samples`).join(', ')}, every target over TLS`);
  });

  t('TLS everywhere: PostgreSQL, replication, Patroni\'s REST API and etcd refuse plain or unauthenticated clients; keys are private', async () => {
    const leader = (await leaderOf(cluster))!;
    const plain = await outcomeOf(async () => {
      const c = new pg.Client({ host: cluster.vip, port: 5000, user: 'postgres', password: cluster.secrets.superuserPassword, database: 'postgres', ssl: false, connectionTimeoutMillis: 3000 });
      c.on('error', () => undefined);
      await c.connect();
      await c.end();
    });
    assert.match(plain, /no pg_hba\.conf entry .* no encryption/, 'a client without TLS is refused');
    const ssl = await query<{ ssl: boolean; version: string }>(cluster, cluster.vip, 5000, 'SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    assert.is(ssl[0]!.ssl, true, 'through the VIP, with the server certificate checked against the CA and the VIP');
    const replicas = await query<{ n: string; tls: string }>(cluster, ip(leader), 5432, 'SELECT count(*) AS n, count(*) FILTER (WHERE s.ssl) AS tls FROM pg_stat_replication r JOIN pg_stat_ssl s USING (pid)');
    assert.ok(Number(replicas[0]!.n) >= 2 && replicas[0]!.tls === replicas[0]!.n, `replication over TLS: ${JSON.stringify(replicas)}`);

    const { tls } = cluster.secrets;
    const noClientCert = await outcomeOf(() => new Promise((resolve, reject) => {
      const socket = connect({ host: ip('etcd1'), port: 2379, ca: tls.ca.cert, timeout: 3000 }, () => socket.write('GET /health HTTP/1.0\r\n\r\n'));
      socket.on('data', (d) => (String(d).includes('"health"') ? resolve(d) : reject(new Error(String(d)))));
      socket.on('error', reject);
      socket.on('end', () => reject(new Error('closed')));
    }));
    assert.is.not(noClientCert, 'ok', 'etcd refuses a client without a certificate');
    const etcdPlain = await outcomeOf(() => fetch(`http://${ip('etcd1')}:2379/health`, { signal: AbortSignal.timeout(3000) }).then((r) => r.json()));
    assert.is.not(etcdPlain, 'ok', 'etcd speaks no plain HTTP');
    const patroniPlain = await outcomeOf(() => fetch(`http://${ip(leader)}:8008/health`, { signal: AbortSignal.timeout(3000) }).then((r) => r.text()));
    assert.is.not(patroniPlain, 'ok', 'Patroni\'s REST API speaks no plain HTTP');
    const unsafe = await https(cluster, `https://${ip(leader)}:8008/restart`, { method: 'POST', body: '{}' });
    assert.is(unsafe.status, 401, 'an unsafe endpoint wants the REST password');

    for (const [node, owner] of [['etcd1', 'etcd'], ['pg1', 'postgres']] as const) {
      const modes = await cluster.exec(node, ['stat', '-c', '%n %a %U:%G', '/etc/pgha/tls/node.key', '/etc/pgha/tls/node.crt', '/etc/pgha/tls/ca.crt']);
      assert.equal(modes.trim().split('\n'), [`/etc/pgha/tls/node.key 600 ${owner}:${owner}`, '/etc/pgha/tls/node.crt 644 root:root', '/etc/pgha/tls/ca.crt 644 root:root'], node);
    }
    const served = await servedCert(ip('pg1'), 8008);
    assert.is(served.subject.CN, 'pg1');
  });

  t('the spec\'s extra user exists on every member and logs in through the VIP with its password (post_bootstrap, not bootstrap.users)', async () => {
    const rows = await query<{ who: string; createdb: boolean }>(cluster, cluster.vip, 5000, 'SELECT current_user AS who, rolcreatedb AS createdb FROM pg_roles WHERE rolname = current_user', [], { user: 'app', password: cluster.secrets.users.app! });
    assert.equal(rows, [{ who: 'app', createdb: true }]);
    for (const m of (await patroniMembers(cluster)).filter((x) => x.role !== 'leader')) {
      const r = await query<{ n: string }>(cluster, ip(m.name), 5432, "SELECT count(*) AS n FROM pg_roles WHERE rolname = 'app'");
      assert.is(r[0]!.n, '1', `${m.name} has the role`);
    }
  });

  t('the leader\'s machine killed under writes: a new leader (never pg3), writes resume, the old one rejoins as a replica', async () => {
    const k = await killLeader(cluster, writer);
    assert.is.not(k.next, 'pg3', 'the nofailover node is never promoted');
    report(`killed ${k.old}: ${k.next} leads after ${k.electedS.toFixed(1)} s; RTO ${k.rtoS.toFixed(1)} s (last write acknowledged before the kill -> first after)`);
    report(`acknowledged writes missing on the new leader: ${k.missing} of ${k.acked}; the old leader streams again ${k.rejoinS.toFixed(1)} s after its restart`);
    const rw = await query<{ addr: string }>(cluster, cluster.vip, 5000, 'SELECT host(inet_server_addr()) AS addr');
    assert.equal(rw, [{ addr: ip(k.next) }], 'VIP:5000 reaches the new leader');
    // the failover drawn as npm run bench:cluster draws it, from this kill
    const svg = await timelineSvg(`${title}: leader kill`, [{ label: title, observation: k.observed }]);
    assert.is(XMLValidator.validate(svg), true, 'valid SVG');
    for (const m of MARKS.filter((x) => k.observed[x.key] !== undefined)) assert.ok(svg.includes(`>${m.label}<`), `the ${m.label} mark`);
  });

  t('pgha switchover --to a replica --wait under writes: it leads, the old leader streams again, no acknowledged write lost', async () => {
    const old = (await leaderOf(cluster))!;
    const to = ['pg1', 'pg2'].find((n) => n !== old)!;
    for (const m of (await patroniMembers(cluster)).filter((x) => x.role !== 'leader')) await streaming(cluster, m.name);
    const started = Date.now();
    const r = await pghaJson<{ from: string; to: string; switchedMs: number; writesThroughVipMs: number }>(['switchover', 'spec.yaml', '--to', to, '--wait']);
    assert.is(r.code, 0, JSON.stringify(r.doc));
    assert.equal([r.doc.from, r.doc.to], [old, to]);
    const after = await writer.ackAfter(Date.now(), 15_000);
    assert.is(after.server, ip(to), 'writes through the VIP reach the new leader');
    const around = writer.acks.filter((a) => a.at >= started - 1000);
    const gap = Math.max(...around.slice(1).map((a, i) => a.at - around[i]!.at));
    report(`switchover ${old} -> ${to}: Patroni ${(r.doc.switchedMs / 1000).toFixed(1)} s, writes through the VIP ${(r.doc.writesThroughVipMs / 1000).toFixed(1)} s after the request; longest gap between acknowledged writes ${(gap / 1000).toFixed(1)} s`);
    await streaming(cluster, old);
    assert.equal(await missingAcks(cluster, ip(to), 5432, writer.acks.filter((a) => a.at <= after.at)), [], 'every acknowledged write is on the new leader');
  });

  if (full) {
    t('the VIP holder killed when it is not the leader: the VIP moves and both ports keep working', async () => {
      const { holder } = await vipAwayFromLeader(cluster);
      await cluster.kill(holder);
      const killedAt = Date.now();
      const moved = await waitFor('the VIP on another machine', 30_000, async () => {
        const h = await vipHolders(cluster, cluster.nodes.filter((n) => n.role === 'postgres' && n.name !== holder));
        return h.length === 1 ? h[0] : undefined;
      });
      report(`killed VIP holder ${holder}: the VIP moved to ${moved} in ${((Date.now() - killedAt) / 1000).toFixed(1)} s or less`);
      await writer.ackAfter(Date.now(), 30_000);
      const rw = await waitFor('VIP:5000', 30_000, () => query<{ standby: boolean }>(cluster, cluster.vip, 5000, 'SELECT pg_is_in_recovery() AS standby'));
      assert.equal(rw, [{ standby: false }]);
      const ro = await waitFor('VIP:5001', 30_000, () => query<{ standby: boolean }>(cluster, cluster.vip, 5001, 'SELECT pg_is_in_recovery() AS standby'));
      assert.equal(ro, [{ standby: true }]);
      await cluster.start(holder);
      await streaming(cluster, holder);
    });

    t('an etcd machine killed: the cluster keeps working; started again, etcd has 3 healthy members', async () => {
      await cluster.kill('etcd2');
      const killedAt = Date.now();
      await writer.ackAfter(killedAt + 5_000, 30_000);
      assert.ok(await etcdHealthy(cluster, cluster.nodes.filter((n) => n.role === 'etcd' && n.name !== 'etcd2')));
      assert.ok(await leaderOf(cluster), 'Patroni keeps its leader');
      const started = Date.now();
      const st = await status();
      report(`pgha status with etcd2 dead: exit ${st.code} in ${Date.now() - started} ms`);
      assert.is(st.code, 4, JSON.stringify(st.doc));
      assert.ok(st.doc.problems.some((p) => p.startsWith(`etcd etcd2 (${ip('etcd2')}) is not healthy`)), st.doc.problems.join('\n'));
      await cluster.start('etcd2');
      await waitFor('3 healthy etcd members', 60_000, async () => ((await etcdHealthy(cluster)) ? true : undefined));
      assert.equal(await etcdMembers(cluster), ['etcd1', 'etcd2', 'etcd3']);
      await writer.ackAfter(Date.now(), 10_000);
    });

    t('the leader cut off from the others while writes go through the VIP and directly to it: never two primaries; it stops within ttl and rejoins after the heal', async () => {
      const p = await partitionLeader(cluster, writer);
      report(
        `partitioned ${p.old}: ${p.next} leads; the old leader's last write ${p.oldStoppedS.toFixed(1)} s after the cut; ` +
          `${p.dualPrimaryWrites} writes on two primaries; ${p.lostWrites} acknowledged writes lost (asynchronous replication); rejoined ${p.rejoinS.toFixed(1)} s after the heal`,
      );
      assert.is(p.dualPrimaryWrites, 0, 'no write acknowledged by the old leader once the new one took writes');
      assert.ok(p.oldStoppedS < ttl, `the old leader stopped within ttl (${ttl} s): ${p.oldStoppedS} s`);
    });

    t('etcd without quorum (2 of 3 machines stopped): with failsafe_mode the leader keeps taking writes; quorum back, all is normal', async () => {
      const outcome = await etcdQuorumLoss(cluster, writer);
      report(outcome);
      assert.match(outcome, /writes went on/);
      assert.equal(await etcdMembers(cluster), ['etcd1', 'etcd2', 'etcd3']);
      for (const m of (await patroniMembers(cluster)).filter((x) => x.role !== 'leader')) await streaming(cluster, m.name);
    });

    t('etcd2 replaced by a new machine, at the same address, then at a new one: 3 healthy members; Patroni unaffected; writes go on', async () => {
      const leader = await leaderOf(cluster);
      const same = await replaceEtcd(cluster, 'etcd2');
      report(`etcd2 replaced at its address: healthy member ${same.toFixed(1)} s after its new machine started`);
      const moved = await replaceEtcd(cluster, 'etcd2', `10.${subnet}.0.14`);
      report(`etcd2 replaced at a new address: healthy member ${moved.toFixed(1)} s after its new machine started`);
      const urls = await etcdMemberUrls(cluster);
      assert.equal(urls.etcd2!.peer, [`https://10.${subnet}.0.14:2380`]);
      assert.equal(Object.keys(urls).sort(), ['etcd1', 'etcd2', 'etcd3']);
      await waitFor('the sentinel on etcd2', 30_000, () => cluster.exec('etcd2', ['test', '-e', SENTINEL_PATH]));
      assert.match(await cluster.exec('etcd2', ['cat', '/var/lib/pgha/status']), /removed dead member etcd2 .*\n.*added member etcd2 at https:\/\/10\.\d+\.0\.14:2380/);
      assert.is(await leaderOf(cluster), leader, 'Patroni kept its leader');
      await writer.ackAfter(Date.now(), 10_000);
    });

  }

  t('a replica\'s machine replaced: the new one streams with lag 0, the dead member and its slot are gone, reads reach it', async () => {
    const leader = (await leaderOf(cluster))!;
    const [holder] = await vipHolders(cluster);
    const replica = ['pg1', 'pg2', 'pg3'].find((n) => n !== leader && n !== holder)!;
    const seconds = await replaceReplica(cluster, replica);
    report(`replica ${replica} replaced: streaming ${seconds.toFixed(1)} s after its new machine started`);
    const members = await patroniMembers(cluster);
    assert.equal(members.map((m) => m.name).sort(), ['pg1', 'pg2', 'pg3'], 'one member per name: the dead one\'s key expired');
    const slots = await query<{ slot_name: string }>(cluster, ip(leader), 5432, 'SELECT slot_name FROM pg_replication_slots ORDER BY 1');
    assert.equal(slots.map((r) => r.slot_name), ['pg1', 'pg2', 'pg3'].filter((n) => n !== leader));
    const reached = await waitFor(`reads on ${replica}`, 30_000, async () => ((await readTargets(cluster, 6)).has(ip(replica)) ? true : undefined));
    assert.ok(reached);
  });

  t('a fourth postgres node added: it streams; every other node\'s HAProxy and Keepalived learn it; reads reach it', async () => {
    const pg4 = `10.${subnet}.0.24`;
    const seconds = await addReplica(cluster, 'pg4', pg4);
    report(`pg4 added: streaming ${seconds.toFixed(1)} s after its machine started`);
    for (const n of ['pg1', 'pg2', 'pg3']) {
      await waitFor(`${n} knowing pg4`, 30_000, async () => {
        const haproxy = await cluster.exec(n, ['cat', '/etc/haproxy/haproxy.cfg']);
        const keepalived = await cluster.exec(n, ['cat', '/etc/keepalived/keepalived.conf']);
        return haproxy.split(`server pg4 ${pg4}:5432`).length === 3 && keepalived.includes(`\n        ${pg4}\n`) ? true : undefined;
      });
    }
    await waitFor('reads on pg4', 30_000, async () => ((await readTargets(cluster, 6)).has(pg4) ? true : undefined));
    const slots = await query<{ slot_name: string }>(cluster, ip((await leaderOf(cluster))!), 5432, 'SELECT slot_name FROM pg_replication_slots');
    assert.ok(slots.some((r) => r.slot_name === 'pg4'));
    await writer.ackAfter(Date.now(), 10_000);
  });

  if (full) {
    t('pgha certs renew, rolled out as the README says: each node serves its new certificate, without a restart', async () => {
      cluster.pgha(['certs', 'renew', 'spec.yaml', '--out', 'out', '--no-iso']);
      const mainPid = async (node: string, unit: string) => (await cluster.exec(node, ['systemctl', 'show', '-p', 'MainPID', '--value', unit])).trim();
      const pids = { etcd: await mainPid('etcd1', 'etcd'), patroni: await mainPid('pg1', 'patroni') };
      const serial = (node: string) => new X509Certificate(readFileSync(join(cluster.dir, 'out', 'nodes', node, 'tls', 'node.crt'))).serialNumber;
      for (const node of ['etcd1', 'pg1']) {
        assert.is.not((await servedCert(ip(node), node === 'pg1' ? 8008 : 2379)).serialNumber, serial(node), `${node} still serves the old one`);
        for (const file of ['ca.crt', 'node.crt', 'node.key']) {
          const content = readFileSync(join(cluster.dir, 'out', 'nodes', node, 'tls', file)).toString('base64');
          await cluster.exec(node, ['sh', '-c', `echo ${content} | base64 -d > /etc/pgha/tls/${file}.new && mv /etc/pgha/tls/${file}.new /etc/pgha/tls/${file}`]);
        }
        await cluster.exec(node, ['/usr/local/lib/pgha/pgha-node', 'reload-tls']);
      }
      await waitFor('etcd1 serving its new certificate', 10_000, async () => ((await servedCert(ip('etcd1'), 2379)).serialNumber === serial('etcd1') ? true : undefined));
      await waitFor('Patroni on pg1 serving its new certificate', 30_000, async () => ((await servedCert(ip('pg1'), 8008)).serialNumber === serial('pg1') ? true : undefined));
      assert.is((await postgresCert(ip('pg1'))).serialNumber, serial('pg1'), 'PostgreSQL on pg1');
      await waitFor('HAProxy\'s metrics port on pg1 serving its new certificate', 10_000, async () => ((await servedCert(ip('pg1'), 8404)).serialNumber === serial('pg1') ? true : undefined));
      assert.ok(await etcdHealthy(cluster));
      for (const m of (await patroniMembers(cluster)).filter((m) => m.role !== 'leader')) await streaming(cluster, m.name);
      await writer.ackAfter(Date.now(), 10_000);
      assert.equal({ etcd: await mainPid('etcd1', 'etcd'), patroni: await mainPid('pg1', 'patroni') }, pids, 'etcd and Patroni were not restarted');
      report('certs renewed: etcd1 (2379) and pg1 (8008, 5432, 8404) serve their new certificates after pgha-node reload-tls, without a restart');
    });
  }
  return t;
}
