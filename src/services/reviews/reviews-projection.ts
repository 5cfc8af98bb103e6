// The next review date and the re-planning flag (REV-1, REV-4) as the register's projections keep them
// (person_summaries.next_review_due and replan_needed, derived by kernel/projections.ts).
import type { Db } from '../../data/database.ts';
import * as reviewsRepo from '../../data/reviews-repository.ts';
import { nextReviewOfSummary } from './reviews-views.ts';

/**
 * REV-1, one date for one fact: the next review date as every page, plan, letter and API answer
 * gives it (nextReviewShown of the projection's due date), in the caller's transaction.
 */
export async function nextReviewOnPart(db: Db, personId: string): Promise<{ nextDueOn: string | null; replanNeeded: boolean }> {
  const s = await reviewsRepo.reviewSummary(db, personId);
  return nextReviewOfSummary({ status: s.status, next_review_due: s.nextReviewDue, replan_needed: s.replanNeeded });
}
