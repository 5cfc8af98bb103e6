// REV-1 to REV-4: when the next review of an episode is due, whether it is overdue, and when a
// readmission or re-detention calls for a new plan. Pure functions; the services load the facts.
import { EPISODE_STATUSES, type EpisodeStatus } from './aftercare.ts';
import { addDays, addMonths, compareDates, daysBetween, formatDate, type IsoDate } from './dates.ts';
import type { RuleViolation } from './violations.ts';

export interface ReviewSettings {
  /** Days from leaving hospital to the first review (default 42: six weeks). */
  firstReviewDays: number;
  /** Months from one review held to the next (default 12). */
  reviewIntervalMonths: number;
  /** Days within which a requested review is due (default 28). */
  requestedReviewDays: number;
}

/** REV-3, END-7: what a review decided. propose-ending records the intention only; ending follows END-1 to END-4. */
export const REVIEW_OUTCOMES = ['continue', 'change', 'propose-ending'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];
/** REV-3: whether the plan is helping the person stay well. */
export const PLAN_WORKING = ['yes', 'partly', 'no'] as const;
export type PlanWorking = (typeof PLAN_WORKING)[number];
/** END-7: how a review changed a service without ending aftercare. */
export const SERVICE_CHANGES = ['changed', 'reduced', 'stopped', 'added'] as const;
export type ServiceChange = (typeof SERVICE_CHANGES)[number];

export const DEFAULT_REVIEW_SETTINGS: ReviewSettings = { firstReviewDays: 42, reviewIntervalMonths: 12, requestedReviewDays: 28 };

export interface ReviewHistory {
  /** The day the duty started (ELIG-3); no review is due before it. */
  leftHospitalOn: IsoDate | null;
  reviewsHeldOn: readonly IsoDate[];
  requestedOn: readonly IsoDate[];
}

/** REV-1: the reviews held that count: those on or after leaving hospital. */
function countedReviews(history: ReviewHistory): IsoDate[] {
  const start = history.leftHospitalOn;
  if (!start) return [];
  return history.reviewsHeldOn.filter((d) => compareDates(d, start) >= 0).sort(compareDates);
}

/**
 * REV-1: a request is open (not yet answered by a review) when it was made on or after leaving
 * hospital and after the last review held. A request made on the day of a review is taken to be
 * answered by that review.
 */
export function isRequestOpen(requestedOn: IsoDate, history: ReviewHistory): boolean {
  const start = history.leftHospitalOn;
  if (!start || compareDates(requestedOn, start) < 0) return false;
  const lastHeld = countedReviews(history).at(-1);
  return !lastHeld || compareDates(requestedOn, lastHeld) > 0;
}

/**
 * REV-1: the first review is due `firstReviewDays` after leaving hospital, then `reviewIntervalMonths`
 * after the last review held; an open request brings it forward to `requestedReviewDays` after the
 * earliest open request.
 */
export function nextReviewDue(history: ReviewHistory, settings: ReviewSettings = DEFAULT_REVIEW_SETTINGS): IsoDate | null {
  if (!history.leftHospitalOn) return null;
  const start = history.leftHospitalOn;
  const lastHeld = countedReviews(history).at(-1) ?? null;
  const scheduled = lastHeld ? addMonths(lastHeld, settings.reviewIntervalMonths) : addDays(start, settings.firstReviewDays);
  const firstRequest = history.requestedOn.filter((d) => isRequestOpen(d, history)).sort(compareDates)[0];
  if (!firstRequest) return scheduled;
  const requested = addDays(firstRequest, settings.requestedReviewDays);
  return compareDates(requested, scheduled) < 0 ? requested : scheduled;
}

/**
 * REV-1: the statuses of an episode whose duty is running (active, or in custody planning for
 * release): only these have reviews due. The SQL of the review lists is built from this list.
 */
export const REVIEWED_STATUSES = EPISODE_STATUSES.filter((s): s is 'active' | 'in-custody' => s === 'active' || s === 'in-custody');

/** REV-1: only an episode whose duty is running (active, or in custody planning for release) has a review due. */
export function episodeHasReviews(status: EpisodeStatus): boolean {
  return (REVIEWED_STATUSES as readonly EpisodeStatus[]).includes(status);
}

/** An episode as REV-1 needs to see it to decide whether a review can be recorded in it. */
export interface ReviewableEpisode { status: EpisodeStatus; leftHospitalOn: IsoDate | null }

/**
 * REV-1: a review, a request for one or an invitation belongs to a running episode (active, or in
 * custody) of someone who has left hospital. `latest` is the person's latest episode, if any.
 * Null when there is one; the refusal names `field`, the date the caller typed.
 */
export function noRunningEpisode(latest: ReviewableEpisode | undefined, field: string): RuleViolation | null {
  if (latest && episodeHasReviews(latest.status) && latest.leftHospitalOn) return null;
  return { field, message: 'The person has no aftercare running (they have not left hospital under section 117, or it has ended), so there is no review to record', rule: 'REV-1' };
}

/** REV-1: a review, request or invitation is dated on or after the day the person left hospital. */
export function beforeLeavingHospital(field: string, date: IsoDate, leftHospitalOn: IsoDate): RuleViolation | null {
  if (compareDates(date, leftHospitalOn) >= 0) return null;
  return { field, message: `${field} must be on or after the day they left hospital (${formatDate(leftHospitalOn)})`, rule: 'REV-1' };
}

/**
 * REV-1: both checks for a date recorded against the person's latest episode: the episode is
 * running, and the date is not before they left hospital. Empty when the date may be recorded.
 */
export function validateReviewDate(latest: ReviewableEpisode | undefined, field: string, date: IsoDate): RuleViolation[] {
  const running = noRunningEpisode(latest, field);
  if (running) return [running];
  const early = beforeLeavingHospital(field, date, latest!.leftHospitalOn!);
  return early ? [early] : [];
}

/**
 * REV-1: the next review of an episode. The schedule restarts with each new episode (only that
 * episode's reviews and requests count) and a readmission pauses nothing (ELIG-8a: the duty goes on).
 */
export function episodeReviewDue(
  episode: { status: EpisodeStatus; leftHospitalOn: IsoDate | null },
  reviewsHeldOn: readonly IsoDate[],
  requestedOn: readonly IsoDate[],
  settings: ReviewSettings = DEFAULT_REVIEW_SETTINGS,
): IsoDate | null {
  if (!episodeHasReviews(episode.status)) return null;
  return nextReviewDue({ leftHospitalOn: episode.leftHospitalOn, reviewsHeldOn, requestedOn }, settings);
}

/**
 * REV-1, one date for one fact (issue 9 item 10): the next review date every page, plan, letter and
 * API answer gives is the REV-1 due date of the latest episode (episodeReviewDue, kept in the
 * register's projection), shown only while that episode has a review timetable. A date typed into a
 * plan is not a second answer: the plan states this one (null before the person leaves hospital,
 * when the plan says "within 6 weeks of leaving hospital", and after aftercare ends).
 */
export function nextReviewShown(latest: { status: EpisodeStatus | null; reviewDue: IsoDate | null }): IsoDate | null {
  return latest.status !== null && episodeHasReviews(latest.status) ? latest.reviewDue : null;
}

export function isReviewOverdue(due: IsoDate | null, today: IsoDate): boolean {
  return due !== null && compareDates(due, today) < 0;
}

export const REVIEW_TIMINGS = ['overdue', 'due-soon', 'not-yet-due'] as const;
export type ReviewTiming = (typeof REVIEW_TIMINGS)[number];

/** Where a due date stands today: overdue (passed), due within `withinDays` (today included), or later. */
export function reviewTiming(due: IsoDate, today: IsoDate, withinDays: number): ReviewTiming {
  if (isReviewOverdue(due, today)) return 'overdue';
  return daysBetween(today, due) <= withinDays ? 'due-soon' : 'not-yet-due';
}

export interface ReplanFacts {
  /** The person's episodes, oldest first. */
  episodes: readonly { status: EpisodeStatus; leftHospitalOn: IsoDate | null }[];
  /** Every hospital stay of the person. */
  admissions: readonly { admittedOn: IsoDate }[];
  /** Reviews held in the latest episode. */
  reviewsHeldOn: readonly IsoDate[];
}

/**
 * REV-4: a readmission (informal or section 2, ELIG-8a) after leaving hospital and after the last
 * review held, or a new qualifying detention of someone who had left hospital under an earlier
 * episode (ELIG-8b, END-5), calls for a new plan before the next discharge. The flag clears when a
 * review is held after the readmission, or when the new episode's person leaves hospital (the plan
 * is then checked at discharge, PLAN-7, and the first review follows REV-1).
 */
export function replanNeeded(facts: ReplanFacts): boolean {
  const latest = facts.episodes.at(-1);
  if (!latest) return false;
  if (latest.status === 'planning' || latest.status === 'entitled-pending-discharge') {
    const previous = facts.episodes.at(-2);
    return Boolean(previous && previous.status === 'superseded' && previous.leftHospitalOn);
  }
  if (!episodeHasReviews(latest.status) || !latest.leftHospitalOn) return false;
  const left = latest.leftHospitalOn;
  // A review held on or after the day of the readmission is taken to have re-planned.
  const since = facts.reviewsHeldOn.filter((d) => compareDates(d, left) >= 0).sort(compareDates).at(-1) ?? left;
  return facts.admissions.some((a) => compareDates(a.admittedOn, since) > 0);
}

/** Why a person is on the overdue (or due) lists: the aftercare review (REV-1) or a budget's review (DP-1(d), DP-2). */
export const REVIEW_REASONS = ['review', 'direct-payment-review', 'personal-health-budget-review'] as const;
export type ReviewReason = (typeof REVIEW_REASONS)[number];

export interface ReviewClocks {
  /** REV-1: the next aftercare review, null when none is due (no running episode). */
  reviewDue: IsoDate | null;
  /** DP-1(d), DP-2: the next review of each open budget (null: none due, e.g. ended). */
  budgets: readonly { kind: 'direct-payment' | 'personal-health-budget'; dueOn: IsoDate | null }[];
}

/**
 * REV-1, DP-1(d), DP-2: the clocks whose review is due before `before` (exclusive; today for the
 * overdue list), each reason once, the aftercare review first, and the earliest of their due dates.
 */
export function reviewReasons(clocks: ReviewClocks, before: IsoDate): { reasons: ReviewReason[]; earliestDue: IsoDate | null } {
  const due: { reason: ReviewReason; on: IsoDate }[] = [];
  if (isReviewOverdue(clocks.reviewDue, before)) due.push({ reason: 'review', on: clocks.reviewDue! });
  for (const b of clocks.budgets) {
    if (isReviewOverdue(b.dueOn, before)) due.push({ reason: b.kind === 'direct-payment' ? 'direct-payment-review' : 'personal-health-budget-review', on: b.dueOn! });
  }
  const reasons = REVIEW_REASONS.filter((r) => due.some((d) => d.reason === r));
  const earliestDue = due.map((d) => d.on).sort(compareDates)[0] ?? null;
  return { reasons, earliestDue };
}
