// Reviews (REV-1 to REV-4, END-7): record a review held, arrange one (invitation), record a request
// for one, read a person's reviews with the next due date, the letters to the person, and the
// overdue list and dashboard.
import { randomUUID } from 'node:crypto';
import { computeAftercare, type AftercareResult, type LawSettings } from '../../domain/aftercare.ts';
import { addDays, todayInLondon, type IsoDate } from '../../domain/dates.ts';
import { episodeHasReviews, isRequestOpen, isReviewOverdue, reviewReasons, validateReviewDate } from '../../domain/reviews.ts';
import type { BudgetKind } from '../../domain/care-services.ts';
import type { Db } from '../../data/database.ts';
import * as reviewsRepo from '../../data/reviews-repository.ts';
import type { LetterContactRows } from '../../data/letter-contact-repository.ts';
import { loadPersonReadModel, type PersonReadModel, type ReviewReadRows } from '../../data/person-read-model.ts';
import type { PersonRow, ReviewRequestRow } from '../../data/schema.ts';
import { renderInvitationLetter, renderOutcomeLetter } from '../../letters/review-letters.ts';
import { requirePermission, type Actor } from '../kernel/actor.ts';
import { budgetReviewClocks } from '../budgets/budgets-projection.ts';
import { NotFoundError } from '../kernel/errors.ts';
import { decodeCursor as decodePosition, encodeCursor as encodePosition } from '../kernel/paging.ts';
import { factsOfModel, RECORD_PARTS, viewOfModel, type ServiceOptions } from '../people/people-service.ts';
import { deriveAftercare, isUuid, rejectFutureDates } from '../kernel/person-record.ts';
import { nextReviewOnPart } from './reviews-projection.ts';
import { letterFootingOf, readLetterContactRows, type LetterSender } from '../kernel/letter-contact.ts';
import { DASHBOARD_DUE_DAYS, dueItem, invitationView, nextReviewOfSummary, reviewDueShown, requestView, reviewView, type DueItem } from './reviews-views.ts';
import { ReviewDashboardQuery, ReviewInput, ReviewInvitationInput, ReviewListQuery, ReviewRequestInput } from './reviews-inputs.ts';
import { parseInput, refuse } from '../kernel/validation.ts';

/** Who asked for a review, as the audit event names it: one of these, or 'other' (never the words typed). */
const KNOWN_REQUESTERS = ['person', 'carer', 'advocate', 'team', 'family', 'nominated-person'];

/**
 * REV-1: the person's latest episode, which a review, request or invitation dated `date` belongs
 * to; refused (422) unless it is running and the date is not before they left hospital.
 */
function reviewableEpisode(aftercare: AftercareResult, field: string, date: IsoDate) {
  const latest = aftercare.episodes.at(-1);
  refuse(validateReviewDate(latest, field, date));
  return latest!;
}

/** Everything about a person's reviews: the timetable, reviews held, requests and invitations. */
async function reviewRecord(trx: Db, person: PersonRow, aftercare: AftercareResult, today: IsoDate) {
  const [reviews, requests, invitations, next] = await Promise.all([
    reviewsRepo.listReviews(trx, person.id),
    reviewsRepo.listReviewRequests(trx, person.id),
    reviewsRepo.listReviewInvitations(trx, person.id),
    nextReviewOnPart(trx, person.id),
  ]);
  return reviewRecordOf(person, aftercare, today, { reviews, requests, invitations }, next);
}

/**
 * reviewRecord's answer from the rows already read (its queries', or the person read model's) and
 * REV-1's next review as nextReviewOnPart gives it: the one derivation of both paths.
 */
function reviewRecordOf(person: PersonRow, aftercare: AftercareResult, today: IsoDate, rows: ReviewReadRows, { nextDueOn, replanNeeded }: { nextDueOn: IsoDate | null; replanNeeded: boolean }) {
  const { reviews: history, requests, invitations } = rows;
  const latest = aftercare.episodes.at(-1);
  const head = { episodeId: latest?.id ?? null, episodeStatus: latest?.status ?? null, nextDueOn, overdue: isReviewOverdue(nextDueOn, today), replanNeeded };
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
 * The reviews page's part (REV-1 to REV-3): the timetable, reviews held, requests and invitations.
 * Reads only, inside the caller's transaction; the caller writes the audit event.
 */
export async function reviewsPart(trx: Db, person: PersonRow, today: IsoDate, law: LawSettings) {
  return reviewRecord(trx, person, await deriveAftercare(trx, person, today, law), today);
}

/** What loadPersonReadModel reads for reviewsOfModel. */
export const REVIEWS_PARTS = { ...RECORD_PARTS, reviews: true } as const;

/** The aftercare derived and reviewRecord's answer from a read model loaded with REVIEWS_PARTS: no further query. */
function reviewRecordOfModel(model: PersonReadModel, today: IsoDate, law: LawSettings) {
  const aftercare = computeAftercare(factsOfModel(model, law), today);
  return { aftercare, record: reviewRecordOf(model.person, aftercare, today, model.reviews!, nextReviewOfSummary(model.summary)) };
}

/** reviewsPart's answer from a read model loaded with REVIEWS_PARTS: no further query. */
export function reviewsOfModel(model: PersonReadModel, today: IsoDate, law: LawSettings) {
  return reviewRecordOfModel(model, today, law).record;
}

/**
 * The person page's part of the reviews (REV-1, DP-1(d), DP-2): the next aftercare review and each
 * open budget's next review, each with whether it is overdue, and the reasons the person is
 * overdue. Reads only, inside the caller's transaction; the caller writes the audit event.
 */
export async function reviewClocksPart(trx: Db, person: PersonRow, today: IsoDate) {
  // REV-1's next due date as the projection keeps it (null unless aftercare is running).
  const { nextDueOn } = await nextReviewOnPart(trx, person.id);
  return reviewClocksOf(nextDueOn, (await budgetReviewClocks(trx, [person.id], today)).get(person.id) ?? [], today);
}

/** The review clocks panel from REV-1's date shown and the person's budget clocks (reviewClocksPart's, or the read model's). */
export function reviewClocksOf(nextDueOn: IsoDate | null, clocks: { kind: BudgetKind; dueOn: IsoDate | null }[], today: IsoDate) {
  const budgets = clocks.filter((b) => b.dueOn !== null);
  const { reasons } = reviewReasons({ reviewDue: nextDueOn, budgets }, today);
  return {
    nextDueOn,
    overdue: isReviewOverdue(nextDueOn, today),
    budgets: budgets.map((b) => ({ kind: b.kind, dueOn: b.dueOn!, overdue: isReviewOverdue(b.dueOn, today) })),
    reasons,
  };
}

/**
 * The list items with why each person is on the list (REV-1, DP-1(d), DP-2): the clocks due before
 * `before` (today for the overdue list). Budgets are read only for people whose budget review is due.
 */
async function dueItems(trx: Db, rows: reviewsRepo.DueReviewRow[], before: string, now: string) {
  const withBudget = rows.filter((r) => isReviewOverdue(r.budget_review_due, before)).map((r) => r.id);
  const clocks = await budgetReviewClocks(trx, withBudget, now);
  return rows.map((r) => dueItem(r, now, reviewReasons({ reviewDue: reviewDueShown(r), budgets: clocks.get(r.id) ?? [] }, before).reasons));
}

export type LetterKind = 'invitation' | 'outcome';
const LETTER_RECORD: Record<LetterKind, { action: string; recordType: string; notFound: string }> = {
  invitation: { action: 'review-invitation.letter', recordType: 'review-invitation', notFound: 'review invitation' },
  outcome: { action: 'review.letter', recordType: 'review', notFound: 'review' },
};

/**
 * What a review letter to the person needs (REV-2 invitation, REV-3 outcome): the person, their
 * bodies, the review or invitation (404 when it is not theirs), and the next due date. In the
 * caller's transaction with no audit, for the person's own pages (the staff letters read the model).
 */
export async function reviewLetterPart(trx: Db, person: PersonRow, today: IsoDate, law: LawSettings, kind: LetterKind, recordId: string, sender: LetterSender = null) {
  const aftercare = await deriveAftercare(trx, person, today, law);
  const record = await reviewRecord(trx, person, aftercare, today);
  const { codes } = letterSubject(aftercare, record, kind, recordId);
  return reviewLetterOf(person, aftercare, record, today, kind, recordId, sender, await readLetterContactRows(trx, person.id, sender, codes, codes));
}

/** reviewLetterPart from a read model loaded with REVIEWS_PARTS and reviewLetterRowsPart: no further query. */
function reviewLetterOfModel(model: PersonReadModel & { part: LetterContactRows }, today: IsoDate, law: LawSettings, kind: LetterKind, recordId: string, sender: LetterSender) {
  const { aftercare, record } = reviewRecordOfModel(model, today, law);
  return reviewLetterOf(model.person, aftercare, record, today, kind, recordId, sender, model.part);
}

type ReviewRecord = ReturnType<typeof reviewRecordOf>;

/** The invitation or review a letter is about (404 when it is not the person's), its episode and that episode's bodies' codes. */
function letterSubject(aftercare: AftercareResult, record: ReviewRecord, kind: LetterKind, recordId: string) {
  const invitation = kind === 'invitation' ? record.invitations.find((i) => i.id === recordId) : undefined;
  // A review imported from a previous register has only its date (0116): there is no outcome to write to the person about.
  const review = kind === 'outcome' ? record.history.find((r): r is typeof r & { outcome: NonNullable<typeof r.outcome> } => r.id === recordId && r.outcome !== null) : undefined;
  if (!isUuid(recordId) || (!invitation && !review)) throw new NotFoundError(LETTER_RECORD[kind].notFound);
  const episodeId = (invitation ?? review)!.episodeId;
  const episode = aftercare.episodes.find((e) => e.id === episodeId);
  const codes = [episode?.localAuthority.code, episode?.icb.code].filter((c): c is string => Boolean(c));
  return { invitation, review, episode, codes };
}

/** reviewLetterPart from the rows already read (its queries', or the letter read's model): no query. */
function reviewLetterOf(person: PersonRow, aftercare: AftercareResult, record: ReviewRecord, today: IsoDate, kind: LetterKind, recordId: string, sender: LetterSender, contact: LetterContactRows) {
  const { invitation, review, episode, codes } = letterSubject(aftercare, record, kind, recordId);
  // Names with the code beside (issue 9 item 1); LTR-1 and LTR-2: the named contact and the reference.
  const named = (code: string) => {
    const organisation = contact.organisations.get(code);
    return organisation ? `${organisation.name} (${code})` : code;
  };
  const dated = invitation ? invitation.plannedOn : review!.heldOn;
  const footing = letterFootingOf(contact, person.id, sender, codes, kind, { on: dated });
  return {
    ...footing,
    person: { givenName: person.given_name, familyName: person.family_name, addressLine1: person.address_line1, postcode: person.postcode },
    localAuthority: episode?.localAuthority.code ? named(episode.localAuthority.code) : null,
    icb: episode?.icb.code ? named(episode.icb.code) : null,
    nextDueOn: record.nextDueOn,
    today,
    invitation,
    review,
  };
}

export function createReviewService(db: Db, { clock, useCases }: ServiceOptions) {
  const { law } = useCases;
  const today = () => todayInLondon(clock());

  /** What a letter needs: the person, their bodies, the review or invitation, and the next due date. */
  function letterData(actor: Actor, personId: string, kind: LetterKind, recordId: string) {
    const { action, recordType } = LETTER_RECORD[kind];
    // One statement for the read model with every row the letter may name, then the event (issue 14 item 3).
    const part = reviewsRepo.reviewLetterRowsPart(actor.organisationCode);
    return useCases.readModel(
      actor,
      personId,
      { permission: 'person:read', audit: { action, recordType, recordId } },
      (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, REVIEWS_PARTS, undefined, part),
      ({ model, today }) => reviewLetterOfModel(model, today, law, kind, recordId, actor),
    );
  }

  return {
    /** REV-1, REV-3, END-7: a review held. `propose-ending` records the intention only; ending follows the END rules. */
    async record(actor: Actor, personId: string, input: unknown) {
      requirePermission(actor, 'review:record');
      const data = parseInput(ReviewInput, input);
      rejectFutureDates({ heldOn: data.heldOn }, today());
      const servicesChanged = (data.servicesChanged ?? []).map((s) => ({ service: s.service, change: s.change, detail: s.detail ?? null }));
      const audit = ({ id, episodeId }: { id: string; episodeId: string }) => ({
        action: 'review.create', recordType: 'review', recordId: id,
        details: { episodeId, outcome: data.outcome, attendees: data.attendees.length, servicesChanged: servicesChanged.map((s) => s.change) },
      });
      return useCases.change(actor, personId, { permission: 'review:record', audit }, async ({ trx, actor, person, today }) => {
        const episode = reviewableEpisode(await deriveAftercare(trx, person, today, law), 'heldOn', data.heldOn);
        const id = randomUUID();
        const review = await reviewsRepo.insertReview(trx, {
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
          servicesChanged,
          recordedBy: actor.userId,
        });
        return { id, episodeId: episode.id, review };
      }, async ({ trx, person, today, summary }, { review }) => {
        // The review date as the projections just saved it (no read of it again).
        const { nextDueOn } = summary ? nextReviewOfSummary(summary) : await nextReviewOnPart(trx, person.id);
        return { ...reviewView(review, person.id), nextDueOn, overdue: isReviewOverdue(nextDueOn, today) };
      });
    },

    /** REV-1: a request for a review sooner, by the person, a carer, an advocate, the team or anyone else. */
    async request(actor: Actor, personId: string, input: unknown) {
      requirePermission(actor, 'review:record');
      const data = parseInput(ReviewRequestInput, input);
      rejectFutureDates({ requestedOn: data.requestedOn }, today());
      const audit = ({ id, episodeId }: { id: string; episodeId: string }) => ({
        action: 'review-request.create', recordType: 'review-request', recordId: id,
        details: { episodeId, requestedBy: KNOWN_REQUESTERS.includes(data.requestedBy) ? data.requestedBy : 'other' },
      });
      return useCases.change(actor, personId, { permission: 'review:record', audit }, async ({ trx, actor, person, today }) => {
        const aftercare = await deriveAftercare(trx, person, today, law);
        const episode = reviewableEpisode(aftercare, 'requestedOn', data.requestedOn);
        const id = randomUUID();
        await reviewsRepo.insertReviewRequest(trx, { id, personId: person.id, episodeId: episode.id, requestedBy: data.requestedBy, requestedOn: data.requestedOn, reason: data.reason ?? null, recordedBy: actor.userId });
        return { id, episodeId: episode.id, aftercare };
      }, async ({ trx, person, today }, { id, aftercare }) => {
        const record = await reviewRecord(trx, person, aftercare, today);
        return { ...record.requests.find((r) => r.id === id)!, nextDueOn: record.nextDueOn, overdue: record.overdue };
      });
    },

    /** REV-2: a review arranged ahead, from which the invitation letter is made. It changes no due date. */
    async invite(actor: Actor, personId: string, input: unknown) {
      requirePermission(actor, 'review:record');
      const data = parseInput(ReviewInvitationInput, input);
      const audit = ({ id, episodeId }: { id: string; episodeId: string }) => ({
        action: 'review-invitation.create', recordType: 'review-invitation', recordId: id,
        details: { episodeId, plannedOn: data.plannedOn, invited: data.invited.length },
      });
      return useCases.change(actor, personId, { permission: 'review:record', audit, reproject: false }, async ({ trx, actor, person, today }) => {
        const episode = reviewableEpisode(await deriveAftercare(trx, person, today, law), 'plannedOn', data.plannedOn);
        const id = randomUUID();
        await reviewsRepo.insertReviewInvitation(trx, {
          id, personId: person.id, episodeId: episode.id, plannedOn: data.plannedOn, plannedTime: data.plannedTime ?? null, place: data.place, invited: data.invited, contact: data.contact ?? null, recordedBy: actor.userId,
        });
        return { id, episodeId: episode.id };
      }, async ({ trx, person }, { id }) => invitationView((await reviewsRepo.findReviewInvitation(trx, id))!, person.id));
    },

    /** GET /people/{id}/reviews: {nextDueOn, overdue, history, requests} (and replanNeeded, invitations). */
    async list(actor: Actor, personId: string) {
      // One statement in autocommit (issue 14): the read model and the reviews.view event.
      return useCases.readModelAtOnce(actor, personId, { permission: 'person:read', audit: { action: 'reviews.view' } }, (db, viewer, event) => loadPersonReadModel(db, personId, viewer, REVIEWS_PARTS, event), ({ model, today }) =>
        reviewsOfModel(model, today, law),
      );
    },

    /** The person's reviews page: the person's heading and their reviews, in one read with one audit event. */
    async page(actor: Actor, personId: string) {
      // One statement in autocommit, as list: the person's heading comes from the same read model.
      const audit = { action: 'reviews.view', details: { parts: ['person', 'reviews'] } };
      return useCases.readModelAtOnce(actor, personId, { permission: 'person:read', audit }, (db, viewer, event) => loadPersonReadModel(db, personId, viewer, REVIEWS_PARTS, event), ({ model, today }) => ({
        person: viewOfModel(model),
        reviews: reviewsOfModel(model, today, law),
      }));
    },

    /**
     * A review form's page (a review, a request, an invitation, and a form's re-render after a
     * refusal): the person it is about, in one statement with its audit event (issue 14 item 3).
     */
    async formPage(actor: Actor, personId: string) {
      const audit = { action: 'reviews.view', details: { parts: ['person'] } };
      return useCases.readModelAtOnce(actor, personId, { permission: 'person:read', audit }, (db, viewer, event) => loadPersonReadModel(db, personId, viewer, { summary: true }, event), ({ model }) => ({
        person: viewOfModel(model),
      }));
    },

    /**
     * For the person page: the next aftercare review (REV-1) and each open budget's next review
     * (DP-1(d), DP-2), each with whether it is overdue, and the reasons the person is overdue.
     */
    async clocks(actor: Actor, personId: string) {
      return useCases.read(actor, personId, { permission: 'person:read', audit: { action: 'reviews.view', details: { parts: ['timetable'] } } }, ({ trx, person, today }) =>
        reviewClocksPart(trx, person, today),
      );
    },

    /** REV-2: the invitation letter to the person (PDF). */
    async invitationLetter(actor: Actor, personId: string, invitationId: string, options: { largePrint?: boolean } = {}): Promise<Buffer> {
      const data = await letterData(actor, personId, 'invitation', invitationId);
      return renderInvitationLetter({ ...data, invitation: data.invitation! }, options);
    },

    /** REV-3, END-7: the letter to the person saying what was decided at a review (PDF). */
    async outcomeLetter(actor: Actor, personId: string, reviewId: string, options: { largePrint?: boolean } = {}): Promise<Buffer> {
      const data = await letterData(actor, personId, 'outcome', reviewId);
      return renderOutcomeLetter({ ...data, review: data.review! }, options);
    },

    /** GET /reviews/overdue: everyone the caller can see whose review is overdue, most overdue first. */
    async overdue(actor: Actor, input: unknown) {
      requirePermission(actor, 'person:read');
      const query = parseInput(ReviewListQuery, input);
      const after = decodeCursor(query.cursor);
      const audit = (result: { items: DueItem[] }) => ({
        action: 'reviews.overdue.view', recordType: 'register', recordId: 'overdue-reviews',
        details: { localAuthority: query.localAuthority ?? null, icb: query.icb ?? null, results: result.items.length, personIds: result.items.map((r) => r.id) },
      });
      return useCases.run(actor, { permission: 'person:read', audit }, async ({ trx, actor, today }) => {
        const rows = await reviewsRepo.listDueReviews(trx, {
          visibleTo: actor.role === 'admin' ? null : actor.organisationCode,
          dueBefore: today,
          localAuthority: query.localAuthority || undefined,
          icb: query.icb || undefined,
          after,
          limit: query.limit + 1,
          includeBudgetReviews: true,
        });
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        const nextCursor = rows.length > query.limit && last ? encodePosition([last.next_review_due, last.id]) : null;
        return { items: await dueItems(trx, page, today, today), nextCursor };
      });
    },

    /** Reviews due in the next 28 days and overdue, counted by keyworker, local authority and ICB. */
    async dashboard(actor: Actor, input: unknown) {
      requirePermission(actor, 'person:read');
      const query = parseInput(ReviewDashboardQuery, input);
      const audit = (result: { filters: { localAuthority: string | null; icb: string | null }; items: DueItem[] }) => ({
        action: 'reviews.dashboard.view', recordType: 'register', recordId: 'review-dashboard',
        details: { localAuthority: result.filters.localAuthority, icb: result.filters.icb, results: result.items.length, personIds: result.items.map((i) => i.id) },
      });
      return useCases.run(actor, { permission: 'person:read', audit }, async ({ trx, actor, today: now }) => {
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
        return {
          today: now,
          dueWithinDays: DASHBOARD_DUE_DAYS,
          filters: { localAuthority: query.localAuthority || null, icb: query.icb || null },
          totals: { overdue: items.filter((i) => i.overdue).length, dueSoon: items.filter((i) => !i.overdue).length },
          byKeyworker: group((i) => i.keyworker?.id ?? null, (k) => (k ? (keyworkerNames.get(k) ?? k) : 'No keyworker allocated')).map(({ key, ...g }) => ({ keyworkerId: key, ...g })),
          byLocalAuthority: group((i) => i.localAuthority, (k) => (k ? (names.get(k) ?? k) : 'Not yet known')).map(({ key, ...g }) => ({ code: key, ...g })),
          byIcb: group((i) => i.icb, (k) => (k ? (names.get(k) ?? k) : 'Not yet known')).map(({ key, ...g }) => ({ code: key, ...g })),
          items,
        };
      });
    },
  };
}

export type ReviewService = ReturnType<typeof createReviewService>;

/** The overdue list's keyset: (review due, person id). */
function decodeCursor(cursor: string | undefined): { due: string; id: string } | undefined {
  const position = decodePosition(cursor, ['date', 'uuid']);
  return position && { due: position[0]!, id: position[1]! };
}
