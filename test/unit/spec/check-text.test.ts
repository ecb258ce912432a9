import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BUILT_IN_SPEC } from '../../../src/spec/built-in.js';
import { checkText } from '../../../src/spec/check-text.js';
import type { Diagnostic } from '../../../src/spec/diagnostic.js';

function check(mutate: (s: typeof BUILT_IN_SPEC) => void): Diagnostic[] {
  const spec = structuredClone(BUILT_IN_SPEC);
  mutate(spec);
  const out: Diagnostic[] = [];
  checkText(spec, out);
  return out;
}

test('control characters, separators and non-characters in free text are errors naming the field, the code point and its place', () => {
  for (const [ch, code] of [['\n', 'U+000A'], ['\r', 'U+000D'], ['\u007f', 'U+007F'], ['\u0085', 'U+0085'], ['\u2028', 'U+2028'], ['\uffff', 'U+FFFF'], ['\ud800', 'U+D800']]) {
    const d = check((s) => (s.postgres!.parameters!.log_line_prefix = `ab${ch}c`));
    assert.equal(d.map((x) => x.path), ['postgres.parameters.log_line_prefix'], code);
    assert.match(d[0]!.message, new RegExp(`^holds ${code!.replace('+', '\\+')} .* at position 2, which PostgreSQL's configuration`));
  }
  assert.equal(check((s) => (s.admin = { sshAuthorizedKeys: ['ssh-ed25519 AAAA x\nssh-rsa BBBB injected'] })).map((x) => x.path), ['admin.sshAuthorizedKeys[0]']);
  assert.equal(check((s) => (s.launch = { poolDir: '/srv/\u0085pool' })).map((x) => x.path), ['launch.poolDir']);
});

test('a tab, any other Unicode text, numbers and booleans pass', () => {
  assert.equal(check((s) => Object.assign(s.postgres!.parameters!, { a: 'tab\there', b: 'ünïcødé ✓ 😀', c: 5, d: true })), []);
  assert.equal(check((s) => (s.admin = { sshAuthorizedKeys: ['ssh-ed25519 AAAA ключ@хост'] })), []);
});

test.run();
