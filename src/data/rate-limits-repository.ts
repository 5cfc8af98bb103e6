// Request rate limits shared by every process on PostgreSQL (migration 0090): one counter per caller
// and limit, counted with one statement, windows timed by the database's clock.
import { sql } from 'kysely';
import type { Db } from './database.ts';

/**
 * Counts `count` hits (default 1) for `key` in its window of `windowMs` (a window that has ended
 * starts again from them) and answers the count after them and the milliseconds until the window ends.
 */
export async function hit(db: Db, key: string, windowMs: number, count = 1): Promise<{ hits: number; ttlMs: number }> {
  const result = await sql<{ hits: number; ttl_ms: number }>`
    INSERT INTO rate_limit_counters AS c (key, hits, window_ends)
    VALUES (${key}, ${count}, now() + ${windowMs} * interval '1 millisecond')
    ON CONFLICT (key) DO UPDATE SET
      hits = CASE WHEN c.window_ends <= now() THEN excluded.hits ELSE c.hits + excluded.hits END,
      window_ends = CASE WHEN c.window_ends <= now() THEN excluded.window_ends ELSE c.window_ends END
    RETURNING hits, greatest(0, ceil(extract(epoch FROM (window_ends - now())) * 1000))::int AS ttl_ms`.execute(db);
  const row = result.rows[0]!;
  return { hits: Number(row.hits), ttlMs: Number(row.ttl_ms) };
}

/** Removes counters whose window has ended; answers how many. */
export async function deleteEnded(db: Db): Promise<number> {
  const result = await db.deleteFrom('rate_limit_counters').where('window_ends', '<=', sql<Date>`now()`).executeTakeFirst();
  return Number(result.numDeletedRows);
}
