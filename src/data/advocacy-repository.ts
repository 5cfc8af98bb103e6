// Advocacy referrals (ADV-1 to ADV-4) and tribunal aftercare recommendations with their responses (MHA25-1).
import { sql } from 'kysely';
import type { Db } from './database.ts';

// Advocacy referrals

export async function insertReferral(
  db: Db,
  row: { id: string; personId: string; kind: 'imha' | 'care-act' | 'imca' | 'general'; referredOn: string; provider: string | null; outcome: string | null; involvement: string | null; consentToRecords: unknown; careActTest: unknown; createdBy: string | null; createdByPerson?: string | null },
): Promise<void> {
  await db
    .insertInto('advocacy_referrals')
    .values({
      id: row.id, person_id: row.personId, kind: row.kind, referred_on: row.referredOn, provider: row.provider, outcome: row.outcome, involvement: row.involvement,
      consent_to_records: row.consentToRecords === null ? null : JSON.stringify(row.consentToRecords),
      care_act_test: row.careActTest === null ? null : JSON.stringify(row.careActTest),
      created_by: row.createdBy,
      created_by_person: row.createdByPerson ?? null,
    })
    .execute();
}

export function findReferral(db: Db, id: string) {
  return db.selectFrom('advocacy_referrals').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listReferrals(db: Db, personId: string) {
  return db.selectFrom('advocacy_referrals').selectAll().where('person_id', '=', personId).orderBy('referred_on', 'desc').orderBy('created_at', 'desc').execute();
}

export async function updateReferral(db: Db, id: string, expectedVersion: number, changes: { outcome?: string | null; involvement?: string | null; consent_to_records?: string | null }): Promise<boolean> {
  const result = await db.updateTable('advocacy_referrals').set({ ...changes, version: sql`version + 1` }).where('id', '=', id).where('version', '=', expectedVersion).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ---------------------------------------------------------------------------------------------
// Tribunal recommendations (MHA25-1)

export async function insertRecommendation(db: Db, row: { id: string; personId: string; episodeId: string | null; hearingOn: string; recommendation: string; createdBy: string }): Promise<void> {
  await db
    .insertInto('tribunal_recommendations')
    .values({ id: row.id, person_id: row.personId, episode_id: row.episodeId, hearing_on: row.hearingOn, recommendation: row.recommendation, response: null, responded_on: null, responded_by: null, created_by: row.createdBy })
    .execute();
}

export function findRecommendation(db: Db, id: string) {
  return db.selectFrom('tribunal_recommendations').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listRecommendations(db: Db, personId: string) {
  return db.selectFrom('tribunal_recommendations').selectAll().where('person_id', '=', personId).orderBy('hearing_on', 'desc').orderBy('created_at', 'desc').execute();
}

export async function respondToRecommendation(db: Db, id: string, expectedVersion: number, response: { response: string; respondedOn: string; respondedBy: string }): Promise<boolean> {
  const result = await db
    .updateTable('tribunal_recommendations')
    .set({ response: response.response, responded_on: response.respondedOn, responded_by: response.respondedBy, version: sql`version + 1` })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
