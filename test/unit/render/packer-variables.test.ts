import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { flavorNamed } from '../../../src/model/flavors.js';
import { packerVariables, packerVariablesDoc } from '../../../src/render/packer-variables.js';
import { renderPackerTemplate } from '../../../src/render/packer.js';
import { ROLES } from '../../../src/spec/types.js';
import { FLAVORS } from '../../helpers.js';

const ubuntu = flavorNamed(FLAVORS, 'ubuntu-24.04');

test('the templates declare exactly the documented variables, with their types and defaults', () => {
  for (const role of ROLES) {
    const declared = (renderPackerTemplate(ubuntu, role, 'modern') as { variable: Record<string, unknown> }).variable;
    assert.equal(declared, packerVariables(ubuntu, role));
  }
});

test('VARIABLES.md: one row per variable with its type, default (per role where they differ) and description', () => {
  const doc = packerVariablesDoc(ubuntu);
  assert.is(doc.path, 'packer/VARIABLES.md');
  assert.is(doc.mode, 0o644);
  const rows = doc.content.split('\n').filter((l) => l.startsWith('| `'));
  const vars = packerVariables(ubuntu, 'etcd');
  assert.equal(rows.map((r) => /^\| `([a-z_]+)`/.exec(r)![1]), Object.keys(vars));
  for (const [name, v] of Object.entries(vars)) {
    const row = rows.find((r) => r.startsWith(`| \`${name}\``))!;
    assert.ok(row.includes(`| ${v.type} |`) && row.includes(v.description.replace(/\|/g, '\\|')), row);
  }
  assert.ok(rows.some((r) => r.includes('| `disk_size` | string | etcd: `4G`, postgres: `8G` |')));
  assert.ok(rows.some((r) => r.includes('| `build_seed_dir` | string | (none: give it) |')));
  assert.ok(rows.some((r) => r.includes('| `apt_proxy` | string | `""` |')));
  assert.match(doc.content, /pgha bake SPEC --out DIR --only prepare/);
});

test.run();
