// Disputes between the responsible bodies (RESP-6; migration 0007).
import type { Insertable, Updateable } from 'kysely';
import type { Db } from './database.ts';
import type { DisputeRow, DisputesTable } from './schema.ts';

export async function insertDispute(db: Db, row: Insertable<DisputesTable>): Promise<void> {
  await db.insertInto('disputes').values(row).execute();
}

export function findDispute(db: Db, id: string): Promise<DisputeRow | undefined> {
  return db.selectFrom('disputes').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listPersonDisputes(db: Db, personId: string): Promise<DisputeRow[]> {
  return db.selectFrom('disputes').selectAll().where('person_id', '=', personId).orderBy('raised_on').orderBy('id').execute();
}

/** Disputes an organisation is a party to or funds in the meantime; every dispute for null (admin). */
export function listDisputesFor(db: Db, organisationCode: string | null): Promise<DisputeRow[]> {
  let q = db.selectFrom('disputes').selectAll();
  if (organisationCode !== null) {
    q = q.where((eb) => eb.or([eb('party_a_code', '=', organisationCode), eb('party_b_code', '=', organisationCode), eb('interim_funder_code', '=', organisationCode)]));
  }
  return q.orderBy('raised_on').orderBy('id').execute();
}

export async function updateDispute(db: Db, id: string, expectedVersion: number, changes: Omit<Updateable<DisputesTable>, 'version'>): Promise<boolean> {
  const result = await db
    .updateTable('disputes')
    .set((eb) => ({ ...changes, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
