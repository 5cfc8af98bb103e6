// Disputes between the responsible bodies (RESP-6; migration 0007).
import { sql, type Insertable, type Updateable } from 'kysely';
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
export async function listDisputesFor(db: Db, organisationCode: string | null): Promise<(DisputeRow & { sees_person: boolean })[]> {
  // Whether the organisation has sight of the person (access.ts canSeeDispute decides what that means).
  let q = db
    .selectFrom('disputes')
    .selectAll('disputes')
    .select((eb) =>
      eb
        .exists(eb.selectFrom('person_organisations').select(sql`1`.as('one')).whereRef('person_organisations.person_id', '=', 'disputes.person_id').where('person_organisations.organisation_code', '=', organisationCode ?? ''))
        .as('sees_person'),
    );
  if (organisationCode !== null) {
    q = q.where((eb) => eb.or([eb('party_a_code', '=', organisationCode), eb('party_b_code', '=', organisationCode), eb('interim_funder_code', '=', organisationCode)]));
  }
  return (await q.orderBy('raised_on').orderBy('id').execute()).map((r) => ({ ...r, sees_person: Boolean(r.sees_person) }));
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
