// Charges a person paid and the refunds of those inside an entitlement (CHG-2; migration 0007).
import { sql, type Insertable, type Updateable } from 'kysely';
import type { Db } from './database.ts';
import { LETTER_CONTACT_ALIASES, letterContactColumns, letterContactRowsOf, type LetterContactRows } from './letter-contact-repository.ts';
import { rowsOf, withInstants, type Json, type ReadModelPart } from './read-model-parts.ts';
import type { ChargeRow, ChargesTable, RefundRow, RefundsTable } from './schema.ts';

export async function insertCharges(db: Db, rows: Insertable<ChargesTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('charges').values(rows).execute();
}

export function listCharges(db: Db, personId: string): Promise<ChargeRow[]> {
  return db.selectFrom('charges').selectAll().where('person_id', '=', personId).orderBy('period_from').orderBy('id').execute();
}

export async function insertRefund(db: Db, row: Omit<Insertable<RefundsTable>, 'lines'> & { lines: object }): Promise<void> {
  await db.insertInto('refunds').values({ ...row, lines: JSON.stringify(row.lines) }).execute();
}

export function findRefund(db: Db, id: string): Promise<RefundRow | undefined> {
  return db.selectFrom('refunds').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listRefunds(db: Db, personId: string): Promise<RefundRow[]> {
  return db.selectFrom('refunds').selectAll().where('person_id', '=', personId).orderBy('created_at').orderBy('id').execute();
}

export async function updateRefund(db: Db, id: string, expectedVersion: number, changes: Omit<Updateable<RefundsTable>, 'lines' | 'version'>): Promise<boolean> {
  const result = await db
    .updateTable('refunds')
    .set((eb) => ({ ...changes, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The timestamps of a charge and of a refund, which JSON carries as text. */
const CHARGE_INSTANTS = ['created_at'] as const;
const REFUND_INSTANTS = ['created_at'] as const;

const chargeOf = (r: Json) => withInstants(r, CHARGE_INSTANTS) as unknown as ChargeRow;
const refundOf = (r: Json) => withInstants(r, REFUND_INSTANTS) as unknown as RefundRow;

/** The person's refunds in the read-model statement, as listRefunds orders them. */
const REFUND_ROWS = rowsOf('refunds', 't.created_at, t.id');

/** The person's charges and refunds (which refund each charge is in), as listCharges and listRefunds give them. */
export interface ChargesRows {
  charges: ChargeRow[];
  refunds: RefundRow[];
}

/** ChargesRows in the person's read-model statement (issue 14 item 3). */
export const CHARGES_PART: ReadModelPart<ChargesRows> = {
  columns: sql`${rowsOf('charges', 't.period_from, t.id')} AS ch_charges, ${REFUND_ROWS} AS ch_refunds`,
  aliases: ['ch_charges', 'ch_refunds'],
  decode: (columns) => ({ charges: (columns.ch_charges as Json[]).map(chargeOf), refunds: (columns.ch_refunds as Json[]).map(refundOf) }),
};

/** The person's refunds (as listRefunds) in the person's read-model statement. */
export const REFUNDS_PART: ReadModelPart<RefundRow[]> = {
  columns: sql`${REFUND_ROWS} AS rf_refunds`,
  aliases: ['rf_refunds'],
  decode: (columns) => (columns.rf_refunds as Json[]).map(refundOf),
};

/** One refund of the person's, or null (one not theirs, or no id: a URL's id that is not a UUID). */
const refundColumn = (refundId: string | null) => sql`(SELECT row_to_json(t) FROM refunds t WHERE t.id = ${refundId}::uuid AND t.person_id = p.id) AS rf_refund`;
const refundOfColumn = (columns: Json) => (columns.rf_refund ? refundOf(columns.rf_refund as Json) : undefined);

/** One refund of the person's (as findRefund, only when theirs) in the person's read-model statement. */
export function refundPart(refundId: string | null): ReadModelPart<RefundRow | undefined> {
  return { columns: refundColumn(refundId), aliases: ['rf_refund'], decode: refundOfColumn };
}

/** What the refund letter reads besides the person's facts: the refund and what its contact is chosen from. */
export interface RefundLetterRows {
  refund: RefundRow | undefined;
  contact: LetterContactRows;
}

/** RefundLetterRows in the person's read-model statement; `senderOrganisationCode`: the organisation of whoever asks. */
export function refundLetterRowsPart(refundId: string | null, senderOrganisationCode: string | null): ReadModelPart<RefundLetterRows> {
  return {
    columns: sql`${refundColumn(refundId)}, ${letterContactColumns(senderOrganisationCode)}`,
    aliases: ['rf_refund', ...LETTER_CONTACT_ALIASES],
    decode: (columns) => ({ refund: refundOfColumn(columns), contact: letterContactRowsOf(columns) }),
  };
}
