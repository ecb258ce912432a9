/** The cluster spec as the user writes it (after JSON Schema validation; optional fields may be absent). */

export const ROLES = ['etcd', 'postgres'] as const;
export type Role = (typeof ROLES)[number];

export interface PatroniTags {
  nofailover?: boolean;
  noloadbalance?: boolean;
  clonefrom?: boolean;
  nosync?: boolean;
}

export interface NodeSpec {
  name: string;
  role: Role;
  ip: string;
  mac?: string;
  /** 0: a member of the initial cluster; above 0: joins the running cluster (pgha replace, pgha add). */
  generation?: number;
  tags?: PatroniTags;
}

export interface DbUserSpec {
  name: string;
  options?: string[];
}

export interface VmSpec {
  memoryMiB?: number;
  vcpus?: number;
  diskGiB?: number;
}

export interface Spec {
  cluster: {
    name: string;
    namespace?: string;
    flavor?: string;
  };
  network: {
    cidr: string;
    gateway: string;
    dns?: string[];
    interface?: string;
    vip: string;
    vrrp?: {
      routerId?: number;
      unicast?: boolean;
    };
  };
  nodes: NodeSpec[];
  etcd?: {
    heartbeatIntervalMs?: number;
    electionTimeoutMs?: number;
  };
  postgres?: {
    version?: number;
    parameters?: Record<string, string | number | boolean>;
    users?: DbUserSpec[];
    clientNetworks?: string[];
  };
  patroni?: {
    ttl?: number;
    loopWait?: number;
    retryTimeout?: number;
    maximumLagOnFailover?: number;
    synchronousMode?: boolean;
    failsafeMode?: boolean;
    primaryStartTimeout?: number;
  };
  haproxy?: {
    readWritePort?: number;
    readOnlyPort?: number;
    maxconn?: number;
    check?: { inter?: string; fastinter?: string; downinter?: string; fall?: number; rise?: number };
  };
  tls?: {
    /** Lifetime of the cluster CA, set when it is made (the first render). */
    caDays?: number;
    /** Lifetime of the node and admin certificates, applied when they are issued (render, pgha certs renew). */
    certificateDays?: number;
  };
  launch?: {
    network?: string;
    poolDir?: string;
    etcd?: VmSpec;
    postgres?: VmSpec;
  };
  admin?: {
    user?: string;
    sshAuthorizedKeys?: string[];
  };
}
