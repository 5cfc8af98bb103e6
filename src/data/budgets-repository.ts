// Direct payments and personal health budgets (DP-1 to DP-3): the budgets, their reviews, reductions
// and review triggers, and the budget review date kept in the person's summary.
import { sql, type Insertable, type Updateable } from 'kysely';
import type { Db } from './database.ts';
import type { BudgetReductionRow, BudgetReviewRow, BudgetReviewTriggerRow, BudgetRow, BudgetsTable } from './schema.ts';

export async function insertBudget(db: Db, row: Omit<Insertable<BudgetsTable>, 'service_ids'> & { service_ids: string[] }): Promise<void> {
  await db.insertInto('budgets').values({ ...row, service_ids: JSON.stringify(row.service_ids) }).execute();
}

export function findBudget(db: Db, id: string): Promise<BudgetRow | undefined> {
  return db.selectFrom('budgets').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listBudgets(db: Db, personId: string): Promise<BudgetRow[]> {
  return db.selectFrom('budgets').selectAll().where('person_id', '=', personId).orderBy('start_date').orderBy('id').execute();
}

export async function insertBudgetReview(db: Db, row: { id: string; budgetId: string; heldOn: string; reason: string; recordedBy: string }): Promise<void> {
  await db.insertInto('budget_reviews').values({ id: row.id, budget_id: row.budgetId, held_on: row.heldOn, reason: row.reason, recorded_by: row.recordedBy }).execute();
}

export async function bumpBudgetVersion(db: Db, id: string): Promise<void> {
  await db.updateTable('budgets').set({ version: sql`version + 1` }).where('id', '=', id).execute();
}

export async function listBudgetReviews(db: Db, budgetIds: readonly string[]): Promise<BudgetReviewRow[]> {
  if (budgetIds.length === 0) return [];
  return db.selectFrom('budget_reviews').selectAll().where('budget_id', 'in', budgetIds).orderBy('held_on').orderBy('id').execute();
}
/** A page of a person's budgets, keyset on (start_date, id). */
export function listBudgetsPage(db: Db, personId: string, after: { startDate: string; id: string } | undefined, limit: number): Promise<BudgetRow[]> {
  let q = db.selectFrom('budgets').selectAll().where('person_id', '=', personId);
  if (after) q = q.where((eb) => eb.or([eb('start_date', '>', after.startDate), eb.and([eb('start_date', '=', after.startDate), eb('id', '>', after.id)])]));
  return q.orderBy('start_date').orderBy('id').limit(limit).execute();
}

/** Changes a budget when its version is still `version`; false when stale (409). */
export async function updateBudget(db: Db, id: string, version: number, changes: Updateable<BudgetsTable>): Promise<boolean> {
  const result = await db
    .updateTable('budgets')
    .set({ ...changes, version: sql`version + 1` })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertBudgetReduction(db: Db, row: Omit<BudgetReductionRow, 'recorded_at'>): Promise<void> {
  await db.insertInto('budget_reductions').values(row).execute();
}

export async function listBudgetReductions(db: Db, budgetIds: readonly string[]): Promise<BudgetReductionRow[]> {
  if (budgetIds.length === 0) return [];
  return db.selectFrom('budget_reductions').selectAll().where('budget_id', 'in', budgetIds).orderBy('effective_on').orderBy('id').execute();
}

export async function insertBudgetReviewTrigger(db: Db, row: Omit<BudgetReviewTriggerRow, 'recorded_at'>): Promise<void> {
  await db.insertInto('budget_review_triggers').values(row).execute();
}

export async function listBudgetReviewTriggers(db: Db, budgetIds: readonly string[]): Promise<BudgetReviewTriggerRow[]> {
  if (budgetIds.length === 0) return [];
  return db.selectFrom('budget_review_triggers').selectAll().where('budget_id', 'in', budgetIds).orderBy('occurred_on').orderBy('id').execute();
}

/** The budgets of several people with their reviews held, for the overdue lists (DP-1(d), DP-2). */
export async function listBudgetClocksOf(db: Db, personIds: readonly string[]): Promise<{ budgets: BudgetRow[]; reviews: BudgetReviewRow[] }> {
  if (personIds.length === 0) return { budgets: [], reviews: [] };
  const budgets = await db.selectFrom('budgets').selectAll().where('person_id', 'in', [...personIds]).orderBy('start_date').orderBy('id').execute();
  return { budgets, reviews: await listBudgetReviews(db, budgets.map((b) => b.id)) };
}
