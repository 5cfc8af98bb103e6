// Care and support plans: the one draft per person and its immutable finalised versions (0004).
import { sql } from 'kysely';
import type { PlanContent } from '../domain/plans.ts';
import type { Db } from './database.ts';
import { KEYWORKER_REASON } from './keyworkers-repository.ts';
import { LETTER_CONTACT_ALIASES, letterContactColumns, letterContactRowsOf, type LetterContactRows } from './letter-contact-repository.ts';
import { objectsOf, type Json, type ReadModelPart } from './read-model-parts.ts';
import type { ServiceRow } from './schema.ts';

/** The services' columns the plan reads (servicesByNeed, countUnconfirmedPlannedServices), in listServices' order. */
export type PlanServiceRow = Pick<ServiceRow, 'id' | 'need_id' | 'description' | 's117' | 'provider' | 'confirmed_on' | 'end_date' | 'weekly_cost_pence'>;

export interface PlanRow {
  id: string;
  person_id: string;
  content: PlanContent;
  version: number;
  finalised_number: number | null;
  updated_at: Date;
}

export interface PlanVersionRow {
  id: string;
  person_id: string;
  number: number;
  content: PlanContent;
  finalised_by: string;
  finalised_by_name: string | null;
  finalised_at: Date;
}

/** The plan's columns as findPlan, insertPlan and updatePlan answer them. */
const PLAN_COLUMNS = ['id', 'person_id', 'content', 'version', 'finalised_number', 'updated_at'] as const;

export async function findPlan(db: Db, personId: string): Promise<PlanRow | undefined> {
  const row = await db.selectFrom('plans').select(PLAN_COLUMNS).where('person_id', '=', personId).executeTakeFirst();
  return row ? planRowOf(row) : undefined;
}

/** The person `p`'s draft (findPlan's columns) as one JSON column of their read model, null when there is none. */
export const PLAN_COLUMN = sql<Json | null>`(SELECT json_build_object('id', pl.id, 'person_id', pl.person_id, 'content', pl.content, 'version', pl.version, 'finalised_number', pl.finalised_number, 'updated_at', pl.updated_at)
     FROM plans pl WHERE pl.person_id = p.id)`;

/** A draft read as JSON (PLAN_COLUMN) as findPlan's PlanRow; undefined when there is none. */
export const draftOfJson = (json: unknown): PlanRow | undefined => (json ? planRowOf(json as Parameters<typeof planRowOf>[0]) : undefined);

/** findPlan's columns as a PlanRow (from the driver, or from the person read model's JSON). */
export function planRowOf(row: Omit<PlanRow, 'content' | 'updated_at'> & { content: unknown; updated_at: Date | string }): PlanRow {
  return { ...row, content: parseContent(row.content), updated_at: new Date(row.updated_at) };
}

/** Creates the draft unless one exists (two first reads at once create one draft); answers the draft as stored. */
export async function insertPlan(db: Db, row: { id: string; personId: string; content: PlanContent; userId: string | null }): Promise<PlanRow> {
  const inserted = await db
    .insertInto('plans')
    .values({ id: row.id, person_id: row.personId, content: JSON.stringify(row.content), updated_by: row.userId })
    .onConflict((oc) => oc.column('person_id').doNothing())
    .returning(PLAN_COLUMNS)
    .executeTakeFirst();
  return inserted ? planRowOf(inserted) : (await findPlan(db, row.personId))!;
}

/** Replaces the draft when the version still matches and answers it as stored; undefined when the version was stale. */
export async function updatePlan(db: Db, personId: string, expectedVersion: number, changes: { content: PlanContent; finalisedNumber: number | null; userId: string }): Promise<PlanRow | undefined> {
  const updated = await db
    .updateTable('plans')
    .set({ content: JSON.stringify(changes.content), finalised_number: changes.finalisedNumber, updated_by: changes.userId, version: sql`version + 1`, updated_at: new Date() })
    .where('person_id', '=', personId)
    .where('version', '=', expectedVersion)
    .returning(PLAN_COLUMNS)
    .executeTakeFirst();
  return updated ? planRowOf(updated) : undefined;
}

export async function insertPlanVersion(db: Db, row: { id: string; personId: string; number: number; content: PlanContent; finalisedBy: string; finalisedAt: Date }): Promise<void> {
  await db
    .insertInto('plan_versions')
    .values({ id: row.id, person_id: row.personId, number: row.number, content: JSON.stringify(row.content), finalised_by: row.finalisedBy, finalised_at: row.finalisedAt })
    .execute();
}

function versionQuery(db: Db, personId: string) {
  return db
    .selectFrom('plan_versions')
    .leftJoin('users', 'users.id', 'plan_versions.finalised_by')
    .select(['plan_versions.id', 'plan_versions.person_id', 'plan_versions.number', 'plan_versions.content', 'plan_versions.finalised_by', 'users.name as finalised_by_name', 'plan_versions.finalised_at'])
    .where('plan_versions.person_id', '=', personId);
}

function toVersionRow(row: { id: string; person_id: string; number: number; content: unknown; finalised_by: string; finalised_by_name: string | null; finalised_at: Date | string }): PlanVersionRow {
  return { ...row, content: parseContent(row.content), finalised_at: new Date(row.finalised_at) };
}

/** versionQuery's columns of the version `v` (its finaliser `u`) as one JSON object, for the person `p`'s read model. */
const VERSION_JSON = sql`json_build_object('id', v.id, 'person_id', v.person_id, 'number', v.number, 'content', v.content,
      'finalised_by', v.finalised_by, 'finalised_by_name', u.name, 'finalised_at', v.finalised_at)`;
const VERSIONS_OF_P = sql`FROM plan_versions v LEFT JOIN users u ON u.id = v.finalised_by WHERE v.person_id = p.id`;

/** A version of VERSION_JSON as versionQuery gives it (JSON carries the instant as text). */
export function versionRowOf(json: Json): PlanVersionRow {
  return toVersionRow(json as unknown as Parameters<typeof toVersionRow>[0]);
}

/** The person's latest final version (latestPlanVersion's row) as one column, null when there is none. */
export const LATEST_VERSION_COLUMN = sql<Json | null>`(SELECT ${VERSION_JSON} ${VERSIONS_OF_P} ORDER BY v.number DESC LIMIT 1)`;

/** Every final version in the person's read-model statement (issue 14 item 3), each as versionQuery reads it: newest first. */
export const VERSIONS_PART: ReadModelPart<PlanVersionRow[]> = {
  columns: sql`(SELECT coalesce(json_agg(${VERSION_JSON} ORDER BY v.number DESC), '[]'::json) ${VERSIONS_OF_P}) AS pv_versions`,
  aliases: ['pv_versions'],
  decode: (columns) => (columns.pv_versions as Json[]).map(versionRowOf),
};

/**
 * The final version with this number in the person's read-model statement, as findPlanVersion gives
 * it; `number` null (not a version number) finds none. The number is a parameter: the text is fixed.
 */
export function versionPart(number: number | null): ReadModelPart<PlanVersionRow | undefined> {
  return {
    columns: sql`(SELECT ${VERSION_JSON} ${VERSIONS_OF_P} AND v.number = ${number}) AS pv_version`,
    aliases: ['pv_version'],
    decode: (columns) => (columns.pv_version ? versionRowOf(columns.pv_version as Json) : undefined),
  };
}

/** The person's services as the plan and its copy read them (PlanServiceRow, servicesByNeedOf), in listServices' order. */
export const PLAN_SERVICES_JSON = objectsOf(
  { id: 's.id', need_id: 's.need_id', description: 's.description', s117: 's.s117', provider: 's.provider', confirmed_on: 's.confirmed_on', end_date: 's.end_date', weekly_cost_pence: 's.weekly_cost_pence' },
  's.start_date, s.created_at, s.id',
  'FROM services s WHERE s.person_id = p.id',
);

/** What the person's copy of their plan reads besides the facts and the summary: the latest final version, the services and what its contact is chosen from. */
export interface PlanLetterRows {
  version: PlanVersionRow | undefined;
  services: PlanServiceRow[];
  contact: LetterContactRows;
}

/**
 * PlanLetterRows in the person's read-model statement (issue 14 item 3): with every organisation
 * the letter may name (LTR-1, the responsible bodies), so that it needs no query per organisation.
 * `senderOrganisationCode`: the organisation of whoever asks.
 */
export function planLetterRowsPart(senderOrganisationCode: string | null): ReadModelPart<PlanLetterRows> {
  return {
    columns: sql`${LATEST_VERSION_COLUMN} AS pl_version, ${PLAN_SERVICES_JSON} AS pl_services, ${letterContactColumns(senderOrganisationCode)}`,
    aliases: ['pl_version', 'pl_services', ...LETTER_CONTACT_ALIASES],
    decode: (columns) => ({
      version: columns.pl_version ? versionRowOf(columns.pl_version as Json) : undefined,
      services: columns.pl_services as PlanServiceRow[],
      contact: letterContactRowsOf(columns),
    }),
  };
}

export async function findPlanVersion(db: Db, personId: string, number: number): Promise<PlanVersionRow | undefined> {
  const row = await versionQuery(db, personId).where('plan_versions.number', '=', number).executeTakeFirst();
  return row ? toVersionRow(row) : undefined;
}

export async function latestPlanVersion(db: Db, personId: string): Promise<PlanVersionRow | undefined> {
  const row = await versionQuery(db, personId).orderBy('plan_versions.number', 'desc').limit(1).executeTakeFirst();
  return row ? toVersionRow(row) : undefined;
}

export async function latestPlanVersionNumber(db: Db, personId: string): Promise<number> {
  const row = await db.selectFrom('plan_versions').select(sql<number>`coalesce(max(number), 0)::int`.as('n')).where('person_id', '=', personId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** A need as the features that link to one list it. */
export interface LinkableNeed { id: string; domain: string; description: string; s117: boolean }

function linkableNeedsOf(content: PlanContent | undefined): LinkableNeed[] {
  return (content?.needs ?? []).map((n) => ({ id: n.id, domain: n.domain, description: n.description, s117: n.s117 }));
}

/** The needs of the current draft (id, domain, description, s117), in the person's read-model statement (issue 14 item 3). */
export const PLAN_NEEDS_PART: ReadModelPart<LinkableNeed[]> = {
  columns: sql`${PLAN_COLUMN} AS pn_plan`,
  aliases: ['pn_plan'],
  decode: (columns) => linkableNeedsOf(draftOfJson(columns.pn_plan)?.content),
};

/** PLAN-7: the person's current planned services not yet confirmed as in place (confirmed_on null; migration 0005). */
export async function countUnconfirmedPlannedServices(db: Db, personId: string, today: string): Promise<number> {
  const result = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM services
    WHERE person_id = ${personId} AND confirmed_on IS NULL AND (end_date IS NULL OR end_date >= ${today}::date)`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/** countUnconfirmedPlannedServices from the end dates of the services not yet confirmed, already read: those not ended before today. */
export function unconfirmedPlannedCount(unconfirmedEnds: readonly (string | null)[], today: string): number {
  return unconfirmedEnds.filter((end) => end === null || end >= today).length;
}

export interface PlanningNeededQuery {
  /** null: every person (admin). */
  visibleTo: string | null;
  /** The id of the last person of the previous page (cursors carry no names). */
  afterId?: string;
  limit: number;
}

/**
 * PLAN-1: people whose latest episode is planning (detained) or entitled-pending-discharge and who
 * have no final plan. Planning meetings (another feature) may narrow this further.
 */
export async function listPlanningNeeded(db: Db, query: PlanningNeededQuery) {
  let q = db
    .selectFrom('people')
    .innerJoin('person_summaries', 'person_summaries.person_id', 'people.id')
    .select(['people.id', 'people.version', 'people.nhs_number', 'people.local_id', 'people.given_name', 'people.family_name', 'people.date_of_birth', 'person_summaries.status', 'person_summaries.local_authority_code', 'person_summaries.icb_code'])
    .where('person_summaries.status', 'in', ['planning', 'entitled-pending-discharge'])
    .where((eb) => eb.not(eb.exists(eb.selectFrom('plan_versions').select(sql`1`.as('one')).whereRef('plan_versions.person_id', '=', 'people.id'))));
  if (query.visibleTo !== null) {
    const org = query.visibleTo;
    q = q.where((eb) => eb.exists(eb.selectFrom('person_organisations').select(sql`1`.as('one')).whereRef('person_organisations.person_id', '=', 'people.id').where('person_organisations.organisation_code', '=', org)));
  }
  if (query.afterId) {
    const after = query.afterId;
    q = q.where(sql<boolean>`(people.family_name, people.given_name, people.id) > (SELECT p.family_name, p.given_name, p.id FROM people p WHERE p.id = ${after})`);
  }
  return q.orderBy('people.family_name').orderBy('people.given_name').orderBy('people.id').limit(query.limit).execute();
}

export function parseContent(value: unknown): PlanContent {
  return (typeof value === 'string' ? JSON.parse(value) : value) as PlanContent;
}

/** The current keyworker allocation's user and their contact details (currentKeyworker's row). */
export interface CurrentKeyworkerRow { name: string; user_email: string; phone: string | null; email: string | null }

/**
 * The person's current keyworker (PLAN-3) and how to contact them, for a new draft plan: the phone
 * and email given at allocation, else their user email.
 */
export async function currentKeyworker(db: Db, personId: string): Promise<{ name: string; contact: string } | undefined> {
  const row = await db
    .selectFrom('person_allocations')
    .innerJoin('users', 'users.id', 'person_allocations.user_id')
    .leftJoin('keyworker_details', 'keyworker_details.allocation_id', 'person_allocations.id')
    .select(['users.name', 'users.email as user_email', 'keyworker_details.phone', 'keyworker_details.email'])
    .where('person_allocations.person_id', '=', personId)
    .where('person_allocations.reason', '=', KEYWORKER_REASON)
    .where('person_allocations.ended_at', 'is', null)
    .orderBy('person_allocations.allocated_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return keyworkerContactOf(row);
}

/** What a plan says of the keyworker, from currentKeyworker's row (or the person read model's). */
export function keyworkerContactOf(row: CurrentKeyworkerRow | undefined): { name: string; contact: string } | undefined {
  if (!row) return undefined;
  const given = [row.phone, row.email].filter((v): v is string => Boolean(v));
  return { name: row.name, contact: given.length > 0 ? given.join(', ') : row.user_email };
}

/** Organisation names by code, for letters. */
export async function organisationNames(db: Db, codes: readonly string[]): Promise<Record<string, string>> {
  if (codes.length === 0) return {};
  const rows = await db.selectFrom('organisations').select(['code', 'name']).where('code', 'in', [...codes]).execute();
  return Object.fromEntries(rows.map((r) => [r.code, r.name]));
}

/**
 * The needs of the person's current plan: the draft's and the latest final version's (a need stays
 * linkable while either holds it), draft first, so that a service recorded against a need of the final
 * version stays linked while the next draft is worked on.
 */
export async function listCurrentPlanNeeds(db: Db, personId: string): Promise<LinkableNeed[]> {
  const [draft, final] = await Promise.all([findPlan(db, personId), latestPlanVersion(db, personId)]);
  return currentPlanNeedsOf(draft, final);
}

/** listCurrentPlanNeeds from the draft and the latest final version already read: no query. */
export function currentPlanNeedsOf(draft: PlanRow | undefined, final: PlanVersionRow | undefined): LinkableNeed[] {
  const fromDraft = linkableNeedsOf(draft?.content);
  const seen = new Set(fromDraft.map((n) => n.id));
  return [...fromDraft, ...linkableNeedsOf(final?.content).filter((n) => !seen.has(n.id))];
}

/** listCurrentPlanNeeds in the person's read-model statement (issue 14 item 3): the draft and the latest final version. */
export const CURRENT_PLAN_NEEDS_PART: ReadModelPart<LinkableNeed[]> = {
  columns: sql`${PLAN_COLUMN} AS pn_draft, ${LATEST_VERSION_COLUMN} AS pn_final`,
  aliases: ['pn_draft', 'pn_final'],
  decode: (columns) =>
    currentPlanNeedsOf(
      draftOfJson(columns.pn_draft),
      columns.pn_final ? versionRowOf(columns.pn_final as Json) : undefined,
    ),
};
