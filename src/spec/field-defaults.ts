import type { Spec } from './types.js';

/** Values used where the spec leaves a field out (the JSON Schema's `default` annotations say the same; a test checks). */
export const DEFAULTS = {
  flavor: 'ubuntu-24.04',
  namespace: '/service/',
  interface: 'enp1s0',
  vrrp: { routerId: 51, unicast: true },
  etcd: { heartbeatIntervalMs: 100, electionTimeoutMs: 1000 },
  /**
   * The fastest failover Patroni's rule loopWait + 2 * retryTimeout <= ttl allows with its minimum loop_wait (1)
   * and retry_timeout (3). A flavour whose Patroni raises a smaller ttl (3.2.0 and later: to 20) gets that floor
   * instead (model/flavors.ts patroniTtlFloor).
   */
  patroni: { ttl: 7, loopWait: 1, retryTimeout: 3, maximumLagOnFailover: 1048576, synchronousMode: false, failsafeMode: true },
  /** Checks every second, every 500 ms while a server changes state or is down; one 200 from Patroni is enough. */
  haproxy: {
    readWritePort: 5000,
    readOnlyPort: 5001,
    metricsPort: 8404,
    maxconn: 300,
    check: { inter: '1s', fastinter: '500ms', downinter: '500ms', fall: 2, rise: 1 },
  },
  /** A CA for ten years; node certificates for one, renewed with pgha certs renew. */
  tls: { caDays: 3650, certificateDays: 365 },
  adminUser: 'pgha',
  /** Two weekly full backups, a differential on the other days, a WAL segment at least every minute. */
  backup: {
    port: 443,
    uriStyle: 'host',
    retention: { full: 2, diff: 6 },
    schedule: { full: 'Sun *-*-* 01:00:00', diff: 'Mon..Sat *-*-* 01:00:00' },
    archiveTimeout: 60,
    encryption: false,
  },
  launch: {
    poolDir: '/var/lib/libvirt/images',
    etcd: { memoryMiB: 1024, vcpus: 1, diskGiB: 8 },
    postgres: { memoryMiB: 2048, vcpus: 2, diskGiB: 20 },
  },
} as const;

/**
 * Patroni's timings for a spec: its own values, else pgha's defaults with ttl raised to the flavour's floor.
 * primary_start_timeout (how long a leader whose PostgreSQL crashed restarts it in place before it gives up
 * the lock; Patroni's default is 300 s): 0 in synchronous mode, where a failover loses nothing; else one ttl,
 * so that a crashed PostgreSQL fails over no later than a dead machine, while a quick crash recovery keeps the
 * writes that no replica had yet.
 */
export function effectivePatroniTimings(spec: Spec, ttlFloor: number | undefined): ClusterPatroni {
  const timings = { ...DEFAULTS.patroni, ttl: Math.max(DEFAULTS.patroni.ttl, ttlFloor ?? 0), ...spec.patroni };
  return { ...timings, primaryStartTimeout: spec.patroni?.primaryStartTimeout ?? (timings.synchronousMode ? 0 : timings.ttl) };
}

export type ClusterPatroni = {
  ttl: number;
  loopWait: number;
  retryTimeout: number;
  maximumLagOnFailover: number;
  synchronousMode: boolean;
  failsafeMode: boolean;
  primaryStartTimeout: number;
};
