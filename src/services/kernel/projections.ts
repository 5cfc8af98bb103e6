// The register's projections: each person's summary (status, responsible bodies, review date and the
// features' own columns), who has sight of them, and the change notifications' state and outbox. The
// rules derive them from the facts, in the caller's transaction: for one person after every change
// (refreshProjections), or for many at once (refreshProjectionsOf: an import's chunk). One derivation
// for both; only the reading differs (data/projections-repository.ts: set-based queries for many,
// ONE statement for one), and the summary and sight are written in one statement (issue 14).
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { organisationsWithSight, providerSight } from '../../domain/access.ts';
import { computeAftercare, type AftercareResult, type LawSettings, type PersonFacts } from '../../domain/aftercare.ts';
import { compareDates, type IsoDate } from '../../domain/dates.ts';
import { changeEvents, notificationState, type NotificationState } from '../../domain/notifications.ts';
import { planningStatus } from '../../domain/planning.ts';
import { dischargeReadiness } from '../../domain/plans.ts';
import { episodeReviewDue, replanNeeded, type ReviewSettings } from '../../domain/reviews.ts';
import { auditEventsInsert, type AuditEventInput } from '../../data/audit-repository.ts';
import { statementsStartedAreSent, type Db } from '../../data/database.ts';
import * as people from '../../data/people-repository.ts';
import * as many from '../../data/projections-repository.ts';
import type { PersonRow } from '../../data/schema.ts';
import { insertEventWithDeliveries } from '../../data/subscriptions-repository.ts';
import { budgetClocksOf } from '../budgets/budgets-projection.ts';
import { latestBySince } from './person-record.ts';

interface Derived { person: PersonRow; facts: PersonFacts; aftercare: AftercareResult }
type Sources = many.ProjectionSources;
type ColumnValue = string | boolean | null;

/** The latest episode's reviews held and requested (REV-1 and REV-4 count only those). */
function latestDates(d: Derived, sources: Sources) {
  const latest = d.aftercare.episodes.at(-1);
  if (!latest) return { heldOn: [] as string[], requestedOn: [] as string[] };
  return {
    heldOn: (sources.reviewDates.held.get(d.person.id) ?? []).filter((r) => r.episode_id === latest.id).map((r) => r.held_on),
    requestedOn: (sources.reviewDates.requested.get(d.person.id) ?? []).filter((r) => r.episode_id === latest.id).map((r) => r.requested_on),
  };
}

/**
 * The features' own person_summaries columns, each derived by its rule from the sources. A feature
 * with a projection of its own adds its column here (and to person_summaries in its migration).
 */
const FEATURE_COLUMNS: Record<many.SummaryColumn, (d: Derived, sources: Sources, today: IsoDate, budgetDue: Map<string, IsoDate | null>) => ColumnValue> = {
  // REV-4: re-planning after a new admission, counting every admission of the person.
  replan_needed: (d, sources) => replanNeeded({
    episodes: d.aftercare.episodes,
    admissions: d.facts.admissions.map((a) => ({ admittedOn: a.admittedOn })),
    reviewsHeldOn: latestDates(d, sources).heldOn,
  }),
  // PLAN-7: out of hospital without a final plan, or with planned services not yet confirmed.
  discharge_warning: (d, sources) => {
    const latest = d.aftercare.episodes.at(-1) ?? null;
    if (!latest || latest.status !== 'active' || !latest.leftHospitalOn) return null;
    const readiness = dischargeReadiness({
      episodeStatus: latest.status, leftHospitalOn: latest.leftHospitalOn,
      planFinal: (sources.discharge.planVersion.get(d.person.id) ?? 0) > 0, unconfirmedServices: sources.discharge.unconfirmed.get(d.person.id) ?? 0,
    });
    return readiness.level === 'warning' ? readiness.reasons.join('. ') : null;
  },
  // PLAN-1: whose latest episode still needs a planning meeting, since when.
  planning_needed_since: (d, sources, today) => {
    const status = planningStatus(d.aftercare.episodes.at(-1), sources.meetings.get(d.person.id) ?? [], today);
    return status.needed ? status.since : null;
  },
  // DP-1(d), DP-2: the earliest review due of the person's budgets.
  budget_review_due: (d, _sources, _today, budgetDue) => budgetDue.get(d.person.id) ?? null,
};

/** DP-1(d), DP-2: each person's earliest budget review due (budgetClocksOf, as the budgets pages give them). */
function earliestBudgetReviews(sources: Sources, today: IsoDate): Map<string, IsoDate | null> {
  const { budgets, reviews, triggers, reductions } = sources.budgets;
  const clocks = budgetClocksOf(budgets, reviews, triggers, reductions, today);
  return new Map([...clocks].map(([personId, list]) => [personId, list.map((c) => c.dueOn).filter((x): x is IsoDate => x !== null).sort(compareDates)[0] ?? null]));
}

const NOTHING: NotificationState = { episodes: {}, services: {} };

/**
 * The change notifications: what subscribers were last told is compared with what the rules derive
 * now, and each difference becomes an event with a delivery to every subscription that may hear of
 * the person (unscoped, or scoped to an organisation with sight of them). A commit writes both the
 * change and its notifications; a rollback neither.
 */
async function notify(db: Db, derived: readonly Derived[], sources: Sources, sights: Map<string, Set<string>>): Promise<void> {
  let subscriptions: Awaited<ReturnType<typeof many.liveSubscriptions>> | undefined;
  const changed: { personId: string; state: object }[] = [];
  for (const d of derived) {
    const now = notificationState(d.aftercare, sources.services.get(d.person.id) ?? []);
    const row = sources.notificationStates.get(d.person.id);
    // A person recorded before change notifications existed (state null): record what holds, announce nothing of the past.
    const before = row === undefined ? NOTHING : (row.state as NotificationState | null);
    if (before !== null) {
      const occurredAt = new Date();
      const seen = sights.get(d.person.id) ?? new Set<string>();
      for (const change of changeEvents(before, now)) {
        subscriptions ??= await many.liveSubscriptions(db);
        const targets = subscriptions.filter((s) => s.events.includes(change.event) && (s.scope_organisation_code === null || seen.has(s.scope_organisation_code))).map((s) => s.id);
        if (targets.length === 0) continue;
        await insertEventWithDeliveries(
          db,
          { id: randomUUID(), event: change.event, personId: d.person.id, episodeId: change.episodeId, serviceId: change.serviceId, occurredAt },
          targets.map((subscriptionId) => ({ id: randomUUID(), subscriptionId })),
        );
      }
    }
    // jsonb keeps keys in its own order, so the stored state is compared as a value, not as text.
    if (!isDeepStrictEqual(before, now)) changed.push({ personId: d.person.id, state: now });
  }
  await many.saveNotificationStates(db, changed);
}

/**
 * What to do with change notifications (FHIR subscriptions): derive them with the rest ('with', as
 * refreshProjections does), leave them for later ('held': the notification state and the outbox are
 * not touched, so a later derivation still sees the state before), or derive only them ('only': an
 * import committed chunk by chunk releases the notifications of its people once it has finished).
 */
export type NotificationsMode = 'with' | 'held' | 'only';

/** Of the summary saved, what a change's answer shows (the review date, REV-1 and REV-4), as person_summaries now holds it. */
export interface SavedSummary { status: string; next_review_due: string | null; replan_needed: boolean }

/**
 * The audit event of the change whose projections are being saved, appended by the statement that
 * saves them (one round trip fewer); it may say what the derivation found (the aftercare status).
 */
export interface AuditOfChange {
  event: (aftercare: Map<string, AftercareResult>) => AuditEventInput;
  now: Date;
}

/** What the rules derive for these people from their sources, ready to save: no database. */
function derive(rows: readonly PersonRow[], sources: Sources, today: IsoDate, settings: ReviewSettings, law: LawSettings) {
  const derived: Derived[] = rows.map((person) => {
    const facts = { ...sources.facts.get(person.id)!, deemedResidence: law.deemedResidence };
    return { person, facts, aftercare: computeAftercare(facts, today) };
  });
  const out = new Map(derived.map((d) => [d.person.id, d.aftercare]));
  const sights = new Map<string, Set<string>>();
  const budgetDue = earliestBudgetReviews(sources, today);
  const entries = derived.map((d) => {
    const latest = d.aftercare.episodes.at(-1);
    const dates = latestDates(d, sources);
    const sight = organisationsWithSight({
      responsibleBodies: d.aftercare.episodes.flatMap((e) => [e.localAuthority.code, e.icb.code]),
      currentLocalAuthority: d.facts.residences.at(-1)?.localAuthority ?? null,
      currentIcb: latestBySince(d.facts.gpRegistrations)?.icb ?? null,
      allocatedOrganisations: sources.allocated.get(d.person.id) ?? [],
      providers: providerSight(d.facts.admissions, d.aftercare.episodes),
    });
    sights.set(d.person.id, new Set(sight));
    return {
      personId: d.person.id,
      summary: {
        status: d.aftercare.status,
        localAuthorityCode: latest?.localAuthority.code ?? null,
        icbCode: latest?.icb.code ?? null,
        leftHospitalOn: latest?.leftHospitalOn ?? null,
        // REV-1: the next review of the latest episode, counting only that episode's reviews and requests.
        nextReviewDue: latest ? episodeReviewDue(latest, dates.heldOn, dates.requestedOn, settings) : null,
      },
      organisationCodes: sight,
      columns: Object.fromEntries(Object.entries(FEATURE_COLUMNS).map(([column, rule]) => [column, rule(d, sources, today, budgetDue)])),
    };
  });
  const summaries = new Map(entries.map((e) => [e.personId, { status: e.summary.status, next_review_due: e.summary.nextReviewDue, replan_needed: e.columns.replan_needed === true }]));
  return { derived, aftercare: out, sights, entries, summaries };
}

/** Derives and writes the projections of these people from their sources; answers each one's aftercare by person id. */
async function deriveAndSave(db: Db, rows: readonly PersonRow[], sources: Sources, today: IsoDate, settings: ReviewSettings, law: LawSettings, notifications: NotificationsMode): Promise<Map<string, AftercareResult>> {
  const { derived, aftercare, sights, entries } = derive(rows, sources, today, settings, law);
  if (notifications !== 'only') await many.saveProjectionsOf(db, entries);
  if (notifications !== 'held') await notify(db, derived, sources, sights);
  return aftercare;
}

/**
 * As deriveAndSave for one person after a change, with the change's audit event in the projections'
 * statement, which is only sent: `saved` answers it and never rejects unobserved (the change awaits
 * it after COMMIT, useCases.change). The notifications' statements, when there are any, wait behind
 * it on the same connection.
 */
async function deriveAndSend(db: Db, person: PersonRow, sources: Sources, today: IsoDate, settings: ReviewSettings, law: LawSettings, audit?: AuditOfChange) {
  const { derived, aftercare, sights, entries, summaries } = derive([person], sources, today, settings, law);
  const saved = many.saveProjectionsOf(db, entries, audit && auditEventsInsert([audit.event(aftercare)], audit.now));
  saved.catch(() => {}); // observed by whoever awaits `saved`
  await notify(db, derived, sources, sights).catch(async (error: unknown) => {
    await saved; // the save's own error, when it is why the transaction refused the notifications
    throw error;
  });
  return { aftercare: aftercare.get(person.id)!, summary: summaries.get(person.id)!, saved };
}

/**
 * Re-derives the projections of many people (as refreshProjections does for one, in the caller's
 * transaction) and answers each one's aftercare by person id.
 */
export async function refreshProjectionsOf(db: Db, rows: readonly PersonRow[], today: IsoDate, settings: ReviewSettings, law: LawSettings, notifications: NotificationsMode = 'with'): Promise<Map<string, AftercareResult>> {
  if (rows.length === 0) return new Map();
  const sources = await many.loadProjectionSourcesOf(db, rows, today, { notifications: notifications !== 'held' });
  return deriveAndSave(db, rows, sources, today, settings, law, notifications);
}

/**
 * Re-derives one person's projections after a change, in the caller's transaction: the person as
 * they now are and everything the rules read in one statement, the summary and sight in another
 * (and the notification state only when it changed). Answers the person read, their aftercare and the summary saved,
 * or undefined when there is no such person.
 */
export async function refreshProjectionsById(db: Db, personId: string, today: IsoDate, settings: ReviewSettings, law: LawSettings): Promise<{ person: PersonRow; aftercare: AftercareResult; summary: SavedSummary } | undefined> {
  const loaded = await many.loadProjectionSourcesOfOne(db, personId, today);
  if (!loaded) return undefined;
  const { aftercare, summary, saved } = await deriveAndSend(db, loaded.person, loaded.sources, today, settings, law);
  await saved;
  return { person: loaded.person, aftercare, summary };
}

/**
 * As refreshProjectionsById, but its last statement (the summary and sight, with the change's audit
 * event) is only sent: `saved` answers it. For a change that commits next, so that COMMIT follows
 * that statement on the connection without waiting for its answer (issue 14, ADR 29). The caller
 * must await `saved` before it trusts the write, and wherever the transaction fails.
 */
export async function sendProjectionsById(db: Db, personId: string, today: IsoDate, settings: ReviewSettings, law: LawSettings, audit?: AuditOfChange): Promise<{ person: PersonRow; aftercare: AftercareResult; summary: SavedSummary; saved: Promise<void> } | undefined> {
  const loaded = await many.loadProjectionSourcesOfOne(db, personId, today);
  if (!loaded) return undefined;
  const sent = await deriveAndSend(db, loaded.person, loaded.sources, today, settings, law, audit);
  await statementsStartedAreSent();
  return { person: loaded.person, ...sent };
}

/** Re-derives status, responsible bodies, review date, the features' columns and who may see the person. */
export async function refreshProjections(db: Db, person: PersonRow, today: IsoDate, settings: ReviewSettings, law: LawSettings): Promise<AftercareResult> {
  const refreshed = await refreshProjectionsById(db, person.id, today, settings, law);
  if (!refreshed) throw new Error('refreshProjections: no such person');
  return refreshed.aftercare;
}

/**
 * Re-derives every person's projections: after a migration adds projection columns, or after a rule
 * changes, so that the register never shows what an older rule decided. Reports progress.
 */
export async function reprojectEveryone(db: Db, today: IsoDate, settings: ReviewSettings, law: LawSettings, onProgress?: (done: number) => void): Promise<number> {
  let done = 0;
  let after: string | null = null;
  for (;;) {
    const ids = await people.personIdsAfter(db, after, 500);
    if (ids.length === 0) return done;
    for (const id of ids) await db.transaction().execute((trx) => refreshProjectionsById(trx, id, today, settings, law));
    done += ids.length;
    after = ids.at(-1) ?? null;
    onProgress?.(done);
  }
}
