// Disputes between the responsible bodies (RESP-6; migration 0007).
import { sql, type Insertable, type Updateable } from 'kysely';
import type { Db } from './database.ts';
import { rowsOf, withInstants, type Json, type ReadModelPart } from './read-model-parts.ts';
import type { DisputeRow, DisputesTable, PersonRow } from './schema.ts';
import { likeWord, type PersonFilter } from './complaints-repository.ts';

export async function insertDispute(db: Db, row: Insertable<DisputesTable>): Promise<void> {
  await db.insertInto('disputes').values(row).execute();
}

export function findDispute(db: Db, id: string): Promise<DisputeRow | undefined> {
  return db.selectFrom('disputes').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The disputes about the person, earliest raised first, in the person's read-model statement (issue 14 item 3). */
export const PERSON_DISPUTES_PART: ReadModelPart<DisputeRow[]> = {
  columns: sql`${rowsOf('disputes', 't.raised_on, t.id')} AS dp_disputes`,
  aliases: ['dp_disputes'],
  decode: (columns) => (columns.dp_disputes as Json[]).map((r) => withInstants(r, ['created_at', 'updated_at']) as unknown as DisputeRow),
};

/** Disputes an organisation is a party to or funds in the meantime; every dispute for null (admin). */
export async function listDisputesFor(db: Db, organisationCode: string | null): Promise<(DisputeRow & { sees_person: boolean })[]> {
  // Whether the organisation has sight of the person (access.ts canSeeDispute decides what that means).
  let q = db
    .selectFrom('disputes')
    .selectAll('disputes')
    .select((eb) =>
      eb
        .exists(eb.selectFrom('person_organisations').select(sql`1`.as('one')).whereRef('person_organisations.person_id', '=', 'disputes.person_id').where('person_organisations.organisation_code', '=', organisationCode ?? ''))
        .as('sees_person'),
    );
  if (organisationCode !== null) {
    q = q.where((eb) => eb.or([eb('party_a_code', '=', organisationCode), eb('party_b_code', '=', organisationCode), eb('interim_funder_code', '=', organisationCode)]));
  }
  return (await q.orderBy('raised_on').orderBy('id').execute()).map((r) => ({ ...r, sees_person: Boolean(r.sees_person) }));
}

export async function updateDispute(db: Db, id: string, expectedVersion: number, changes: Omit<Updateable<DisputesTable>, 'version'>): Promise<boolean> {
  const result = await db
    .updateTable('disputes')
    .set((eb) => ({ ...changes, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface DisputesAcrossQuery {
  /**
   * RESP-6 (access.ts canSeeDispute): for an organisation, the disputes it is a party to or funds
   * meanwhile, about people it has sight of; null: every dispute (an admin).
   */
  visibleTo: string | null;
  status?: 'open' | 'referred' | 'resolved' | undefined;
  person?: PersonFilter | undefined;
  /** Raised on or after / on or before (UK dates). */
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  offset: number;
}

export type DisputeAcrossRow = DisputeRow & Pick<PersonRow, 'nhs_number' | 'given_name' | 'family_name' | 'date_of_birth'>;

/** Issue 9 item 9: disputes across people, latest raised first, a page at a time, with the total that match. */
export async function listDisputesAcross(db: Db, query: DisputesAcrossQuery): Promise<{ rows: DisputeAcrossRow[]; total: number }> {
  let q = db.selectFrom('disputes').innerJoin('people', 'people.id', 'disputes.person_id');
  if (query.visibleTo !== null) {
    const org = query.visibleTo;
    q = q
      .where((eb) => eb.or([eb('disputes.party_a_code', '=', org), eb('disputes.party_b_code', '=', org), eb('disputes.interim_funder_code', '=', org)]))
      .where((eb) => eb.exists(eb.selectFrom('person_organisations').select(sql`1`.as('one')).whereRef('person_organisations.person_id', '=', 'disputes.person_id').where('person_organisations.organisation_code', '=', org)));
  }
  if (query.status === 'open') q = q.where('disputes.resolved_on', 'is', null).where('disputes.referred_on', 'is', null);
  if (query.status === 'referred') q = q.where('disputes.resolved_on', 'is', null).where('disputes.referred_on', 'is not', null);
  if (query.status === 'resolved') q = q.where('disputes.resolved_on', 'is not', null);
  if (query.from) q = q.where('disputes.raised_on', '>=', query.from);
  if (query.to) q = q.where('disputes.raised_on', '<=', query.to);
  if (query.person?.nhsNumber) q = q.where('people.nhs_number', '=', query.person.nhsNumber);
  for (const word of query.person?.words ?? []) {
    q = q.where((eb) => eb.or([eb('people.given_name', 'ilike', likeWord(word)), eb('people.family_name', 'ilike', likeWord(word))]));
  }
  const total = await q.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll('disputes')
    .select(['people.nhs_number', 'people.given_name', 'people.family_name', 'people.date_of_birth'])
    .orderBy('disputes.raised_on', 'desc')
    .orderBy('disputes.id')
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  return { rows, total: Number(total.n) };
}
