/** One certificate and its private key, both PEM. */
export interface CertKey {
  cert: string;
  key: string;
}

/** Lifetimes of the CA and of the certificates it issues, in days. */
export interface Lifetimes {
  caDays: number;
  certificateDays: number;
}

/** The names a certificate must carry. */
export interface Sans {
  dns: string[];
  ip: string[];
}

/** The cluster CA, its key, and the certificates it issued. */
export interface ClusterPki {
  ca: CertKey;
  admin: CertKey;
  nodes: Record<string, CertKey>;
}

/**
 * The backup repository's S3 access key id and secret (the user's: pgha cannot make them) and the repository's
 * cipher pass (generated when the spec asks for encryption).
 */
export interface BackupSecrets {
  s3Key?: string;
  s3KeySecret?: string;
  cipherPass?: string;
}
export const BACKUP_SECRET_FIELDS = ['s3Key', 's3KeySecret', 'cipherPass'] as const;
export type BackupSecretField = (typeof BACKUP_SECRET_FIELDS)[number];

/** Every secret of a cluster. Kept in its own file (mode 0600), never in templates, images or logs. */
export interface Secrets {
  superuserPassword: string;
  replicationPassword: string;
  rewindPassword: string;
  restApiPassword: string;
  /** Keepalived silently truncates PASS authentication to 8 characters, so it has exactly 8. */
  keepalivedAuthPass: string;
  etcdInitialClusterToken: string;
  /** Passwords of the spec's extra database users, by user name. */
  users: Record<string, string>;
  /** With the spec's backup section. */
  backup?: BackupSecrets;
  tls: ClusterPki;
}

/** The secrets that are one string each, with their generated length. */
export const FIXED_SECRETS = {
  superuserPassword: 32,
  replicationPassword: 32,
  rewindPassword: 32,
  restApiPassword: 32,
  keepalivedAuthPass: 8,
  etcdInitialClusterToken: 24,
} as const;
export type FixedSecret = keyof typeof FIXED_SECRETS;
export const FIXED_KEYS = Object.keys(FIXED_SECRETS) as FixedSecret[];
