import { PG_CLUSTER } from '../node/contract.js';
import { DEFAULTS, effectivePatroniTimings, type ClusterPatroni } from '../spec/field-defaults.js';
import type { Role, Spec } from '../spec/types.js';
import { buildBackup, type BackupModel } from './backup.js';
import { flavorNamed, patroniTtlFloor, resolveFlavor, type Flavor, type FlavorPaths, type FlavorTable } from './flavors.js';
import { deriveMac, parseCidr } from './net.js';

/** Ports that are not (yet) configurable. */
export const PORTS = { etcdClient: 2379, etcdPeer: 2380, postgres: 5432, patroniRest: 8008 } as const;

export interface NodeModel {
  name: string;
  role: Role;
  ip: string;
  mac: string;
  /** 0: a member of the initial cluster; above 0: its seed joins the running cluster. */
  generation: number;
  tags: { nofailover: boolean; noloadbalance: boolean; clonefrom: boolean; nosync: boolean };
}

export interface DbUser {
  name: string;
  options: string[];
}

/** The validated spec with every default applied and every list in a canonical order. */
export interface ClusterModel {
  name: string;
  namespace: string;
  /** The flavour with the cluster's PostgreSQL version and cluster name in its paths and packages. */
  flavor: Flavor;
  /** The flavour's path patterns, `{pg}` and `{cluster}` unreplaced: scripts fill them with their own arguments. */
  flavorPathPatterns: FlavorPaths;
  network: {
    cidr: string;
    prefix: number;
    gateway: string;
    dns: string[];
    interface: string;
    vip: string;
    vrrp: { routerId: number; unicast: boolean };
  };
  nodes: NodeModel[];
  etcdNodes: NodeModel[];
  postgresNodes: NodeModel[];
  etcd: { heartbeatIntervalMs: number; electionTimeoutMs: number };
  postgres: {
    version: number;
    parameters: Record<string, string | number | boolean>;
    users: DbUser[];
    clientNetworks: string[];
  };
  patroni: ClusterPatroni;
  haproxy: { readWritePort: number; readOnlyPort: number; metricsPort: number; maxconn: number; check: { inter: string; fastinter: string; downinter: string; fall: number; rise: number } };
  tls: { caDays: number; certificateDays: number };
  admin: { user: string; sshAuthorizedKeys: string[] };
  launch: { network: string; poolDir: string; vm: Record<Role, { memoryMiB: number; vcpus: number; diskGiB: number }> };
  /** pgBackRest backups and archiving; absent without the spec's backup section. */
  backup?: BackupModel;
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function sortedRecord<V>(r: Record<string, V>): Record<string, V> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Builds the model from a spec that validateSpec accepted. Pure. */
export function buildModel(spec: Spec, flavors: FlavorTable): ClusterModel {
  const cidr = parseCidr(spec.network.cidr);
  if ('error' in cidr) throw new Error(`buildModel called with an invalid spec: ${cidr.error}`);
  const baseFlavor = flavorNamed(flavors, spec.cluster.flavor ?? DEFAULTS.flavor);
  const pgVersion = spec.postgres?.version ?? baseFlavor.postgresVersion;
  const patroni = effectivePatroniTimings(spec, patroniTtlFloor(baseFlavor));
  const nodes: NodeModel[] = spec.nodes
    .map((n) => ({
      name: n.name,
      role: n.role,
      ip: n.ip,
      mac: (n.mac ?? deriveMac(spec.cluster.name, n.name)).toLowerCase(),
      generation: n.generation ?? 0,
      tags: {
        nofailover: n.tags?.nofailover ?? false,
        noloadbalance: n.tags?.noloadbalance ?? false,
        clonefrom: n.tags?.clonefrom ?? false,
        // A synchronous standby that may not be promoted would block every failover: nofailover implies nosync.
        nosync: n.tags?.nosync ?? (patroni.synchronousMode && (n.tags?.nofailover ?? false)),
      },
    }))
    .sort(byName);
  return {
    name: spec.cluster.name,
    namespace: spec.cluster.namespace ?? DEFAULTS.namespace,
    flavor: resolveFlavor(baseFlavor, { pg: String(pgVersion), cluster: PG_CLUSTER }),
    flavorPathPatterns: baseFlavor.paths,
    network: {
      cidr: cidr.text,
      prefix: cidr.prefix,
      gateway: spec.network.gateway,
      dns: spec.network.dns ?? [spec.network.gateway],
      interface: spec.network.interface ?? DEFAULTS.interface,
      vip: spec.network.vip,
      vrrp: { ...DEFAULTS.vrrp, ...spec.network.vrrp },
    },
    nodes,
    etcdNodes: nodes.filter((n) => n.role === 'etcd'),
    postgresNodes: nodes.filter((n) => n.role === 'postgres'),
    etcd: {
      ...DEFAULTS.etcd,
      ...spec.etcd,
    },
    postgres: {
      version: pgVersion,
      parameters: sortedRecord(spec.postgres?.parameters ?? {}),
      users: (spec.postgres?.users ?? []).map((u) => ({ name: u.name, options: [...(u.options ?? [])].sort() })).sort(byName),
      clientNetworks: [...(spec.postgres?.clientNetworks ?? [])].sort(),
    },
    patroni,
    haproxy: {
      readWritePort: spec.haproxy?.readWritePort ?? DEFAULTS.haproxy.readWritePort,
      readOnlyPort: spec.haproxy?.readOnlyPort ?? DEFAULTS.haproxy.readOnlyPort,
      metricsPort: spec.haproxy?.metricsPort ?? DEFAULTS.haproxy.metricsPort,
      maxconn: spec.haproxy?.maxconn ?? DEFAULTS.haproxy.maxconn,
      check: { ...DEFAULTS.haproxy.check, ...spec.haproxy?.check },
    },
    tls: { ...DEFAULTS.tls, ...spec.tls },
    launch: {
      network: spec.launch?.network ?? `pgha-${spec.cluster.name}`,
      poolDir: spec.launch?.poolDir ?? DEFAULTS.launch.poolDir,
      vm: {
        etcd: { ...DEFAULTS.launch.etcd, ...spec.launch?.etcd },
        postgres: { ...DEFAULTS.launch.postgres, ...spec.launch?.postgres },
      },
    },
    admin: { user: spec.admin?.user ?? DEFAULTS.adminUser, sshAuthorizedKeys: spec.admin?.sshAuthorizedKeys ?? [] },
    ...(spec.backup ? { backup: buildBackup(spec) } : {}),
  };
}
