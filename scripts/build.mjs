// npm run build: the CLI bundled by esbuild into dist/ (bin.js, one chunk per command, loaded when it runs).
// One file per chunk instead of a few hundred modules: Node starts pgha in a fraction of the time (npm run bench).
// Type checking is `npm run typecheck` (tsc); esbuild only strips the types.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/bin.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  // bundled CommonJS dependencies (yaml) require Node's built-in modules
  banner: { js: "import { createRequire as pghaCreateRequire } from 'node:module'; const require = pghaCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
