/**
 * Rewrites test/golden/default/ (every file of the output folder but the seed ISOs) from the built-in default
 * spec and the fixed test secrets. Review the diff (git diff test/golden) before committing: golden files are
 * checked by eye, not trusted.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderCluster } from '../src/assemble/cluster.js';
import { packagePath } from '../src/paths.js';
import { defaultModel, TEMPLATES, TEST_SECRETS } from '../test/helpers.js';

const root = packagePath('test', 'golden', 'default');
rmSync(root, { recursive: true, force: true });
const files = renderCluster(defaultModel(), TEST_SECRETS, TEMPLATES, 'modern');
for (const f of files) {
  const path = join(root, f.path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, f.content);
}
console.log(`wrote ${files.length} golden files under ${root}`);
