// Charges a person paid and the refunds of those inside an entitlement (CHG-2; migration 0007).
import type { Insertable, Updateable } from 'kysely';
import type { Db } from './database.ts';
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
