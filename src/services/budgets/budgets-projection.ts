// DP-1(d), DP-2: when each budget's next review is due, for the budgets pages, the person page and the
// projections (kernel/projections.ts keeps the earliest in person_summaries.budget_review_due for the
// overdue lists and the reviews page).
import { budgetReviewDueWithTriggers } from '../../domain/budgets.ts';
import type { IsoDate } from '../../domain/dates.ts';
import type { BudgetKind } from '../../domain/care-services.ts';
import type { Db } from '../../data/database.ts';
import type { BudgetReductionRow, BudgetReviewRow, BudgetReviewTriggerRow, BudgetRow } from '../../data/schema.ts';
import * as repo from '../../data/budgets-repository.ts';

/** DP-1(d), DP-2: the next review of each of several people's budgets (null for an ended one), by person. */
export async function budgetReviewClocks(db: Db, personIds: readonly string[], today: IsoDate): Promise<Map<string, { kind: BudgetKind; dueOn: IsoDate | null }[]>> {
  const { budgets, reviews } = await repo.listBudgetClocksOf(db, personIds);
  const ids = budgets.map((b) => b.id);
  const [triggers, reductions] = ids.length === 0 ? [[], []] : [await repo.listBudgetReviewTriggers(db, ids), await repo.listBudgetReductions(db, ids)];
  return budgetClocksOf(budgets, reviews, triggers, reductions, today);
}

type ClockBudget = Pick<BudgetRow, 'id' | 'person_id' | 'kind' | 'start_date' | 'end_date'>;

/** The budget clocks from the rows (budgetReviewClocks's, or the person page's read model), by person. */
export function budgetClocksOf(
  budgets: readonly ClockBudget[],
  reviews: readonly Pick<BudgetReviewRow, 'budget_id' | 'held_on'>[],
  triggerRows: readonly Pick<BudgetReviewTriggerRow, 'budget_id' | 'occurred_on'>[],
  reductions: readonly Pick<BudgetReductionRow, 'budget_id' | 'further_review_requested_on'>[],
  today: IsoDate,
): Map<string, { kind: BudgetKind; dueOn: IsoDate | null }[]> {
  // The same triggers as earliestBudgetReviewDue below, so the lists agree with the projection.
  const triggers = [
    ...triggerRows.map((t) => ({ budgetId: t.budget_id, on: t.occurred_on })),
    ...reductions.filter((r) => r.further_review_requested_on).map((r) => ({ budgetId: r.budget_id, on: r.further_review_requested_on! })),
  ];
  const out = new Map<string, { kind: BudgetKind; dueOn: IsoDate | null }[]>();
  for (const b of budgets) {
    const dueOn = budgetReviewDueWithTriggers(
      { kind: b.kind, startDate: b.start_date, endDate: b.end_date },
      reviews.filter((r) => r.budget_id === b.id).map((r) => r.held_on),
      triggers.filter((t) => t.budgetId === b.id).map((t) => t.on),
      today,
    );
    out.set(b.person_id, [...(out.get(b.person_id) ?? []), { kind: b.kind, dueOn }]);
  }
  return out;
}
