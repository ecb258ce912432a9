import { readFileSync, readdirSync } from 'node:fs';
import { packagePath } from './paths.js';

/** An OS flavour of the role images: data only, one file each under flavors/. */
export interface Flavor {
  name: string;
  description: string;
  postgresVersion: number;
  osVariant: string;
  /** Bus of the seed CD-ROM in virt-install: sata on q35 needs AHCI, which Debian's cloud kernel lacks (scsi: virtio-scsi). */
  cdromBus: 'sata' | 'scsi' | 'ide';
  /** The flavour's Patroni raises a smaller ttl to this (3.0.3 and later: 20); absent when it takes any. */
  patroniMinTtl?: number;
  baseImage: { url: string; checksum: string };
  packages: { etcd: string[]; postgres: string[] };
  paths: {
    etcdDataDir: string;
    pgDataDir: string;
    pgConfigDir: string;
    pgBinDir: string;
    pgSocketDir: string;
    pgLogDir: string;
    haproxyPidFile: string;
  };
}

export const DEFAULT_FLAVOR = 'ubuntu-24.04';

const FLAVORS: ReadonlyMap<string, Flavor> = new Map(
  readdirSync(packagePath('flavors'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(packagePath('flavors', f), 'utf8')) as Flavor)
    .map((f) => [f.name, f]),
);

export function flavor(name: string | undefined): Flavor {
  const f = FLAVORS.get(name ?? DEFAULT_FLAVOR);
  if (!f) throw new Error(`unknown flavor ${name}`);
  return f;
}

/** Replaces `{pg}` with the PostgreSQL major version in every string of a flavour's paths or packages. */
export function withPgVersion<T>(value: T, pg: number): T {
  return JSON.parse(JSON.stringify(value).replaceAll('{pg}', String(pg))) as T;
}
