// People, their residence and GP histories, the facts the entitlement rules read, and the
// projections the register searches. Hospital stays, legal statuses, leave and responsibility
// decisions are written by legal-history-repository.ts.
import { sql, type Expression, type ExpressionBuilder, type Insertable, type RawBuilder, type SqlBool } from 'kysely';
import type { PersonFacts } from '../domain/aftercare.ts';
import type { SectionCode } from '../domain/sections.ts';
import { engineOf, genericPlansBeside, PREPARED, PREPARED_FEW, PREPARED_PAGE, type Db } from './database.ts';
import type { endingFacts } from './ending-repository.ts';
import type { LegalHistoryRows } from './legal-history-repository.ts';
import { loadFactRows, type Viewer } from './person-read-model.ts';
import { appendNoOneShownEvent, SHOWN_ORDER, withPeopleShownEvent, type PeopleShownEvent } from './audit-repository.ts';
import type { Database, NewPerson, PeopleTable, PersonRow, PlacementsTable } from './schema.ts';

export async function insertPerson(db: Db, person: NewPerson): Promise<void> {
  await db.insertInto('people').values(person).execute();
}

export function findPerson(db: Db, id: string): Promise<PersonRow | undefined> {
  return db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Who is reading (defined beside the read model, which this module reads the facts with: no import cycle). */
export type { Viewer };

/**
 * The person when the viewer may see them, else undefined: the access scope is applied in the query
 * itself (person_organisations, the projection of who has sight), so no caller can forget it.
 * With lock, the row is held FOR UPDATE until the transaction ends, so changes to one person queue.
 */
export function findVisiblePerson(db: Db, id: string, viewer: Viewer, options: { lock?: boolean } = {}): Promise<PersonRow | undefined> {
  // A record merged into another (0115) is kept for the audit trail only: nobody finds it. Its text
  // is one of four (visibility, lock): prepared on each connection, as every change starts with it.
  let query = db.selectFrom('people').modifyFront(PREPARED).selectAll('people').where('people.id', '=', id).where('people.merged_into', 'is', null);
  if (!viewer.everyone) {
    const code = viewer.organisationCode;
    query = query.where((eb) => eb.exists(eb.selectFrom('person_organisations').select(sql`1`.as('one')).whereRef('person_organisations.person_id', '=', 'people.id').where('person_organisations.organisation_code', '=', code)));
  }
  return (options.lock ? query.forUpdate() : query).executeTakeFirst();
}

/** Every record with this NHS number: the person registered with it and any later registrations of it awaiting reconciliation (0110). */
export function findAllByNhsNumber(db: Db, nhsNumber: string): Promise<PersonRow[]> {
  return db.selectFrom('people').selectAll().where('nhs_number', '=', nhsNumber).where('merged_into', 'is', null).orderBy('created_at').execute();
}

/** The person registered with this NHS number (not a later registration of it awaiting reconciliation, 0110). */
export function findPersonByNhsNumber(db: Db, nhsNumber: string): Promise<PersonRow | undefined> {
  return db.selectFrom('people').selectAll().where('nhs_number', '=', nhsNumber).where('duplicate_of', 'is', null).executeTakeFirst();
}

/** Updates only when the version still matches; returns false when it was stale. */
export async function updatePerson(db: Db, id: string, expectedVersion: number, changes: Partial<NewPerson>): Promise<boolean> {
  const result = await db
    .updateTable('people')
    .set({ ...changes, version: sql`version + 1`, updated_at: new Date() })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertResidence(db: Db, row: { id: string; personId: string; localAuthority: string; since: string }): Promise<void> {
  await db.insertInto('residences').values({ id: row.id, person_id: row.personId, local_authority_code: row.localAuthority, since: row.since }).execute();
}

export async function insertGpRegistration(db: Db, row: { id: string; personId: string; practiceCode: string | null; icb: string; since: string }): Promise<void> {
  await db.insertInto('gp_registrations').values({ id: row.id, person_id: row.personId, practice_code: row.practiceCode, icb_code: row.icb, since: row.since }).execute();
}

export function listResidences(db: Db, personId: string) {
  return db.selectFrom('residences').selectAll().where('person_id', '=', personId).orderBy('since').orderBy('recorded_at').execute();
}

export function listGpRegistrations(db: Db, personId: string) {
  return db.selectFrom('gp_registrations').selectAll().where('person_id', '=', personId).orderBy('since').orderBy('recorded_at').execute();
}

/** The person's projections (status, review date...), undefined until first derived. */
export function findPersonSummary(db: Db, personId: string) {
  return db.selectFrom('person_summaries').selectAll().where('person_id', '=', personId).executeTakeFirst();
}

/** Everything the entitlement rules need about one person, in one statement (issue 14; person-read-model.ts). */
export async function loadFacts(db: Db, person: PersonRow): Promise<PersonFacts> {
  return factsFromRows(person, await loadFactRows(db, person.id));
}

// One mapper per kind of fact, from a database row to the fact the rules read: loadFacts (and the
// person read model through factsFromRows), the batched import (projections-repository.loadFactsOf)
// and the reports (reports-repository.loadReportFacts) all map their rows with these, so the three
// paths cannot drift apart (test/integration/projections-many.test.ts, person-read-model.test.ts).

type Facts = PersonFacts;

export function residenceFact(r: { local_authority_code: string; since: string }): Facts['residences'][number] {
  return { localAuthority: r.local_authority_code, since: r.since };
}

export function gpRegistrationFact(g: { practice_code: string | null; icb_code: string; since: string }): Facts['gpRegistrations'][number] {
  return { practiceCode: g.practice_code, icb: g.icb_code, since: g.since };
}

/** A hospital stay; `provider` only when the row was read with its provider (the reports do not read it). */
export function admissionFact(a: { id: string; hospital: string; admitted_on: string; discharged_on: string | null; provider_code?: string | null }): Facts['admissions'][number] {
  return { id: a.id, hospital: a.hospital, admittedOn: a.admitted_on, dischargedOn: a.discharged_on, ...(a.provider_code !== undefined && { provider: a.provider_code }) };
}

export function legalStatusFact(s: { id: string; section: string; start_date: string; end_date: string | null; admission_id: string | null }): Facts['legalStatuses'][number] {
  return { id: s.id, section: s.section as SectionCode, startDate: s.start_date, endDate: s.end_date, admissionId: s.admission_id };
}

export function leaveFact(l: { id: string; from_date: string; to_date: string | null; kind: Facts['leaves'][number]['kind']; triggers_aftercare: boolean; reason: string }): Facts['leaves'][number] {
  return { id: l.id, from: l.from_date, to: l.to_date, kind: l.kind, triggersAftercare: l.triggers_aftercare, reason: l.reason };
}

/** RESP-2 to RESP-6: a responsibility decision, its parts, and who decided when the row was read with them. */
export function responsibilityDecisionFact(d: {
  episode_id: string; local_authority_code: string; local_authority_basis: string; icb_code: string; icb_basis: string; decided_at: Date | string;
  confirms_local_authority: boolean; confirms_icb: boolean; decided_by_name?: string | null; decided_by_organisation?: string | null;
}): Facts['responsibilityDecisions'][number] {
  return {
    episodeId: d.episode_id,
    localAuthority: { code: d.local_authority_code, basis: d.local_authority_basis },
    icb: { code: d.icb_code, basis: d.icb_basis },
    decidedAt: new Date(d.decided_at).toISOString(),
    parts: { localAuthority: d.confirms_local_authority, icb: d.confirms_icb },
    ...(d.decided_by_name && { decidedBy: { name: d.decided_by_name, organisation: d.decided_by_organisation ?? '' } }),
  };
}

/** END-1: an approved joint ending; null when it has no date yet (not an ending). */
export function jointEndingFact(e: { episode_id: string; ended_on: string | null }): Facts['jointEndings'][number] | null {
  return e.ended_on === null ? null : { episodeId: e.episode_id, endedOn: e.ended_on };
}

/** END-6: an approved reinstatement; null when it has no date yet. */
export function reinstatementFact(r: { episode_id: string; reinstated_on: string | null }): NonNullable<Facts['reinstatements']>[number] | null {
  return r.reinstated_on === null ? null : { episodeId: r.episode_id, reinstatedOn: r.reinstated_on };
}

/** MHA25-3: accommodation a council arranged. */
export function placementFact(p: { local_authority_code: string; kind: PlacementsTable['kind']; arranged_by_code: string; from_date: string; to_date: string | null }): NonNullable<Facts['placements']>[number] {
  return { localAuthority: p.local_authority_code, kind: p.kind, arrangedBy: p.arranged_by_code, from: p.from_date, to: p.to_date };
}

/** The facts from the rows loadFacts reads (or the person read model reads in one statement). */
export function factsFromRows(
  person: PersonRow,
  rows: {
    residences: readonly Parameters<typeof residenceFact>[0][];
    gps: readonly Parameters<typeof gpRegistrationFact>[0][];
    history: LegalHistoryRows;
    decisions: readonly Parameters<typeof responsibilityDecisionFact>[0][];
    endings: Awaited<ReturnType<typeof endingFacts>>;
    placements: readonly Parameters<typeof placementFact>[0][];
  },
): PersonFacts {
  const { residences, gps, history, decisions, endings, placements } = rows;
  return {
    dateOfBirth: person.date_of_birth,
    dateOfDeath: person.date_of_death,
    residences: residences.map(residenceFact),
    gpRegistrations: gps.map(gpRegistrationFact),
    admissions: history.admissions.map(admissionFact),
    legalStatuses: history.legalStatuses.map(legalStatusFact),
    leaves: history.leaves.map(leaveFact),
    responsibilityDecisions: decisions.map(responsibilityDecisionFact),
    jointEndings: endings.jointEndings,
    reinstatements: endings.reinstatements,
    placements: placements.map(placementFact),
  };
}

/** MHA25-3: the accommodation councils arranged for the person, oldest first. */
export function listPlacements(db: Db, personId: string) {
  return db.selectFrom('placements').selectAll().where('person_id', '=', personId).orderBy('from_date').orderBy('id').execute();
}

export async function insertPlacement(db: Db, row: Insertable<PlacementsTable>): Promise<void> {
  await db.insertInto('placements').values(row).execute();
}

export function findPlacement(db: Db, id: string) {
  return db.selectFrom('placements').selectAll().where('id', '=', id).executeTakeFirst();
}

/** MHA25-3: the day the person left the placement; only a placement still open, at the version read (false otherwise). */
export async function endPlacement(db: Db, id: string, expectedVersion: number, to: string): Promise<boolean> {
  const result = await db
    .updateTable('placements')
    .set({ to_date: to, version: sql`version + 1` })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .where('to_date', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertAllocation(db: Db, row: { id: string; personId: string; userId: string; organisationId: string; reason: string }): Promise<void> {
  await db.insertInto('person_allocations').values({ id: row.id, person_id: row.personId, user_id: row.userId, organisation_id: row.organisationId, reason: row.reason }).execute();
}
export interface Summary {
  status: string;
  localAuthorityCode: string | null;
  icbCode: string | null;
  leftHospitalOn: string | null;
  nextReviewDue: string | null;
}
export async function organisationsWithSightOf(db: Db, personId: string): Promise<string[]> {
  const rows = await db.selectFrom('person_organisations').select('organisation_code').where('person_id', '=', personId).execute();
  return rows.map((r) => r.organisation_code);
}

export interface RegisterQuery {
  /** Words that each start a given or family name, or an NHS number, or a local id. */
  text?: { words: string[]; nhsNumber: string | null; raw: string };
  status?: string;
  localAuthority?: string;
  icb?: string;
  reviewOverdueOn?: string;
  /** PLAN-3: only people whose current keyworker is this user. */
  keyworkerUserId?: string;
  /** null: every person (admin). */
  visibleTo: string | null;
  /** The id of the last person of the previous page. */
  afterId?: string;
  limit: number;
}

export interface RegisterRow extends PersonRow {
  status: string | null;
  local_authority_code: string | null;
  icb_code: string | null;
  next_review_due: string | null;
  /** PLAN-7 (migration 0004). */
  discharge_warning: string | null;
  /** DP-1(d), DP-2 (migration 0005). */
  budget_review_due?: string | null;
}

/**
 * A page of the API's register search. Given `shown`, the page's statement also appends the audit
 * event of showing it (withPeopleShownEvent): one round trip instead of two.
 */
export async function searchRegister(db: Db, query: RegisterQuery, reading: NameReading = MERGED_NAME_READING, shown?: PeopleShownEvent): Promise<RegisterRow[]> {
  // One word: each matching name's people are read already in name order (migration 0135), about
  // `limit` of them per distinct matching name, instead of every match (namePrefixPage).
  if (isOneWord(query.text)) {
    const after = query.afterId ? await sortKeyOf(db, query.afterId) : null;
    // The cursor names nobody (never registered): as before, nothing follows it.
    if (query.afterId && !after) {
      if (shown) await appendNoOneShownEvent(db, shown);
      return [];
    }
    return namePrefixPage(db, query, query.text, { after, descending: false, offset: 0, limit: query.limit }, reading, shown);
  }
  // The page's people are found first, by their sort key alone, and only those few are read whole
  // (a prefix that matches 12,000 people no longer reads 12,000 summaries). With a filter on the
  // projections the sort key is the summary's copy of it (migration 0134), so that the index on
  // (filter, sort key) gives the matches in order: the same names and id, the same order.
  const bySummary = Boolean(query.status || query.localAuthority || query.icb);
  const key = bySummary
    ? { family: sql.ref('person_summaries.sort_family_name'), given: sql.ref('person_summaries.sort_given_name'), id: sql.ref('person_summaries.person_id') }
    : { family: sql.ref('people.family_name'), given: sql.ref('people.given_name'), id: sql.ref('people.id') };
  let page = registerRows(db, query).clearSelect().select([key.id.as('page_id'), key.family.as('page_family'), key.given.as('page_given')]);
  if (query.afterId) {
    // The cursor names only the last person's id (no names in URLs); their sort key is looked up here.
    const after = query.afterId;
    page = page.where(sql<boolean>`(${key.family}, ${key.given}, ${key.id}) > (SELECT p.family_name, p.given_name, p.id FROM people p WHERE p.id = ${after})`);
  }
  // The page's size written in (PREPARED_PAGE), so that the plan PostgreSQL keeps reads the index in order.
  const found = page.orderBy(key.family).orderBy(key.given).orderBy(key.id).limit(sql.lit(query.limit)).as('page');
  const rows = db
    .selectFrom(found)
    .innerJoin('people', 'people.id', 'page.page_id')
    .leftJoin('person_summaries', 'person_summaries.person_id', 'people.id')
    .selectAll('people')
    .select(SUMMARY_COLUMNS);
  // Its text is one of a few (which filters, whose visibility, the page's size, audited or not): prepared on each connection.
  const statement = shown
    ? withPeopleShownEvent(sql`${rows.select(sql<number>`row_number() OVER (ORDER BY page.page_family, page.page_given, page.page_id)`.as(SHOWN_ORDER))}`, shown)
    : sql`${rows.orderBy('page.page_family').orderBy('page.page_given').orderBy('page.page_id')}`;
  // By the projections' filters alone, the index on (filter, sort key) is read in order whatever their
  // values, so the plan kept from the first search is right for every search: the page goes where that
  // plan is kept from the first (PostgreSQL prices a kept plan for the average status, dearer than a
  // fresh plan for a common one, and so planned `status=active` afresh every time; ADR 27, round 19).
  const keptPlanFits = bySummary && !query.text && !query.keyworkerUserId && !query.reviewOverdueOn;
  return (await sql<RegisterRow>`${PREPARED_PAGE}${statement}`.execute(keptPlanFits ? (reading.firstPagesOn ?? db) : db)).rows;
}

/** The summary's columns a register row carries. */
const SUMMARY_COLUMNS = ['person_summaries.status', 'person_summaries.local_authority_code', 'person_summaries.icb_code', 'person_summaries.next_review_due', 'person_summaries.discharge_warning', 'person_summaries.budget_review_due'] as const;

/** The columns the register page sorts by; organisations by name, as the page shows them. */
export const REGISTER_SORTS = ['name', 'dateOfBirth', 'status', 'localAuthority', 'icb', 'nextReview'] as const;
export type RegisterSort = (typeof REGISTER_SORTS)[number];

export type RegisterFilters = Omit<RegisterQuery, 'afterId' | 'limit'>;

/** One numbered page of the register in the chosen order (the page; the API pages by cursor). */
export async function registerPage(db: Db, filters: RegisterFilters, order: { sort: RegisterSort; descending: boolean; offset: number; limit: number }, reading: NameReading = MERGED_NAME_READING): Promise<RegisterRow[]> {
  // In name order a search with words is read as the API's search is (namePrefixPage); the other
  // orders still sort every match.
  if (order.sort === 'name' && isOneWord(filters.text)) {
    return namePrefixPage(db, filters, filters.text, { after: null, descending: order.descending, offset: order.offset, limit: order.limit }, reading);
  }
  const direction = order.descending ? 'desc' : 'asc';
  const nulls = sql.raw(order.descending ? 'desc nulls last' : 'asc nulls last');
  let q = registerRows(db, filters);
  if (order.sort === 'dateOfBirth') q = q.orderBy('people.date_of_birth', direction);
  if (order.sort === 'status') q = q.orderBy('person_summaries.status', direction);
  if (order.sort === 'nextReview') q = q.orderBy(sql`person_summaries.next_review_due ${nulls}`);
  if (order.sort === 'localAuthority' || order.sort === 'icb') {
    const column = order.sort === 'localAuthority' ? sql.ref('person_summaries.local_authority_code') : sql.ref('person_summaries.icb_code');
    q = q.orderBy(sql`(SELECT o.name FROM organisations o WHERE o.code = ${column}) ${nulls}`).orderBy(sql`${column} ${nulls}`);
  }
  const nameDirection = order.sort === 'name' ? direction : 'asc';
  return q.orderBy('people.family_name', nameDirection).orderBy('people.given_name', nameDirection).orderBy('people.id', nameDirection).offset(order.offset).limit(order.limit).execute();
}

export async function countRegister(db: Db, filters: RegisterFilters): Promise<number> {
  const row = await registerRows(db, filters).clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return row.n;
}

/**
 * How many people the register query matches, counting no further than `cap`: exact when at most
 * `cap` (exact: true), else "more than cap". Counting all 731,659 people a practitioner sees took 1.7
 * to 3.2 s at 1,000,000 people on every view of the register page; stopping at the cap bounds it.
 */
export async function countRegisterUpTo(db: Db, filters: RegisterFilters, cap: number): Promise<{ count: number; exact: boolean }> {
  const matches = registerRows(db, filters).clearSelect().select(sql`1`.as('one')).limit(cap + 1).as('matches');
  const row = await db.selectFrom(matches).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return row.n > cap ? { count: cap, exact: false } : { count: row.n, exact: true };
}

/** The people a register query matches, visibility applied, before any order or paging. */
function registerRows(db: Db, query: RegisterFilters) {
  let q = peopleMatching(db, query.text)
    .leftJoin('person_summaries', 'person_summaries.person_id', 'people.id')
    .selectAll('people')
    .select(SUMMARY_COLUMNS)
    .where('people.merged_into', 'is', null);
  if (query.visibleTo !== null) {
    const org = query.visibleTo;
    q = q.where((eb) => eb.exists(eb.selectFrom('person_organisations').select(sql`1`.as('one')).whereRef('person_organisations.person_id', '=', 'people.id').where('person_organisations.organisation_code', '=', org)));
  }
  if (query.status) q = q.where('person_summaries.status', '=', query.status);
  if (query.localAuthority) q = q.where('person_summaries.local_authority_code', '=', query.localAuthority);
  if (query.icb) q = q.where('person_summaries.icb_code', '=', query.icb);
  if (query.keyworkerUserId) {
    const userId = query.keyworkerUserId;
    q = q.where((eb) => eb.exists(eb.selectFrom('person_allocations as kw').select(sql`1`.as('one')).whereRef('kw.person_id', '=', 'people.id').where('kw.reason', '=', 'keyworker').where('kw.ended_at', 'is', null).where('kw.user_id', '=', userId)));
  }
  if (query.reviewOverdueOn) {
    // REV-1 while aftercare is running, or a budget's review (DP-1(d), DP-2; person_summaries.budget_review_due, 0005).
    const on = query.reviewOverdueOn;
    // next_review_due is only set where a review is due at all (REV-1, episodeReviewDue).
    q = q.where((eb) => eb.or([eb('person_summaries.next_review_due', '<', on), eb('person_summaries.budget_review_due', '<', on)]));
  }
  return q;
}

type SearchText = NonNullable<RegisterFilters['text']>;

/**
 * One word (a name or its start): read by name (namePrefixPage). Several words stay with the plain
 * query, whose index conditions intersect the words' matches: driven by one word and filtered by the
 * others, "oli smi" read most of the 20,000 Olivers (in family-name order, the Smiths come late) to
 * find 51 Oliver Smiths, 1.2 s at 1,000,000 people against 13 ms.
 */
function isOneWord(text: RegisterFilters['text']): text is SearchText {
  return text !== undefined && text.words.length === 1;
}

/** A person's sort key (any registration, merged or not, as the cursor's subquery always read it). */
async function sortKeyOf(db: Db, id: string): Promise<SortKey | null> {
  const row = await db.selectFrom('people').select(['family_name', 'given_name', 'id']).where('id', '=', id).executeTakeFirst();
  return row ? { family: row.family_name, given: row.given_name, id: row.id } : null;
}

type SortKey = { family: string; given: string; id: string };

/**
 * One page, in name order, of a search for one word: people whose given or family name starts with
 * it, or whose local id or NHS number it is. The distinct matching names (lower case) are enumerated
 * by a skip scan of the (lower(name), family_name, given_name, id) indexes (migration 0135), a
 * recursive CTE that jumps from one name to the next. Each name's people are then read already in
 * name order from the same index, visible and filtered, in a branch of their own; the branches are
 * disjoint (a person is in the branch of their family name if it matches, else of their given name,
 * else in the branch of the local-id and NHS-number matches), so their union is every match once
 * (ADR 27).
 * - Up to reading.mergedBranchesAtMost branches (names padded), merged: PostgreSQL's Merge Append
 *   pulls from each branch in order and stops at the page, so about a page of people plus one per
 *   name are read. A first page is prepared on each connection (up to a few shapes), so its
 *   branches are planned once.
 * - More names, or PGlite (NAME_BY_NAME_READING): one LATERAL read of up to offset + limit people
 *   for each name, then all sorted and cut to the page (one plan, however many names).
 * A common prefix (Whi: 17 names at 1,000,000 generated people, 867 people read name by name) so
 * reads about 70 people, not every match. The rows are exactly those of the plain query
 * (registerRows ordered by name): register-search-same-rows.test.ts.
 * Slower where a filter or the visibility keeps few of a name's people: a branch then reads until it
 * has what it needs, at worst every match of its name, as the plain query does.
 */
async function namePrefixPage(db: Db, filters: RegisterFilters, text: SearchText, page: { after: SortKey | null; descending: boolean; offset: number; limit: number }, reading: NameReading, shown?: PeopleShownEvent): Promise<RegisterRow[]> {
  const prefix = text.words[0]!.toLowerCase();
  // The names first, in a statement of their own: with them as constants PostgreSQL knows how many
  // reads follow. Enumerated inside the same statement, a recursive CTE is estimated at 101 names
  // whatever it finds, which priced a search for "Smi" past jit_above_cost, and compiling the plan
  // (0.1 to 1.3 s at 1,000,000 people) cost a hundred times more than running it.
  const names = await matchingNames(db, prefix);
  const familyNames = names.rows.flatMap((r) => (r.family === null ? [] : [r.family]));
  const givenNames = names.rows.flatMap((r) => (r.given === null ? [] : [r.given]));
  const perName = page.offset + page.limit;
  const direction = sql.raw(page.descending ? 'desc' : 'asc');
  const family = padded(familyNames);
  const given = padded(givenNames);
  const merged = family.length + given.length <= reading.mergedBranchesAtMost;
  // A first page (the API's, the register page's first) merged is prepared, with its limits written in:
  // with LIMIT $n PostgreSQL prices the plan it keeps for 10 % of the matches, never prefers it to a
  // fresh plan, and so planned every branch on every search (5 ms for 25 branches at 1,000,000 people).
  // Each shape (names, filters, limit) is a text of its own: a connection keeps a few (PREPARED_FEW).
  const prepared = merged && page.offset === 0;
  const count = (n: number) => (prepared ? sql.lit(n) : sql.val(n));
  // Visibility, projection filters and the cursor: the same for every branch. Merged, a branch reads
  // about a page plus one person, each from the table already (its index holds no merged_into), so the
  // page carries their rows whole: joined back by id they were read twice, a quarter of the buffers a
  // page touched (docs/performance.md, round 17). Name by name, up to offset + limit people a name are
  // read and sorted: narrow rows, and the page's joined back.
  const candidates = (extra: Expression<SqlBool>) => {
    const visible = registerRows(db, { ...filters, text: undefined }).clearSelect();
    let q = (merged ? visible.selectAll('people') : visible.select(['people.id', 'people.family_name', 'people.given_name'])).where(extra);
    if (page.after) {
      const { family, given, id } = page.after;
      // Values, not a subquery, so that the index on (lower(name), family_name, given_name, id) starts at the cursor.
      q = q.where(sql<boolean>`(people.family_name, people.given_name, people.id) > (${family}, ${given}, ${id}::uuid)`);
    }
    return q.orderBy('people.family_name', page.descending ? 'desc' : 'asc').orderBy('people.given_name', page.descending ? 'desc' : 'asc').orderBy('people.id', page.descending ? 'desc' : 'asc').limit(count(perName));
  };
  // The three kinds of branch, disjoint.
  const pattern = `${escapeLike(prefix)}%`;
  const familyMatches = sql<SqlBool>`lower(people.family_name) LIKE ${pattern}`;
  const givenMatches = sql<SqlBool>`lower(people.given_name) LIKE ${pattern}`;
  const ofFamilyName = (name: RawBuilder<unknown>) => candidates(sql<SqlBool>`lower(people.family_name) = ${name}`);
  const ofGivenName = (name: RawBuilder<unknown>) => candidates(sql<SqlBool>`lower(people.given_name) = ${name} AND NOT ${familyMatches}`);
  const byNhsNumber = text.nhsNumber ? sql` OR people.nhs_number = ${text.nhsNumber}` : sql``;
  const identifiers = candidates(sql<SqlBool>`(people.local_id = ${text.raw}${byNhsNumber}) AND NOT (${familyMatches} OR ${givenMatches})`);

  const found = merged
    ? sql.join([...family.map((n) => ofFamilyName(sql.val(n))), ...given.map((n) => ofGivenName(sql.val(n))), identifiers], sql` UNION ALL `)
    : sql`SELECT m.* FROM unnest(${familyNames}::text[]) AS n(name) CROSS JOIN LATERAL ${ofFamilyName(sql`n.name`)} m
      UNION ALL
      SELECT m.* FROM unnest(${givenNames}::text[]) AS n(name) CROSS JOIN LATERAL ${ofGivenName(sql`n.name`)} m
      UNION ALL
      SELECT * FROM ${identifiers} i`;
  const pageOrder = sql`page.family_name ${direction}, page.given_name ${direction}, page.id ${direction}`;
  const select = (extraColumns: RawBuilder<unknown>, orderBy: RawBuilder<unknown>) => sql<RegisterRow>`
    SELECT ${merged ? sql`page.*` : sql`people.*`}, ${sql.join(SUMMARY_COLUMNS.map((column) => sql.ref(column)))}${extraColumns}
    FROM (
      SELECT * FROM (${found}) found
      ORDER BY family_name ${direction}, given_name ${direction}, id ${direction} OFFSET ${count(page.offset)} LIMIT ${count(page.limit)}
    ) page
    ${merged ? sql`` : sql`JOIN people ON people.id = page.id `}LEFT JOIN person_summaries ON person_summaries.person_id = page.id${orderBy}`;
  const statement = shown
    ? withPeopleShownEvent(select(sql`, row_number() OVER (ORDER BY ${pageOrder}) AS ${sql.raw(SHOWN_ORDER)}`, sql``), shown)
    : select(sql``, sql` ORDER BY ${pageOrder}`);
  const rows = await sql<RegisterRow>`${prepared ? PREPARED_FEW : sql``}${statement}`.execute(prepared ? (reading.firstPagesOn ?? db) : db);
  return rows.rows;
}

/**
 * How a one-word search reads its names' people (namePrefixPage): up to how many branches are merged,
 * and where a merged first page, or a page by the projections' filters alone, is sent (null: with the
 * search's other statements). Only for searches in autocommit: the page is read on a connection of its own.
 */
export interface NameReading { mergedBranchesAtMost: number; firstPagesOn?: Db | null }

/**
 * PostgreSQL: merged; a first page's statement prepared once per connection (up to 16 shapes:
 * PREPARED_FEW). nameReadingFor sends it to connections that keep its generic plan from the first
 * search (genericPlansBeside).
 */
export const MERGED_NAME_READING: NameReading = { mergedBranchesAtMost: 40 };

/**
 * PGlite keeps no statement prepared, so every search would plan its branches afresh: at 100,000
 * people that cost more than it saved ("Whi" 14.8 ms merged against 7.3 name by name; performance.md).
 */
export const NAME_BY_NAME_READING: NameReading = { mergedBranchesAtMost: 0 };

/** The reading for a database: merged on PostgreSQL, name by name on PGlite. */
export function nameReadingFor(db: Db): NameReading {
  return engineOf(db) === 'pglite' ? NAME_BY_NAME_READING : { ...MERGED_NAME_READING, firstPagesOn: genericPlansBeside(db) };
}

/**
 * The names, padded with nulls (a branch that matches no one) to 1, 2 or 4, or a multiple of 8, so
 * that the common searches share a few texts, each prepared once per connection, not one per number
 * of names. A kept plan takes about 50 to 70 kB a branch on its connection (performance.md).
 */
function padded(names: string[]): (string | null)[] {
  const n = names.length;
  const size = n <= 4 ? [0, 1, 2, 4, 4][n]! : Math.ceil(n / 8) * 8;
  return [...names, ...new Array<null>(size - n).fill(null)];
}

/**
 * The distinct lower-case family and given names that start with the prefix, each column's in byte
 * order. Its text is fixed and prepared (PREPARED), its bounds parameters: the prefix and the first
 * string after every string that starts with it (prefixUpperBound), which a kept plan turns into the
 * index's bounds (a prefix given as a `LIKE` pattern cannot be: each probe then walked the whole
 * index, 195 ms at 200,000 people). Planned afresh each time it took about 1.1 ms at 1,000,000
 * people; kept, 0.1 to 0.4 ms (docs/performance.md, round 17).
 */
function matchingNames(db: Db, prefix: string) {
  const below = prefixUpperBound(prefix);
  return sql<{ family: string | null; given: string | null }>`${PREPARED}
    WITH RECURSIVE family_names(name) AS (${distinctNames('family_name', 'family_names', prefix, below)}),
    given_names(name) AS (${distinctNames('given_name', 'given_names', prefix, below)})
    SELECT name AS family, NULL AS given FROM family_names WHERE name IS NOT NULL
    UNION ALL
    SELECT NULL, name FROM given_names WHERE name IS NOT NULL`.execute(db);
}

/**
 * The least string greater than every string that starts with the prefix, in the byte order of
 * UTF-8 (code point order): the prefix's last code point moved on by one, after dropping any trailing
 * U+10FFFF (the last code point there is) and skipping the surrogates (no text holds them). So
 * `[prefix, bound)` holds exactly the strings that start with the prefix. Null where there is none (a
 * prefix made only of U+10FFFF): every string from the prefix on starts with it. A lone surrogate
 * counts as U+FFFD, as the driver encodes it in the prefix sent.
 */
export function prefixUpperBound(prefix: string): string | null {
  const points = Array.from(prefix.toWellFormed(), (c) => c.codePointAt(0)!);
  while (points.length > 0 && points[points.length - 1] === 0x10ffff) points.pop();
  if (points.length === 0) return null;
  const next = points.pop()! + 1;
  return String.fromCodePoint(...points, next === 0xd800 ? 0xe000 : next);
}

/**
 * A recursive CTE's body: the distinct lower(column) values in [from, below), in byte order, one
 * index probe each (a skip scan, which PostgreSQL 15 does not do by itself). The last row is NULL.
 * The pattern operators (~>=~, ~<~, ~>~) are those of the text_pattern_ops index, byte order in any
 * collation; their bounds are parameters, which a kept plan uses as the index's bounds.
 */
function distinctNames(column: 'family_name' | 'given_name', self: string, from: string, below: string | null) {
  const name = sql`lower(p.${sql.ref(column)})`;
  const beforeBound = below === null ? sql`` : sql` AND ${name} ~<~ ${below}`;
  return sql`
    (SELECT ${name} FROM people p WHERE ${name} ~>=~ ${from}${beforeBound} ORDER BY ${name} USING ~<~ LIMIT 1)
    UNION ALL
    SELECT (SELECT ${name} FROM people p WHERE ${name} ~>~ n.name${beforeBound} ORDER BY ${name} USING ~<~ LIMIT 1)
    FROM ${sql.table(self)} n WHERE n.name IS NOT NULL`;
}

/**
 * The people a search text matches, as a table named people (everyone without a text).
 * The text match is fenced off (a derived table with OFFSET 0, which the planner may not merge into
 * the outer query), so PostgreSQL finds the matches through the name and id indexes first, instead
 * of walking the register in name order hoping to meet 51 of them early: for a prefix whose people
 * all sort late (every Wood) that walk read most of the register (bench/prefix-fence.ts). The fenced
 * table carries the whole row, so the matches are not joined back to people (at 1,000,000 people
 * that join read the whole table for a common prefix).
 */
function peopleMatching(db: Db, text: RegisterFilters['text']) {
  const everyone = db.selectFrom('people');
  if (text === undefined) return everyone;
  const matches = db.selectFrom(db.selectFrom('people as matched').selectAll('matched').where((eb) => textMatch(eb, text)).offset(0).as('people'));
  // The same columns under the same name: only the source differs, which the types cannot say.
  return matches as unknown as typeof everyone;
}

/** A search text: a local id, an NHS number, or words that each start a given or family name. */
function textMatch(eb: ExpressionBuilder<Database & { matched: PeopleTable }, 'matched'>, text: NonNullable<RegisterFilters['text']>): Expression<SqlBool> {
  const { words, nhsNumber, raw } = text;
  const alternatives = [eb('matched.local_id', '=', raw)];
  if (nhsNumber) alternatives.push(eb('matched.nhs_number', '=', nhsNumber));
  if (words.length > 0) {
    alternatives.push(
      eb.and(
        words.map((word) => {
          const prefix = `${escapeLike(word.toLowerCase())}%`;
          return eb.or([eb(sql`lower(matched.family_name)`, 'like', prefix), eb(sql`lower(matched.given_name)`, 'like', prefix)]);
        }),
      ),
    );
  }
  return eb.or(alternatives);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Every person's id, in pages, for re-deriving projections after a migration or a rule change. */
export async function personIdsAfter(db: Db, afterId: string | null, limit: number): Promise<string[]> {
  let q = db.selectFrom('people').select('id').where('merged_into', 'is', null).orderBy('id').limit(limit);
  if (afterId) q = q.where('id', '>', afterId);
  return (await q.execute()).map((r) => r.id);
}
