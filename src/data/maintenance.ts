// Work on the database as a whole rather than on records: keeping the query planner's statistics.
import { sql } from 'kysely';
import type { Db } from './database.ts';

/** Gathers table statistics for the query planner (PGlite has no autovacuum to do it). */
export async function analyse(db: Db): Promise<void> {
  await sql`ANALYZE`.execute(db);
}

/**
 * Makes the space of deleted and replaced rows reusable, and gathers the statistics: what autovacuum
 * does on PostgreSQL, which PGlite does not have. Without it the embedded database only grows: every
 * change rewrites the person's summary row, and the reports' marks are added and deleted all day.
 */
export async function vacuumAndAnalyse(db: Db): Promise<void> {
  await sql`VACUUM ANALYZE`.execute(db);
}

/** The tables of the audit trail: the application's role may only insert into and read them. */
const AUDIT_TABLES = ['audit_events', 'audit_seals', 'audit_checkpoints'] as const;

/**
 * Creates (or brings up to date) the role the application runs under on PostgreSQL: it reads and
 * writes the register's tables, but on the audit trail's tables it may only INSERT and SELECT (no
 * UPDATE, DELETE, TRUNCATE), and it owns nothing, so it cannot drop or disable the triggers that refuse
 * changes (docs/adr/0016). Run by the owner of the tables (the role that runs the migrations), again
 * after each migration that adds tables (default privileges cover tables the owner adds later).
 */
export async function grantApplicationRole(db: Db, role: string, password?: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error('A role name is lower-case letters, digits and _, starting with a letter or _');
  await db.transaction().execute(async (trx) => {
    const me = (await sql<{ me: string }>`SELECT current_user AS me`.execute(trx)).rows[0]!.me;
    if (me === role) throw new Error('Run this as the owner of the tables, for another role than your own');
    const existing = (await sql<{ rolsuper: boolean; rolbypassrls: boolean }>`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = ${role}`.execute(trx)).rows[0];
    if (existing?.rolsuper) throw new Error(`Role ${role} is a superuser: it could change the audit trail. Choose a role that is not`);
    const run = async (statement: ReturnType<typeof sql<{ s: string }>>) => {
      const text = (await statement.execute(trx)).rows[0]!.s;
      await sql.raw(text).execute(trx);
    };
    // format() quotes the name (%I) and the password (%L) as PostgreSQL itself does.
    if (!existing) await run(sql<{ s: string }>`SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE', ${role}::text) AS s`);
    if (password) await run(sql<{ s: string }>`SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', ${role}::text, ${password}::text) AS s`);
    const owns = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = ${role}`.execute(trx)).rows[0]!.n;
    if (owns > 0) throw new Error(`Role ${role} owns ${owns} of the register's tables or indexes: it could disable the audit trail's triggers. Give them to the owner first (REASSIGN OWNED)`);
    await run(sql<{ s: string }>`SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), ${role}::text) AS s`);
    await run(sql<{ s: string }>`SELECT format('GRANT USAGE ON SCHEMA public TO %I', ${role}::text) AS s`);
    await run(sql<{ s: string }>`SELECT format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', ${role}::text) AS s`);
    await run(sql<{ s: string }>`SELECT format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', ${role}::text) AS s`);
    await run(sql<{ s: string }>`SELECT format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', ${role}::text) AS s`);
    await run(sql<{ s: string }>`SELECT format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO %I', ${role}::text) AS s`);
    for (const table of AUDIT_TABLES) {
      await run(sql<{ s: string }>`SELECT format('REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON %I FROM %I', ${table}::text, ${role}::text) AS s`);
    }
    // The schema is the owner's to change: the application only reads which migrations are applied.
    await run(sql<{ s: string }>`SELECT format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM %I', ${role}::text) AS s`);
  });
}
