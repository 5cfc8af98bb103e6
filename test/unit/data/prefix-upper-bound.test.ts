// Issue 14: a name search's names statement is prepared, its prefix given as a range of the name
// indexes' byte order, [prefix, prefixUpperBound(prefix)), not as a LIKE pattern (which a kept plan
// cannot turn into index bounds). The range must hold exactly the strings that start with the prefix.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { prefixUpperBound } from '../../../src/data/people-repository.ts';

/** PostgreSQL's text_pattern_ops order: the bytes of UTF-8, compared as memcmp does. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const inRange = (s: string, prefix: string, bound: string | null) => byteOrder(prefix, s) <= 0 && (bound === null || byteOrder(s, bound) < 0);

test('the bound of a prefix: its last character moved on by one', () => {
  assert.equal(prefixUpperBound('smi'), 'smj');
  assert.equal(prefixUpperBound("o'"), 'o(');
  assert.equal(prefixUpperBound('ól'), 'óm');
});

test('the last code point is dropped and the one before moved on; the surrogates are skipped; a prefix of U+10FFFF alone has no bound', () => {
  assert.equal(prefixUpperBound('q\u{10FFFF}'), 'r');
  assert.equal(prefixUpperBound('q\u{10FFFF}\u{10FFFF}'), 'r');
  assert.equal(prefixUpperBound('ex\u{D7FF}'), 'ex\u{E000}');
  assert.equal(prefixUpperBound('a\u{FFFF}'), 'a\u{10000}');
  assert.equal(prefixUpperBound('\u{10FFFF}'), null);
  assert.equal(prefixUpperBound('\u{10FFFF}\u{10FFFF}'), null);
});

test('a lone surrogate counts as U+FFFD, as the prefix is sent in UTF-8', () => {
  assert.equal(prefixUpperBound('a\uD800'), 'a\u{FFFE}');
  assert.equal(prefixUpperBound('a\uDC00'), 'a\u{FFFE}');
  for (const s of ['a\u{FFFD}', 'a\u{FFFD}z', 'a\u{FFFE}', 'a']) assert.equal(inRange(s, 'a\uD800', prefixUpperBound('a\uD800')), s.startsWith('a\u{FFFD}'), s);
});

// Characters at the edges (the last code point, either side of the surrogates, the end of the
// basic plane) as often as any other code point.
const character = fc.oneof(fc.constantFrom('\u{10FFFF}', '\u{D7FF}', '\u{E000}', '\u{FFFF}', '\u{10000}', 'a', 'b', '\u{7F}', '\u{80}'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
const text = (minLength: number) => fc.string({ unit: character, minLength, maxLength: 6 });

test('a string is in [prefix, bound) in byte order exactly when it starts with the prefix', () => {
  fc.assert(
    fc.property(text(1), text(0), text(0), fc.nat(3), (prefix, suffix, other, kind) => {
      const bound = prefixUpperBound(prefix);
      // Strings that start with the prefix, strings about the bound, and any others.
      const candidates = [prefix + suffix, other, `${bound ?? ''}${suffix}`, prefix.slice(0, -1) + other, `${prefix.slice(0, kind)}${other}`];
      for (const s of candidates) assert.equal(inRange(s, prefix, bound), s.startsWith(prefix), JSON.stringify({ prefix, s, bound }));
    }),
    { numRuns: 2000 },
  );
});
