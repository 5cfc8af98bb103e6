// Work on the database as a whole rather than on records: keeping the query planner's statistics.
import { sql } from 'kysely';
import type { Db } from './database.ts';

/** Gathers table statistics for the query planner (PGlite has no autovacuum to do it). */
export async function analyse(db: Db): Promise<void> {
  await sql`ANALYZE`.execute(db);
}
