import type { Spec } from './types.js';

/**
 * The built-in default cluster: the reference deployment's topology, names and addresses (../shared/reference),
 * on libvirt's `default` network (192.168.122.0/24) as the reference's virt-manager VMs were. Its timings are
 * pgha's defaults, not the reference's (ttl 30, loop_wait 10, HAProxy inter 3s fall 3), which fail over about
 * three times slower (npm run bench:cluster). Its addresses are values to render only; nothing in pgha contacts them.
 */
export const BUILT_IN_SPEC: Spec = {
  cluster: { name: '16-main', namespace: '/postgresql-common/', flavor: 'ubuntu-24.04' },
  network: {
    cidr: '192.168.122.0/24',
    gateway: '192.168.122.1',
    dns: ['192.168.122.1'],
    interface: 'enp1s0',
    vip: '192.168.122.2',
    vrrp: { routerId: 69, unicast: true },
  },
  nodes: [
    { name: 'etcd1', role: 'etcd', ip: '192.168.122.18' },
    { name: 'etcd2', role: 'etcd', ip: '192.168.122.104' },
    { name: 'etcd3', role: 'etcd', ip: '192.168.122.187' },
    { name: 'patroni1', role: 'postgres', ip: '192.168.122.236' },
    { name: 'patroni2', role: 'postgres', ip: '192.168.122.188' },
    { name: 'patroni3', role: 'postgres', ip: '192.168.122.95', tags: { nofailover: true } },
  ],
  postgres: {
    parameters: {
      max_connections: 50,
      log_min_messages: 'info',
      log_line_prefix: '%m %a %p %q%u@%d %r %i %e',
    },
    users: [{ name: 'admin', options: ['createrole', 'createdb'] }],
    clientNetworks: [],
  },
  launch: { network: 'default' },
  haproxy: { readWritePort: 5000, readOnlyPort: 5001 },
};
