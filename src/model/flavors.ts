import type { Role } from '../spec/types.js';

/**
 * An OS flavour of the role images: data only, one file each under flavors/, read by io/package-data.ts.
 * Its paths are patterns: `{pg}` is the PostgreSQL major version, `{cluster}` the Debian cluster name.
 */
export interface Flavor {
  name: string;
  description: string;
  postgresVersion: number;
  osVariant: string;
  /** Bus of the seed CD-ROM in virt-install: sata on q35 needs AHCI, which Debian's cloud kernel lacks (scsi: virtio-scsi). */
  cdromBus: 'sata' | 'scsi' | 'ide';
  /** The Patroni version the flavour's packages install (its ttl floor and configuration follow from it). */
  patroniVersion: string;
  baseImage: { url: string; checksum: string };
  packages: Record<Role, string[]>;
  paths: FlavorPaths;
}

export interface FlavorPaths {
  etcdDataDir: string;
  pgDataDir: string;
  pgConfigDir: string;
  pgBinDir: string;
  pgSocketDir: string;
  pgLogDir: string;
  haproxyPidFile: string;
}

/** Every flavour pgha knows, by name. */
export type FlavorTable = ReadonlyMap<string, Flavor>;

/** The file name of a baked role image: what Packer writes and the launch scripts boot. */
export function imageFileName(flavor: Flavor, role: Role): string {
  return `pgha-${flavor.name}-${role}.qcow2`;
}

export function flavorNamed(flavors: FlavorTable, name: string): Flavor {
  const f = flavors.get(name);
  if (!f) throw new Error(`unknown flavor ${name}: the spec schema lists only known flavours`);
  return f;
}

/** The flavour with `{pg}` and `{cluster}` replaced in every string of its paths and packages. */
export function resolveFlavor(flavor: Flavor, values: { pg: string; cluster: string }): Flavor {
  const text = JSON.stringify(flavor).replaceAll('{pg}', values.pg).replaceAll('{cluster}', values.cluster);
  return JSON.parse(text) as Flavor;
}

/** The folder of a path pattern before its `/{pg}` part: /var/lib/postgresql/{pg}/{cluster} → /var/lib/postgresql. */
export function patternRoot(pattern: string): string {
  const i = pattern.indexOf('/{pg}');
  if (i <= 0) throw new Error(`flavour path ${pattern} has no /{pg} part`);
  return pattern.slice(0, i);
}

/** Whether a version string (3.2.2) is at least major.minor. */
export function atLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

/**
 * The smallest ttl the flavour's Patroni takes: from 3.2.0 on (release notes 3.2.0; config.py
 * _validate_and_adjust_timeouts) a ttl below 20 is raised to 20, and --validate-config refuses it.
 */
export function patroniTtlFloor(flavor: Flavor): number | undefined {
  return atLeast(flavor.patroniVersion, 3, 2) ? 20 : undefined;
}
