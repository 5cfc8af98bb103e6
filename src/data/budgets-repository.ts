// Direct payments and personal health budgets (DP-1 to DP-3): the budgets, their reviews, reductions
// and review triggers, and the budget review date kept in the person's summary.
import { sql, type Insertable, type RawBuilder, type Updateable } from 'kysely';
import type { Db } from './database.ts';
import { withInstants, type Json, type ReadModelPart } from './read-model-parts.ts';
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

/** Budgets with their reviews held, reductions and review triggers, each as its list query orders them. */
export interface BudgetsRows {
  /** As listBudgets: by start date, then id. */
  budgets: BudgetRow[];
  reviews: BudgetReviewRow[];
  reductions: BudgetReductionRow[];
  triggers: BudgetReviewTriggerRow[];
}

/** BudgetsRows of these budgets, read the way the writes and the pages read them. */
export async function budgetsRowsOf(db: Db, budgets: BudgetRow[]): Promise<BudgetsRows> {
  const ids = budgets.map((b) => b.id);
  return { budgets, reviews: await listBudgetReviews(db, ids), reductions: await listBudgetReductions(db, ids), triggers: await listBudgetReviewTriggers(db, ids) };
}

/**
 * BudgetsRows in the person's read-model statement (issue 14 item 3: one query, not one per table),
 * of the budgets `which` selects from the person's own (alias b).
 */
function budgetsPartWhere(which: RawBuilder<unknown>): ReadModelPart<BudgetsRows> {
  const related = (table: string, order: string) =>
    sql`(SELECT coalesce(json_agg(r ORDER BY ${sql.raw(order)}), '[]'::json) FROM ${sql.table(table)} r WHERE r.budget_id IN (SELECT b.id FROM budgets b WHERE b.person_id = p.id${which}))`;
  return {
    columns: sql`(SELECT coalesce(json_agg(b ORDER BY b.start_date, b.id), '[]'::json) FROM budgets b WHERE b.person_id = p.id${which}) AS bg_budgets,
      ${related('budget_reviews', 'r.held_on, r.id')} AS bg_reviews,
      ${related('budget_reductions', 'r.effective_on, r.id')} AS bg_reductions,
      ${related('budget_review_triggers', 'r.occurred_on, r.id')} AS bg_triggers`,
    aliases: ['bg_budgets', 'bg_reviews', 'bg_reductions', 'bg_triggers'],
    decode: (columns) => ({
      budgets: (columns.bg_budgets as Json[]).map((r) => withInstants(r, ['created_at', 'updated_at']) as unknown as BudgetRow),
      reviews: (columns.bg_reviews as Json[]).map((r) => withInstants(r, ['recorded_at']) as unknown as BudgetReviewRow),
      reductions: (columns.bg_reductions as Json[]).map((r) => withInstants(r, ['recorded_at']) as unknown as BudgetReductionRow),
      triggers: (columns.bg_triggers as Json[]).map((r) => withInstants(r, ['recorded_at']) as unknown as BudgetReviewTriggerRow),
    }),
  };
}

/** Every one of the person's budgets (the list pages them in memory, on the same key). */
export const BUDGETS_PART = budgetsPartWhere(sql``);

/**
 * One of the person's budgets (none when the id is another person's, or null: an id that is not a
 * UUID is asked for as null, so the statement's text stays the same).
 */
export function oneBudgetPart(budgetId: string | null): ReadModelPart<BudgetsRows> {
  return budgetsPartWhere(sql` AND b.id = ${budgetId}::uuid`);
}
