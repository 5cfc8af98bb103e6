// Top-up agreements for preferred accommodation (CHG-3; migration 0007). Conditions and terms are
// JSON columns, written as text so that PGlite and PostgreSQL store the same value.
import { sql, type Insertable, type Updateable } from 'kysely';
import type { Db } from './database.ts';
import { rowsOf, withInstants, type Json, type ReadModelPart } from './read-model-parts.ts';
import type { TopUpAgreementRow, TopUpAgreementsTable } from './schema.ts';

type TopUpJson = 'conditions' | 'terms';
export type NewTopUp = Omit<Insertable<TopUpAgreementsTable>, TopUpJson> & { conditions: object; terms: object };
export type TopUpChanges = Omit<Updateable<TopUpAgreementsTable>, TopUpJson | 'version'> & { conditions?: object; terms?: object };

export async function insertTopUp(db: Db, row: NewTopUp): Promise<void> {
  await db.insertInto('top_up_agreements').values({ ...row, conditions: JSON.stringify(row.conditions), terms: JSON.stringify(row.terms) }).execute();
}

export function findTopUp(db: Db, id: string): Promise<TopUpAgreementRow | undefined> {
  return db.selectFrom('top_up_agreements').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listTopUps(db: Db, personId: string): Promise<TopUpAgreementRow[]> {
  return db.selectFrom('top_up_agreements').selectAll().where('person_id', '=', personId).orderBy('created_at').orderBy('id').execute();
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

/** The person's top-up agreements (as listTopUps) in the person's read-model statement (issue 14 item 3). */
export const TOP_UPS_PART: ReadModelPart<TopUpAgreementRow[]> = {
  columns: sql`${rowsOf('top_up_agreements', 't.created_at, t.id')} AS tu_top_ups`,
  aliases: ['tu_top_ups'],
  decode: (columns) => (columns.tu_top_ups as Json[]).map((r) => withInstants(r, ['created_at', 'updated_at']) as unknown as TopUpAgreementRow),
};
