// What the review use cases answer: a review held, a request, an invitation (REV-1 to REV-3,
// END-7), and a person on the due and overdue lists with why they are on it.
import { daysBetween } from '../../domain/dates.ts';
import { isReviewOverdue, nextReviewShown, reviewTiming, type ReviewReason } from '../../domain/reviews.ts';
import type { EpisodeStatus } from '../../domain/aftercare.ts';
import type { DueReviewRow } from '../../data/reviews-repository.ts';
import type { ReviewInvitationRow, ReviewRequestRow, ReviewRow } from '../../data/schema.ts';

/** The dashboard counts reviews due within this many days (and those overdue). */
export const DASHBOARD_DUE_DAYS = 28;

export type DueItem = ReturnType<typeof dueItem>;

/**
 * REV-1, one date for one fact (issue 9 item 3): the review date of a row of the due lists is
 * nextReviewShown of the projection's date, the derivation the person page, the register, the plan
 * and the letters use (the SQL only narrows the rows to those that may be due).
 */
export function reviewDueShown(r: Pick<DueReviewRow, 'status' | 'stored_review_due'>): string | null {
  return nextReviewShown({ status: r.status as EpisodeStatus, reviewDue: r.stored_review_due });
}

/**
 * nextReviewOnPart from a person_summaries row already read (the person read model's summary, absent
 * before the first derivation): REV-1's date as the projection keeps it, shown only while the episode
 * has reviews, and REV-4's re-planning flag.
 */
export function nextReviewOfSummary(summary: { status: string | null; next_review_due: string | null; replan_needed: boolean } | undefined): { nextDueOn: string | null; replanNeeded: boolean } {
  return {
    nextDueOn: nextReviewShown({ status: (summary?.status ?? null) as EpisodeStatus | null, reviewDue: summary?.next_review_due ?? null }),
    replanNeeded: summary?.replan_needed ?? false,
  };
}

/** reasons: why the person is on the list (the aftercare review unless told otherwise). */
export function dueItem(r: DueReviewRow, today: string, reasons: ReviewReason[] = ['review']) {
  return {
    id: r.id,
    nhsNumber: r.nhs_number,
    givenName: r.given_name,
    familyName: r.family_name,
    status: r.status,
    localAuthority: r.local_authority_code,
    icb: r.icb_code,
    nextDueOn: r.next_review_due,
    overdue: isReviewOverdue(r.next_review_due, today),
    timing: reviewTiming(r.next_review_due, today, DASHBOARD_DUE_DAYS),
    daysOverdue: Math.max(0, daysBetween(r.next_review_due, today)),
    replanNeeded: r.replan_needed,
    keyworker: r.keyworker_id ? { id: r.keyworker_id, name: r.keyworker_name ?? '' } : null,
    reasons,
    reviewDueOn: reviewDueShown(r),
    budgetReviewDueOn: r.budget_review_due,
  };
}

export function reviewView(r: ReviewRow, personId: string) {
  return {
    id: r.id,
    version: r.version,
    episodeId: r.episode_id,
    heldOn: r.held_on,
    invited: r.invited,
    attendees: r.attendees,
    personViews: r.person_views,
    planWorking: r.plan_working,
    changes: r.changes,
    outcome: r.outcome,
    notes: r.notes,
    servicesChanged: r.services_changed,
    recordedBy: r.recorded_by,
    createdAt: new Date(r.created_at).toISOString(),
    // An outcome of propose-ending records the intention only: ending is proposed and decided under END-1 to END-4.
    endingProposalUrl: r.outcome === 'propose-ending' ? `/people/${personId}/episodes/${r.episode_id}/ending/new` : null,
    /** REV-1 (0116): imported from the previous register with its date only (no outcome, no letter). */
    importedFromPreviousRegister: r.imported_batch_id !== null,
    letterUrl: r.outcome === null ? null : `/api/v1/people/${personId}/reviews/${r.id}/letter`,
  };
}

export function requestView(r: ReviewRequestRow, open: boolean) {
  return { id: r.id, episodeId: r.episode_id, requestedBy: r.requested_by, requestedOn: r.requested_on, reason: r.reason, open, recordedBy: r.recorded_by, recordedByPerson: r.recorded_by_person !== null, createdAt: new Date(r.created_at).toISOString() };
}

export function invitationView(r: ReviewInvitationRow, personId: string) {
  return {
    id: r.id,
    episodeId: r.episode_id,
    plannedOn: r.planned_on,
    plannedTime: r.planned_time,
    place: r.place,
    invited: r.invited,
    contact: r.contact,
    recordedBy: r.recorded_by,
    createdAt: new Date(r.created_at).toISOString(),
    letterUrl: `/api/v1/people/${personId}/reviews/invitations/${r.id}/letter`,
  };
}

