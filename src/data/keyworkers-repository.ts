// Keyworkers (PLAN-3): person_allocations rows with reason 'keyworker' plus their keyworker_details,
// the users who may be chosen, and a keyworker's caseload.
import { sql } from 'kysely';
import type { Db } from './database.ts';
import { withInstants, type Json, type ReadModelPart } from './read-model-parts.ts';

export const KEYWORKER_REASON = 'keyworker';

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

/** keyworkerHistory's rows of the person `p` as a JSON array, the latest first ('[]' when none). */
export const KEYWORKER_HISTORY_JSON = sql`(SELECT coalesce(json_agg(json_build_object(
      'allocation_id', a.id, 'person_id', a.person_id, 'user_id', a.user_id, 'user_name', u.name, 'user_email', u.email, 'user_role', u.role,
      'organisation_code', o.code, 'organisation_name', o.name, 'allocated_at', a.allocated_at, 'ended_at', a.ended_at,
      'job_title', d.job_title, 'team', d.team, 'phone', d.phone, 'email', d.email) ORDER BY a.allocated_at DESC, a.id), '[]'::json)
    FROM person_allocations a JOIN users u ON u.id = a.user_id JOIN organisations o ON o.id = a.organisation_id
    LEFT JOIN keyworker_details d ON d.allocation_id = a.id WHERE a.person_id = p.id AND a.reason = ${KEYWORKER_REASON})`;

/** A row of KEYWORKER_HISTORY_JSON as keyworkerHistory gives it (JSON carries the instants as text). */
export function keyworkerRowOf(row: Json): KeyworkerRow {
  return withInstants(row, ['allocated_at', 'ended_at']) as unknown as KeyworkerRow;
}

/** The person's keyworker history in their read-model statement (issue 14 item 3), as keyworkerHistory gives it. */
export const KEYWORKERS_PART: ReadModelPart<KeyworkerRow[]> = {
  columns: sql`${KEYWORKER_HISTORY_JSON} AS kw_history`,
  aliases: ['kw_history'],
  decode: (columns) => (columns.kw_history as Json[]).map(keyworkerRowOf),
};

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
  row: { id: string; personId: string; userId: string; organisationId: string; at: Date; jobTitle: string | null; team: string | null; phone: string | null; email: string | null; importBatchId?: string | null },
): Promise<void> {
  await db.insertInto('person_allocations').values({ id: row.id, person_id: row.personId, user_id: row.userId, organisation_id: row.organisationId, reason: KEYWORKER_REASON, allocated_at: row.at, import_batch_id: row.importBatchId ?? null }).execute();
  await db.insertInto('keyworker_details').values({ allocation_id: row.id, job_title: row.jobTitle, team: row.team, phone: row.phone, email: row.email }).execute();
}

/** A user who may be chosen as a keyworker, as usersOfOrganisations gives them. */
export interface CandidateRow {
  id: string;
  name: string;
  email: string;
  role: string;
  organisation_code: string;
  organisation_name: string;
}

/**
 * usersOfOrganisations' rows for the organisations with sight of the person `p` and the caller's own
 * (`organisationCode`, bound), in the person's read-model statement (issue 14 item 3), in its order.
 */
export function keyworkerCandidatesPart(organisationCode: string, roles: readonly string[]): ReadModelPart<CandidateRow[]> {
  return {
    columns: sql`(SELECT coalesce(json_agg(json_build_object(
        'id', u.id, 'name', u.name, 'email', u.email, 'role', u.role, 'organisation_code', o.code, 'organisation_name', o.name) ORDER BY o.name, u.name), '[]'::json)
      FROM users u JOIN organisations o ON o.id = u.organisation_id
      WHERE (o.code IN (SELECT po.organisation_code FROM person_organisations po WHERE po.person_id = p.id) OR o.code = ${organisationCode})
        AND ${roles.length > 0 ? sql`u.role IN (${sql.join(roles.map((role) => sql`${role}`))})` : sql`false`}) AS kw_candidates`,
    aliases: ['kw_candidates'],
    decode: (columns) => columns.kw_candidates as CandidateRow[],
  };
}

/** keyworkerCandidatesPart for a caller who may not choose a keyworker: none, and nothing read. */
export const NO_KEYWORKER_CANDIDATES: ReadModelPart<CandidateRow[]> = { columns: sql`NULL::json AS kw_candidates`, aliases: ['kw_candidates'], decode: () => [] };

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

/** The latest episode's status and leaving day as the projection holds them, for the PLAN-3 warning. */
export function episodeSummary(db: Db, personId: string): Promise<{ status: string; left_hospital_on: string | null } | undefined> {
  return db.selectFrom('person_summaries').select(['status', 'left_hospital_on']).where('person_id', '=', personId).executeTakeFirst();
}
