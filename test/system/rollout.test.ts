/**
 * A roll-out of new images through the running container cluster (machines.ts, Debian 12, synchronous_mode),
 * under one write every 100 ms through the VIP: `pgha rollout` writes the new seeds and launch/rollout.sh, and
 * the script runs as written, with the real `pgha status` and `pgha switchover` against the cluster. Only
 * libvirt is stood in for: each node's virt-install.sh asks this test for a new machine from the node's seed
 * (the old one removed, as --force deletes the VM) and its --state is what this test recorded (the libvirt side
 * of both is in the unit tests). The script is interrupted once, after the etcd members, and run again.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { shellQuote } from '../../src/lib/text.js';
import { PGHA_ARGV } from '../helpers.js';
import { leaderOf, missingAcks, patroniMembers, streaming, waitFor, Writer } from './cluster-client.js';
import { ensureDocker, removeMachineImages, startCluster, testSpec, type Cluster } from './machines.js';

const SUBNET = 76;

let cluster: Cluster;
let writer: Writer;

test.before(async () => {
  try {
    ensureDocker();
    cluster = await startCluster('pgharo', testSpec('pgharo', SUBNET, 'patroni: {synchronousMode: true}\n'));
    writer = new Writer(cluster, cluster.vip, 5000).start();
    await writer.ackAfter(Date.now(), 240_000);
    const leader = await waitFor('a leader', 120_000, () => leaderOf(cluster));
    for (const n of ['pg1', 'pg2', 'pg3'].filter((x) => x !== leader)) await streaming(cluster, n, 180_000);
  } catch (e) {
    console.error(`    the cluster did not start: ${(e as Error).stack ?? String(e)}`);
    throw e;
  }
});

test.after(async () => {
  await writer?.stop();
  await cluster?.dispose();
  removeMachineImages();
});

/** Replaces each node's virt-install.sh with the stand-in: requests in DIR/q/, answered by `serve`. */
function standIns(): string {
  const q = join(cluster.dir, 'q');
  mkdirSync(q);
  for (const n of cluster.nodes) {
    writeFileSync(join(q, `${n.name}.state`), 'old\n');
    writeFileSync(
      join(cluster.dir, 'out', 'nodes', n.name, 'virt-install.sh'),
      [
        '#!/bin/bash',
        `q=${shellQuote(q)}`,
        `[[ $1 == --state ]] && { cat "$q/${n.name}.state"; exit 0; }`,
        `touch "$q/${n.name}.boot"`,
        `until [[ -e $q/${n.name}.booted ]]; do sleep 0.2; done`,
        `rm "$q/${n.name}.booted"`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
  }
  return q;
}

/** Runs launch/rollout.sh, booting a machine for each request; `stopAfter` boots, it is interrupted (SIGTERM to its group). */
async function runRollout(q: string, booted: string[], stopAfter?: number): Promise<number | null> {
  const pgha = join(cluster.dir, 'pgha');
  writeFileSync(pgha, `#!/bin/sh\nexec ${[process.execPath, ...PGHA_ARGV].map(shellQuote).join(' ')} "$@"\n`, { mode: 0o755 });
  const child = spawn('bash', ['out/launch/rollout.sh', 'spec.yaml', '--timeout', '3'], { cwd: cluster.dir, env: { ...process.env, PGHA: pgha, PGHA_ROLLOUT_TIMEOUT: '300' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d: Buffer) => process.stdout.write(`    rollout.sh: ${d.toString().trimEnd().replace(/\n/g, '\n    rollout.sh: ')}\n`));
  child.stderr.on('data', (d: Buffer) => process.stdout.write(`    rollout.sh (stderr): ${d.toString().trimEnd()}\n`));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  let served = 0;
  while (!done) {
    const request = readdirSync(q).find((f) => f.endsWith('.boot'));
    if (request) {
      const node = request.replace(/\.boot$/, '');
      rmSync(join(q, request));
      await cluster.boot(node);
      booted.push(node);
      writeFileSync(join(q, `${node}.state`), 'current\n');
      writeFileSync(join(q, `${node}.booted`), '');
      if (stopAfter !== undefined && ++served === stopAfter) {
        // once the last of these has joined: the interruption falls between two nodes' replacements or in a wait
        await waitFor(`${node} healthy`, 180_000, async () => (existsSync(join(q, `${node}.booted`)) ? undefined : true));
        process.kill(-child.pid!, 'SIGTERM');
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return exited;
}

test('pgha rollout and launch/rollout.sh, interrupted once: every machine replaced once, etcd first, the old leader last, no acknowledged write lost', async () => {
  // pgha bake's images stand in: the container machines boot the role rootfs, not these files
  for (const role of ['etcd', 'postgres']) {
    mkdirSync(join(cluster.dir, 'out', 'images', role), { recursive: true });
    writeFileSync(join(cluster.dir, 'out', 'images', role, `pgha-debian-12-${role}.qcow2`), '');
  }
  cluster.pgha(['rollout', 'spec.yaml', '--out', 'out', '--no-iso']);
  const q = standIns();
  const oldLeader = (await leaderOf(cluster))!;
  const started = Date.now();
  const booted: string[] = [];
  const first = await runRollout(q, booted, 3);
  assert.is.not(first, 0, 'the first run was interrupted');
  assert.equal(booted, ['etcd1', 'etcd2', 'etcd3']);
  const code = await runRollout(q, booted);
  const totalS = (Date.now() - started) / 1000;
  assert.is(code, 0, 'the second run finished the roll-out');
  assert.equal([...booted].sort(), ['etcd1', 'etcd2', 'etcd3', 'pg1', 'pg2', 'pg3'], 'every machine replaced, none twice');
  assert.is(booted.at(-1), oldLeader, 'the old leader last');
  const leader = (await leaderOf(cluster))!;
  assert.is.not(leader, oldLeader, 'the leader role was handed over');
  assert.is.not(leader, 'pg3', 'the nofailover node never leads');
  await writer.ackAfter(Date.now(), 60_000);
  const members = await patroniMembers(cluster);
  assert.is(members.length, 3);
  const acks = [...writer.acks];
  const missing = await missingAcks(cluster, cluster.node(leader).ip, 5432, acks.filter((a) => a.at >= started));
  const gaps = acks.filter((a) => a.at >= started).map((a, i, xs) => (i === 0 ? 0 : (a.at - xs[i - 1]!.at) / 1000));
  console.log(
    `    roll-out of 6 machines (${oldLeader} led, ${leader} leads): ${totalS.toFixed(1)} s in all, ${acks.filter((a) => a.at >= started).length} acknowledged writes, ${missing.length} missing, longest gap between acknowledged writes ${Math.max(...gaps).toFixed(1)} s`,
  );
  assert.equal(missing, [], 'synchronous_mode: no acknowledged write lost');
});

test.run();
