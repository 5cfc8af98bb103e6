// refreshProjections (person-record.ts) for many people at once, for work across many records (an
// import derives the projections of each chunk of rows here). The same rules derive the same values
// from the same facts; the reads and writes are set-based (data/projections-repository.ts), so a
// chunk of 500 people takes a few dozen queries instead of some 20 a person. A contributor with no
// set-based twin here is run person by person, so a new contributor is never skipped.
import { randomUUID } from 'node:crypto';
import { organisationsWithSight, providerSight } from '../../domain/access.ts';
import { computeAftercare, type AftercareResult, type LawSettings, type PersonFacts } from '../../domain/aftercare.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { changeEvents, notificationState, type NotificationState } from '../../domain/notifications.ts';
import { planningStatus } from '../../domain/planning.ts';
import { dischargeReadiness } from '../../domain/plans.ts';
import { episodeReviewDue, replanNeeded, type ReviewSettings } from '../../domain/reviews.ts';
import type { Db } from '../../data/database.ts';
import * as many from '../../data/projections-repository.ts';
import type { PersonRow } from '../../data/schema.ts';
import { insertEventWithDeliveries } from '../../data/subscriptions-repository.ts';
import { budgetReviewClocks, budgetReviewContributor } from '../budgets/budgets-projection.ts';
import { planningContributor } from '../planning/planning-projection.ts';
import { dischargeWarningContributor } from '../plans/plans-projection.ts';
import { replanContributor } from '../reviews/reviews-projection.ts';
import { notificationsContributor } from '../subscriptions/notifications-projection.ts';
import type { ProjectionContributor } from './projection-contributor.ts';
import { CONTRIBUTORS, latestBySince } from './person-record.ts';
import { compareDates } from '../../domain/dates.ts';

interface Derived { person: PersonRow; facts: PersonFacts; aftercare: AftercareResult }
interface Context { reviewDates: Awaited<ReturnType<typeof many.reviewDatesOf>>; sights: Map<string, Set<string>> }
/** A twin either writes what it derives itself, or answers one person_summaries column's values, written with the summary in one statement. */
type ManyContributor = (db: Db, people: readonly Derived[], today: IsoDate, context: Context) => Promise<void | SummaryColumns>;
type SummaryColumns = { column: many.SummaryColumn; values: (readonly [string, string | boolean | null])[] };

function latestDates(d: Derived, reviewDates: Awaited<ReturnType<typeof many.reviewDatesOf>>) {
  const latest = d.aftercare.episodes.at(-1);
  if (!latest) return { heldOn: [] as string[], requestedOn: [] as string[] };
  return {
    heldOn: (reviewDates.held.get(d.person.id) ?? []).filter((r) => r.episode_id === latest.id).map((r) => r.held_on),
    requestedOn: (reviewDates.requested.get(d.person.id) ?? []).filter((r) => r.episode_id === latest.id).map((r) => r.requested_on),
  };
}

/** The set-based twin of each contributor person-record.ts lists. */
const MANY = new Map<ProjectionContributor, ManyContributor>([
  [replanContributor, async (db, people, _today, { reviewDates }) => {
    // REV-4, as replanContributor: every admission of the person (facts.admissions holds them all).
    return { column: 'replan_needed', values: people.map((d) => [d.person.id, replanNeeded({
      episodes: d.aftercare.episodes,
      admissions: d.facts.admissions.map((a) => ({ admittedOn: a.admittedOn })),
      reviewsHeldOn: latestDates(d, reviewDates).heldOn,
    })] as const) };
  }],
  [dischargeWarningContributor, async (db, people, today) => {
    // PLAN-7, as dischargeReadinessOf.
    const { planVersion, unconfirmed } = await many.dischargeFactsOf(db, people.map((d) => d.person.id), today);
    return { column: 'discharge_warning', values: people.map((d) => {
      const latest = d.aftercare.episodes.at(-1) ?? null;
      if (!latest || latest.status !== 'active' || !latest.leftHospitalOn) return [d.person.id, null] as const;
      const readiness = dischargeReadiness({ episodeStatus: latest.status, leftHospitalOn: latest.leftHospitalOn, planFinal: (planVersion.get(d.person.id) ?? 0) > 0, unconfirmedServices: unconfirmed.get(d.person.id) ?? 0 });
      return [d.person.id, readiness.level === 'warning' ? readiness.reasons.join('. ') : null] as const;
    }) };
  }],
  [planningContributor, async (db, people, today) => {
    // PLAN-1, as planningContributor.
    const meetings = await many.meetingFactsOf(db, people.map((d) => d.person.id));
    return { column: 'planning_needed_since', values: people.map((d) => {
      const status = planningStatus(d.aftercare.episodes.at(-1), meetings.get(d.person.id) ?? [], today);
      return [d.person.id, status.needed ? status.since : null] as const;
    }) };
  }],
  [budgetReviewContributor, async (db, people, today) => {
    // DP-1(d), DP-2, as earliestBudgetReviewDue (budgetReviewClocks uses the same triggers).
    const clocks = await budgetReviewClocks(db, people.map((d) => d.person.id), today);
    return { column: 'budget_review_due', values: people.map((d) => {
      const dues = (clocks.get(d.person.id) ?? []).map((c) => c.dueOn).filter((x): x is IsoDate => x !== null).sort(compareDates);
      return [d.person.id, dues[0] ?? null] as const;
    }) };
  }],
  [notificationsContributor, async (db, people, _today, { sights }) => {
    // As notificationsContributor: the subscriptions that may hear of a person are those unscoped or
    // scoped to an organisation with sight of them (person_organisations, saved just before).
    const ids = people.map((d) => d.person.id);
    const [services, stored, subscriptions] = await Promise.all([many.servicesOf(db, ids), many.notificationStatesOf(db, ids), many.liveSubscriptions(db)]);
    const changed: { personId: string; state: object }[] = [];
    for (const d of people) {
      const now = notificationState(d.aftercare, services.get(d.person.id) ?? []);
      const row = stored.get(d.person.id);
      const before = row === undefined ? NOTHING : (row.state as NotificationState | null);
      if (before !== null) {
        const occurredAt = new Date();
        const seen = sights.get(d.person.id) ?? new Set<string>();
        for (const change of changeEvents(before, now)) {
          const targets = subscriptions.filter((s) => s.events.includes(change.event) && (s.scope_organisation_code === null || seen.has(s.scope_organisation_code))).map((s) => s.id);
          if (targets.length === 0) continue;
          await insertEventWithDeliveries(
            db,
            { id: randomUUID(), event: change.event, personId: d.person.id, episodeId: change.episodeId, serviceId: change.serviceId, occurredAt },
            targets.map((subscriptionId) => ({ id: randomUUID(), subscriptionId })),
          );
        }
      }
      if (JSON.stringify(before) !== JSON.stringify(now)) changed.push({ personId: d.person.id, state: now });
    }
    await many.saveNotificationStates(db, changed);
  }],
]);

const NOTHING: NotificationState = { episodes: {}, services: {} };

/**
 * What to do with change notifications (FHIR subscriptions): derive them with the rest ('with', as
 * refreshProjections does), leave them for later ('held': the notification state and the outbox are
 * not touched, so a later derivation still sees the state before), or derive only them ('only': an
 * import committed chunk by chunk releases the notifications of its people once it has finished).
 */
export type NotificationsMode = 'with' | 'held' | 'only';

/**
 * Re-derives the projections of many people (as refreshProjections does for one, in the caller's
 * transaction) and answers each one's aftercare by person id.
 */
export async function refreshProjectionsOf(db: Db, people: readonly PersonRow[], today: IsoDate, settings: ReviewSettings, law: LawSettings, notifications: NotificationsMode = 'with'): Promise<Map<string, AftercareResult>> {
  const out = new Map<string, AftercareResult>();
  if (people.length === 0) return out;
  const ids = people.map((p) => p.id);
  const [facts, reviewDates, allocated] = await Promise.all([many.loadFactsOf(db, people), many.reviewDatesOf(db, ids), many.allocatedOrganisationCodesOf(db, ids)]);
  const derived: Derived[] = people.map((person) => {
    const f = { ...facts.get(person.id)!, deemedResidence: law.deemedResidence };
    return { person, facts: f, aftercare: computeAftercare(f, today) };
  });
  const sights = new Map<string, Set<string>>();
  const entries = derived.map((d) => {
    const latest = d.aftercare.episodes.at(-1);
    const dates = latestDates(d, reviewDates);
    const sight = organisationsWithSight({
      responsibleBodies: d.aftercare.episodes.flatMap((e) => [e.localAuthority.code, e.icb.code]),
      currentLocalAuthority: d.facts.residences.at(-1)?.localAuthority ?? null,
      currentIcb: latestBySince(d.facts.gpRegistrations)?.icb ?? null,
      allocatedOrganisations: allocated.get(d.person.id) ?? [],
      providers: providerSight(d.facts.admissions, d.aftercare.episodes),
    });
    sights.set(d.person.id, new Set(sight));
    out.set(d.person.id, d.aftercare);
    return {
      personId: d.person.id,
      summary: {
        status: d.aftercare.status,
        localAuthorityCode: latest?.localAuthority.code ?? null,
        icbCode: latest?.icb.code ?? null,
        leftHospitalOn: latest?.leftHospitalOn ?? null,
        // REV-1, as nextReviewDueFor.
        nextReviewDue: latest ? episodeReviewDue(latest, dates.heldOn, dates.requestedOn, settings) : null,
      },
      organisationCodes: sight,
      columns: {} as Partial<Record<many.SummaryColumn, string | boolean | null>>,
    };
  });
  // The twins that derive a summary column only read tables other than person_summaries, so they run
  // first and their columns are saved with the summary, in one statement a chunk.
  const byId = new Map(entries.map((e) => [e.personId, e]));
  const context = { reviewDates, sights };
  const columnTwins = new Set<ProjectionContributor>([replanContributor, dischargeWarningContributor, planningContributor, budgetReviewContributor]);
  if (notifications === 'only') {
    await MANY.get(notificationsContributor)!(db, derived, today, context);
    return out;
  }
  for (const contribute of CONTRIBUTORS) {
    if (!columnTwins.has(contribute)) continue;
    const answer = await MANY.get(contribute)!(db, derived, today, context);
    if (answer) for (const [id, value] of answer.values) byId.get(id)!.columns[answer.column] = value;
  }
  await many.saveProjectionsOf(db, entries);
  for (const contribute of CONTRIBUTORS) {
    if (columnTwins.has(contribute)) continue;
    if (notifications === 'held' && contribute === notificationsContributor) continue;
    const twin = MANY.get(contribute);
    if (twin) await twin(db, derived, today, context);
    else for (const d of derived) await contribute(db, d.person, d.aftercare, today);
  }
  return out;
}
