// What the FHIR interface reads beyond the other repositories (whose record an id belongs to, the
// people a search finds, organisations by code) and what the detentions feed writes: the sending
// system's identifiers and the in-place corrections of a fed hospital stay and its legal statuses.
import { sql } from 'kysely';
import type { Db } from './database.ts';
import type { OrganisationRow, PersonRow } from './schema.ts';
import type { Viewer } from './people-repository.ts';

/** The person a hospital stay, legal status (an episode's id) or finalised plan version belongs to. */
export async function ownerOf(db: Db, table: 'admissions' | 'legal_statuses' | 'plan_versions', id: string): Promise<string | undefined> {
  const row = await db.selectFrom(table).select('person_id').where('id', '=', id).executeTakeFirst();
  return row?.person_id;
}

export function findOrganisation(db: Db, id: string): Promise<OrganisationRow | undefined> {
  return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function organisationsByCode(db: Db, codes: readonly string[]): Promise<OrganisationRow[]> {
  if (codes.length === 0) return [];
  return db.selectFrom('organisations').selectAll().where('code', 'in', [...codes]).execute();
}

/** When the person's record last changed: the later of their own row and the projections re-derived after every change. */
export async function lastUpdatedOf(db: Db, personId: string): Promise<Date> {
  const row = await db
    .selectFrom('people')
    .leftJoin('person_summaries', 'person_summaries.person_id', 'people.id')
    .select(['people.updated_at', 'person_summaries.refreshed_at'])
    .where('people.id', '=', personId)
    .executeTakeFirstOrThrow();
  const times = [row.updated_at, row.refreshed_at].filter((t): t is Date => t !== null).map((t) => new Date(t).getTime());
  return new Date(Math.max(...times));
}

export interface PeopleSearch {
  viewer: Viewer;
  nhsNumber?: string;
  /** _lastUpdated bounds: [operator, instant]. */
  updated: ['>' | '>=' | '<' | '<=', Date][];
  afterId: string | null;
  limit: number;
}

/** The people a viewer may see, by NHS number and last change, in id order from a cursor. */
export async function searchPeople(db: Db, search: PeopleSearch): Promise<PersonRow[]> {
  let q = db.selectFrom('people').leftJoin('person_summaries', 'person_summaries.person_id', 'people.id').selectAll('people').where('people.merged_into', 'is', null);
  if (!search.viewer.everyone) {
    const code = search.viewer.organisationCode;
    q = q.where((eb) => eb.exists(eb.selectFrom('person_organisations').select(sql`1`.as('one')).whereRef('person_organisations.person_id', '=', 'people.id').where('person_organisations.organisation_code', '=', code)));
  }
  if (search.nhsNumber !== undefined) q = q.where('people.nhs_number', '=', search.nhsNumber);
  for (const [op, at] of search.updated) q = q.where(sql<Date>`greatest(people.updated_at, person_summaries.refreshed_at)`, op, at);
  if (search.afterId) q = q.where('people.id', '>', search.afterId);
  return q.orderBy('people.id').limit(search.limit).execute();
}

/** Which organisation fed each of these hospital stays (their provider). */
export async function feedProviders(db: Db, admissionIds: readonly string[]): Promise<Record<string, OrganisationRow>> {
  if (admissionIds.length === 0) return {};
  const rows = await db
    .selectFrom('fhir_feed_links')
    .innerJoin('organisations', 'organisations.id', 'fhir_feed_links.organisation_id')
    .selectAll('organisations')
    .select('fhir_feed_links.admission_id')
    .where('fhir_feed_links.admission_id', 'in', [...admissionIds])
    .execute();
  return Object.fromEntries(rows.map(({ admission_id, ...org }) => [admission_id!, org]));
}

// --- The detentions feed -------------------------------------------------------------------

export interface FeedLink { person_id: string; admission_id: string | null }

export function findFeedLink(db: Db, organisationId: string, resourceType: 'Patient' | 'Encounter', system: string, value: string): Promise<FeedLink | undefined> {
  return db
    .selectFrom('fhir_feed_links')
    .select(['person_id', 'admission_id'])
    .where('organisation_id', '=', organisationId)
    .where('resource_type', '=', resourceType)
    .where('system', '=', system)
    .where('value', '=', value)
    .executeTakeFirst();
}

export async function insertFeedLink(db: Db, row: { organisationId: string; resourceType: 'Patient' | 'Encounter'; system: string; value: string; personId: string; admissionId: string | null }): Promise<void> {
  await db
    .insertInto('fhir_feed_links')
    .values({ organisation_id: row.organisationId, resource_type: row.resourceType, system: row.system, value: row.value, person_id: row.personId, admission_id: row.admissionId })
    .execute();
}

export async function touchFeedLink(db: Db, organisationId: string, resourceType: 'Patient' | 'Encounter', system: string, value: string, now: Date): Promise<void> {
  await db.updateTable('fhir_feed_links').set({ updated_at: now }).where('organisation_id', '=', organisationId).where('resource_type', '=', resourceType).where('system', '=', system).where('value', '=', value).execute();
}

/** A correction of a fed stay: its hospital and dates, in place. */
export async function correctAdmission(db: Db, id: string, changes: { hospital: string; admittedOn: string; dischargedOn: string | null }): Promise<void> {
  await db.updateTable('admissions').set({ hospital: changes.hospital, admitted_on: changes.admittedOn, discharged_on: changes.dischargedOn, version: sql`version + 1` }).where('id', '=', id).execute();
}

/** A correction of a fed legal status: its section and dates, in place. */
export async function correctLegalStatus(db: Db, id: string, changes: { section: string; startDate: string; endDate: string | null }): Promise<void> {
  await db.updateTable('legal_statuses').set({ section: changes.section, start_date: changes.startDate, end_date: changes.endDate, version: sql`version + 1` }).where('id', '=', id).execute();
}
