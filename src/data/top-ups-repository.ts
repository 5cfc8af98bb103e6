// Top-up agreements for preferred accommodation (CHG-3; migration 0007). Conditions and terms are
// JSON columns, written as text so that PGlite and PostgreSQL store the same value.
import { sql, type Insertable, type Updateable } from 'kysely';
import type { Db } from './database.ts';
import { LETTER_CONTACT_ALIASES, letterContactColumns, letterContactRowsOf, type LetterContactRows } from './letter-contact-repository.ts';
import { rowsOf, withInstants, type Json, type ReadModelPart } from './read-model-parts.ts';
import type { ServiceRow, TopUpAgreementRow, TopUpAgreementsTable } from './schema.ts';

type TopUpJson = 'conditions' | 'terms';
export type NewTopUp = Omit<Insertable<TopUpAgreementsTable>, TopUpJson> & { conditions: object; terms: object };
export type TopUpChanges = Omit<Updateable<TopUpAgreementsTable>, TopUpJson | 'version'> & { conditions?: object; terms?: object };

export async function insertTopUp(db: Db, row: NewTopUp): Promise<void> {
  await db.insertInto('top_up_agreements').values({ ...row, conditions: JSON.stringify(row.conditions), terms: JSON.stringify(row.terms) }).execute();
}

export function findTopUp(db: Db, id: string): Promise<TopUpAgreementRow | undefined> {
  return db.selectFrom('top_up_agreements').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateTopUp(db: Db, id: string, expectedVersion: number, changes: TopUpChanges): Promise<boolean> {
  const { conditions, terms, ...rest } = changes;
  const result = await db
    .updateTable('top_up_agreements')
    .set((eb) => ({
      ...rest,
      ...(conditions !== undefined && { conditions: JSON.stringify(conditions) }),
      ...(terms !== undefined && { terms: JSON.stringify(terms) }),
      version: eb('version', '+', 1),
      updated_at: new Date(),
    }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** An agreement's row from JSON, which carries its timestamps as text. */
const topUpOf = (r: Json) => withInstants(r, ['created_at', 'updated_at']) as unknown as TopUpAgreementRow;

/** The person's top-up agreements, oldest recorded first, in the person's read-model statement (issue 14 item 3). */
export const TOP_UPS_PART: ReadModelPart<TopUpAgreementRow[]> = {
  columns: sql`${rowsOf('top_up_agreements', 't.created_at, t.id')} AS tu_top_ups`,
  aliases: ['tu_top_ups'],
  decode: (columns) => (columns.tu_top_ups as Json[]).map(topUpOf),
};

/** What the written agreement (CHG-3) reads besides the person's facts. */
export interface TopUpAgreementRows {
  /** As findTopUp, only when the agreement is the person's. */
  topUp: TopUpAgreementRow | undefined;
  /** As findService of the agreement's service: only what the agreement names. */
  service: Pick<ServiceRow, 'description' | 'provider' | 'accommodation_type'> | undefined;
  /** What its contact and the council named are chosen from. */
  contact: LetterContactRows;
}

/**
 * TopUpAgreementRows in the person's read-model statement; `topUpId` null (a URL's id that is not a
 * UUID) finds none; `senderOrganisationCode`: the organisation of whoever asks.
 */
export function topUpAgreementRowsPart(topUpId: string | null, senderOrganisationCode: string | null): ReadModelPart<TopUpAgreementRows> {
  return {
    columns: sql`(SELECT row_to_json(t) FROM top_up_agreements t WHERE t.id = ${topUpId}::uuid AND t.person_id = p.id) AS tu_top_up,
      (SELECT json_build_object('description', s.description, 'provider', s.provider, 'accommodation_type', s.accommodation_type)
         FROM services s JOIN top_up_agreements t ON t.service_id = s.id WHERE t.id = ${topUpId}::uuid AND t.person_id = p.id) AS tu_service,
      ${letterContactColumns(senderOrganisationCode)}`,
    aliases: ['tu_top_up', 'tu_service', ...LETTER_CONTACT_ALIASES],
    decode: (columns) => ({
      topUp: columns.tu_top_up ? topUpOf(columns.tu_top_up as Json) : undefined,
      service: (columns.tu_service ?? undefined) as TopUpAgreementRows['service'],
      contact: letterContactRowsOf(columns),
    }),
  };
}
