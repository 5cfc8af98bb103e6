// The projections of many people at once (issue 10: an import derives them for each chunk of rows):
// the same reads and writes as the per-person functions of people-, reviews-, plans-, planning-,
// budgets-, care-services- and subscriptions-repository, one query per kind for the whole set
// instead of one per person. What is read and written is the same; only the round trips differ.
import { sql } from 'kysely';
import type { PersonFacts } from '../domain/aftercare.ts';
import type { Db } from './database.ts';
import type { PersonRow } from './schema.ts';
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

/** people-repository.saveProjections for many people. */
/**
 * people-repository.saveProjections for many people, with the contributors' own person_summaries
 * columns (replan_needed, discharge_warning, planning_needed_since, budget_review_due) when given:
 * every entry of a call gives the same columns.
 */
export async function saveProjectionsOf(db: Db, entries: readonly { personId: string; summary: Summary; organisationCodes: readonly string[]; columns?: Partial<Record<SummaryColumn, string | boolean | null>> }[]): Promise<void> {
  const refreshedAt = new Date();
  for (const part of chunks(entries)) {
    const extra = Object.keys(part[0]?.columns ?? {}) as SummaryColumn[];
    await db
      .insertInto('person_summaries')
      .values(part.map((e) => ({
        person_id: e.personId, status: e.summary.status, local_authority_code: e.summary.localAuthorityCode, icb_code: e.summary.icbCode,
        left_hospital_on: e.summary.leftHospitalOn, next_review_due: e.summary.nextReviewDue, refreshed_at: refreshedAt,
        ...Object.fromEntries(extra.map((c) => [c, e.columns?.[c] ?? null])),
      })))
      .onConflict((oc) => oc.column('person_id').doUpdateSet((eb) => ({
        status: eb.ref('excluded.status'),
        local_authority_code: eb.ref('excluded.local_authority_code'),
        icb_code: eb.ref('excluded.icb_code'),
        left_hospital_on: eb.ref('excluded.left_hospital_on'),
        next_review_due: eb.ref('excluded.next_review_due'),
        refreshed_at: eb.ref('excluded.refreshed_at'),
        ...Object.fromEntries(extra.map((c) => [c, eb.ref(`excluded.${c}`)])),
      })))
      .execute();
    await db.deleteFrom('person_organisations').where('person_id', 'in', part.map((e) => e.personId)).execute();
    const sight = part.flatMap((e) => e.organisationCodes.map((code) => ({ person_id: e.personId, organisation_code: code })));
    for (const rows of chunks(sight)) await db.insertInto('person_organisations').values(rows).execute();
  }
}

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
