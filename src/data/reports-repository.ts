// The facts the register's reports read (issue 13), for a page of people at a time: a fixed number
// of queries per page (each `person_id IN (...)`), never one per person. Who may be read is decided
// in the query that pages through people (person_organisations, as findVisiblePerson and the register
// list do), so a person the caller's organisation may not see is never loaded.
import { sql } from 'kysely';
import type { PersonFacts } from '../domain/aftercare.ts';
import type { PlanContent } from '../domain/plans.ts';
import type { Db } from './database.ts';
import { parseContent } from './plans-repository.ts';
import { loadFactsOf } from './projections-repository.ts';

export interface ReportPersonRow { id: string; date_of_birth: string; date_of_death: string | null }

/** The next page of people, in id order after `afterId`, that `visibleTo` may see (null: everyone, an admin). */
export function visiblePeoplePage(db: Db, visibleTo: string | null, afterId: string | null, limit: number): Promise<ReportPersonRow[]> {
  let q = db.selectFrom('people').select(['people.id', 'people.date_of_birth', 'people.date_of_death']).where('people.merged_into', 'is', null).orderBy('people.id').limit(limit);
  if (afterId) q = q.where('people.id', '>', afterId);
  if (visibleTo !== null) {
    const code = visibleTo;
    q = q.where((eb) => eb.exists(eb.selectFrom('person_organisations').select(sql`1`.as('one')).whereRef('person_organisations.person_id', '=', 'people.id').where('person_organisations.organisation_code', '=', code)));
  }
  return q.execute();
}

export interface ReportFactsRows {
  facts: Map<string, PersonFacts>;
  reviewsHeld: { person_id: string; episode_id: string; held_on: string }[];
  reviewRequests: { person_id: string; episode_id: string; requested_on: string }[];
  disputes: { person_id: string; party_a_kind: 'local-authority' | 'icb'; party_a_code: string; party_b_kind: 'local-authority' | 'icb'; party_b_code: string; subject: string; interim_funder_code: string; raised_on: string; referred_on: string | null; person_told_on: string | null; resolved_on: string | null; resolution: string | null }[];
  keyworkers: { person_id: string; user_id: string; team: string; allocated_at: Date | string; ended_at: Date | string | null }[];
  /** PLAN-4 to PLAN-7: each finalised version of the person's plan. */
  planVersions: { person_id: string; finalised_at: Date | string; content: PlanContent }[];
  complaints: { person_id: string; received_on: string; aware_on: string; outcome_on: string | null }[];
  /** CHG-1: charges for services recorded as s117. */
  s117Charges: { person_id: string; paid_on: string; amount_pence: number }[];
  refunds: { person_id: string; calculated_on: string; paid_on: string | null; total_principal_pence: number; total_interest_pence: number }[];
  services: { id: string; person_id: string; category: string; provider: string; weekly_cost_pence: number; la_percent: number; icb_percent: number; start_date: string; end_date: string | null }[];
  payments: { service_id: string; body: 'local-authority' | 'icb'; period_from: string; period_to: string; amount_pence: number }[];
  budgets: { id: string; person_id: string; kind: 'direct-payment' | 'personal-health-budget'; start_date: string; end_date: string | null }[];
  budgetReviews: { budget_id: string; held_on: string }[];
  budgetTriggers: { budget_id: string; occurred_on: string }[];
  /** RESP-7: each service's cost history (migration 0096), earliest first. */
  costs: { service_id: string; effective_from: string; weekly_cost_pence: number }[];
}

/** Everything the reports need about these people, in one query per kind of fact. */
export async function loadReportFacts(db: Db, people: readonly ReportPersonRow[]): Promise<ReportFactsRows> {
  const ids = people.map((p) => p.id);
  if (ids.length === 0) return { facts: new Map(), reviewsHeld: [], reviewRequests: [], disputes: [], keyworkers: [], planVersions: [], complaints: [], s117Charges: [], refunds: [], services: [], payments: [], budgets: [], budgetReviews: [], budgetTriggers: [], costs: [] };
  const [facts, reviewsHeld, reviewRequests, disputes, keyworkers, planVersions, complaints, s117Charges, refunds, services, payments, budgets, budgetReviews, budgetTriggers, costs] = await Promise.all([
    // The facts the entitlement rules read: the same loader as the batched import and the person page.
    loadFactsOf(db, people),
    db.selectFrom('reviews').select(['person_id', 'episode_id', 'held_on']).where('person_id', 'in', ids).execute(),
    db.selectFrom('review_requests').select(['person_id', 'episode_id', 'requested_on']).where('person_id', 'in', ids).execute(),
    db.selectFrom('disputes').select(['person_id', 'party_a_kind', 'party_a_code', 'party_b_kind', 'party_b_code', 'subject', 'interim_funder_code', 'raised_on', 'referred_on', 'person_told_on', 'resolved_on', 'resolution']).where('person_id', 'in', ids).execute(),
    db
      .selectFrom('person_allocations')
      .innerJoin('organisations', 'organisations.id', 'person_allocations.organisation_id')
      .select(['person_allocations.person_id', 'person_allocations.user_id', 'organisations.name as team', 'person_allocations.allocated_at', 'person_allocations.ended_at'])
      .where('person_allocations.person_id', 'in', ids)
      .where('person_allocations.reason', '=', 'keyworker')
      .execute(),
    db.selectFrom('plan_versions').select(['person_id', 'finalised_at', 'content']).where('person_id', 'in', ids).execute(),
    db.selectFrom('complaints').select(['person_id', 'received_on', 'aware_on', 'outcome_on']).where('person_id', 'in', ids).execute(),
    db
      .selectFrom('charges')
      .innerJoin('services', 'services.id', 'charges.service_id')
      .select(['charges.person_id', 'charges.paid_on', 'charges.amount_pence'])
      .where('charges.person_id', 'in', ids)
      .where('services.s117', '=', true)
      .execute(),
    db.selectFrom('refunds').select(['person_id', 'calculated_on', 'paid_on', 'total_principal_pence', 'total_interest_pence']).where('person_id', 'in', ids).execute(),
    db.selectFrom('services').select(['id', 'person_id', 'category', 'provider', 'weekly_cost_pence', 'la_percent', 'icb_percent', 'start_date', 'end_date']).where('person_id', 'in', ids).execute(),
    db
      .selectFrom('service_payments')
      .innerJoin('services', 'services.id', 'service_payments.service_id')
      .select(['service_payments.service_id', 'service_payments.body', 'service_payments.period_from', 'service_payments.period_to', 'service_payments.amount_pence'])
      .where('services.person_id', 'in', ids)
      .execute(),
    db.selectFrom('budgets').select(['id', 'person_id', 'kind', 'start_date', 'end_date']).where('person_id', 'in', ids).execute(),
    db.selectFrom('budget_reviews').innerJoin('budgets', 'budgets.id', 'budget_reviews.budget_id').select(['budget_reviews.budget_id', 'budget_reviews.held_on']).where('budgets.person_id', 'in', ids).execute(),
    db.selectFrom('budget_review_triggers').innerJoin('budgets', 'budgets.id', 'budget_review_triggers.budget_id').select(['budget_review_triggers.budget_id', 'budget_review_triggers.occurred_on']).where('budgets.person_id', 'in', ids).execute(),
    db
      .selectFrom('service_costs')
      .innerJoin('services', 'services.id', 'service_costs.service_id')
      .select(['service_costs.service_id', 'service_costs.effective_from', 'service_costs.weekly_cost_pence'])
      .where('services.person_id', 'in', ids)
      .orderBy('service_costs.service_id')
      .orderBy('service_costs.effective_from')
      .execute(),
  ]);
  return { facts, reviewsHeld, reviewRequests, disputes, keyworkers, planVersions: planVersions.map((v) => ({ person_id: v.person_id, finalised_at: v.finalised_at, content: parseContent(v.content) })), complaints, s117Charges, refunds, services, payments, budgets, budgetReviews, budgetTriggers, costs };
}

/** Staff names for the reports' keyworker rows (staff, not the people on the register). */
export async function userNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Local authorities and ICBs, by name, for the reports' filters. */
export function responsibleBodies(db: Db) {
  return db.selectFrom('organisations').select(['code', 'name', 'type']).where('type', 'in', ['local-authority', 'icb']).orderBy('name').execute();
}

/** RESP-7: the cost history of these services (service_costs, migration 0096), earliest first. */
export function serviceCosts(db: Db, serviceIds: readonly string[]) {
  if (serviceIds.length === 0) return Promise.resolve([] as { service_id: string; effective_from: string; weekly_cost_pence: number }[]);
  return db.selectFrom('service_costs').select(['service_id', 'effective_from', 'weekly_cost_pence']).where('service_id', 'in', serviceIds).orderBy('service_id').orderBy('effective_from').execute();
}

/** The organisations with sight of each of these people today (person_organisations): the summaries' readers. */
export async function sightOf(db: Db, personIds: readonly string[]): Promise<Map<string, string[]>> {
  const sight = new Map<string, string[]>();
  if (personIds.length === 0) return sight;
  const rows = await db.selectFrom('person_organisations').select(['person_id', 'organisation_code']).where('person_id', 'in', personIds).execute();
  for (const r of rows) sight.set(r.person_id, [...(sight.get(r.person_id) ?? []), r.organisation_code]);
  return sight;
}

// ---- The summaries (migration 0095, domain/report-summaries.ts) ----

export interface SnapshotRow { id: string; built_on: string; settings: string; started_at: Date; finished_at: Date | null; people: number; in_step: boolean }

export async function startSnapshot(db: Db, row: { id: string; builtOn: string; settings: string; startedAt: Date }): Promise<void> {
  await db.insertInto('report_snapshots').values({ id: row.id, built_on: row.builtOn, settings: row.settings, started_at: row.startedAt }).execute();
}

export interface SummaryRowInsert { periodFrom: string; asOf: string; scope: string; part: 'base' | 'money' | 'money-own'; localAuthority: string | null; icb: string | null; figures: unknown }

export async function insertSummaries(db: Db, snapshotId: string, rows: readonly SummaryRowInsert[], people: ReadonlyMap<string, number>): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('report_summaries')
      .values(rows.slice(i, i + 500).map((r) => ({ snapshot_id: snapshotId, period_from: r.periodFrom, as_of: r.asOf, scope: r.scope, part: r.part, local_authority_code: r.localAuthority, icb_code: r.icb, figures: JSON.stringify(r.figures) })))
      .execute();
  }
  const counts = [...people.entries()];
  for (let i = 0; i < counts.length; i += 1000) {
    await db.insertInto('report_summary_people').values(counts.slice(i, i + 1000).map(([scope, n]) => ({ snapshot_id: snapshotId, scope, people: n }))).execute();
  }
}

/**
 * Marks the snapshot finished and removes those before the one before it: a report that chose the
 * previous snapshot just before this one committed (read committed: its next statement sees this
 * commit) still finds that snapshot's rows.
 */
export async function finishSnapshot(db: Db, id: string, finishedAt: Date, people: number): Promise<void> {
  await db.updateTable('report_snapshots').set({ finished_at: finishedAt, people, in_step: true }).where('id', '=', id).execute();
  const older = await db.selectFrom('report_snapshots').select('id').where('finished_at', 'is not', null).orderBy('finished_at', 'desc').offset(2).limit(1000).execute();
  if (older.length > 0) await db.deleteFrom('report_snapshots').where('id', 'in', older.map((r) => r.id)).execute();
}

/** The latest finished snapshot, if any. */
export function latestSnapshot(db: Db): Promise<SnapshotRow | undefined> {
  return db.selectFrom('report_snapshots').selectAll().where('finished_at', 'is not', null).orderBy('finished_at', 'desc').limit(1).executeTakeFirst() as Promise<SnapshotRow | undefined>;
}

/** A jsonb column as PostgreSQL (an object) or PGlite (sometimes text) hands it over. */
const parseJson = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);

/** Which summary rows a reader adds up: their snapshot and scope, the parts they may see, the period ends, and the bodies when given. */
export interface SummaryRowsQuery { snapshotId: string; scope: string; parts: readonly string[]; asOf: readonly string[]; localAuthority: string | null; icb: string | null }

/** Rows of the sums (report_summaries) or of their differences since (report_summary_deltas): the same columns, read the same way. */
async function summaryRowsOf(db: Db, table: 'report_summaries' | 'report_summary_deltas', q: SummaryRowsQuery) {
  let query = db
    .selectFrom(table)
    .select(['period_from', 'as_of', 'scope', 'part', 'local_authority_code', 'icb_code', 'figures'])
    .where('snapshot_id', '=', q.snapshotId)
    .where('scope', '=', q.scope)
    .where('as_of', 'in', [...q.asOf])
    .where('part', 'in', [...q.parts] as ('base' | 'money' | 'money-own')[]);
  if (q.localAuthority !== null) query = query.where('local_authority_code', '=', q.localAuthority);
  if (q.icb !== null) query = query.where('icb_code', '=', q.icb);
  const rows = await query.execute();
  return rows.map((r) => ({ ...r, figures: parseJson(r.figures) }));
}

/** The summary rows one reader adds up for these period ends, narrowed by the bodies when given. */
export function readSummaries(db: Db, q: SummaryRowsQuery) {
  return summaryRowsOf(db, 'report_summaries', q);
}

/** How many people a scope covered at the snapshot. */
export async function summaryPeople(db: Db, snapshotId: string, scope: string): Promise<number> {
  const row = await db.selectFrom('report_summary_people').select('people').where('snapshot_id', '=', snapshotId).where('scope', '=', scope).executeTakeFirst();
  return row?.people ?? 0;
}

// ---- Kept in step with the facts (migration 0130, ADR 0014 "How it is kept in step") ----

/** Marks these people as changed (the triggers do it for every write; the tests and the bench use this). */
export async function markPeople(db: Db, personIds: readonly string[]): Promise<void> {
  if (personIds.length > 0) await db.insertInto('report_dirty_people').values(personIds.map((person_id) => ({ person_id }))).execute();
}

/** The oldest marks, at most `limit` (the summariser's round). */
export function oldestMarks(db: Db, limit: number): Promise<{ id: string; person_id: string }[]> {
  return db.selectFrom('report_dirty_people').select(['id', 'person_id']).orderBy('id').limit(limit).execute();
}

/** Every mark (the refresh reads those its view holds, and deletes exactly those). */
export function allMarks(db: Db): Promise<{ id: string }[]> {
  return db.selectFrom('report_dirty_people').select('id').execute();
}

/** The people marked and not yet summarised (a report corrects for them). */
export async function markedPeople(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('report_dirty_people').select('person_id').distinct().execute();
  return rows.map((r) => r.person_id);
}

/** Deletes exactly these marks: one written meanwhile by another transaction stays for the next round. */
export async function deleteMarks(db: Db, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 5000) await db.deleteFrom('report_dirty_people').where('id', 'in', ids.slice(i, i + 5000)).execute();
}

/**
 * The first statement of the summariser and of the refresh: one of them at a time. The summariser
 * (`wait` false) finds it busy and skips its round; under repeatable read a refresh fails to take it
 * (could not serialize) when a summariser committed after the refresh's view began, and starts again.
 */
export async function takeSummariserTurn(db: Db, wait: boolean): Promise<boolean> {
  const locked = await sql<{ id: number }>`SELECT id FROM report_summariser WHERE id = 1 FOR UPDATE ${wait ? sql`` : sql`SKIP LOCKED`}`.execute(db);
  if (locked.rows.length === 0) return false;
  await db.updateTable('report_summariser').set((eb) => ({ runs: eb('runs', '+', '1'), last_run_at: new Date() })).where('id', '=', 1).execute();
  return true;
}

/** The people of these ids the reports count (not merged into another), with their dates. */
export function reportPeople(db: Db, ids: readonly string[]): Promise<ReportPersonRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('people').select(['id', 'date_of_birth', 'date_of_death']).where('id', 'in', [...ids]).where('merged_into', 'is', null).orderBy('id').execute();
}

export async function contributionsOf(db: Db, snapshotId: string, personIds: readonly string[]): Promise<Map<string, unknown>> {
  const found = new Map<string, unknown>();
  for (let i = 0; i < personIds.length; i += 5000) {
    const rows = await db.selectFrom('report_person_contributions').select(['person_id', 'contribution']).where('snapshot_id', '=', snapshotId).where('person_id', 'in', personIds.slice(i, i + 5000)).execute();
    for (const r of rows) found.set(r.person_id, parseJson(r.contribution));
  }
  return found;
}

/** Writes these people's contributions (new ones, or in place of the old); null removes it (a merged person). */
export async function putContributions(db: Db, snapshotId: string, contributions: ReadonlyMap<string, unknown | null>, replace: boolean): Promise<void> {
  const entries = [...contributions.entries()];
  if (replace) await deleteContributions(db, snapshotId, entries.map(([id]) => id));
  const rows = entries.filter(([, c]) => c !== null).map(([person_id, c]) => ({ snapshot_id: snapshotId, person_id, contribution: JSON.stringify(c) }));
  for (let i = 0; i < rows.length; i += 1000) await db.insertInto('report_person_contributions').values(rows.slice(i, i + 1000)).execute();
}

async function deleteContributions(db: Db, snapshotId: string, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 5000) await db.deleteFrom('report_person_contributions').where('snapshot_id', '=', snapshotId).where('person_id', 'in', ids.slice(i, i + 5000)).execute();
}

/** Appends the summariser's signed differences. */
export async function insertDeltas(db: Db, snapshotId: string, rows: readonly SummaryRowInsert[], people: ReadonlyMap<string, number>): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('report_summary_deltas')
      .values(rows.slice(i, i + 500).map((r) => ({ snapshot_id: snapshotId, period_from: r.periodFrom, as_of: r.asOf, scope: r.scope, part: r.part, local_authority_code: r.localAuthority, icb_code: r.icb, figures: JSON.stringify(r.figures) })))
      .execute();
  }
  const counts = [...people.entries()].filter(([, n]) => n !== 0);
  if (counts.length > 0) await db.insertInto('report_summary_people_deltas').values(counts.map(([scope, n]) => ({ snapshot_id: snapshotId, scope, people: n }))).execute();
}

/** The differences one reader adds up, as readSummaries reads the sums. */
export function readDeltas(db: Db, q: SummaryRowsQuery) {
  return summaryRowsOf(db, 'report_summary_deltas', q);
}

/** The people-count differences of one reader. */
export async function peopleDelta(db: Db, snapshotId: string, scope: string): Promise<number> {
  const row = await db.selectFrom('report_summary_people_deltas').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('people'), sql<number>`0`).as('n')).where('snapshot_id', '=', snapshotId).where('scope', '=', scope).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** How many difference rows a snapshot has gathered (the summariser folds them into its sums past a bound). */
export async function deltaRows(db: Db, snapshotId: string): Promise<number> {
  const row = await db.selectFrom('report_summary_deltas').select((eb) => eb.fn.countAll<number>().as('n')).where('snapshot_id', '=', snapshotId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Every sum and every difference of a snapshot, as stored rows (the fold reads them all). */
export async function sumsAndDeltas(db: Db, snapshotId: string) {
  const columns = ['period_from', 'as_of', 'scope', 'part', 'local_authority_code', 'icb_code', 'figures'] as const;
  const [sums, deltas] = await Promise.all([
    db.selectFrom('report_summaries').select(columns).where('snapshot_id', '=', snapshotId).execute(),
    db.selectFrom('report_summary_deltas').select(columns).where('snapshot_id', '=', snapshotId).execute(),
  ]);
  return [...sums, ...deltas].map((r) => ({ ...r, figures: parseJson(r.figures) }));
}

/**
 * Folds a snapshot's differences into its sums: the sums become `rows` (the old sums plus every
 * difference) and the differences go, people counts too. In the summariser's transaction: a report
 * sees the sums and differences before the fold or the sums after it, never a mix.
 */
export async function foldDeltas(db: Db, snapshotId: string, rows: readonly SummaryRowInsert[]): Promise<void> {
  await db.deleteFrom('report_summaries').where('snapshot_id', '=', snapshotId).execute();
  await db.deleteFrom('report_summary_deltas').where('snapshot_id', '=', snapshotId).execute();
  await insertSummaries(db, snapshotId, rows, new Map());
  await sql`INSERT INTO report_summary_people (snapshot_id, scope, people)
    SELECT snapshot_id, scope, sum(people)::int FROM report_summary_people_deltas WHERE snapshot_id = ${snapshotId} GROUP BY snapshot_id, scope
    ON CONFLICT (snapshot_id, scope) DO UPDATE SET people = report_summary_people.people + EXCLUDED.people`.execute(db);
  await db.deleteFrom('report_summary_people_deltas').where('snapshot_id', '=', snapshotId).execute();
}
