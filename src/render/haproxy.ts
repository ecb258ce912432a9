import type { FileEntry } from '../lib/file.js';
import { PORTS, type ClusterModel } from '../model/model.js';
import { CONFIG_PATHS, PEERS_BEGIN_LINE, PEERS_MARKERS, TLS_PATHS } from '../node/contract.js';

/**
 * One backend server line; pgha-peers renders added or moved members with the same line ({name}, {ip}). The
 * check goes to Patroni's REST API over TLS and wants the member's own certificate (its name, signed by the
 * cluster CA); client traffic to PostgreSQL passes through as TCP, with the client's own TLS.
 */
export function haproxyServerLine(model: ClusterModel, name: string, ip: string): string {
  return `server ${name} ${ip}:${PORTS.postgres} maxconn ${model.haproxy.maxconn} check port ${PORTS.patroniRest} check-ssl verify required ca-file ${TLS_PATHS.ca} verifyhost ${name}`;
}

function section(header: string, lines: string[]): string {
  return [header, ...lines.map((l) => `    ${l}`)].join('\n');
}

/**
 * HAProxy in front of the Patroni nodes, the same on every postgres node: the read-write port goes to the
 * member whose Patroni answers 200 on /primary, the read-only port to members answering 200 on /replica
 * (running replicas without noloadbalance). A server marked down has its sessions cut; the metrics port serves
 * HAProxy's Prometheus exporter over TLS. OPTIONS, not GET: the
 * status code is the same, and Patroni sends no body that HAProxy would hang up on (a logged reset per check).
 */
export function renderHaproxyConfig(model: ClusterModel): string {
  const { check } = model.haproxy;
  const backend = (name: string, uri: string) =>
    section(`backend ${name}`, [
      `option httpchk OPTIONS ${uri}`,
      'http-check expect status 200',
      `default-server inter ${check.inter} fastinter ${check.fastinter} downinter ${check.downinter} fall ${check.fall} rise ${check.rise} on-marked-down shutdown-sessions`,
      PEERS_BEGIN_LINE,
      ...model.postgresNodes.map((n) => haproxyServerLine(model, n.name, n.ip)),
      PEERS_MARKERS.end,
    ]);
  return [
    `# Written by pgha for cluster ${model.name}.`,
    section('global', [
      'log /dev/log local0',
      'log /dev/log local1 notice',
      'chroot /var/lib/haproxy',
      'stats socket /run/haproxy/admin.sock mode 660 level admin',
      'stats timeout 30s',
      'user haproxy',
      'group haproxy',
      'daemon',
      // the metrics port's certificate is node.crt, its key node.key beside it (not node.crt.key)
      'ssl-load-extra-del-ext',
      'ssl-default-bind-options ssl-min-ver TLSv1.2',
    ]),
    section('defaults', [
      'log global',
      'mode tcp',
      'retries 2',
      'timeout connect 4s',
      'timeout client 30m',
      'timeout server 30m',
      'timeout check 5s',
    ]),
    section('frontend postgres_rw', [`bind *:${model.haproxy.readWritePort}`, 'default_backend postgres_primary']),
    section('frontend postgres_ro', [`bind *:${model.haproxy.readOnlyPort}`, 'default_backend postgres_replicas']),
    // HAProxy's own Prometheus exporter, over TLS with the node's certificate (loaded as root, before the chroot),
    // for clients with a certificate of the cluster CA; a slow client does not hold a connection for long
    section('frontend metrics', [
      'mode http',
      'timeout client 10s',
      'timeout http-request 5s',
      `bind *:${model.haproxy.metricsPort} ssl crt ${TLS_PATHS.cert} verify required ca-file ${TLS_PATHS.ca}`,
      'http-request use-service prometheus-exporter if { path /metrics }',
      'http-request return status 404',
    ]),
    backend('postgres_primary', '/primary'),
    backend('postgres_replicas', '/replica'),
  ].join('\n\n') + '\n';
}

export function haproxyFile(model: ClusterModel): FileEntry {
  return { path: CONFIG_PATHS.haproxy, owner: 'root:root', mode: 0o644, content: renderHaproxyConfig(model) };
}
