/**
 * The cluster suite (cluster-suite.ts) on the Patroni versions pgha's targets ship, one cluster after the other:
 * the whole suite on the production target's Patroni, 3.2.2 (Ubuntu 24.04's, an unmodified upstream release over
 * Debian 12's userland: the closest stack to Ubuntu 24.04 that runs here; ttl 20, as its floor wants), because
 * that is what users run; formation, metrics, TLS, users, a leader kill, a switchover, a replica replacement and
 * an added node on Debian 13's Patroni 4.0.7 (PostgreSQL 17) and on Debian 12's own Patroni 3.0.2 (a stand-in,
 * not a target, at pgha's default ttl; the backup suite, backup.test.ts, also runs on that stack).
 */
import { test } from 'uvu';
import { clusterSuite } from './cluster-suite.js';
import { removeMachineImages, STACKS } from './machines.js';

test.after(() => removeMachineImages());

await clusterSuite('Patroni 3.2.2 (Ubuntu 24.04)', STACKS.ubuntuPatroni, { subnet: 73, extra: 'patroni: {ttl: 20}\n', full: true }).run();
await clusterSuite('Patroni 4.0.7 (Debian 13)', STACKS.debian13, { subnet: 77, full: false }).run();
await clusterSuite('Patroni 3.0.2 (Debian 12)', STACKS.debian12, { subnet: 72, full: false }).run();
test.run();
