/**
 * Property test over accepted specs (fast-check): random text from the whole Unicode range, with the
 * characters YAML, PyYAML, PostgreSQL and bash treat specially mixed in, in every free-text field of the spec
 * (a PostgreSQL parameter value, an SSH key, the pool folder). A spec is either refused with an error at that
 * field, or rendered into seeds whose YAML reads back with the same values through a YAML 1.1 reader, hold no
 * character PyYAML would refuse or take for a line break, and whose launch script bash parses. The system suite
 * reads the same back with PyYAML, Patroni and PostgreSQL (config-checks.test.ts).
 */
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { renderCluster } from '../../../src/assemble/cluster.js';
import { buildModel } from '../../../src/model/model.js';
import { validateSpec } from '../../../src/spec/validate.js';
import { FLAVORS, parseUserData, RULES, TEMPLATES, TEST_SECRETS, writeFile } from '../../helpers.js';
import { specWith, text } from '../../text-arbitrary.js';

/** PyYAML's reader refuses these outright, and takes NEL and the Unicode separators for line breaks. */
const PYYAML_UNREADABLE = /[^\x09\x0A\x0D\x20-\x7E\xA0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]|[\u2028\u2029]/u;

const counts = { rendered: 0, refused: 0 };

test('every accepted spec renders seeds that read back as written; every other one is refused at the field', () => {
  fc.assert(
    fc.property(fc.record({ prefix: text, key: text, pool: text }), (f) => {
      const spec = specWith(f);
      const { spec: valid, diagnostics } = validateSpec(spec, RULES);
      if (!valid) {
        counts.refused++;
        const paths = diagnostics.filter((d) => d.severity === 'error').map((d) => d.path);
        for (const p of paths) assert.ok(['postgres.parameters.log_line_prefix', 'postgres.parameters.application_name', 'admin.sshAuthorizedKeys[0]', 'launch.poolDir'].includes(p), p);
        return;
      }
      counts.rendered++;
      const model = buildModel(valid, FLAVORS);
      const files = renderCluster(model, TEST_SECRETS, TEMPLATES, 'modern');
      for (const file of files.filter((x) => /\/(user-data|meta-data|network-config)$/.test(x.path))) {
        assert.not.match(file.content, PYYAML_UNREADABLE, `${file.path} holds a character PyYAML cannot read as written`);
        // PyYAML takes a tab inside a plain scalar for the start of a token: the writer escapes every one
        assert.not.match(file.content, /\t/, `${file.path} holds a raw tab`);
        if (file.data !== undefined) assert.equal(parseUserData(file.content), file.data, file.path);
      }
      const cc = parseUserData(files.find((x) => x.path === 'nodes/patroni1/user-data')!.content);
      assert.equal(cc.users?.[0]?.ssh_authorized_keys, spec.admin!.sshAuthorizedKeys);
      const patroni = YAML.parse(writeFile(cc, '/etc/patroni/config.yml').content, { version: '1.1' });
      assert.is(patroni.bootstrap.dcs.postgresql.parameters.log_line_prefix, f.prefix);
      assert.is(patroni.bootstrap.dcs.postgresql.parameters.application_name, f.prefix.slice(0, 3));
      const script = files.find((x) => x.path === 'nodes/etcd1/virt-install.sh')!.content;
      assert.is(spawnSync('bash', ['-n'], { input: script }).status, 0, 'bash parses the launch script');
    }),
    { numRuns: 150, seed: 20261202 },
  );
  console.log(`    ${counts.rendered} rendered and read back, ${counts.refused} refused at their field`);
  assert.ok(counts.rendered > 30 && counts.refused > 30, 'both outcomes were exercised');
});

test.run();
