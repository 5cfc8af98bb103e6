// Planning meetings and their invitees (PLAN-2), the PLAN-1 projection and the planning task list.
import { sql, type Selectable } from 'kysely';
import type { Db } from './database.ts';
import { KEYWORKER_REASON } from './keyworkers-repository.ts';
import { rowsOf, withInstants, type Json, type ReadModelPart } from './read-model-parts.ts';
import type { MeetingInviteesTable, PlanningMeetingsTable } from './schema.ts';

// ---------------------------------------------------------------------------------------------
// PLAN-1 projection and the planning task list
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

/** The person's planning meetings and their invitees, as listMeetings and listInvitees give them. */
export interface MeetingsRows {
  meetings: Selectable<PlanningMeetingsTable>[];
  invitees: Selectable<MeetingInviteesTable>[];
}

/** The person `p`'s meetings as listMeetings reads them, latest first, and their invitees: two read-model columns. */
export const MEETINGS_JSON = rowsOf('planning_meetings', 't.scheduled_for DESC, t.created_at DESC');
export const MEETING_INVITEES_JSON = sql<Json[]>`(SELECT coalesce(json_agg(i ORDER BY i.invited_on, i.id), '[]'::json)
     FROM meeting_invitees i JOIN planning_meetings m ON m.id = i.meeting_id WHERE m.person_id = p.id)`;

/** A meeting of MEETINGS_JSON as the table's row (its instants as dates). */
export function meetingRowOf(json: Json): Selectable<PlanningMeetingsTable> {
  return withInstants(json, ['created_at', 'updated_at']) as unknown as Selectable<PlanningMeetingsTable>;
}

/** MeetingsRows in the person's read-model statement (issue 14 item 3: one query, not one per table). */
export const MEETINGS_PART: ReadModelPart<MeetingsRows> = {
  columns: sql`${MEETINGS_JSON} AS pm_meetings, ${MEETING_INVITEES_JSON} AS pm_invitees`,
  aliases: ['pm_meetings', 'pm_invitees'],
  decode: (columns) => ({
    meetings: (columns.pm_meetings as Json[]).map(meetingRowOf),
    invitees: columns.pm_invitees as unknown as Selectable<MeetingInviteesTable>[],
  }),
};

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
