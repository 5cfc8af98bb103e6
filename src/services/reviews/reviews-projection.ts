// The review timetable of a person's latest episode (REV-1) and the re-planning flag (REV-4), as
// the register's projections keep them (person_summaries.next_review_due and replan_needed).
import type { AftercareResult } from '../../domain/aftercare.ts';
import type { EpisodeStatus } from '../../domain/aftercare.ts';
import { episodeReviewDue, nextReviewShown, replanNeeded, type ReviewSettings } from '../../domain/reviews.ts';
import type { Db } from '../../data/database.ts';
import * as reviewsRepo from '../../data/reviews-repository.ts';
import type { ProjectionContributor } from '../kernel/projection-contributor.ts';

/** REV-1: the next review of the latest episode, counting only that episode's reviews and requests. */
export async function nextReviewDueFor(db: Db, personId: string, aftercare: AftercareResult, settings: ReviewSettings): Promise<string | null> {
  const latest = aftercare.episodes.at(-1);
  if (!latest) return null;
  const dates = await reviewsRepo.episodeReviewDates(db, personId, latest.id);
  return episodeReviewDue(latest, dates.heldOn, dates.requestedOn, settings);
}

/**
 * REV-1, one date for one fact: the next review date as every page, plan, letter and API answer
 * gives it (nextReviewShown of the projection's due date), in the caller's transaction.
 */
export async function nextReviewOnPart(db: Db, personId: string): Promise<{ nextDueOn: string | null; replanNeeded: boolean }> {
  const s = await reviewsRepo.reviewSummary(db, personId);
  return { nextDueOn: nextReviewShown({ status: s.status as EpisodeStatus | null, reviewDue: s.nextReviewDue }), replanNeeded: s.replanNeeded };
}

/** REV-4: keeps person_summaries.replan_needed in step with the facts. */
export const replanContributor: ProjectionContributor = async (db, person, aftercare) => {
  const latest = aftercare.episodes.at(-1);
  const [admissions, dates] = await Promise.all([
    reviewsRepo.admissionDates(db, person.id),
    latest ? reviewsRepo.episodeReviewDates(db, person.id, latest.id) : Promise.resolve({ heldOn: [], requestedOn: [] }),
  ]);
  const needed = replanNeeded({ episodes: aftercare.episodes, admissions: admissions.map((admittedOn) => ({ admittedOn })), reviewsHeldOn: dates.heldOn });
  await reviewsRepo.saveReplanNeeded(db, person.id, needed);
};
