// A store for @fastify/rate-limit that counts in the database, so that a limit holds across every
// process on one PostgreSQL (ADR 0018), without a database round trip for each request (issue 14).
//
// Each process takes numbered places in a caller's window from the shared counter a block at a time
// (one statement adds the block's size and answers the new count), then hands them out from memory.
// Every place is numbered once across all processes, and a request whose number is above the limit is
// refused, so the limit is never exceeded; it can only be reached early, by the places a process holds
// and has not used (at most one block each). Small limits take blocks of one: exact, as before.
// A caller already over its limit is answered from memory until its window ends, so that a flood
// costs the database nothing.

/** Adds `count` hits to `key`'s window of `windowMs`: the count after them and the milliseconds left. */
export type CountHits = (key: string, windowMs: number, count: number) => Promise<{ hits: number; ttlMs: number }>;

/** The block a process takes: a fiftieth of the limit, between 1 and 100 places. */
export function blockSize(max: number): number {
  return Math.max(1, Math.min(100, Math.floor(max / 50)));
}

interface Block { next: number; last: number; endsAt: number }

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

export function sharedRateLimitStore(countHits: CountHits, now: () => number = Date.now) {
  const blocks = new Map<string, Block>();
  const leasing = new Map<string, Promise<void>>();
  const refusedUntil = new Map<string, { until: number; current: number }>();
  const forget = (map: Map<string, unknown>) => {
    if (map.size >= 10_000) map.clear();
  };

  async function lease(key: string, windowMs: number, max: number): Promise<void> {
    const size = blockSize(max);
    const { hits, ttlMs } = await countHits(key, windowMs, size);
    forget(blocks);
    blocks.set(key, { next: hits - size + 1, last: hits, endsAt: now() + ttlMs });
  }

  /** The next place in `key`'s window: from the block held, or from a new one (one lease at a time per key). */
  async function place(key: string, windowMs: number, max: number): Promise<{ current: number; ttl: number }> {
    for (;;) {
      const block = blocks.get(key);
      const at = now();
      if (block && block.endsAt > at && block.next <= block.last) return { current: block.next++, ttl: block.endsAt - at };
      let pending = leasing.get(key);
      if (!pending) {
        pending = lease(key, windowMs, max).finally(() => leasing.delete(key));
        leasing.set(key, pending);
      }
      await pending;
    }
  }

  return class SharedRateLimitStore {
    incr(key: string, callback: Callback, timeWindow: number, max: number): void {
      const at = now();
      const refused = refusedUntil.get(key);
      if (refused && refused.until > at) {
        refused.current += 1;
        callback(null, { current: refused.current, ttl: refused.until - at });
        return;
      }
      if (refused) refusedUntil.delete(key);
      place(key, timeWindow, max).then(
        ({ current, ttl }) => {
          if (current > max) {
            forget(refusedUntil);
            refusedUntil.set(key, { until: at + ttl, current });
            blocks.delete(key);
          }
          callback(null, { current, ttl });
        },
        (error: Error) => callback(error),
      );
    }

    child(): SharedRateLimitStore {
      return this;
    }
  };
}
