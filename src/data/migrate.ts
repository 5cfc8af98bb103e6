// Applies the numbered SQL files in migrations/ that the database has not seen, in order, each in
// its own transaction. The same files serve PostgreSQL and PGlite.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { DatabaseHandle } from './database.ts';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const MIGRATION_LOCK = 117_117;
/**
 * Held for the whole of migrate on PostgreSQL, so that processes starting at once take turns: without
 * it two can race on CREATE TABLE IF NOT EXISTS schema_migrations (a duplicate key in pg_type).
 */
const MIGRATE_SESSION_LOCK = 117_118;

export interface Migration { version: string; sql: string }

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({ version: file.replace(/\.sql$/, ''), sql: readFileSync(path.join(dir, file), 'utf8') }));
}

/** Returns the versions applied by this call (none for a process that found another had applied them). */
export async function migrate(handle: DatabaseHandle, migrations = listMigrations()): Promise<string[]> {
  if (handle.engine === 'postgres' && handle.withAdvisoryLock) return handle.withAdvisoryLock(MIGRATE_SESSION_LOCK, () => migrateNow(handle, migrations));
  return migrateNow(handle, migrations);
}

async function migrateNow(handle: DatabaseHandle, migrations: Migration[]): Promise<string[]> {
  // Only when missing: the application's own role (s117 db roles) may not create tables, and opens a
  // database whose migrations the owner has applied.
  const exists = await sql<{ found: boolean }>`SELECT to_regclass('schema_migrations') IS NOT NULL AS found`.execute(handle.db);
  if (!exists.rows[0]?.found) {
    await handle.runScript(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());',
    );
  }
  const applied: string[] = [];
  for (const migration of migrations) {
    const script = [
      'BEGIN;',
      // Two servers starting at once: the second waits here, then finds the migration applied.
      handle.engine === 'postgres' ? `SELECT pg_advisory_xact_lock(${MIGRATION_LOCK});` : '',
      `DO $$ BEGIN IF EXISTS (SELECT 1 FROM schema_migrations WHERE version = '${migration.version}') THEN RAISE EXCEPTION 'already-applied'; END IF; END $$;`,
      migration.sql,
      `INSERT INTO schema_migrations (version) VALUES ('${migration.version}');`,
      'COMMIT;',
    ].join('\n');
    const done = await sql<{ n: number }>`SELECT count(*)::int AS n FROM schema_migrations WHERE version = ${migration.version}`.execute(handle.db);
    if (done.rows[0]?.n) continue;
    try {
      await handle.runScript(script);
      applied.push(migration.version);
    } catch (error) {
      if (error instanceof Error && error.message.includes('already-applied')) continue;
      throw error;
    }
  }
  return applied;
}
