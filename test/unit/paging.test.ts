// Lists convention (api-contract): the shared keyset cursor helpers.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { ValidationError } from '../../src/services/kernel/errors.ts';
import { decodeCursor, encodeCursor, pageInMemory, type Direction } from '../../src/services/kernel/paging.ts';

test('a cursor round-trips; anything else is a 422 naming the cursor', () => {
  const id = randomUUID();
  assert.deepEqual(decodeCursor(encodeCursor(['2025-01-01', id]), 2), ['2025-01-01', id]);
  assert.equal(decodeCursor(undefined, 2), undefined);
  for (const bad of ['bogus', encodeCursor(['2025-01-01']), encodeCursor(['2025-01-01', 'not-a-uuid']), encodeCursor(['a\u0000', id]), Buffer.from('{"a":1}').toString('base64url')]) {
    assert.throws(() => decodeCursor(bad, 2), (e: unknown) => e instanceof ValidationError && e.errors[0]?.field === 'cursor');
  }
});

test('walking a list page by page gives every row once, in order (property)', () => {
  const row = fc.record({ date: fc.constantFrom('2025-01-01', '2025-02-01', '2025-03-01'), id: fc.uuid() });
  fc.assert(
    fc.property(fc.uniqueArray(row, { selector: (r) => r.id, maxLength: 30 }), fc.integer({ min: 1, max: 7 }), fc.constantFrom<Direction>('asc', 'desc'), (rows, limit, dir) => {
      const key = (r: { date: string; id: string }) => [r.date, r.id];
      const whole = pageInMemory(rows, { limit: 500 }, [dir, 'asc'], key).page.map((r) => r.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const { page, nextCursor } = pageInMemory(rows, { limit, cursor }, [dir, 'asc'], key);
        assert.ok(page.length <= limit);
        seen.push(...page.map((r) => r.id));
        cursor = nextCursor ?? undefined;
      } while (cursor);
      assert.deepEqual(seen, whole);
    }),
  );
});
