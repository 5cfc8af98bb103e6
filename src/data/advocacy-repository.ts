// Advocacy referrals (ADV-1 to ADV-4) and tribunal aftercare recommendations with their responses (MHA25-1).
import { sql, type Selectable } from 'kysely';
import type { Db } from './database.ts';
import { rowsOf, withInstants, type Json, type ReadModelPart } from './read-model-parts.ts';
import type { AdvocacyReferralsTable, TribunalRecommendationsTable } from './schema.ts';

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

/** The person's referrals as listReferrals gives them, in the person's read-model statement (issue 14 item 3). */
export const REFERRALS_PART: ReadModelPart<Selectable<AdvocacyReferralsTable>[]> = {
  columns: sql`${rowsOf('advocacy_referrals', 't.referred_on DESC, t.created_at DESC')} AS av_referrals`,
  aliases: ['av_referrals'],
  decode: (columns) => (columns.av_referrals as Json[]).map((r) => withInstants(r, ['created_at']) as unknown as Selectable<AdvocacyReferralsTable>),
};

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

/** The person's recommendations, latest hearing first (then latest recorded), in the person's read-model statement (issue 14 item 3). */
export const RECOMMENDATIONS_PART: ReadModelPart<Selectable<TribunalRecommendationsTable>[]> = {
  columns: sql`${rowsOf('tribunal_recommendations', 't.hearing_on DESC, t.created_at DESC')} AS av_recommendations`,
  aliases: ['av_recommendations'],
  decode: (columns) => (columns.av_recommendations as Json[]).map((r) => withInstants(r, ['created_at']) as unknown as Selectable<TribunalRecommendationsTable>),
};

export async function respondToRecommendation(db: Db, id: string, expectedVersion: number, response: { response: string; respondedOn: string; respondedBy: string }): Promise<boolean> {
  const result = await db
    .updateTable('tribunal_recommendations')
    .set({ response: response.response, responded_on: response.respondedOn, responded_by: response.respondedBy, version: sql`version + 1` })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
