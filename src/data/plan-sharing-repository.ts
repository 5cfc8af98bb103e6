// PLAN-5/PLAN-6: whom the person shares their plan with, as they say now (migration 0040).
import { sql } from 'kysely';
import type { Db } from './database.ts';
import type { PlanSharingConsentRow } from './schema.ts';

export function listSharingConsents(db: Db, personId: string): Promise<PlanSharingConsentRow[]> {
  return db.selectFrom('plan_sharing_consents').selectAll().where('person_id', '=', personId).orderBy('created_at').orderBy('id').execute();
}

export function findSharingConsentByName(db: Db, personId: string, name: string): Promise<PlanSharingConsentRow | undefined> {
  return db.selectFrom('plan_sharing_consents').selectAll().where('person_id', '=', personId).where(sql`lower(name)`, '=', name.toLowerCase()).executeTakeFirst();
}

export async function saveSharingConsent(
  db: Db,
  row: { id: string; personId: string; name: string; relationship: string | null; consentedOn: string | null; withdrawnOn: string | null; recordedByPerson: string | null; recordedBy: string | null },
): Promise<void> {
  await db
    .insertInto('plan_sharing_consents')
    .values({
      id: row.id, person_id: row.personId, name: row.name, relationship: row.relationship, consented_on: row.consentedOn, withdrawn_on: row.withdrawnOn,
      recorded_by_person: row.recordedByPerson, recorded_by: row.recordedBy,
    })
    .onConflict((oc) =>
      oc.expression(sql`person_id, lower(name)`).doUpdateSet({
        relationship: row.relationship, consented_on: row.consentedOn, withdrawn_on: row.withdrawnOn,
        recorded_by_person: row.recordedByPerson, recorded_by: row.recordedBy, updated_at: new Date(),
      }),
    )
    .execute();
}
