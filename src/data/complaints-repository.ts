// Complaints about a person's aftercare (CMP-1, CMP-2), and the decisions a complaint may link to.
import { sql } from 'kysely';
import type { Db } from './database.ts';
import { rowsOf, withInstants, type Json, type ReadModelPart } from './read-model-parts.ts';
import type { ComplaintRow, ComplaintsTable, PersonRow } from './schema.ts';


export type NewComplaint = Omit<ComplaintsTable, 'version' | 'created_at' | 'updated_at' | 'linked_decision_ids' | 'faults' | 'recorded_by_person'> & { linked_decision_ids: string[]; faults: string[]; recorded_by_person?: string | null };

export async function insertComplaint(db: Db, c: NewComplaint): Promise<void> {
  await db.insertInto('complaints').values({ ...c, linked_decision_ids: JSON.stringify(c.linked_decision_ids), faults: JSON.stringify(c.faults) }).execute();
}

export function findComplaint(db: Db, id: string): Promise<ComplaintRow | undefined> {
  return db.selectFrom('complaints').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A complaint's timestamps, which JSON carries as text. */
const COMPLAINT_INSTANTS = ['created_at', 'updated_at'] as const;
const complaintOf = (row: Json) => withInstants(row, COMPLAINT_INSTANTS) as unknown as ComplaintRow;

/** The person's complaints, latest received first (then by id), in the person's read-model statement (issue 14 item 3). */
export const COMPLAINTS_PART: ReadModelPart<ComplaintRow[]> = {
  columns: sql`${rowsOf('complaints', 't.received_on DESC, t.id')} AS cm_complaints`,
  aliases: ['cm_complaints'],
  decode: (columns) => (columns.cm_complaints as Json[]).map(complaintOf),
};

/**
 * The person's complaint with this id as findComplaint gives it, in the person's read-model statement:
 * undefined when it is another person's, or `complaintId` is null (not a UUID: never asked for).
 */
export function complaintPart(complaintId: string | null): ReadModelPart<ComplaintRow | undefined> {
  return {
    columns: sql`(SELECT row_to_json(t) FROM complaints t WHERE t.id = ${complaintId}::uuid AND t.person_id = p.id) AS cm_complaint`,
    aliases: ['cm_complaint'],
    decode: (columns) => (columns.cm_complaint ? complaintOf(columns.cm_complaint as Json) : undefined),
  };
}

/** Updates only when the version still matches; false when it was stale. */
export async function updateComplaint(db: Db, id: string, expectedVersion: number, changes: Partial<Omit<NewComplaint, 'id' | 'person_id' | 'recorded_by' | 'recorded_by_person'>>): Promise<boolean> {
  const { linked_decision_ids: linked, faults, ...rest } = changes;
  const result = await db.updateTable('complaints').set({
    ...rest,
    ...(linked && { linked_decision_ids: JSON.stringify(linked) }),
    ...(faults && { faults: JSON.stringify(faults) }),
    version: sql`version + 1`,
    updated_at: new Date(),
  }).where('id', '=', id).where('version', '=', expectedVersion).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Of the given ids, those that are decisions recorded for this person (responsibility, ending,
 * reinstatement, reviews, services, refunds), so a complaint can only link to the person's own.
 */
export async function decisionIdsOfPerson(db: Db, personId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const tables = ['responsibility_decisions', 'ending_proposals', 'reinstatements', 'reviews', 'services', 'refunds'] as const;
  const found = await Promise.all(
    tables.map((table) => db.selectFrom(table).select('id').where('person_id', '=', personId).where('id', 'in', [...ids]).execute()),
  );
  return new Set(found.flat().map((row) => row.id));
}

/** Who a list across people is about: an NHS number, or words of the name (each must match). */
export interface PersonFilter { nhsNumber?: string | undefined; words?: readonly string[] | undefined }

/** `%word%` for LIKE, with LIKE's own wildcards taken literally. */
export function likeWord(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface ComplaintsAcrossQuery {
  /** Only people this organisation has sight of (person_organisations); null: everyone (an admin). */
  visibleTo: string | null;
  status?: 'open' | 'closed' | undefined;
  person?: PersonFilter | undefined;
  /** Received on or after / on or before (UK dates). */
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  offset: number;
}

export type ComplaintAcrossRow = ComplaintRow & Pick<PersonRow, 'nhs_number' | 'given_name' | 'family_name' | 'date_of_birth'>;

/**
 * Issue 9 item 9: complaints across the people an organisation may see, latest received first, a page
 * at a time, with the total that match. Visibility is in the query itself.
 */
export async function listComplaintsAcross(db: Db, query: ComplaintsAcrossQuery): Promise<{ rows: ComplaintAcrossRow[]; total: number }> {
  let q = db.selectFrom('complaints').innerJoin('people', 'people.id', 'complaints.person_id');
  if (query.visibleTo !== null) {
    const org = query.visibleTo;
    q = q.where((eb) => eb.exists(eb.selectFrom('person_organisations').select(sql`1`.as('one')).whereRef('person_organisations.person_id', '=', 'complaints.person_id').where('person_organisations.organisation_code', '=', org)));
  }
  if (query.status === 'open') q = q.where('complaints.outcome', 'is', null);
  if (query.status === 'closed') q = q.where('complaints.outcome', 'is not', null);
  if (query.from) q = q.where('complaints.received_on', '>=', query.from);
  if (query.to) q = q.where('complaints.received_on', '<=', query.to);
  if (query.person?.nhsNumber) q = q.where('people.nhs_number', '=', query.person.nhsNumber);
  for (const word of query.person?.words ?? []) {
    q = q.where((eb) => eb.or([eb('people.given_name', 'ilike', likeWord(word)), eb('people.family_name', 'ilike', likeWord(word))]));
  }
  const total = await q.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll('complaints')
    .select(['people.nhs_number', 'people.given_name', 'people.family_name', 'people.date_of_birth'])
    .orderBy('complaints.received_on', 'desc')
    .orderBy('complaints.id')
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  return { rows, total: Number(total.n) };
}
