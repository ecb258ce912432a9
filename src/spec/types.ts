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

/** Backups and point-in-time recovery with pgBackRest to an S3-compatible object store (README "Backups and recovery"). */
export interface BackupSpec {
  repository: {
    /** Host name of the S3 endpoint: no scheme, port or path, not an IP address (pgBackRest 2.45 ignores IP addresses in certificates). */
    endpoint: string;
    port?: number;
    /** The endpoint's IPv4 address, written to the postgres nodes' /etc/hosts (when DNS does not know the name). */
    address?: string;
    bucket: string;
    region: string;
    /** Prefix of the repository in the bucket. Default: /pgha/<cluster name>. */
    path?: string;
    uriStyle?: 'host' | 'path';
    /** PEM of the CA that signed the endpoint's certificate, when the images' trust store does not have it. */
    caCertificate?: string;
  };
  retention?: { full?: number; diff?: number };
  /** systemd OnCalendar expressions. */
  schedule?: { full?: string; diff?: string };
  /** Seconds: PostgreSQL's archive_timeout, the bound on what a loss of every PostgreSQL machine loses. */
  archiveTimeout?: number;
  /** Repository encryption (aes-256-cbc) with a cipher pass generated with the secrets. */
  encryption?: boolean;
  /** Written by pgha restore: the cluster is built from the repository, up to this time or `latest`. */
  restore?: { to: string };
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
    metricsPort?: number;
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
  backup?: BackupSpec;
}
