// The next review date and the re-planning flag (REV-1, REV-4) as the register's projections keep them
// (person_summaries.next_review_due and replan_needed, derived by kernel/projections.ts).
import type { EpisodeStatus } from '../../domain/aftercare.ts';
import { nextReviewShown } from '../../domain/reviews.ts';
import type { Db } from '../../data/database.ts';
import * as reviewsRepo from '../../data/reviews-repository.ts';

/**
 * REV-1, one date for one fact: the next review date as every page, plan, letter and API answer
 * gives it (nextReviewShown of the projection's due date), in the caller's transaction.
 */
export async function nextReviewOnPart(db: Db, personId: string): Promise<{ nextDueOn: string | null; replanNeeded: boolean }> {
  const s = await reviewsRepo.reviewSummary(db, personId);
  return { nextDueOn: nextReviewShown({ status: s.status as EpisodeStatus | null, reviewDue: s.nextReviewDue }), replanNeeded: s.replanNeeded };
}
