import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { onPath } from '../../../src/io/tools.js';

test('onPath: an executable file in a PATH folder; not a folder, not a file without execute permission', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgha-tools-'));
  try {
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'bin', 'adir'));
    writeFileSync(join(dir, 'bin', 'tool'), '#!/bin/sh\n');
    writeFileSync(join(dir, 'bin', 'plain'), 'x');
    chmodSync(join(dir, 'bin', 'tool'), 0o755);
    const env = { PATH: `${join(dir, 'nothing')}:${join(dir, 'bin')}` };
    assert.ok(onPath('tool', env));
    assert.not.ok(onPath('plain', env));
    assert.not.ok(onPath('adir', env));
    assert.not.ok(onPath('sh', env));
    assert.ok(onPath('sh', {}), 'no PATH: a shell\'s default search path');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
