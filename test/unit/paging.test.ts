// Lists convention (api-contract): the shared keyset cursor helpers.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { ValidationError } from '../../src/services/kernel/errors.ts';
import { decodeCursor, encodeCursor, pageInMemory, type Direction } from '../../src/services/kernel/paging.ts';

test('a cursor round-trips; anything else is a 422 naming the cursor', () => {
  const id = randomUUID();
  assert.deepEqual(decodeCursor(encodeCursor(['2025-01-01', id]), ['date', 'uuid']), ['2025-01-01', id]);
  assert.equal(decodeCursor(undefined, ['date', 'uuid']), undefined);
  for (const bad of ['bogus', encodeCursor(['2025-01-01']), encodeCursor(['2025-01-01', 'not-a-uuid']), encodeCursor(['a\u0000', id]), encodeCursor(['2024-99-99', id]), encodeCursor(['2024-02-30', id]), encodeCursor(['2024-01-01\ud800', id]), Buffer.from('{"a":1}').toString('base64url')]) {
    assert.throws(() => decodeCursor(bad, ['date', 'uuid']), (e: unknown) => e instanceof ValidationError && e.errors[0]?.field === 'cursor');
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

test('a cursor component is checked as what it is: an instant round-trips, text is valid Unicode', () => {
  const id = randomUUID();
  const at = new Date('2025-03-04T05:06:07.089Z').toISOString();
  assert.deepEqual(decodeCursor(encodeCursor([at, id]), ['instant', 'uuid']), [at, id]);
  for (const bad of [encodeCursor(['2025-13-04T05:06:07.089Z', id]), encodeCursor(['yesterday', id])]) {
    assert.throws(() => decodeCursor(bad, ['instant', 'uuid']), ValidationError);
  }
  assert.deepEqual(decodeCursor(encodeCursor(['Zoë', id]), ['text', 'uuid']), ['Zoë', id]);
  assert.throws(() => decodeCursor(encodeCursor(['\udc00', id]), ['text', 'uuid']), ValidationError);
});
