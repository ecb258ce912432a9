import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FLAVORS, TEST_NOW, TEST_SECRETS, userErrorOf } from '../../helpers.js';
import YAML from 'yaml';
import { buildModel } from '../../../src/model/model.js';
import { readSecretsFile, secretsToYaml } from '../../../src/secrets/file.js';
import { completeSecrets } from '../../../src/secrets/generate.js';
import type { Secrets } from '../../../src/secrets/types.js';
import { BUILT_IN_SPEC } from '../../../src/spec/built-in.js';

const model = buildModel(BUILT_IN_SPEC, FLAVORS);
const OPTS = { now: TEST_NOW, lifetimes: model.tls };
const dir = mkdtempSync(join(tmpdir(), 'pgha-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** A secrets file as pgha writes one: mode 0600. */
const writeSecrets = (path: string, text: string) => writeFileSync(path, text, { mode: 0o600 });

let fileCount = 0;
/** A fresh path in the temp dir. */
function freshPath(): string {
  return join(dir, `secrets-${++fileCount}.yaml`);
}

test('readSecretsFile round-trips what secretsToYaml wrote, without a warning at 0600', async () => {
  const { secrets } = await completeSecrets(model, undefined, OPTS);
  const path = freshPath();
  writeSecrets(path, secretsToYaml(secrets, model.name));
  const loaded = readSecretsFile(path);
  assert.equal(loaded.secrets, secrets);
  assert.is(loaded.warning, undefined);
});

test('readSecretsFile warns about a file others can read', async () => {
  const { secrets } = await completeSecrets(model, undefined, OPTS);
  const path = freshPath();
  writeSecrets(path, secretsToYaml(secrets, model.name));
  chmodSync(path, 0o644);
  const loaded = readSecretsFile(path);
  assert.equal(loaded.secrets, secrets);
  assert.ok(loaded.warning);
  assert.match(loaded.warning, '0644');
  assert.match(loaded.warning, `chmod 600 ${path}`);
});

test('readSecretsFile of a missing file gives no secrets', () => {
  assert.equal(readSecretsFile(join(dir, 'absent.yaml')), { secrets: undefined });
});

test('a secrets path that is a folder, or in a missing folder, is a UserError', () => {
  assert.match(userErrorOf(() => readSecretsFile(dir)).message, /is not a file/);
  assert.match(userErrorOf(() => readSecretsFile(join(dir, 'missing', 's.yaml'))).message, /its folder does not exist/);
});

const LEAKY = 'Sup3rS3cretValueNoOneMaySee';
const malformed: Record<string, string> = {
  'a 9-character keepalivedAuthPass': `superuserPassword: ${LEAKY}\nkeepalivedAuthPass: Kp9charsX\n`,
  'users as a list': `superuserPassword: ${LEAKY}\nusers: [1, 2]\n`,
  'a non-string user password': `superuserPassword: ${LEAKY}\nusers:\n  admin: 12345\n`,
  'a non-string fixed secret': `restApiPassword: ${LEAKY}\nsuperuserPassword: 0640\n`,
  'a YAML syntax error': `superuserPassword: "${LEAKY}\nusers: [\n`,
  'not a mapping': `- ${LEAKY}\n`,
  'a token that would inject a line into /etc/default/etcd': `superuserPassword: ${LEAKY}\netcdInitialClusterToken: "abc\\nETCD_X=1"\n`,
  'a user password with a space': `superuserPassword: ${LEAKY}\nusers:\n  admin: "two words"\n`,
};
for (const [what, text] of Object.entries(malformed)) {
  test(`a secrets file with ${what} is a UserError that reveals no secret`, () => {
    const path = freshPath();
    writeSecrets(path, text);
    const err = userErrorOf(() => readSecretsFile(path));
    assert.match(err.message, path);
    const shown = [err.message, ...err.details].join('\n').replaceAll(path, '<path>');
    for (const secret of [LEAKY, 'Kp9charsX', '12345', '0640', '416', 'ETCD_X', 'two words']) assert.not.match(shown, secret);
  });
}

test('a secrets file whose tls section is damaged is a UserError naming the field, never a key', () => {
  const tls = TEST_SECRETS.tls;
  const cases: [string, unknown, RegExp][] = [
    ['a key of another certificate', { ...tls, nodes: { etcd1: { cert: tls.nodes.etcd1!.cert, key: tls.nodes.etcd2!.key } } }, /tls\.nodes\.etcd1\.key is not the private key of cert/],
    ['a cut certificate', { ...tls, ca: { cert: tls.ca.cert.slice(0, 80), key: tls.ca.key } }, /tls\.ca\.cert is not a PEM certificate/],
    ['a missing key', { ...tls, admin: { cert: tls.admin.cert } }, /tls\.admin must have cert and key/],
    ['certificates without their CA', { nodes: tls.nodes }, /tls has certificates but no ca/],
  ];
  for (const [what, value, message] of cases) {
    const path = freshPath();
    writeSecrets(path, YAML.stringify({ superuserPassword: 'abc', tls: value }));
    const err = userErrorOf(() => readSecretsFile(path));
    assert.match(err.message, message, what);
    for (const pem of [tls.ca.key, tls.nodes.etcd1!.key, tls.nodes.etcd2!.key]) assert.not.ok(err.message.includes(pem.split('\n')[1]!), what);
  }
});

test('secretsToYaml is read back identically by a YAML 1.1 reader', async () => {
  const tricky: Secrets = {
    superuserPassword: '0640',
    replicationPassword: '12345678',
    rewindPassword: 'on',
    restApiPassword: '0x1F',
    keepalivedAuthPass: '1_000',
    etcdInitialClusterToken: '2024-01-01',
    users: { yes: 'null', no: '5:30', admin: '12.5' },
    tls: TEST_SECRETS.tls,
  };
  const text = secretsToYaml(tricky, 'c1');
  assert.ok(text.startsWith('# pgha secrets of cluster c1.'));
  assert.equal(YAML.parse(text, { version: '1.1' }), tricky);
  const generated = (await completeSecrets(model, undefined, OPTS)).secrets;
  assert.equal(YAML.parse(secretsToYaml(generated, model.name), { version: '1.1' }), generated);
});

test.run();
