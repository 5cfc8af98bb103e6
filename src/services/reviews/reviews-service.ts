// Reviews (REV-1 to REV-4, END-7): record a review held, arrange one (invitation), record a request
// for one, read a person's reviews with the next due date, and the overdue list and dashboard.
import { randomUUID } from 'node:crypto';
import type { AftercareResult, Episode } from '../../domain/aftercare.ts';
import { addDays, compareDates, daysBetween, formatDate, todayInLondon } from '../../domain/dates.ts';
import { episodeHasReviews, isRequestOpen, isReviewOverdue, reviewReasons, reviewTiming, type ReviewReason } from '../../domain/reviews.ts';
import { appendAuditEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import * as reviewsRepo from '../../data/reviews-repository.ts';
import type { PersonRow, ReviewInvitationRow, ReviewRequestRow, ReviewRow } from '../../data/schema.ts';
import { auditActor, requirePermission, type Actor } from '../kernel/actor.ts';
import { budgetReviewClocks } from '../budgets/budgets-projection.ts';
import { NotFoundError, ValidationError } from '../kernel/errors.ts';
import type { ServiceOptions } from '../people/people-service.ts';
import { deriveAftercare, findVisiblePerson, isUuid, refreshProjections, rejectFutureDates } from '../kernel/person-record.ts';
import { ReviewDashboardQuery, ReviewInput, ReviewInvitationInput, ReviewListQuery, ReviewRequestInput } from './reviews-inputs.ts';
import { parseInput } from '../kernel/validation.ts';

/** The dashboard counts reviews due within this many days (and those overdue). */
export const DASHBOARD_DUE_DAYS = 28;

export function createReviewService(db: Db, { clock, reviews: settings }: ServiceOptions) {
  const today = () => todayInLondon(clock());

  /** REV-1: reviews belong to a running episode (active, or in custody), held on or after leaving hospital. */
  function runningEpisode(aftercare: AftercareResult, field: string): Episode & { leftHospitalOn: string } {
    const latest = aftercare.episodes.at(-1);
    if (!latest || !episodeHasReviews(latest.status) || !latest.leftHospitalOn) {
      throw new ValidationError([{ field, message: 'The person has no aftercare running (they have not left hospital under section 117, or it has ended), so there is no review to record', rule: 'REV-1' }]);
    }
    return latest as Episode & { leftHospitalOn: string };
  }

  function notBeforeDischarge(field: string, date: string, episode: { leftHospitalOn: string }): void {
    if (compareDates(date, episode.leftHospitalOn) < 0) {
      throw new ValidationError([{ field, message: `${field} must be on or after the day they left hospital (${formatDate(episode.leftHospitalOn)})`, rule: 'REV-1' }]);
    }
  }

  async function summary(trx: Db, person: PersonRow, aftercare: AftercareResult) {
    const row = await trx.selectFrom('person_summaries').select(['next_review_due', 'replan_needed']).where('person_id', '=', person.id).executeTakeFirst();
    const latest = aftercare.episodes.at(-1) ?? null;
    const nextDueOn = row?.next_review_due ?? null;
    return { episodeId: latest?.id ?? null, episodeStatus: latest?.status ?? null, nextDueOn, overdue: isReviewOverdue(nextDueOn, today()), replanNeeded: row?.replan_needed ?? false };
  }

  /** Everything about a person's reviews: the timetable, reviews held, requests and invitations. */
  async function reviewRecord(trx: Db, person: PersonRow, aftercare: AftercareResult) {
    const [history, requests, invitations, head] = await Promise.all([
      reviewsRepo.listReviews(trx, person.id),
      reviewsRepo.listReviewRequests(trx, person.id),
      reviewsRepo.listReviewInvitations(trx, person.id),
      summary(trx, person, aftercare),
    ]);
    const latest = aftercare.episodes.at(-1);
    const latestHistory = {
      leftHospitalOn: latest?.leftHospitalOn ?? null,
      reviewsHeldOn: history.filter((r) => r.episode_id === latest?.id).map((r) => r.held_on),
      requestedOn: [],
    };
    const open = (r: ReviewRequestRow) => Boolean(latest && r.episode_id === latest.id && episodeHasReviews(latest.status) && isRequestOpen(r.requested_on, latestHistory));
    return {
      ...head,
      history: history.map((r) => reviewView(r, person.id)),
      requests: requests.map((r) => requestView(r, open(r))),
      invitations: invitations.map((r) => invitationView(r, person.id)),
    };
  }

  /**
   * The list items with why each person is on the list (REV-1, DP-1(d), DP-2): the clocks due before
   * `before` (today for the overdue list). Budgets are read only for people whose budget review is due.
   */
  async function dueItems(trx: Db, rows: reviewsRepo.DueReviewRow[], before: string, now: string) {
    const withBudget = rows.filter((r) => isReviewOverdue(r.budget_review_due, before)).map((r) => r.id);
    const clocks = await budgetReviewClocks(trx, withBudget, now);
    return rows.map((r) => dueItem(r, now, reviewReasons({ reviewDue: r.review_due, budgets: clocks.get(r.id) ?? [] }, before).reasons));
  }

  async function audit(trx: Db, actor: Actor, action: string, recordType: string, recordId: string, personId: string | null, details: Record<string, unknown> = {}) {
    await appendAuditEvent(trx, { ...auditActor(actor), action, recordType, recordId, personId, details }, clock());
  }

  return {
    /** REV-1, REV-3, END-7: a review held. `propose-ending` records the intention only; ending follows the END rules. */
    async record(actor: Actor, personId: string, input: unknown) {
      requirePermission(actor, 'review:record');
      const data = parseInput(ReviewInput, input);
      rejectFutureDates({ heldOn: data.heldOn }, today());
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const episode = runningEpisode(await deriveAftercare(trx, person, today()), 'heldOn');
        notBeforeDischarge('heldOn', data.heldOn, episode);
        const id = randomUUID();
        await reviewsRepo.insertReview(trx, {
          id,
          personId: person.id,
          episodeId: episode.id,
          heldOn: data.heldOn,
          invited: data.invited ?? [],
          attendees: data.attendees,
          personViews: data.personViews ?? null,
          planWorking: data.planWorking ?? null,
          changes: data.changes ?? null,
          outcome: data.outcome,
          notes: data.notes,
          servicesChanged: (data.servicesChanged ?? []).map((s) => ({ service: s.service, change: s.change, detail: s.detail ?? null })),
          recordedBy: actor.userId,
        });
        const aftercare = await refreshProjections(trx, person, today(), settings);
        await audit(trx, actor, 'review.create', 'review', id, person.id, {
          episodeId: episode.id,
          outcome: data.outcome,
          attendees: data.attendees.length,
          servicesChanged: (data.servicesChanged ?? []).map((s) => s.change),
        });
        const head = await summary(trx, person, aftercare);
        return { ...reviewView((await reviewsRepo.findReview(trx, id))!, person.id), nextDueOn: head.nextDueOn, overdue: head.overdue };
      });
    },

    /** REV-1: a request for a review sooner, by the person, a carer, an advocate, the team or anyone else. */
    async request(actor: Actor, personId: string, input: unknown) {
      requirePermission(actor, 'review:record');
      const data = parseInput(ReviewRequestInput, input);
      rejectFutureDates({ requestedOn: data.requestedOn }, today());
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const episode = runningEpisode(await deriveAftercare(trx, person, today()), 'requestedOn');
        notBeforeDischarge('requestedOn', data.requestedOn, episode);
        const id = randomUUID();
        await reviewsRepo.insertReviewRequest(trx, { id, personId: person.id, episodeId: episode.id, requestedBy: data.requestedBy, requestedOn: data.requestedOn, reason: data.reason ?? null, recordedBy: actor.userId });
        const aftercare = await refreshProjections(trx, person, today(), settings);
        const known = ['person', 'carer', 'advocate', 'team', 'family', 'nominated-person'];
        await audit(trx, actor, 'review-request.create', 'review-request', id, person.id, { episodeId: episode.id, requestedBy: known.includes(data.requestedBy) ? data.requestedBy : 'other' });
        const record = await reviewRecord(trx, person, aftercare);
        return { ...record.requests.find((r) => r.id === id)!, nextDueOn: record.nextDueOn, overdue: record.overdue };
      });
    },

    /** REV-2: a review arranged ahead, from which the invitation letter is made. */
    async invite(actor: Actor, personId: string, input: unknown) {
      requirePermission(actor, 'review:record');
      const data = parseInput(ReviewInvitationInput, input);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const episode = runningEpisode(await deriveAftercare(trx, person, today()), 'plannedOn');
        notBeforeDischarge('plannedOn', data.plannedOn, episode);
        const id = randomUUID();
        await reviewsRepo.insertReviewInvitation(trx, {
          id, personId: person.id, episodeId: episode.id, plannedOn: data.plannedOn, plannedTime: data.plannedTime ?? null, place: data.place, invited: data.invited, contact: data.contact ?? null, recordedBy: actor.userId,
        });
        await audit(trx, actor, 'review-invitation.create', 'review-invitation', id, person.id, { episodeId: episode.id, plannedOn: data.plannedOn, invited: data.invited.length });
        return invitationView((await reviewsRepo.findReviewInvitation(trx, id))!, person.id);
      });
    },

    /** GET /people/{id}/reviews: {nextDueOn, overdue, history, requests} (and replanNeeded, invitations). */
    async list(actor: Actor, personId: string) {
      requirePermission(actor, 'person:read');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const aftercare = await deriveAftercare(trx, person, today());
        await audit(trx, actor, 'reviews.view', 'person', person.id, person.id);
        return reviewRecord(trx, person, aftercare);
      });
    },

    /**
     * For the person page: the next aftercare review (REV-1) and each open budget's next review
     * (DP-1(d), DP-2), each with whether it is overdue, and the reasons the person is overdue.
     */
    async clocks(actor: Actor, personId: string) {
      requirePermission(actor, 'person:read');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const now = today();
        // REV-1's next due date as the projection keeps it (null unless aftercare is running).
        const nextDueOn = (await trx.selectFrom('person_summaries').select('next_review_due').where('person_id', '=', person.id).executeTakeFirst())?.next_review_due ?? null;
        const head = { nextDueOn, overdue: isReviewOverdue(nextDueOn, now) };
        const budgets = ((await budgetReviewClocks(trx, [person.id], now)).get(person.id) ?? []).filter((b) => b.dueOn !== null);
        const { reasons } = reviewReasons({ reviewDue: head.nextDueOn, budgets }, now);
        await audit(trx, actor, 'reviews.view', 'person', person.id, person.id, { parts: ['timetable'] });
        return {
          nextDueOn: head.nextDueOn,
          overdue: head.overdue,
          budgets: budgets.map((b) => ({ kind: b.kind, dueOn: b.dueOn!, overdue: isReviewOverdue(b.dueOn, now) })),
          reasons,
        };
      });
    },

    /** What a letter needs: the person, their bodies, the review or invitation, and the next due date. */
    async letterData(actor: Actor, personId: string, kind: 'invitation' | 'outcome', recordId: string) {
      requirePermission(actor, 'person:read');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const aftercare = await deriveAftercare(trx, person, today());
        const record = await reviewRecord(trx, person, aftercare);
        const invitation = kind === 'invitation' ? record.invitations.find((i) => i.id === recordId) : undefined;
        const review = kind === 'outcome' ? record.history.find((r) => r.id === recordId) : undefined;
        if (!isUuid(recordId) || (!invitation && !review)) throw new NotFoundError(kind === 'invitation' ? 'review invitation' : 'review');
        const episodeId = (invitation ?? review)!.episodeId;
        const episode = aftercare.episodes.find((e) => e.id === episodeId);
        const codes = [episode?.localAuthority.code, episode?.icb.code].filter((c): c is string => Boolean(c));
        const names = new Map((await reviewsRepo.organisationNames(trx, codes)).map((o) => [o.code, o.name]));
        await audit(trx, actor, kind === 'invitation' ? 'review-invitation.letter' : 'review.letter', kind === 'invitation' ? 'review-invitation' : 'review', recordId, person.id);
        return {
          person: { givenName: person.given_name, familyName: person.family_name, addressLine1: person.address_line1, postcode: person.postcode },
          localAuthority: episode?.localAuthority.code ? (names.get(episode.localAuthority.code) ?? episode.localAuthority.code) : null,
          icb: episode?.icb.code ? (names.get(episode.icb.code) ?? episode.icb.code) : null,
          nextDueOn: record.nextDueOn,
          today: today(),
          invitation,
          review,
        };
      });
    },

    /** GET /reviews/overdue: everyone the caller can see whose review is overdue, most overdue first. */
    async overdue(actor: Actor, input: unknown) {
      requirePermission(actor, 'person:read');
      const query = parseInput(ReviewListQuery, input);
      const after = decodeCursor(query.cursor);
      const now = today();
      return db.transaction().execute(async (trx) => {
        const rows = await reviewsRepo.listDueReviews(trx, {
          visibleTo: actor.role === 'admin' ? null : actor.organisationCode,
          dueBefore: now,
          localAuthority: query.localAuthority || undefined,
          icb: query.icb || undefined,
          after,
          limit: query.limit + 1,
          includeBudgetReviews: true,
        });
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        const nextCursor = rows.length > query.limit && last ? encodeCursor(last.next_review_due, last.id) : null;
        await audit(trx, actor, 'reviews.overdue.view', 'register', 'overdue-reviews', null, { localAuthority: query.localAuthority ?? null, icb: query.icb ?? null, results: page.length, personIds: page.map((r) => r.id) });
        return { items: await dueItems(trx, page, now, now), nextCursor };
      });
    },

    /** Reviews due in the next 28 days and overdue, counted by keyworker, local authority and ICB. */
    async dashboard(actor: Actor, input: unknown) {
      requirePermission(actor, 'person:read');
      const query = parseInput(ReviewDashboardQuery, input);
      const now = today();
      return db.transaction().execute(async (trx) => {
        const rows = await reviewsRepo.listDueReviews(trx, {
          visibleTo: actor.role === 'admin' ? null : actor.organisationCode,
          dueBefore: addDays(now, DASHBOARD_DUE_DAYS + 1),
          localAuthority: query.localAuthority || undefined,
          icb: query.icb || undefined,
          includeBudgetReviews: true,
        });
        const items = await dueItems(trx, rows, addDays(now, DASHBOARD_DUE_DAYS + 1), now);
        const codes = [...new Set(items.flatMap((i) => [i.localAuthority, i.icb]).filter((c): c is string => Boolean(c)))];
        const names = new Map((await reviewsRepo.organisationNames(trx, codes)).map((o) => [o.code, o.name]));
        const group = (key: (i: DueItem) => string | null, label: (k: string | null) => string) => {
          const groups = new Map<string | null, { key: string | null; name: string; overdue: number; dueSoon: number }>();
          for (const item of items) {
            const k = key(item);
            const g = groups.get(k) ?? { key: k, name: label(k), overdue: 0, dueSoon: 0 };
            if (item.overdue) g.overdue += 1;
            else g.dueSoon += 1;
            groups.set(k, g);
          }
          return [...groups.values()].sort((a, b) => b.overdue - a.overdue || b.dueSoon - a.dueSoon || a.name.localeCompare(b.name));
        };
        const keyworkerNames = new Map(items.filter((i) => i.keyworker).map((i) => [i.keyworker!.id, i.keyworker!.name]));
        const result = {
          today: now,
          dueWithinDays: DASHBOARD_DUE_DAYS,
          filters: { localAuthority: query.localAuthority || null, icb: query.icb || null },
          totals: { overdue: items.filter((i) => i.overdue).length, dueSoon: items.filter((i) => !i.overdue).length },
          byKeyworker: group((i) => i.keyworker?.id ?? null, (k) => (k ? (keyworkerNames.get(k) ?? k) : 'No keyworker allocated')).map(({ key, ...g }) => ({ keyworkerId: key, ...g })),
          byLocalAuthority: group((i) => i.localAuthority, (k) => (k ? (names.get(k) ?? k) : 'Not yet known')).map(({ key, ...g }) => ({ code: key, ...g })),
          byIcb: group((i) => i.icb, (k) => (k ? (names.get(k) ?? k) : 'Not yet known')).map(({ key, ...g }) => ({ code: key, ...g })),
          items,
        };
        await audit(trx, actor, 'reviews.dashboard.view', 'register', 'review-dashboard', null, { localAuthority: result.filters.localAuthority, icb: result.filters.icb, results: items.length, personIds: items.map((i) => i.id) });
        return result;
      });
    },
  };
}

export type ReviewService = ReturnType<typeof createReviewService>;

export type DueItem = ReturnType<typeof dueItem>;

/** reasons: why the person is on the list (the aftercare review unless told otherwise). */
export function dueItem(r: reviewsRepo.DueReviewRow, today: string, reasons: ReviewReason[] = ['review']) {
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
    reviewDueOn: r.review_due,
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
    letterUrl: `/api/v1/people/${personId}/reviews/${r.id}/letter`,
  };
}

export function requestView(r: ReviewRequestRow, open: boolean) {
  return { id: r.id, episodeId: r.episode_id, requestedBy: r.requested_by, requestedOn: r.requested_on, reason: r.reason, open, recordedBy: r.recorded_by, createdAt: new Date(r.created_at).toISOString() };
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

function encodeCursor(due: string, id: string): string {
  return Buffer.from(JSON.stringify([due, id])).toString('base64url');
}

function decodeCursor(cursor: string | undefined): { due: string; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const [due, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof due === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(due) && typeof id === 'string' && isUuid(id)) return { due, id };
  } catch {
    // refused below
  }
  throw new ValidationError([{ field: 'cursor', message: 'The cursor is not one this server gave out' }]);
}
