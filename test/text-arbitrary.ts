/**
 * Random text for the spec's free-text fields (fast-check): the whole Unicode range, with the characters that
 * YAML, PyYAML, PostgreSQL's configuration and bash treat specially mixed in. Shared by the fast suite's
 * property test (assemble/cluster-text.test.ts) and the system suite's (config-checks.test.ts).
 */
import fc from 'fast-check';
import { BUILT_IN_SPEC } from '../src/spec/built-in.js';
import type { Spec } from '../src/spec/types.js';

const SPECIAL = [
  '\t', '\n', '\r', '\u0000', '\u0085', '\u2028', '\u2029', '\u007f', '\u0080', '\u009f', '\ufeff', '\ufffe', '\uffff', '\ud800', '\udfff',
  '"', "'", '\\', '#', ': ', '- ', '{', '}', '[', ']', '&a', '*a', '!', '|', '>', '%', '@', '`', '$(id)', 'yes', 'no', '~', 'null', '0x1F', '1:20',
  '  ', ' ', '\u00a0', '---', '...', '😀', 'é',
];
const piece = fc.oneof(
  { arbitrary: fc.constantFrom(...SPECIAL), weight: 2 },
  // plain words around the special characters: the writer must quote 'a\tb' as surely as '\t'
  { arbitrary: fc.stringMatching(/^[a-z%]{1,4}$/), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 6 }), weight: 2 },
);
export const text = fc.array(piece, { maxLength: 4 }).map((parts) => parts.join(''));

export interface Fields {
  prefix: string;
  key: string;
  pool: string;
}

/** The built-in spec with the text in a PostgreSQL parameter value (and a prefix of it in another), an SSH key and the pool folder. */
export function specWith(f: Fields): Spec {
  const spec = structuredClone(BUILT_IN_SPEC);
  spec.postgres!.parameters = { ...spec.postgres!.parameters, log_line_prefix: f.prefix, application_name: f.prefix.slice(0, 3) };
  spec.admin = { sshAuthorizedKeys: [`ssh-ed25519 AAAAC3Nza ${f.key}`] };
  spec.launch = { ...spec.launch, poolDir: `/srv/${f.pool}` };
  return spec;
}
