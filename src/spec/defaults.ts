/** Values used where the spec leaves a field out (the JSON Schema's `default` annotations say the same; a test checks). */
export const DEFAULTS = {
  namespace: '/service/',
  interface: 'enp1s0',
  vrrp: { routerId: 51, unicast: true },
  etcd: { heartbeatIntervalMs: 100, electionTimeoutMs: 1000 },
  patroni: { ttl: 30, loopWait: 10, retryTimeout: 10, maximumLagOnFailover: 1048576 },
  haproxy: { readWritePort: 5000, readOnlyPort: 5001, maxconn: 300, check: { inter: '3s', fall: 3, rise: 2 } },
  adminUser: 'pgha',
  launch: {
    poolDir: '/var/lib/libvirt/images',
    etcd: { memoryMiB: 1024, vcpus: 1, diskGiB: 8 },
    postgres: { memoryMiB: 2048, vcpus: 2, diskGiB: 20 },
  },
} as const;
