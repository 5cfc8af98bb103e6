// REV-1: when the next review of an episode is due.
import { addDays, addMonths, compareDates, type IsoDate } from './dates.ts';

export interface ReviewSettings {
  /** Days from leaving hospital to the first review (default 42: six weeks). */
  firstReviewDays: number;
  /** Months from one review held to the next (default 12). */
  reviewIntervalMonths: number;
  /** Days within which a requested review is due (default 28). */
  requestedReviewDays: number;
}

export const DEFAULT_REVIEW_SETTINGS: ReviewSettings = { firstReviewDays: 42, reviewIntervalMonths: 12, requestedReviewDays: 28 };

export interface ReviewHistory {
  /** The day the duty started (ELIG-3); no review is due before it. */
  leftHospitalOn: IsoDate | null;
  reviewsHeldOn: readonly IsoDate[];
  requestedOn: readonly IsoDate[];
}

/**
 * REV-1: the first review is due `firstReviewDays` after leaving hospital, then `reviewIntervalMonths`
 * after the last review held; a request made since the last review brings it forward.
 */
export function nextReviewDue(history: ReviewHistory, settings: ReviewSettings = DEFAULT_REVIEW_SETTINGS): IsoDate | null {
  if (!history.leftHospitalOn) return null;
  const start = history.leftHospitalOn;
  const held = history.reviewsHeldOn.filter((d) => compareDates(d, start) >= 0).sort(compareDates);
  const lastHeld = held.at(-1) ?? null;
  const scheduled = lastHeld ? addMonths(lastHeld, settings.reviewIntervalMonths) : addDays(start, settings.firstReviewDays);
  const openRequests = history.requestedOn.filter((d) => compareDates(d, lastHeld ?? start) >= 0).sort(compareDates);
  const firstRequest = openRequests[0];
  if (!firstRequest) return scheduled;
  const requested = addDays(firstRequest, settings.requestedReviewDays);
  return compareDates(requested, scheduled) < 0 ? requested : scheduled;
}

export function isReviewOverdue(due: IsoDate | null, today: IsoDate): boolean {
  return due !== null && compareDates(due, today) < 0;
}
