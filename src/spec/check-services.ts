import { PORTS } from '../model/model.js';
import type { Diagnostic } from './diagnostic.js';
import { DEFAULTS } from './field-defaults.js';
import type { Spec } from './types.js';

/** Ports the postgres nodes (where HAProxy listens) or the etcd nodes already use. */
const TAKEN_PORTS: ReadonlyMap<number, string> = new Map([
  [22, 'SSH'],
  [PORTS.etcdClient, 'etcd\'s client port'],
  [PORTS.etcdPeer, 'etcd\'s peer port'],
  [PORTS.postgres, 'PostgreSQL\'s port on the postgres nodes, where HAProxy listens too'],
  [PORTS.patroniRest, 'Patroni\'s REST API'],
]);

/**
 * System and service accounts of the images (Debian and Ubuntu's base users, the role packages' users, the
 * build user): the seed gives the admin user passwordless sudo and SSH keys, which none of these may get.
 */
const SYSTEM_USERS = new Set(
  (
    'root daemon bin sys sync games man lp mail news uucp proxy www-data backup list irc gnats nobody messagebus sshd syslog ' +
    'uuidd tcpdump tss landscape pollinate lxd usbmux dnsmasq polkitd postgres etcd haproxy keepalived_script libvirt-qemu pgha-build'
  ).split(' '),
);

/** HAProxy's ports and check intervals: values HAProxy and the nodes' other services accept. */
export function checkHaproxy(spec: Spec, out: Diagnostic[]): void {
  const { readWritePort, readOnlyPort, metricsPort } = { ...DEFAULTS.haproxy, ...spec.haproxy };
  const ports = [['readWritePort', readWritePort], ['readOnlyPort', readOnlyPort], ['metricsPort', metricsPort]] as const;
  ports.forEach(([field, port], i) => {
    const same = ports.slice(0, i).find(([, p]) => p === port);
    if (same) out.push({ severity: 'error', path: `haproxy.${field}`, message: `equals haproxy.${same[0]}: use another port` });
  });
  for (const [field, port] of ports) {
    const taken = TAKEN_PORTS.get(port);
    if (taken) out.push({ severity: 'error', path: `haproxy.${field}`, message: `${port} is ${taken}: use another port` });
  }
  for (const [field, value] of Object.entries(spec.haproxy?.check ?? {})) {
    if (typeof value === 'string' && /^0+(ms|s)$/.test(value)) {
      out.push({ severity: 'error', path: `haproxy.check.${field}`, message: `${value}: HAProxy refuses an interval of zero; give at least 1ms` });
    }
  }
}

/** The admin user must be a user of its own. */
export function checkAdmin(spec: Spec, out: Diagnostic[]): void {
  const user = spec.admin?.user;
  if (user !== undefined && (SYSTEM_USERS.has(user) || user.startsWith('_') || user.startsWith('systemd-'))) {
    out.push({
      severity: 'error',
      path: 'admin.user',
      message: `${user} is a system or service account of the images: the seed would give it passwordless sudo and SSH keys; choose another name (default ${DEFAULTS.adminUser})`,
    });
  }
}
