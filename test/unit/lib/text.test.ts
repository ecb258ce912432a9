import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { codePoint, forbiddenCharacter, shellQuote } from '../../../src/lib/text.js';

test('the first forbidden character with its position in characters (an astral character counts once)', () => {
  assert.equal(forbiddenCharacter('😀a\u0001'), { at: 2, code: 1 });
  assert.equal(forbiddenCharacter('\u{10FFFF}'), { at: 0, code: 0x10ffff }, 'a non-character of the last plane');
  assert.equal(forbiddenCharacter('\uFDD0'), { at: 0, code: 0xfdd0 });
  assert.is(forbiddenCharacter('tab\tand ünïcode'), undefined);
  assert.equal(forbiddenCharacter('two\nlines'), { at: 3, code: 10 });
  assert.is(forbiddenCharacter('two\nlines', true), undefined, 'line breaks allowed where block scalars carry them');
  assert.equal(forbiddenCharacter('a\rb', true), { at: 1, code: 13 });
});

test('code points as Unicode writes them', () => {
  assert.equal([codePoint(9), codePoint(0x2028), codePoint(0x1f600)], ['U+0009', 'U+2028', 'U+1F600']);
});

test('shell arguments: bare when safe, else single-quoted with quotes inside escaped', () => {
  assert.equal(['-var', 'a=/b/c.json', 'x y', "it's", '$HOME', ''].map(shellQuote), ['-var', 'a=/b/c.json', "'x y'", "'it'\\''s'", "'$HOME'", "''"]);
});

test.run();
