import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { runCli } from '../src/cli.js';
import { UserError } from '../src/errors.js';
import { loadFlavors, loadSpecRules, loadTemplates } from '../src/io/package-data.js';
import { buildModel, type ClusterModel } from '../src/model/model.js';
import { packagePath } from '../src/paths.js';
import { imageScriptFiles, nodeScriptFiles, type NodeScript } from '../src/render/scripts.js';
import { completeSecrets } from '../src/secrets/generate.js';
import type { ClusterPki, Secrets } from '../src/secrets/types.js';
import { BUILT_IN_SPEC } from '../src/spec/built-in.js';
import type { Spec } from '../src/spec/types.js';

/** The package's data, read once for all tests. */
export const FLAVORS = loadFlavors();
export const RULES = loadSpecRules();
export const TEMPLATES = loadTemplates();

/** Fixed, obviously fake secrets, so that golden files are stable. */
export const TEST_SECRETS: Secrets = {
  superuserPassword: 'TestSuperuserPassword0000000000A',
  replicationPassword: 'TestReplicationPassword000000000',
  rewindPassword: 'TestRewindPassword00000000000000',
  restApiPassword: 'TestRestApiPassword0000000000000',
  keepalivedAuthPass: 'TestVrrp',
  etcdInitialClusterToken: 'TestEtcdToken00000000000',
  users: { admin: 'TestAdminPassword000000000000000' },
  backup: { s3Key: 'TestS3KeyId', s3KeySecret: 'TestS3Secret/With+Signs', cipherPass: 'TestCipherPass000000000000000000' },
  tls: YAML.parse(readFileSync(packagePath('test', 'fixtures', 'test-pki.yaml'), 'utf8')) as ClusterPki,
};

/**
 * The shell command that, run in a mount namespace of its own (`unshare --mount`), lays an overlay over /etc
 * holding `files` (paths under /etc, e.g. pgha/tls/ca.crt): a node's files where its configuration names them,
 * the host's /etc untouched. The overlay's folders are made under `dir`.
 */
export function etcOverlayMount(dir: string, files: Record<string, string>): string {
  const upper = join(dir, 'etc-upper');
  const work = join(dir, 'etc-work');
  mkdirSync(work, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(upper, path)), { recursive: true });
    writeFileSync(join(upper, path), content);
  }
  return `mount -t overlay pgha -o lowerdir=/etc,upperdir=${upper},workdir=${work} /etc`;
}

/** The time tests issue and check certificates at: inside the fixture's validity. */
export const TEST_NOW = new Date('2026-06-01T00:00:00Z');

/** TEST_SECRETS with certificates for the model's nodes: the fixture's where they fit, new ones (random) for others. */
export async function secretsFor(model: ClusterModel): Promise<Secrets> {
  return (await completeSecrets(model, TEST_SECRETS, { now: TEST_NOW, lifetimes: model.tls })).secrets;
}

/** The reference how-to's own passwords and token, which must never come out of pgha. */
export const REFERENCE_SECRETS = ['admin%', 'rep-pass', 'rewind-pass', 'localpwd', 'otus-study'];

export function defaultModel(): ClusterModel {
  return buildModel(structuredClone(BUILT_IN_SPEC), FLAVORS);
}

/** A backup section with every field the renderers use: a store by name and address, its CA, encryption. */
export const BACKUP_SPEC: NonNullable<Spec['backup']> = {
  repository: { endpoint: 's3.pgha.test', port: 8443, address: '192.168.122.1', bucket: 'pgha-backup', region: 'us-east-1', uriStyle: 'path', caCertificate: TEST_SECRETS.tls.ca.cert },
  archiveTimeout: 10,
  encryption: true,
};

/** The built-in spec with BACKUP_SPEC (changed by `mutate`). */
export function backupModel(mutate: (b: NonNullable<Spec['backup']>) => void = () => undefined): ClusterModel {
  return modelOf((s) => {
    s.backup = structuredClone(BACKUP_SPEC);
    mutate(s.backup);
  });
}

export function modelOf(mutate: (s: Spec) => void): ClusterModel {
  const spec = structuredClone(BUILT_IN_SPEC);
  mutate(spec);
  return buildModel(spec, FLAVORS);
}

/** A cloud-config write_files entry as cloud-init reads it. */
export interface WriteFile {
  path: string;
  owner: string;
  permissions: string;
  content: string;
}

export interface CloudConfig {
  hostname: string;
  write_files: WriteFile[];
  runcmd: string[][];
  users?: { name: string; ssh_authorized_keys: string[] }[];
  [key: string]: unknown;
}

/** Parses user-data the way cloud-init does (YAML 1.1). */
export function parseUserData(text: string): CloudConfig {
  return YAML.parse(text, { version: '1.1' }) as CloudConfig;
}

export function writeFile(cc: CloudConfig, path: string): WriteFile {
  const f = cc.write_files.find((w) => w.path === path);
  if (!f) throw new Error(`no write_files entry ${path}`);
  return f;
}

/** The UserError that `fn` throws; fails the test when it throws nothing or something else. */
export function userErrorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, UserError);
    return e as UserError;
  }
  assert.unreachable('expected a UserError');
  throw new Error('unreachable');
}

/** Node's arguments that run the pgha CLI from source (through tsx), as a user would run the command. */
export const PGHA_ARGV = ['--import', import.meta.resolve('tsx'), packagePath('src', 'bin.ts')];

/** Runs `pgha ARGS` in cwd as its own process and waits for it. */
export function runPgha(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [...PGHA_ARGV, ...args], { cwd, encoding: 'utf8', env, maxBuffer: 64 * 2 ** 20 });
}

export interface PghaResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `pgha ARGS` in this process, in cwd (relative paths are the user's), with its output captured: the
 * command line's own behaviour without a process start per call (the fast suite runs hundreds of commands).
 */
export async function pgha(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<PghaResult> {
  const out: string[] = [];
  const err: string[] = [];
  const before = process.cwd();
  // cac prints help and the version with console.info
  const info = console.info;
  console.info = (...items: unknown[]) => out.push(items.join(' '));
  process.chdir(cwd);
  try {
    const code = await runCli(['node', 'pgha', ...args], { out: (l) => out.push(l), err: (l) => err.push(l), env });
    return { code, stdout: out.map((l) => `${l}\n`).join(''), stderr: err.map((l) => `${l}\n`).join('') };
  } finally {
    process.chdir(before);
    console.info = info;
  }
}

/** The node scripts filled in for the model (default: the built-in spec's), written into dir; their paths by name. */
export function writeNodeScripts(dir: string, model: ClusterModel = defaultModel()): Record<NodeScript, string> {
  mkdirSync(dir, { recursive: true });
  const files = nodeScriptFiles(model, TEMPLATES.scripts);
  return Object.fromEntries(
    Object.entries(files).map(([name, f]) => {
      writeFileSync(join(dir, name), f.content, { mode: f.mode });
      return [name, join(dir, name)];
    }),
  ) as Record<NodeScript, string>;
}

/** Every file under dir by its relative path, with its text. */
export function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else out[`${prefix}${e.name}`] = readFileSync(join(d, e.name), 'utf8');
    }
  };
  walk(dir, '');
  return out;
}

/** The image scripts filled in for the model's flavour (default: the Debian 12 stand-in's), written into dir, which is returned. */
export function writeImageScripts(dir: string, model: ClusterModel = modelOf((s) => (s.cluster.flavor = 'debian-12'))): string {
  mkdirSync(dir, { recursive: true });
  for (const f of imageScriptFiles(model, TEMPLATES.scripts)) writeFileSync(join(dir, f.path.slice(f.path.lastIndexOf('/') + 1)), f.content, { mode: f.mode });
  return dir;
}
