// Registrations of an NHS number already on the register (people.duplicate_of, 0110) and the decision
// on each (0115): the list for those who see the person registered first, and the merge, which moves
// every fact of the later record into the surviving one in the caller's transaction.
import { sql } from 'kysely';
import type { DuplicateDecision, DuplicateRoute } from '../domain/duplicates.ts';
import type { Db } from './database.ts';
import type { Viewer } from './people-repository.ts';

/** Records that a later record (personId) was made under the NHS number of duplicateOf. */
export async function recordDuplicateRegistration(db: Db, row: { id: string; personId: string; duplicateOf: string; route: DuplicateRoute; organisationCode: string | null; recordedAt?: Date; importBatchId?: string | null }): Promise<void> {
  await db
    .insertInto('duplicate_registrations')
    .values({ id: row.id, person_id: row.personId, duplicate_of: row.duplicateOf, route: row.route, organisation_code: row.organisationCode, import_batch_id: row.importBatchId ?? null, ...(row.recordedAt && { recorded_at: row.recordedAt }) })
    .onConflict((oc) => oc.columns(['person_id', 'duplicate_of']).doNothing())
    .execute();
}

export interface DuplicateRow {
  id: string;
  person_id: string;
  duplicate_of: string;
  route: DuplicateRoute;
  organisation_code: string | null;
  organisation_name: string | null;
  recorded_at: Date;
  registered_nhs_number: string | null;
  registered_given_name: string;
  registered_family_name: string;
  registered_date_of_birth: string;
}

/**
 * The pairs awaiting a decision: the later record still points at the person registered first and is
 * not merged, nobody has decided, and (unless the viewer sees everyone) the viewer's organisation has
 * sight of the person registered first. Oldest first, keyset after (recorded_at, id).
 */
export async function listOpenDuplicates(db: Db, viewer: Viewer, page: { after?: [string, string]; limit: number }): Promise<DuplicateRow[]> {
  let q = openDuplicates(db, viewer);
  if (page.after) {
    const [at, id] = page.after;
    q = q.where(sql<boolean>`(dr.recorded_at, dr.id) > (${new Date(at)}::timestamptz, ${id}::uuid)`);
  }
  return (await q.orderBy('dr.recorded_at').orderBy('dr.id').limit(page.limit).execute()) as DuplicateRow[];
}

/**
 * One pair the viewer may see, whether decided or not, while it still stands (the later record still
 * points at the person registered first); undefined otherwise. With lock, held FOR UPDATE.
 */
export async function findDuplicate(db: Db, id: string, viewer: Viewer, options: { lock?: boolean } = {}): Promise<(DuplicateRow & { decision: DuplicateDecision | null }) | undefined> {
  const q = pairs(db, viewer).select('dr.decision').where('dr.id', '=', id);
  return (await (options.lock ? q.forUpdate('dr') : q).executeTakeFirst()) as (DuplicateRow & { decision: DuplicateDecision | null }) | undefined;
}

/** Locks these people's rows, in id order (so two merges never wait on each other the other way round). */
export async function lockPeople(db: Db, ids: readonly string[]): Promise<void> {
  await db.selectFrom('people').select('id').where('id', 'in', [...ids]).orderBy('id').forUpdate().execute();
}

function openDuplicates(db: Db, viewer: Viewer) {
  return pairs(db, viewer).where('dr.decision', 'is', null).where('later.merged_into', 'is', null);
}

/** The pairs that still stand and the viewer may see (decided or not). */
function pairs(db: Db, viewer: Viewer) {
  let q = db
    .selectFrom('duplicate_registrations as dr')
    .innerJoin('people as later', (join) => join.onRef('later.id', '=', 'dr.person_id').onRef('later.duplicate_of', '=', 'dr.duplicate_of'))
    .innerJoin('people as registered', 'registered.id', 'dr.duplicate_of')
    .leftJoin('organisations as o', 'o.code', 'dr.organisation_code')
    .select([
      'dr.id', 'dr.person_id', 'dr.duplicate_of', 'dr.route', 'dr.organisation_code', 'o.name as organisation_name', 'dr.recorded_at',
      'registered.nhs_number as registered_nhs_number', 'registered.given_name as registered_given_name', 'registered.family_name as registered_family_name', 'registered.date_of_birth as registered_date_of_birth',
    ])
    .where('registered.merged_into', 'is', null)
    .where('registered.duplicate_of', 'is', null);
  if (!viewer.everyone) {
    const code = viewer.organisationCode;
    q = q.where((eb) => eb.exists(eb.selectFrom('person_organisations as po').select(sql`1`.as('one')).whereRef('po.person_id', '=', 'dr.duplicate_of').where('po.organisation_code', '=', code)));
  }
  return q;
}

export async function recordDecision(db: Db, id: string, decision: { decision: DuplicateDecision; reason: string | null; userId: string | null; organisationCode: string; at: Date }): Promise<void> {
  await db
    .updateTable('duplicate_registrations')
    .set({ decision: decision.decision, reason: decision.reason, decided_by: decision.userId, decided_by_organisation_code: decision.organisationCode, decided_at: decision.at })
    .where('id', '=', id)
    .execute();
}

/** Whether the person has a care and support plan (a draft or a final version). */
export async function hasPlan(db: Db, personId: string): Promise<boolean> {
  const row = await sql<{ n: number }>`SELECT (SELECT count(*) FROM plans WHERE person_id = ${personId}) + (SELECT count(*) FROM plan_versions WHERE person_id = ${personId}) AS n`.execute(db);
  return Number(row.rows[0]?.n ?? 0) > 0;
}

export async function hasKeyworker(db: Db, personId: string): Promise<boolean> {
  const row = await db.selectFrom('person_allocations').select('id').where('person_id', '=', personId).where('reason', '=', 'keyworker').where('ended_at', 'is', null).executeTakeFirst();
  return Boolean(row);
}

/**
 * The facts of a person that a merge moves, table and column, each a fact about the person (their
 * history, decisions, services, money, reviews, meetings, complaints, sign-in identity) or about what
 * the person themselves recorded. Every column that refers to a person is either here or in
 * NOT_MOVED, which a test checks against the database's own catalogue.
 */
export const MOVED: readonly (readonly [table: string, column: string])[] = [
  ['residences', 'person_id'], ['gp_registrations', 'person_id'], ['admissions', 'person_id'], ['legal_statuses', 'person_id'], ['leaves', 'person_id'],
  ['responsibility_decisions', 'person_id'], ['placements', 'person_id'], ['reviews', 'person_id'], ['review_invitations', 'person_id'], ['review_requests', 'person_id'],
  ['review_requests', 'recorded_by_person'], ['ending_proposals', 'person_id'], ['reinstatements', 'person_id'], ['complaints', 'person_id'], ['complaints', 'recorded_by_person'],
  ['services', 'person_id'], ['budgets', 'person_id'], ['planning_meetings', 'person_id'], ['advocacy_referrals', 'person_id'], ['advocacy_referrals', 'created_by_person'],
  ['tribunal_recommendations', 'person_id'], ['charges', 'person_id'], ['refunds', 'person_id'], ['top_up_agreements', 'person_id'], ['disputes', 'person_id'],
  ['fhir_feed_links', 'person_id'], ['person_identities', 'person_id'], ['plan_sharing_consents', 'recorded_by_person'],
];

/**
 * Columns referring to a person that the merge treats otherwise: allocations (moved, a second current
 * keyworker ended first), the plan and its versions and sharing consents (moved unless the surviving
 * person has their own), the projections and sessions (removed: re-derived or signed out), the
 * notifications already sent and the duplicate records themselves (history, left as they are).
 */
export const NOT_MOVED: readonly (readonly [table: string, column: string])[] = [
  ['person_allocations', 'person_id'], ['plans', 'person_id'], ['plan_versions', 'person_id'], ['plan_sharing_consents', 'person_id'],
  ['person_summaries', 'person_id'], ['person_organisations', 'person_id'], ['notification_states', 'person_id'], ['person_sessions', 'person_id'],
  ['outbox_events', 'person_id'], ['people', 'duplicate_of'], ['people', 'merged_into'], ['duplicate_registrations', 'person_id'], ['duplicate_registrations', 'duplicate_of'],
];

/** Every column of the database with a foreign key to people(id), as table and column (for the test that MOVED is complete). */
export async function columnsReferringToPeople(db: Db): Promise<[string, string][]> {
  const result = await sql<{ tbl: string; col: string }>`
    SELECT c.conrelid::regclass::text AS tbl, a.attname AS col
      FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
     WHERE c.contype = 'f' AND c.confrelid = 'people'::regclass ORDER BY 1, 2`.execute(db);
  return result.rows.map((r) => [r.tbl, r.col]);
}

/**
 * Moves every fact of `from` into `into` (REG-1 merge), in the caller's transaction, and closes `from`
 * as merged into `into`. Answers how many rows of each kind moved, and what stayed behind.
 */
export async function mergeInto(db: Db, from: string, into: string, options: { movePlan: boolean; endLaterKeyworker: boolean; now: Date }): Promise<{ moved: Record<string, number>; leftBehind: string[] }> {
  const moved: Record<string, number> = {};
  const count = (key: string, n: bigint | number | undefined) => {
    const k = Number(n ?? 0);
    if (k > 0) moved[key] = (moved[key] ?? 0) + k;
  };
  for (const [table, column] of MOVED) {
    const result = await sql`UPDATE ${sql.table(table)} SET ${sql.ref(column)} = ${into} WHERE ${sql.ref(column)} = ${from}`.execute(db);
    if (column === 'person_id') count(table, result.numAffectedRows);
  }
  if (options.endLaterKeyworker) {
    await db.updateTable('person_allocations').set({ ended_at: options.now }).where('person_id', '=', from).where('reason', '=', 'keyworker').where('ended_at', 'is', null).execute();
  }
  count('person_allocations', (await db.updateTable('person_allocations').set({ person_id: into }).where('person_id', '=', from).executeTakeFirst()).numUpdatedRows);
  // Sharing consents by name: the surviving person's own answer for a name stands.
  count(
    'plan_sharing_consents',
    (await sql`UPDATE plan_sharing_consents s SET person_id = ${into} WHERE s.person_id = ${from}
      AND NOT EXISTS (SELECT 1 FROM plan_sharing_consents t WHERE t.person_id = ${into} AND lower(t.name) = lower(s.name))`.execute(db)).numAffectedRows,
  );
  const leftBehind: string[] = [];
  if (options.movePlan) {
    count('plans', (await db.updateTable('plans').set({ person_id: into }).where('person_id', '=', from).executeTakeFirst()).numUpdatedRows);
    count('plan_versions', (await db.updateTable('plan_versions').set({ person_id: into }).where('person_id', '=', from).executeTakeFirst()).numUpdatedRows);
  } else if (await hasPlan(db, from)) {
    leftBehind.push('plan');
  }
  const remainingConsents = await db.selectFrom('plan_sharing_consents').select('id').where('person_id', '=', from).execute();
  if (remainingConsents.length > 0) leftBehind.push('plan-sharing-consents');
  // The closed record: no projections, nobody's sight, no sessions; kept for the audit trail.
  await db.deleteFrom('person_organisations').where('person_id', '=', from).execute();
  await db.deleteFrom('person_summaries').where('person_id', '=', from).execute();
  await db.deleteFrom('notification_states').where('person_id', '=', from).execute();
  await db.deleteFrom('person_sessions').where('person_id', '=', from).execute();
  await db.updateTable('people').set({ merged_into: into, merged_at: options.now, version: sql`version + 1`, updated_at: options.now }).where('id', '=', from).execute();
  // The surviving record changed: its version moves on, so a form or client holding the old one knows.
  await db.updateTable('people').set({ version: sql`version + 1`, updated_at: options.now }).where('id', '=', into).execute();
  return { moved, leftBehind };
}

/**
 * After the person registered with an NHS number changes it (a correction), the records that were
 * made under the old number point at a person who no longer has it: the earliest of them becomes the
 * record registered with the number, and the others point at it (their registration carried over).
 */
export async function promoteAfterNhsNumberChange(db: Db, formerlyRegistered: string, oldNhsNumber: string): Promise<void> {
  const later = await db
    .selectFrom('people')
    .select(['id'])
    .where('duplicate_of', '=', formerlyRegistered)
    .where('nhs_number', '=', oldNhsNumber)
    .where('merged_into', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .forUpdate()
    .execute();
  const [first, ...others] = later;
  if (!first) return;
  await db.updateTable('people').set({ duplicate_of: null, version: sql`version + 1` }).where('id', '=', first.id).execute();
  for (const other of others) {
    await db.updateTable('people').set({ duplicate_of: first.id, version: sql`version + 1` }).where('id', '=', other.id).execute();
    await sql`INSERT INTO duplicate_registrations (id, person_id, duplicate_of, route, organisation_code, recorded_at)
      SELECT gen_random_uuid(), person_id, ${first.id}, route, organisation_code, recorded_at FROM duplicate_registrations
       WHERE person_id = ${other.id} AND duplicate_of = ${formerlyRegistered}
      ON CONFLICT (person_id, duplicate_of) DO NOTHING`.execute(db);
  }
}
