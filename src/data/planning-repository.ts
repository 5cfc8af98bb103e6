// Keyworkers (person_allocations with reason 'keyworker' plus keyworker_details), planning meetings
// and their invitees, advocacy referrals, tribunal recommendations, and the PLAN-1 projection.
import { sql } from 'kysely';
import type { Db } from './database.ts';

export const KEYWORKER_REASON = 'keyworker';

// ---------------------------------------------------------------------------------------------
// Keyworkers

export interface KeyworkerRow {
  allocation_id: string;
  person_id: string;
  user_id: string;
  user_name: string;
  user_email: string;
  user_role: string;
  organisation_code: string;
  organisation_name: string;
  allocated_at: Date;
  ended_at: Date | null;
  job_title: string | null;
  team: string | null;
  phone: string | null;
  email: string | null;
}

function keyworkers(db: Db) {
  return db
    .selectFrom('person_allocations as a')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .innerJoin('organisations as o', 'o.id', 'a.organisation_id')
    .leftJoin('keyworker_details as d', 'd.allocation_id', 'a.id')
    .select([
      'a.id as allocation_id', 'a.person_id', 'a.user_id', 'u.name as user_name', 'u.email as user_email', 'u.role as user_role',
      'o.code as organisation_code', 'o.name as organisation_name', 'a.allocated_at', 'a.ended_at',
      'd.job_title', 'd.team', 'd.phone', 'd.email',
    ])
    .where('a.reason', '=', KEYWORKER_REASON);
}

export async function currentKeyworker(db: Db, personId: string): Promise<KeyworkerRow | undefined> {
  return (await keyworkers(db).where('a.person_id', '=', personId).where('a.ended_at', 'is', null).executeTakeFirst()) as KeyworkerRow | undefined;
}

/** Every keyworker the person has had, the latest first. */
export async function keyworkerHistory(db: Db, personId: string): Promise<KeyworkerRow[]> {
  return (await keyworkers(db).where('a.person_id', '=', personId).orderBy('a.allocated_at', 'desc').orderBy('a.id').execute()) as KeyworkerRow[];
}

/** Ends the current keyworker allocation, if any; returns how many were ended. */
export async function endKeyworker(db: Db, personId: string, at: Date): Promise<number> {
  const result = await db
    .updateTable('person_allocations')
    .set({ ended_at: at })
    .where('person_id', '=', personId)
    .where('reason', '=', KEYWORKER_REASON)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function insertKeyworker(
  db: Db,
  row: { id: string; personId: string; userId: string; organisationId: string; at: Date; jobTitle: string | null; team: string | null; phone: string | null; email: string | null },
): Promise<void> {
  await db.insertInto('person_allocations').values({ id: row.id, person_id: row.personId, user_id: row.userId, organisation_id: row.organisationId, reason: KEYWORKER_REASON, allocated_at: row.at }).execute();
  await db.insertInto('keyworker_details').values({ allocation_id: row.id, job_title: row.jobTitle, team: row.team, phone: row.phone, email: row.email }).execute();
}

/** Users of the given organisations with one of the roles, for choosing a keyworker. */
export function usersOfOrganisations(db: Db, organisationCodes: readonly string[], roles: readonly string[]) {
  if (organisationCodes.length === 0 || roles.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .select(['u.id', 'u.name', 'u.email', 'u.role', 'o.code as organisation_code', 'o.name as organisation_name'])
    .where('o.code', 'in', [...organisationCodes])
    .where('u.role', 'in', [...roles] as ('admin' | 'practitioner' | 'approver' | 'finance' | 'auditor')[])
    .orderBy('o.name')
    .orderBy('u.name')
    .execute();
}

export function usersWithRoles(db: Db, roles: readonly string[]) {
  return db
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .select(['u.id', 'u.name', 'u.email', 'u.role', 'o.code as organisation_code', 'o.name as organisation_name'])
    .where('u.role', 'in', [...roles] as ('admin' | 'practitioner' | 'approver' | 'finance' | 'auditor')[])
    .orderBy('o.name')
    .orderBy('u.name')
    .limit(1000)
    .execute();
}

export interface CaseloadRow {
  id: string;
  nhs_number: string | null;
  local_id: string | null;
  given_name: string;
  family_name: string;
  date_of_birth: string;
  status: string | null;
  next_review_due: string | null;
  planning_needed_since: string | null;
  allocated_at: Date;
}

/** People whose current keyworker is the user. */
export async function caseload(db: Db, userId: string): Promise<CaseloadRow[]> {
  return db
    .selectFrom('person_allocations as a')
    .innerJoin('people as p', 'p.id', 'a.person_id')
    .leftJoin('person_summaries as s', 's.person_id', 'p.id')
    .select(['p.id', 'p.nhs_number', 'p.local_id', 'p.given_name', 'p.family_name', 'p.date_of_birth', 's.status', 's.next_review_due', 's.planning_needed_since', 'a.allocated_at'])
    .where('a.user_id', '=', userId)
    .where('a.reason', '=', KEYWORKER_REASON)
    .where('a.ended_at', 'is', null)
    .orderBy('p.family_name')
    .orderBy('p.given_name')
    .orderBy('p.id')
    .execute();
}

// ---------------------------------------------------------------------------------------------
// PLAN-1 projection and the planning task list

export async function setPlanningNeededSince(db: Db, personId: string, since: string | null): Promise<void> {
  await db.updateTable('person_summaries').set({ planning_needed_since: since }).where('person_id', '=', personId).execute();
}

export interface PlanningTaskRow {
  id: string;
  given_name: string;
  family_name: string;
  nhs_number: string | null;
  status: string;
  planning_needed_since: string;
  keyworker_user_id: string | null;
  keyworker_name: string | null;
}

/** People whose latest episode needs planning (PLAN-1), visible to the organisation (null: everyone). */
export async function planningTasks(db: Db, visibleTo: string | null, limit: number, afterId?: string): Promise<PlanningTaskRow[]> {
  let q = db
    .selectFrom('person_summaries as s')
    .innerJoin('people as p', 'p.id', 's.person_id')
    .leftJoin('person_allocations as a', (join) => join.onRef('a.person_id', '=', 'p.id').on('a.reason', '=', KEYWORKER_REASON).on('a.ended_at', 'is', null))
    .leftJoin('users as u', 'u.id', 'a.user_id')
    .select(['p.id', 'p.given_name', 'p.family_name', 'p.nhs_number', 's.status', 's.planning_needed_since', 'a.user_id as keyworker_user_id', 'u.name as keyworker_name'])
    .where('s.planning_needed_since', 'is not', null);
  if (visibleTo !== null) {
    q = q.where((eb) => eb.exists(eb.selectFrom('person_organisations as po').select(sql`1`.as('one')).whereRef('po.person_id', '=', 'p.id').where('po.organisation_code', '=', visibleTo)));
  }
  if (afterId) {
    // Keyset after the last person of the page before (the cursor holds only their id).
    q = q.where(sql<boolean>`(s.planning_needed_since, p.family_name, p.id) > (SELECT s2.planning_needed_since, p2.family_name, p2.id FROM person_summaries s2 JOIN people p2 ON p2.id = s2.person_id WHERE p2.id = ${afterId})`);
  }
  return (await q.orderBy('s.planning_needed_since').orderBy('p.family_name').orderBy('p.id').limit(limit).execute()) as PlanningTaskRow[];
}

// ---------------------------------------------------------------------------------------------
// Planning meetings

export async function insertMeeting(
  db: Db,
  row: { id: string; personId: string; episodeId: string | null; trigger: string; scheduledFor: string; place: string | null; personWantsCarerFamily: boolean; createdBy: string },
): Promise<void> {
  await db
    .insertInto('planning_meetings')
    .values({
      id: row.id, person_id: row.personId, episode_id: row.episodeId, trigger: row.trigger, scheduled_for: row.scheduledFor, place: row.place,
      held_on: null, person_views: null, minutes: null, person_wants_carer_family: row.personWantsCarerFamily, created_by: row.createdBy,
    })
    .execute();
}

export async function insertInvitees(db: Db, meetingId: string, invitees: { id: string; role: string; name: string | null; organisation: string | null; invitedOn: string }[]): Promise<void> {
  if (invitees.length === 0) return;
  await db
    .insertInto('meeting_invitees')
    .values(invitees.map((i) => ({ id: i.id, meeting_id: meetingId, role: i.role, name: i.name, organisation: i.organisation, invited_on: i.invitedOn, response: null })))
    .execute();
}

export function findMeeting(db: Db, id: string) {
  return db.selectFrom('planning_meetings').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listMeetings(db: Db, personId: string) {
  return db.selectFrom('planning_meetings').selectAll().where('person_id', '=', personId).orderBy('scheduled_for', 'desc').orderBy('created_at', 'desc').execute();
}

export function listInvitees(db: Db, meetingIds: readonly string[]) {
  if (meetingIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('meeting_invitees').selectAll().where('meeting_id', 'in', [...meetingIds]).orderBy('invited_on').orderBy('id').execute();
}

/** Updates only when the version still matches; returns false when it was stale. */
export async function updateMeeting(
  db: Db,
  id: string,
  expectedVersion: number,
  changes: { held_on?: string | null; person_views?: string | null; minutes?: string | null; place?: string | null; scheduled_for?: string },
): Promise<boolean> {
  const result = await db
    .updateTable('planning_meetings')
    .set({ ...changes, version: sql`version + 1`, updated_at: new Date() })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setInviteeResponse(db: Db, meetingId: string, inviteeId: string, response: 'attended' | 'apologies' | 'did-not-attend' | null): Promise<boolean> {
  const result = await db.updateTable('meeting_invitees').set({ response }).where('id', '=', inviteeId).where('meeting_id', '=', meetingId).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The facts PLAN-1 needs: each meeting's episode and the day it was held. */
export async function meetingFacts(db: Db, personId: string): Promise<{ episodeId: string | null; heldOn: string | null }[]> {
  const rows = await db.selectFrom('planning_meetings').select(['episode_id', 'held_on']).where('person_id', '=', personId).execute();
  return rows.map((r) => ({ episodeId: r.episode_id, heldOn: r.held_on }));
}

// ---------------------------------------------------------------------------------------------
// Advocacy referrals

export async function insertReferral(
  db: Db,
  row: { id: string; personId: string; kind: 'imha' | 'care-act' | 'imca' | 'general'; referredOn: string; provider: string | null; outcome: string | null; involvement: string | null; consentToRecords: unknown; careActTest: unknown; createdBy: string },
): Promise<void> {
  await db
    .insertInto('advocacy_referrals')
    .values({
      id: row.id, person_id: row.personId, kind: row.kind, referred_on: row.referredOn, provider: row.provider, outcome: row.outcome, involvement: row.involvement,
      consent_to_records: row.consentToRecords === null ? null : JSON.stringify(row.consentToRecords),
      care_act_test: row.careActTest === null ? null : JSON.stringify(row.careActTest),
      created_by: row.createdBy,
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
