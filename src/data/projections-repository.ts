// What the projections are derived from, and their writes (services/kernel/projections.ts): for many
// people at once, one query per kind of row for the whole set (issue 10: an import's chunk), or for
// one person after a change, everything in ONE statement (issue 14: a change re-derived its person
// in some twenty round trips). Both give the same ProjectionSources; the rules derive from those.
import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { PersonFacts } from '../domain/aftercare.ts';
import { PREPARED, type Db } from './database.ts';
import type { BudgetReductionRow, BudgetReviewRow, BudgetReviewTriggerRow, BudgetRow, Database, PersonRow } from './schema.ts';
import { listBudgetClocksOf, listBudgetReductions, listBudgetReviewTriggers } from './budgets-repository.ts';
import { BUDGET_CLOCK_COLUMNS, budgetClockRowsOf, factColumns, factsOfRow, rowsOf, withInstants, type BudgetClockColumns, type FactColumns, type Json } from './person-read-model.ts';
import { factsFromRows } from './people-repository.ts';
import { admissionFact, gpRegistrationFact, jointEndingFact, leaveFact, legalStatusFact, placementFact, reinstatementFact, residenceFact, responsibilityDecisionFact, type Summary } from './people-repository.ts';

/** How many rows one statement carries (PostgreSQL allows 65,535 parameters a statement). */
const STATEMENT_ROWS = 500;

function chunks<T>(items: readonly T[], size = STATEMENT_ROWS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

export function findPeople(db: Db, ids: readonly string[]): Promise<PersonRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('people').selectAll().where('id', 'in', [...ids]).where('merged_into', 'is', null).execute();
}

/** people-repository.loadFacts for many people: the same facts in the same order, by person id. */
export async function loadFactsOf(db: Db, people: readonly Pick<PersonRow, 'id' | 'date_of_birth' | 'date_of_death'>[]): Promise<Map<string, PersonFacts>> {
  const facts = new Map<string, PersonFacts>();
  if (people.length === 0) return facts;
  const ids = people.map((p) => p.id);
  const [residences, gps, admissions, statuses, leaves, decisions, endings, reinstated, placements] = await Promise.all([
    db.selectFrom('residences').selectAll().where('person_id', 'in', ids).orderBy('since').orderBy('recorded_at').execute(),
    db.selectFrom('gp_registrations').selectAll().where('person_id', 'in', ids).orderBy('since').orderBy('recorded_at').execute(),
    db.selectFrom('admissions').selectAll().where('person_id', 'in', ids).orderBy('admitted_on').orderBy('id').execute(),
    db.selectFrom('legal_statuses').selectAll().where('person_id', 'in', ids).orderBy('start_date').orderBy('id').execute(),
    db.selectFrom('leaves').selectAll().where('person_id', 'in', ids).orderBy('from_date').orderBy('id').execute(),
    db.selectFrom('responsibility_decisions')
      .leftJoin('users', 'users.id', 'responsibility_decisions.decided_by')
      .leftJoin('organisations', 'organisations.id', 'users.organisation_id')
      .selectAll('responsibility_decisions')
      .select(['users.name as decided_by_name', 'organisations.name as decided_by_organisation'])
      .where('responsibility_decisions.person_id', 'in', ids)
      .orderBy('responsibility_decisions.decided_at')
      .orderBy('responsibility_decisions.id')
      .execute(),
    db.selectFrom('ending_proposals').select(['person_id', 'episode_id', 'ended_on']).where('person_id', 'in', ids).where('status', '=', 'approved').execute(),
    db.selectFrom('reinstatements').select(['person_id', 'episode_id', 'reinstated_on']).where('person_id', 'in', ids).where('status', '=', 'approved').execute(),
    db.selectFrom('placements').selectAll().where('person_id', 'in', ids).orderBy('from_date').orderBy('id').execute(),
  ]);
  for (const p of people) {
    facts.set(p.id, { dateOfBirth: p.date_of_birth, dateOfDeath: p.date_of_death, residences: [], gpRegistrations: [], admissions: [], legalStatuses: [], leaves: [], responsibilityDecisions: [], jointEndings: [], reinstatements: [], placements: [] });
  }
  const of = (id: string) => facts.get(id)!;
  for (const r of residences) of(r.person_id).residences.push(residenceFact(r));
  for (const g of gps) of(g.person_id).gpRegistrations.push(gpRegistrationFact(g));
  for (const a of admissions) of(a.person_id).admissions.push(admissionFact(a));
  for (const s of statuses) of(s.person_id).legalStatuses.push(legalStatusFact(s));
  for (const l of leaves) of(l.person_id).leaves.push(leaveFact(l));
  for (const d of decisions) of(d.person_id).responsibilityDecisions.push(responsibilityDecisionFact(d));
  for (const e of endings) { const ending = jointEndingFact(e); if (ending) of(e.person_id).jointEndings.push(ending); }
  for (const r of reinstated) { const reinstatement = reinstatementFact(r); if (reinstatement) of(r.person_id).reinstatements!.push(reinstatement); }
  for (const p of placements) of(p.person_id).placements!.push(placementFact(p));
  return facts;
}

/** The organisations each person is allocated to (people-repository.allocatedOrganisationCodes), by person id. */
export async function allocatedOrganisationCodesOf(db: Db, ids: readonly string[]): Promise<Map<string, string[]>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('person_allocations')
    .innerJoin('organisations', 'organisations.id', 'person_allocations.organisation_id')
    .select(['person_allocations.person_id', 'organisations.code'])
    .where('person_allocations.person_id', 'in', [...ids])
    .where('person_allocations.ended_at', 'is', null)
    .execute();
  return new Map([...groupBy(rows, (r) => r.person_id)].map(([id, list]) => [id, list.map((r) => r.code)]));
}

/** Reviews held and requested, by person (reviews-repository.episodeReviewDates filters them by episode). */
export async function reviewDatesOf(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return { held: new Map<string, { episode_id: string; held_on: string }[]>(), requested: new Map<string, { episode_id: string; requested_on: string }[]>() };
  const [held, requested] = await Promise.all([
    db.selectFrom('reviews').select(['person_id', 'episode_id', 'held_on']).where('person_id', 'in', [...ids]).execute(),
    db.selectFrom('review_requests').select(['person_id', 'episode_id', 'requested_on']).where('person_id', 'in', [...ids]).execute(),
  ]);
  return { held: groupBy(held, (r) => r.person_id), requested: groupBy(requested, (r) => r.person_id) };
}

/** plans-repository.latestPlanVersionNumber and countUnconfirmedPlannedServices, by person id. */
export async function dischargeFactsOf(db: Db, ids: readonly string[], today: string): Promise<{ planVersion: Map<string, number>; unconfirmed: Map<string, number> }> {
  if (ids.length === 0) return { planVersion: new Map(), unconfirmed: new Map() };
  const versions = await db.selectFrom('plan_versions').select(['person_id', sql<number>`max(number)::int`.as('n')]).where('person_id', 'in', [...ids]).groupBy('person_id').execute();
  const unconfirmed = await sql<{ person_id: string; n: number }>`
    SELECT person_id, count(*)::int AS n FROM services
    WHERE person_id IN (${sql.join([...ids])}) AND confirmed_on IS NULL AND (end_date IS NULL OR end_date >= ${today}::date)
    GROUP BY person_id`.execute(db);
  return { planVersion: new Map(versions.map((v) => [v.person_id, Number(v.n)])), unconfirmed: new Map(unconfirmed.rows.map((r) => [r.person_id, Number(r.n)])) };
}

/** planning-repository.meetingFacts, by person id. */
export async function meetingFactsOf(db: Db, ids: readonly string[]): Promise<Map<string, { episodeId: string | null; heldOn: string | null }[]>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('planning_meetings').select(['person_id', 'episode_id', 'held_on']).where('person_id', 'in', [...ids]).execute();
  return new Map([...groupBy(rows, (r) => r.person_id)].map(([id, list]) => [id, list.map((r) => ({ episodeId: r.episode_id, heldOn: r.held_on }))]));
}

/** care-services-repository.listServices, by person id (same order). */
export async function servicesOf(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('services').selectAll().where('person_id', 'in', [...ids]).orderBy('start_date').orderBy('created_at').orderBy('id').execute();
  return groupBy(rows, (r) => r.person_id);
}

/** subscriptions-repository.findNotificationState, by person id (absent: no row). */
export async function notificationStatesOf(db: Db, ids: readonly string[]): Promise<Map<string, { state: unknown }>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('notification_states').select(['person_id', 'state']).where('person_id', 'in', [...ids]).execute();
  return new Map(rows.map((r) => [r.person_id, { state: r.state }]));
}

/** The live subscriptions, to match against each person's sight as subscriptions-repository.subscriptionsFor does in SQL. */
export function liveSubscriptions(db: Db): Promise<{ id: string; events: string[]; scope_organisation_code: string | null }[]> {
  return db.selectFrom('subscriptions').select(['id', 'events', 'scope_organisation_code']).where('deleted_at', 'is', null).execute();
}

/**
 * The people's summaries (with the features' columns that kernel/projections.ts FEATURE_COLUMNS
 * derives: replan_needed, discharge_warning, planning_needed_since, budget_review_due; every entry of
 * a call gives the same columns) and who has sight of them, in ONE statement a chunk: the summary
 * upserted, and of the sight only what changed deleted or inserted. Rewriting every sight row on
 * every change churned the table and marked the person for the reports' summariser (0130's triggers)
 * when nothing they read had changed.
 * `also`, a data-modifying statement (a change's audit event: audit-repository.auditEventsInsert),
 * runs in the first chunk's statement: one round trip fewer for a change to one person.
 */
export async function saveProjectionsOf(db: Db, entries: readonly { personId: string; summary: Summary; organisationCodes: readonly string[]; columns: Partial<Record<SummaryColumn, string | boolean | null>> }[], also?: RawBuilder<unknown>): Promise<void> {
  const refreshedAt = new Date().toISOString();
  let first = true;
  for (const part of chunks(entries, STATEMENT_ROWS / 5)) {
    const extra = Object.keys(part[0]?.columns ?? {}) as SummaryColumn[];
    const columns = [...SUMMARY_BASE, ...extra];
    const summaries = sql.join(part.map((e) => sql`(${sql.join([
      sql`${e.personId}::uuid`, sql`${e.summary.status}::text`, sql`${e.summary.localAuthorityCode}::text`, sql`${e.summary.icbCode}::text`,
      sql`${e.summary.leftHospitalOn}::date`, sql`${e.summary.nextReviewDue}::date`, sql`${refreshedAt}::timestamptz`,
      ...extra.map((c) => sql`${e.columns[c] ?? null}::${sql.raw(SUMMARY_COLUMN_TYPES[c])}`),
    ])})`));
    const sight = part.flatMap((e) => e.organisationCodes.map((code) => sql`(${e.personId}::uuid, ${code}::text)`));
    const alsoNow = first && also ? sql`also AS (${also}),` : sql``;
    first = false;
    // For one person (every change but an import's) the text is one of a few (how many have sight,
    // with or without the event): prepared on each connection, as it ends every change.
    const prepared = part.length === 1 ? PREPARED : sql``;
    await sql`${prepared}WITH ${alsoNow} summary AS (
        INSERT INTO person_summaries (${sql.join(columns.map((c) => sql.ref(c)))}) VALUES ${summaries}
        ON CONFLICT (person_id) DO UPDATE SET ${sql.join(columns.slice(1).map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`))}),
      sight (person_id, organisation_code) AS (${sight.length > 0 ? sql`VALUES ${sql.join(sight)}` : sql`SELECT NULL::uuid, NULL::text WHERE false`}),
      gone AS (
        DELETE FROM person_organisations po
         WHERE po.person_id IN (${sql.join(part.map((e) => sql`${e.personId}::uuid`))})
           AND NOT EXISTS (SELECT 1 FROM sight s WHERE s.person_id = po.person_id AND s.organisation_code = po.organisation_code))
      INSERT INTO person_organisations (person_id, organisation_code) SELECT person_id, organisation_code FROM sight
      ON CONFLICT DO NOTHING`.execute(db);
  }
  if (first && also) await also.execute(db);
}

const SUMMARY_BASE = ['person_id', 'status', 'local_authority_code', 'icb_code', 'left_hospital_on', 'next_review_due', 'refreshed_at'] as const;
const SUMMARY_COLUMN_TYPES: Record<SummaryColumn, string> = { replan_needed: 'boolean', discharge_warning: 'text', planning_needed_since: 'date', budget_review_due: 'date' };

export type SummaryColumn = 'replan_needed' | 'discharge_warning' | 'planning_needed_since' | 'budget_review_due';
/** subscriptions-repository.saveNotificationState for many people. */
export async function saveNotificationStates(db: Db, entries: readonly { personId: string; state: object }[]): Promise<void> {
  for (const part of chunks(entries)) {
    await db.insertInto('notification_states')
      .values(part.map((e) => ({ person_id: e.personId, state: JSON.stringify(e.state) })))
      .onConflict((oc) => oc.column('person_id').doUpdateSet((eb) => ({ state: eb.ref('excluded.state') })))
      .execute();
  }
}

type ServiceSight = { id: string; s117: boolean };
type ClockBudget = Pick<BudgetRow, 'id' | 'person_id' | 'kind' | 'start_date' | 'end_date'>;

/**
 * Everything the projections are derived from, for a set of people, keyed by person id: the facts,
 * the latest episode's reviews held and requested (REV-1, REV-4), the organisations they are allocated
 * to, PLAN-7's final plan and unconfirmed services, PLAN-1's planning meetings, the budgets' review
 * clocks (DP-1, DP-2), and, for the change notifications, their services and what subscribers were
 * last told (absent: no row; state null: recorded before notifications existed).
 */
export interface ProjectionSources {
  facts: Map<string, PersonFacts>;
  reviewDates: { held: Map<string, { episode_id: string; held_on: string }[]>; requested: Map<string, { episode_id: string; requested_on: string }[]> };
  allocated: Map<string, string[]>;
  discharge: { planVersion: Map<string, number>; unconfirmed: Map<string, number> };
  meetings: Map<string, { episodeId: string | null; heldOn: string | null }[]>;
  budgets: { budgets: ClockBudget[]; reviews: Pick<BudgetReviewRow, 'budget_id' | 'held_on'>[]; triggers: Pick<BudgetReviewTriggerRow, 'budget_id' | 'occurred_on'>[]; reductions: Pick<BudgetReductionRow, 'budget_id' | 'further_review_requested_on'>[] };
  /** Read only when the notifications are derived. */
  services: Map<string, ServiceSight[]>;
  notificationStates: Map<string, { state: unknown }>;
}

/** ProjectionSources for many people, one query per kind of row. */
export async function loadProjectionSourcesOf(db: Db, people: readonly PersonRow[], today: string, options: { notifications: boolean }): Promise<ProjectionSources> {
  const ids = people.map((p) => p.id);
  const [facts, reviewDates, allocated, discharge, meetings, clocks] = [
    await loadFactsOf(db, people), await reviewDatesOf(db, ids), await allocatedOrganisationCodesOf(db, ids),
    await dischargeFactsOf(db, ids, today), await meetingFactsOf(db, ids), await listBudgetClocksOf(db, ids),
  ];
  const budgetIds = clocks.budgets.map((b) => b.id);
  const budgets = { budgets: clocks.budgets, reviews: clocks.reviews, triggers: await listBudgetReviewTriggers(db, budgetIds), reductions: await listBudgetReductions(db, budgetIds) };
  const services = options.notifications ? await servicesOf(db, ids) : new Map<string, ServiceSight[]>();
  const notificationStates = options.notifications ? await notificationStatesOf(db, ids) : new Map<string, { state: unknown }>();
  return { facts, reviewDates, allocated, discharge, meetings, budgets, services, notificationStates };
}

type OneColumns = FactColumns & BudgetClockColumns & {
  rm_residences: Json[]; rm_gps: Json[];
  ps_held: { episode_id: string; held_on: string }[]; ps_requested: { episode_id: string; requested_on: string }[]; ps_allocated: string[];
  ps_plan_version: number; ps_unconfirmed: number; ps_meetings: { episodeId: string | null; heldOn: string | null }[];
  ps_services: ServiceSight[]; ps_notification: { state: unknown } | null;
};

/**
 * The person (by id, as people-repository.findPerson reads them) and their ProjectionSources in ONE
 * statement, each part as the set-based query above reads it; undefined when there is no such person.
 */
export async function loadProjectionSourcesOfOne(db: Db, personId: string, today: string): Promise<{ person: PersonRow; sources: ProjectionSources } | undefined> {
  const { rows } = await sql<PersonRow & OneColumns>`${PREPARED}SELECT p.*,
      ${rowsOf('residences', 't.since, t.recorded_at')} AS rm_residences,
      ${rowsOf('gp_registrations', 't.since, t.recorded_at')} AS rm_gps,
      ${factColumns()},
      (SELECT coalesce(json_agg(json_build_object('episode_id', r.episode_id, 'held_on', r.held_on)), '[]'::json) FROM reviews r WHERE r.person_id = p.id) AS ps_held,
      (SELECT coalesce(json_agg(json_build_object('episode_id', r.episode_id, 'requested_on', r.requested_on)), '[]'::json) FROM review_requests r WHERE r.person_id = p.id) AS ps_requested,
      (SELECT coalesce(json_agg(o.code), '[]'::json) FROM person_allocations a JOIN organisations o ON o.id = a.organisation_id
        WHERE a.person_id = p.id AND a.ended_at IS NULL) AS ps_allocated,
      (SELECT coalesce(max(v.number), 0)::int FROM plan_versions v WHERE v.person_id = p.id) AS ps_plan_version,
      (SELECT count(*)::int FROM services s WHERE s.person_id = p.id AND s.confirmed_on IS NULL AND (s.end_date IS NULL OR s.end_date >= ${today}::date)) AS ps_unconfirmed,
      (SELECT coalesce(json_agg(json_build_object('episodeId', m.episode_id, 'heldOn', m.held_on)), '[]'::json) FROM planning_meetings m WHERE m.person_id = p.id) AS ps_meetings,
      ${BUDGET_CLOCK_COLUMNS},
      (SELECT coalesce(json_agg(json_build_object('id', s.id, 's117', s.s117) ORDER BY s.start_date, s.created_at, s.id), '[]'::json) FROM services s WHERE s.person_id = p.id) AS ps_services,
      (SELECT json_build_object('state', n.state) FROM notification_states n WHERE n.person_id = p.id) AS ps_notification
    FROM people p WHERE p.id = ${personId}`.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  const {
    rm_residences, rm_gps, admissions, legal_statuses, leaves, decisions, joint_endings, reinstatements, placements,
    ps_held, ps_requested, ps_allocated, ps_plan_version, ps_unconfirmed, ps_meetings, ps_services, ps_notification,
    pp_budgets, pp_budget_reviews, pp_budget_triggers, pp_budget_reductions, ...person
  } = row;
  const facts = factsFromRows(person as PersonRow, {
    residences: rm_residences.map((r) => withInstants(r, ['recorded_at']) as Selectable<Database['residences']>),
    gps: rm_gps.map((r) => withInstants(r, ['recorded_at']) as Selectable<Database['gp_registrations']>),
    ...factsOfRow({ admissions, legal_statuses, leaves, decisions, joint_endings, reinstatements, placements }),
  });
  const clocks = budgetClockRowsOf({ pp_budgets, pp_budget_reviews, pp_budget_triggers, pp_budget_reductions });
  const one = <T>(value: T) => new Map([[personId, value]]);
  return {
    person: person as PersonRow,
    sources: {
      facts: one(facts),
      reviewDates: { held: one(ps_held), requested: one(ps_requested) },
      allocated: one(ps_allocated),
      discharge: { planVersion: one(Number(ps_plan_version)), unconfirmed: one(Number(ps_unconfirmed)) },
      meetings: one(ps_meetings),
      budgets: { budgets: clocks.budgets, reviews: clocks.budgetReviews, triggers: clocks.budgetTriggers, reductions: clocks.budgetReductions },
      services: one(ps_services),
      notificationStates: ps_notification ? one(ps_notification) : new Map(),
    },
  };
}
