// DP-1(d), DP-2: the person's earliest budget review due, kept in person_summaries.budget_review_due
// for the overdue lists (the reviews engineer shows it). A ProjectionContributor (person-record.ts).
import { budgetReviewDue } from '../domain/budgets.ts';
import { compareDates, type IsoDate } from '../domain/dates.ts';
import type { Db } from '../data/database.ts';
import type { PersonRow } from '../data/schema.ts';
import * as repo from '../data/services-repository.ts';

export async function earliestBudgetReviewDue(db: Db, personId: string, today: IsoDate): Promise<IsoDate | null> {
  const budgets = await repo.listBudgets(db, personId);
  const reviews = await repo.listBudgetReviews(db, budgets.map((b) => b.id));
  const dues = budgets
    .map((b) => budgetReviewDue({ kind: b.kind, startDate: b.start_date, endDate: b.end_date }, reviews.filter((r) => r.budget_id === b.id).map((r) => r.held_on), today))
    .filter((d): d is IsoDate => d !== null)
    .sort(compareDates);
  return dues[0] ?? null;
}

/** ProjectionContributor: (db, person, aftercare, today). */
export async function budgetReviewContributor(db: Db, person: PersonRow, _aftercare: unknown, today: IsoDate): Promise<void> {
  await repo.saveBudgetReviewDue(db, person.id, await earliestBudgetReviewDue(db, person.id, today));
}
