// Complaints about a person's aftercare (CMP-1, CMP-2), and the decisions a complaint may link to.
import { sql } from 'kysely';
import type { Db } from './database.ts';
import type { ComplaintRow, ComplaintsTable } from './schema.ts';


export type NewComplaint = Omit<ComplaintsTable, 'version' | 'created_at' | 'updated_at' | 'linked_decision_ids' | 'faults' | 'recorded_by_person'> & { linked_decision_ids: string[]; faults: string[]; recorded_by_person?: string | null };

export async function insertComplaint(db: Db, c: NewComplaint): Promise<void> {
  await db.insertInto('complaints').values({ ...c, linked_decision_ids: JSON.stringify(c.linked_decision_ids), faults: JSON.stringify(c.faults) }).execute();
}

export function findComplaint(db: Db, id: string): Promise<ComplaintRow | undefined> {
  return db.selectFrom('complaints').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listComplaints(db: Db, personId: string): Promise<ComplaintRow[]> {
  return db.selectFrom('complaints').selectAll().where('person_id', '=', personId).orderBy('received_on', 'desc').orderBy('id').execute();
}

/** Updates only when the version still matches; false when it was stale. */
export async function updateComplaint(db: Db, id: string, expectedVersion: number, changes: Partial<Omit<NewComplaint, 'id' | 'person_id' | 'recorded_by' | 'recorded_by_person'>>): Promise<boolean> {
  const { linked_decision_ids: linked, faults, ...rest } = changes;
  const result = await db.updateTable('complaints').set({
    ...rest,
    ...(linked && { linked_decision_ids: JSON.stringify(linked) }),
    ...(faults && { faults: JSON.stringify(faults) }),
    version: sql`version + 1`,
    updated_at: new Date(),
  }).where('id', '=', id).where('version', '=', expectedVersion).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Of the given ids, those that are decisions recorded for this person (responsibility, ending,
 * reinstatement, reviews, services, refunds), so a complaint can only link to the person's own.
 */
export async function decisionIdsOfPerson(db: Db, personId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const tables = ['responsibility_decisions', 'ending_proposals', 'reinstatements', 'reviews', 'services', 'refunds'] as const;
  const found = await Promise.all(
    tables.map((table) => db.selectFrom(table).select('id').where('person_id', '=', personId).where('id', 'in', [...ids]).execute()),
  );
  return new Set(found.flat().map((row) => row.id));
}
