// Moving in (issue 10, ADR 0011 round 5): undoing a batch committed chunk by chunk (the embedded
// database). Every row an import inserts names its batch (import_batch_id, reviews.imported_batch_id);
// every row it changes has its previous values kept in import_undo. The undo, in the caller's one
// transaction, restores the kept values (latest first) and then deletes the batch's rows, children
// first. Changes to the people an unfinished batch holds wait for it (unfinishedBatchHolding), so no
// one else's row blocks the delete; should it fail anyway, the caller's transaction undoes nothing.
import { sql } from 'kysely';
import type { Db } from './database.ts';
import type { ImportUndoTable } from './import-schema.ts';

export type KeptTable = ImportUndoTable['table_name'];
export interface KeptValues { table: KeptTable; rowId: string; personId: string; previous: Record<string, unknown> }
/** A record the undo removed or put back: for its audit event (ids only). */
export interface UndoneRecord { recordType: string; recordId: string; personId: string | null; action: 'import.undo.delete' | 'import.undo.restore' }

const ROWS_A_STATEMENT = 500;

/** Keeps the values a batch's chunk replaced, in the order it replaced them. */
export async function keepPreviousValues(db: Db, batchId: string, rows: readonly KeptValues[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_A_STATEMENT) {
    await db.insertInto('import_undo').values(rows.slice(i, i + ROWS_A_STATEMENT).map((r) => ({
      batch_id: batchId, table_name: r.table, row_id: r.rowId, person_id: r.personId, previous: JSON.stringify(r.previous),
    }))).execute();
  }
}

/** A finished (or undone) batch needs its kept values no more. */
export async function dropKeptValues(db: Db, batchId: string): Promise<void> {
  await db.deleteFrom('import_undo').where('batch_id', '=', batchId).execute();
}

/** What the audit trail calls each table's records. */
const RECORD_TYPE: Record<string, string> = {
  people: 'person', admissions: 'admission', legal_statuses: 'legal-status', services: 'service', person_allocations: 'person-allocation',
  reviews: 'review', residences: 'residence', gp_registrations: 'gp-registration', duplicate_registrations: 'duplicate-registration',
};
/** Tables with a version (optimistic locking): a restore is a change, so the version moves on, never back. */
const VERSIONED = new Set<KeptTable>(['people', 'admissions', 'legal_statuses', 'services']);
const STAMPED = new Set<KeptTable>(['people', 'services']);

/** Puts back the kept values of the batch, the latest first; answers what it put back. */
export async function restoreKeptValues(db: Db, batchId: string): Promise<UndoneRecord[]> {
  const kept = await db.selectFrom('import_undo').selectAll().where('batch_id', '=', batchId).orderBy('seq', 'desc').execute();
  const out: UndoneRecord[] = [];
  for (const k of kept) {
    const previous = (typeof k.previous === 'string' ? JSON.parse(k.previous) : k.previous) as Record<string, unknown>;
    const set = Object.entries(previous).map(([column, value]) => sql`${sql.ref(column)} = ${value as string | number | boolean | null}`);
    if (VERSIONED.has(k.table_name)) set.push(sql`version = version + 1`);
    if (STAMPED.has(k.table_name)) set.push(sql`updated_at = now()`);
    await sql`UPDATE ${sql.table(k.table_name)} SET ${sql.join(set)} WHERE id = ${k.row_id}`.execute(db);
    out.push({ recordType: RECORD_TYPE[k.table_name]!, recordId: k.row_id, personId: k.person_id, action: 'import.undo.restore' });
  }
  return out;
}

/** The people a batch touched: those it created, and those already there whose records it added to or changed. */
export async function peopleOfBatch(db: Db, batchId: string): Promise<{ created: string[]; touched: string[] }> {
  const created = (await db.selectFrom('people').select('id').where('import_batch_id', '=', batchId).execute()).map((r) => r.id);
  const { rows } = await sql<{ person_id: string }>`
    SELECT person_id FROM admissions WHERE import_batch_id = ${batchId}
    UNION SELECT person_id FROM legal_statuses WHERE import_batch_id = ${batchId}
    UNION SELECT person_id FROM residences WHERE import_batch_id = ${batchId}
    UNION SELECT person_id FROM gp_registrations WHERE import_batch_id = ${batchId}
    UNION SELECT person_id FROM services WHERE import_batch_id = ${batchId}
    UNION SELECT person_id FROM reviews WHERE imported_batch_id = ${batchId}
    UNION SELECT person_id FROM person_allocations WHERE import_batch_id = ${batchId}
    UNION SELECT person_id FROM import_undo WHERE batch_id = ${batchId}`.execute(db);
  const createdSet = new Set(created);
  return { created, touched: rows.map((r) => r.person_id).filter((id) => !createdSet.has(id)) };
}

type Tagged = 'reviews' | 'services' | 'legal_statuses' | 'admissions' | 'residences' | 'gp_registrations' | 'duplicate_registrations' | 'person_allocations';

async function deleteTagged(db: Db, table: Tagged, batchId: string): Promise<UndoneRecord[]> {
  const column = table === 'reviews' ? 'imported_batch_id' : 'import_batch_id';
  const { rows } = await sql<{ id: string; person_id: string }>`DELETE FROM ${sql.table(table)} WHERE ${sql.ref(column)} = ${batchId} RETURNING id, person_id`.execute(db);
  return rows.map((r) => ({ recordType: RECORD_TYPE[table]!, recordId: r.id, personId: r.person_id, action: 'import.undo.delete' as const }));
}

/**
 * Deletes every row the batch inserted, children first, then the projections and the people it
 * created (their projections are derived, not audited records). Answers what it deleted.
 */
export async function deleteBatchRows(db: Db, batchId: string, createdPeople: readonly string[]): Promise<UndoneRecord[]> {
  const out: UndoneRecord[] = [];
  await sql`DELETE FROM keyworker_details WHERE allocation_id IN (SELECT id FROM person_allocations WHERE import_batch_id = ${batchId})`.execute(db);
  for (const table of ['reviews', 'services', 'legal_statuses', 'admissions', 'residences', 'gp_registrations', 'duplicate_registrations', 'person_allocations'] as const) {
    out.push(...await deleteTagged(db, table, batchId));
  }
  for (let i = 0; i < createdPeople.length; i += ROWS_A_STATEMENT) {
    const ids = createdPeople.slice(i, i + ROWS_A_STATEMENT);
    await db.deleteFrom('deliveries').where('event_id', 'in', db.selectFrom('outbox_events').select('id').where('person_id', 'in', ids)).execute();
    await db.deleteFrom('outbox_events').where('person_id', 'in', ids).execute();
    await db.deleteFrom('notification_states').where('person_id', 'in', ids).execute();
    await db.deleteFrom('person_organisations').where('person_id', 'in', ids).execute();
    await db.deleteFrom('person_summaries').where('person_id', 'in', ids).execute();
  }
  const { rows } = await sql<{ id: string }>`DELETE FROM people WHERE import_batch_id = ${batchId} RETURNING id`.execute(db);
  out.push(...rows.map((r) => ({ recordType: 'person', recordId: r.id, personId: r.id, action: 'import.undo.delete' as const })));
  return out;
}

/**
 * The batch being committed chunk by chunk that holds this person's record, if any: one that kept
 * values of theirs to restore, or that created them and has not finished. A change to the person must
 * wait for it (ADR 0011 round 5): its undo could otherwise be blocked, or overwrite the change.
 */
export async function unfinishedBatchHolding(db: Db, person: { id: string; import_batch_id: string | null }): Promise<string | undefined> {
  const kept = await db.selectFrom('import_undo').select('batch_id').where('person_id', '=', person.id).limit(1).executeTakeFirst();
  if (kept) return kept.batch_id;
  if (person.import_batch_id === null) return undefined;
  const job = await db.selectFrom('import_jobs').select('id').where('id', '=', person.import_batch_id).where('mode', '=', 'commit').where('status', 'in', ['queued', 'running']).executeTakeFirst();
  return job?.id;
}
