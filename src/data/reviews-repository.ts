// Reviews held, review invitations and review requests (REV-1 to REV-4), and the review lists the
// dashboard and the reminders read from the register's projections.
import { sql } from 'kysely';
import { REVIEWED_STATUSES } from '../domain/reviews.ts';
import type { Db } from './database.ts';
import { LETTER_CONTACT_ALIASES, letterContactColumns, letterContactRowsOf, type LetterContactRows } from './letter-contact-repository.ts';
import type { ReadModelPart } from './read-model-parts.ts';
import type { ReviewInvitationRow, ReviewRequestRow, ReviewRow, ReviewsTable } from './schema.ts';

export interface NewReview {
  id: string;
  personId: string;
  episodeId: string;
  heldOn: string;
  invited: string[];
  attendees: string[];
  personViews: string | null;
  planWorking: ReviewsTable['plan_working'];
  changes: string | null;
  outcome: ReviewsTable['outcome'];
  notes: string;
  servicesChanged: ReviewRow['services_changed'];
  recordedBy: string;
}

/** Inserts the review and answers the row as stored (as findReview reads it). */
export async function insertReview(db: Db, r: NewReview): Promise<ReviewRow> {
  return db
    .insertInto('reviews')
    .values({
      id: r.id,
      person_id: r.personId,
      episode_id: r.episodeId,
      held_on: r.heldOn,
      invited: JSON.stringify(r.invited),
      attendees: JSON.stringify(r.attendees),
      person_views: r.personViews,
      plan_working: r.planWorking,
      changes: r.changes,
      outcome: r.outcome,
      notes: r.notes,
      services_changed: JSON.stringify(r.servicesChanged),
      recorded_by: r.recordedBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertReviewRequest(db: Db, r: { id: string; personId: string; episodeId: string; requestedBy: string; requestedOn: string; reason: string | null; recordedBy: string | null; recordedByPerson?: string | null }): Promise<void> {
  await db
    .insertInto('review_requests')
    .values({ id: r.id, person_id: r.personId, episode_id: r.episodeId, requested_by: r.requestedBy, requested_on: r.requestedOn, reason: r.reason, recorded_by: r.recordedBy, recorded_by_person: r.recordedByPerson ?? null })
    .execute();
}

export async function insertReviewInvitation(
  db: Db,
  r: { id: string; personId: string; episodeId: string; plannedOn: string; plannedTime: string | null; place: string; invited: string[]; contact: string | null; recordedBy: string },
): Promise<void> {
  await db
    .insertInto('review_invitations')
    .values({
      id: r.id,
      person_id: r.personId,
      episode_id: r.episodeId,
      planned_on: r.plannedOn,
      planned_time: r.plannedTime,
      place: r.place,
      invited: JSON.stringify(r.invited),
      contact: r.contact,
      recorded_by: r.recordedBy,
    })
    .execute();
}

export function listReviews(db: Db, personId: string): Promise<ReviewRow[]> {
  return db.selectFrom('reviews').selectAll().where('person_id', '=', personId).orderBy('held_on', 'desc').orderBy('created_at', 'desc').execute();
}

export function listReviewRequests(db: Db, personId: string): Promise<ReviewRequestRow[]> {
  return db.selectFrom('review_requests').selectAll().where('person_id', '=', personId).orderBy('requested_on', 'desc').orderBy('created_at', 'desc').execute();
}

export function listReviewInvitations(db: Db, personId: string): Promise<ReviewInvitationRow[]> {
  return db.selectFrom('review_invitations').selectAll().where('person_id', '=', personId).orderBy('planned_on', 'desc').orderBy('created_at', 'desc').execute();
}

/**
 * What a review letter reads besides the person's facts, summary and reviews (the read model's parts):
 * what its contact is chosen from (LTR-1), and every organisation it may name, in the person's
 * read-model statement; `senderOrganisationCode`: the organisation of whoever asks.
 */
export function reviewLetterRowsPart(senderOrganisationCode: string | null): ReadModelPart<LetterContactRows> {
  return { columns: letterContactColumns(senderOrganisationCode), aliases: LETTER_CONTACT_ALIASES, decode: letterContactRowsOf };
}

export function findReview(db: Db, id: string): Promise<ReviewRow | undefined> {
  return db.selectFrom('reviews').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findReviewInvitation(db: Db, id: string): Promise<ReviewInvitationRow | undefined> {
  return db.selectFrom('review_invitations').selectAll().where('id', '=', id).executeTakeFirst();
}
/** REV-1, REV-4: the person's review timetable as the projections keep it (no row: nothing due, no re-plan). */
export async function reviewSummary(db: Db, personId: string): Promise<{ status: string | null; nextReviewDue: string | null; replanNeeded: boolean }> {
  const row = await db.selectFrom('person_summaries').select(['status', 'next_review_due', 'replan_needed']).where('person_id', '=', personId).executeTakeFirst();
  return { status: row?.status ?? null, nextReviewDue: row?.next_review_due ?? null, replanNeeded: row?.replan_needed ?? false };
}
/** REV-1's due date while the episode is running; the earlier of it and the budget review (LEAST skips nulls). */
const reviewDueExpr = sql`(CASE WHEN person_summaries.status IN (${sql.join(REVIEWED_STATUSES.map((s) => sql.lit(s)))}) THEN person_summaries.next_review_due END)`;
const dueExpr = sql`LEAST(${reviewDueExpr}, person_summaries.budget_review_due)`;

export interface DueReviewRow {
  id: string;
  nhs_number: string | null;
  given_name: string;
  family_name: string;
  status: string;
  local_authority_code: string | null;
  icb_code: string | null;
  next_review_due: string;
  replan_needed: boolean;
  keyworker_id: string | null;
  keyworker_name: string | null;
  keyworker_email: string | null;
  /**
   * REV-1's due date as the projection stores it, whatever the episode's status: what a page shows
   * is nextReviewShown of it (reviews-views.ts reviewDueShown), as on every other page.
   */
  stored_review_due: string | null;
  /** DP-1(d), DP-2: the earliest budget review due (person_summaries.budget_review_due). */
  budget_review_due: string | null;
}

export interface DueReviewQuery {
  /** null: everyone (admin, or the reminders run). */
  visibleTo: string | null;
  /** Due before this date (exclusive). */
  dueBefore: string;
  localAuthority?: string;
  icb?: string;
  after?: { due: string; id: string };
  limit?: number;
  /**
   * Also people whose budget review (DP-1(d), DP-2) is due before `dueBefore`; next_review_due is
   * then the earlier of the two clocks that brings them into the list.
   */
  includeBudgetReviews?: boolean;
}

/**
 * People whose latest episode has a review due before `dueBefore`, soonest first, with their
 * keyworker (a person_allocations row with reason 'keyworker' and no end) where there is one.
 */
export async function listDueReviews(db: Db, query: DueReviewQuery): Promise<DueReviewRow[]> {
  let q = db
    .selectFrom('person_summaries')
    .innerJoin('people', 'people.id', 'person_summaries.person_id')
    .select([
      'people.id',
      'people.nhs_number',
      'people.given_name',
      'people.family_name',
      'person_summaries.status',
      'person_summaries.local_authority_code',
      'person_summaries.icb_code',
      'person_summaries.replan_needed',
      (query.includeBudgetReviews ? sql<string>`${dueExpr}` : sql<string>`person_summaries.next_review_due`).as('next_review_due'),
      'person_summaries.next_review_due as stored_review_due',
      sql<string | null>`person_summaries.budget_review_due`.as('budget_review_due'),
      (eb) =>
        eb
          .selectFrom('person_allocations')
          .innerJoin('users', 'users.id', 'person_allocations.user_id')
          .select('users.id')
          .whereRef('person_allocations.person_id', '=', 'people.id')
          .where('person_allocations.reason', '=', 'keyworker')
          .where('person_allocations.ended_at', 'is', null)
          .orderBy('person_allocations.allocated_at', 'desc')
          .limit(1)
          .as('keyworker_id'),
    ])
    .where((eb) => {
      const review = eb.and([eb('person_summaries.next_review_due', 'is not', null), eb('person_summaries.next_review_due', '<', query.dueBefore), eb('person_summaries.status', 'in', [...REVIEWED_STATUSES])]);
      return query.includeBudgetReviews ? eb.or([review, eb('person_summaries.budget_review_due', '<', query.dueBefore)]) : review;
    });
  if (query.visibleTo !== null) {
    const org = query.visibleTo;
    q = q.where((eb) => eb.exists(eb.selectFrom('person_organisations').select(sql`1`.as('one')).whereRef('person_organisations.person_id', '=', 'people.id').where('person_organisations.organisation_code', '=', org)));
  }
  if (query.localAuthority) q = q.where('person_summaries.local_authority_code', '=', query.localAuthority);
  if (query.icb) q = q.where('person_summaries.icb_code', '=', query.icb);
  if (query.after) {
    const { due, id } = query.after;
    q = q.where(sql<boolean>`(${query.includeBudgetReviews ? dueExpr : sql`person_summaries.next_review_due`}, people.id) > (${due}::date, ${id}::uuid)`);
  }
  let ordered = q.orderBy(query.includeBudgetReviews ? dueExpr : sql`person_summaries.next_review_due`).orderBy('people.id');
  if (query.limit !== undefined) ordered = ordered.limit(query.limit);
  const rows = await ordered.execute();
  const keyworkerIds = [...new Set(rows.map((r) => r.keyworker_id).filter((id): id is string => Boolean(id)))];
  const keyworkers = keyworkerIds.length > 0 ? await db.selectFrom('users').select(['id', 'name', 'email']).where('id', 'in', keyworkerIds).execute() : [];
  const byId = new Map(keyworkers.map((k) => [k.id, k]));
  return rows.map((r) => ({
    ...r,
    keyworker_id: r.keyworker_id ?? null,
    keyworker_name: r.keyworker_id ? (byId.get(r.keyworker_id)?.name ?? null) : null,
    keyworker_email: r.keyworker_id ? (byId.get(r.keyworker_id)?.email ?? null) : null,
  }));
}

export function organisationNames(db: Db, codes: readonly string[]) {
  if (codes.length === 0) return Promise.resolve([] as { code: string; name: string }[]);
  return db.selectFrom('organisations').select(['code', 'name']).where('code', 'in', [...codes]).execute();
}

/** Every s117 lead: an approver of a local authority or an ICB. */
export function allLeads(db: Db) {
  return db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select(['users.id', 'users.name', 'users.email', 'organisations.code as organisation_code'])
    .where('users.role', '=', 'approver')
    .where('organisations.type', 'in', ['local-authority', 'icb'])
    .orderBy('users.email')
    .execute();
}

export function personNames(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([] as { id: string; given_name: string; family_name: string }[]);
  return db.selectFrom('people').select(['id', 'given_name', 'family_name']).where('id', 'in', [...ids]).execute();
}
