import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import type { WriteFile } from '../src/assemble/cloud-config.js';
import { buildModel, type ClusterModel } from '../src/model.js';
import { packagePath } from '../src/paths.js';
import { UserError } from '../src/errors.js';
import type { ClusterPki } from '../src/pki.js';
import { completeSecrets, type Secrets } from '../src/secrets.js';
import { DEFAULT_SPEC } from '../src/spec/default.js';
import type { Spec } from '../src/spec/types.js';

/** Fixed, obviously fake secrets, so that golden files are stable. */
export const TEST_SECRETS: Secrets = {
  superuserPassword: 'TestSuperuserPassword0000000000A',
  replicationPassword: 'TestReplicationPassword000000000',
  rewindPassword: 'TestRewindPassword00000000000000',
  restApiPassword: 'TestRestApiPassword0000000000000',
  keepalivedAuthPass: 'TestVrrp',
  etcdInitialClusterToken: 'TestEtcdToken00000000000',
  users: { admin: 'TestAdminPassword000000000000000' },
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
  return buildModel(structuredClone(DEFAULT_SPEC));
}

export function modelOf(mutate: (s: Spec) => void): ClusterModel {
  const spec = structuredClone(DEFAULT_SPEC);
  mutate(spec);
  return buildModel(spec);
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
export const PGHA_ARGV = ['--import', import.meta.resolve('tsx'), packagePath('src', 'cli.ts')];

/** Runs `pgha ARGS` in cwd and waits for it. */
export function runPgha(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [...PGHA_ARGV, ...args], { cwd, encoding: 'utf8', env, maxBuffer: 64 * 2 ** 20 });
}
