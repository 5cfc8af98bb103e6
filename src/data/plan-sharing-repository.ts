// PLAN-5/PLAN-6: whom the person shares their plan with, as they say now (migration 0040).
import { sql } from 'kysely';
import type { Db } from './database.ts';
import { rowsOf, withInstants, type Json, type ReadModelPart } from './read-model-parts.ts';
import { LATEST_VERSION_COLUMN, versionRowOf, type PlanVersionRow } from './plans-repository.ts';
import type { PlanSharingConsentRow } from './schema.ts';

/** What the plan's sharing is read from: the latest final version (latestPlanVersion's) and what the person has said since (listSharingConsents'). */
export interface SharingRows {
  version: PlanVersionRow | undefined;
  said: PlanSharingConsentRow[];
}

/** SharingRows in the person's read-model statement (issue 14 item 3: one query, not one per table). */
export const SHARING_PART: ReadModelPart<SharingRows> = {
  columns: sql`${LATEST_VERSION_COLUMN} AS ps_version, ${rowsOf('plan_sharing_consents', 't.created_at, t.id')} AS ps_said`,
  aliases: ['ps_version', 'ps_said'],
  decode: (columns) => ({
    version: columns.ps_version ? versionRowOf(columns.ps_version as Json) : undefined,
    said: (columns.ps_said as Json[]).map((r) => withInstants(r, ['created_at', 'updated_at']) as unknown as PlanSharingConsentRow),
  }),
};

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
