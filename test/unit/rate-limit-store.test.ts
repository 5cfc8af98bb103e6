// The shared rate-limit store (src/http/rate-limit-store.ts, issue 14): places are taken from the
// shared count a block at a time. Property: across any number of processes and any interleaving, no
// more than `max` requests are let through in a window; with small limits exactly `max` are (blocks
// of one, as before); with large limits the database is asked about once a block.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { blockSize, sharedRateLimitStore, type CountHits } from '../../src/http/rate-limit-store.ts';

/** One shared counter, as the database keeps it, and how many times it was asked. */
function sharedCounter(windowMs: number) {
  const counts = new Map<string, number>();
  let asked = 0;
  const countHits: CountHits = async (key, _windowMs, count) => {
    asked += 1;
    await new Promise((resolve) => setImmediate(resolve)); // a round trip: other requests interleave
    const hits = (counts.get(key) ?? 0) + count;
    counts.set(key, hits);
    return { hits, ttlMs: windowMs };
  };
  return { countHits, asked: () => asked };
}

function request(store: { incr: (...args: never[]) => void }, key: string, max: number): Promise<number> {
  return new Promise((resolve, reject) => {
    (store.incr as (key: string, cb: (e: Error | null, r?: { current: number }) => void, windowMs: number, max: number) => void)(key, (error, result) => (error ? reject(error) : resolve(result!.current)), 60_000, max);
  });
}

describe('shared rate-limit store', () => {
  test('never lets more than the limit through, across processes and interleavings; small limits exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 4 }), fc.array(fc.nat(), { minLength: 1, maxLength: 300 }), async (max, processes, order) => {
        const counter = sharedCounter(60_000);
        const stores = Array.from({ length: processes }, () => new (sharedRateLimitStore(counter.countHits))());
        const answers = await Promise.all(order.map((n) => request(stores[n % processes]!, 'api-token:x', max)));
        const allowed = answers.filter((current) => current <= max);
        assert.ok(allowed.length <= max, `let through ${allowed.length} with a limit of ${max}`);
        assert.equal(new Set(allowed).size, allowed.length, 'every place is handed out once');
        if (blockSize(max) === 1) assert.equal(allowed.length, Math.min(max, order.length), 'blocks of one: exact');
        else assert.ok(allowed.length >= Math.min(max, order.length) - processes * blockSize(max), 'reached early by at most a block a process');
      }),
      { numRuns: 200 },
    );
  });

  test('a large limit asks the shared count about once a block, not once a request', async () => {
    const counter = sharedCounter(60_000);
    const store = new (sharedRateLimitStore(counter.countHits))();
    for (let i = 0; i < 1000; i++) assert.ok((await request(store, 'api-token:y', 1_000_000)) <= 1_000_000);
    assert.equal(blockSize(1_000_000), 100);
    assert.equal(counter.asked(), 10);
  });

  test('a caller over the limit is answered from memory until the window ends', async () => {
    const counter = sharedCounter(60_000);
    const store = new (sharedRateLimitStore(counter.countHits))();
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await request(store, 'sign-in:1.2.3.4', 5));
    assert.deepEqual(answers, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(counter.asked(), 6, 'the sixth was counted and refused; the rest never reached the database');
  });
});
