import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { octalMode } from '../../../src/lib/file.js';

test('octalMode: four octal digits, as write_files and install(1) spell modes', () => {
  assert.equal([0o644, 0o600, 0o640, 0o755, 0o4755, 0].map(octalMode), ['0644', '0600', '0640', '0755', '4755', '0000']);
});

test.run();
