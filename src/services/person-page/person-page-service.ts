// The person page's read model: the record, the plan's state, the keyworker, planning meetings, IMHA
// eligibility and the review clocks, read in one statement that also appends the one audit event
// listing the parts shown (issue 14), instead of one read and one audit event for each panel.
import { can } from '../../domain/access.ts';
import { computeAftercare } from '../../domain/aftercare.ts';
import { statusSummary } from '../../domain/status-summary.ts';
import type { PersonReadEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import type { Viewer } from '../../data/people-repository.ts';
import { loadPersonReadModel } from '../../data/person-read-model.ts';
import { unconfirmedPlannedCount } from '../../data/plans-repository.ts';
import type { Actor } from '../kernel/actor.ts';
import type { UseCases } from '../kernel/use-case.ts';
import type { AftercareResult } from '../../domain/aftercare.ts';
import type { IsoDate } from '../../domain/dates.ts';
import type { PersonPagePanels, PersonReadModel } from '../../data/person-read-model.ts';
import { imhaEligibilityOf } from '../advocacy/advocacy-service.ts';
import { budgetClocksOf } from '../budgets/budgets-projection.ts';
import { keyworkerOf } from '../keyworkers/keyworkers-service.ts';
import { factsOfModel, personRecordOfModel, RECORD_PARTS } from '../people/people-service.ts';
import { planningMeetingsOf } from '../planning/planning-service.ts';
import { dischargeReadinessGiven } from '../plans/plans-projection.ts';
import { planSummaryOf } from '../plans/plans-service.ts';
import { reviewClocksOf } from '../reviews/reviews-service.ts';
import { nextReviewOfSummary } from '../reviews/reviews-views.ts';
import { placementView } from '../legal-history/legal-history-service.ts';

/** What the audit event says was shown. */
const PARTS: readonly string[] = ['details', 'legal-history', 'placements', 'aftercare', 'plan', 'keyworker', 'planning-meetings', 'imha-eligibility', 'review-clocks'];

export function createPersonPageService({ useCases, mha2025Imha }: { useCases: UseCases; mha2025Imha: boolean }) {
  const { law } = useCases;
  return {
    async view(actor: Actor, personId: string) {
      const parts = can(actor.role, 'plan:read') ? PARTS : PARTS.filter((p) => p !== 'plan');
      // The person, visibility, histories, projections, facts and the other panels' rows in one
      // read-model query (issue 14): the panels are derived from it, with no query of their own.
      // One statement in autocommit, with the page's audit event appended by it (useCases.readModelAtOnce).
      const load = (db: Db, viewer: Viewer, audit: PersonReadEvent | undefined) => loadPersonReadModel(db, personId, viewer, { ...RECORD_PARTS, panels: true }, audit);
      return useCases.readModelAtOnce(actor, personId, { permission: 'person:read', audit: { action: 'person.view', details: { parts } } }, load, ({ person, today, model }) => {
        // The facts and the aftercare derived from them once, for every part that needs them.
        const facts = factsOfModel(model, law);
        const aftercare = computeAftercare(facts, today);
        const { plan, keyworker, meetings, reviewClocks } = personPagePanels(model, today, aftercare, parts.includes('plan'));
        return {
          ...personRecordOfModel(model, today, law, aftercare),
          // MHA25-3: the accommodation councils arranged (shown with the legal history).
          placements: model.facts!.placements.map(placementView),
          // Issue 9 item 4: why the status is what it is, in plain words, from the same derivation.
          statusSummary: statusSummary(facts, today, person.given_name, aftercare),
          plan, keyworker, meetings,
          imha: imhaEligibilityOf(facts, today, mha2025Imha),
          reviewClocks,
        };
      });
    },
  };
}

/**
 * The plan, keyworker, planning meetings and review clocks panels from the read model's rows, as
 * planSummaryPart, keyworkerPart, planningMeetingsPart and reviewClocksPart give them from their
 * own queries (the same rows, read in the same statement).
 */
export function personPagePanels(model: PersonReadModel, today: IsoDate, aftercare: AftercareResult, withPlan: boolean) {
  const panels: PersonPagePanels = model.panels!;
  const summary = model.summary;
  const unconfirmedServices = unconfirmedPlannedCount(panels.unconfirmedServiceEnds, today);
  const readiness = dischargeReadinessGiven(aftercare, { planFinal: panels.latestFinalVersion > 0, unconfirmedServices });
  const { nextDueOn } = nextReviewOfSummary(summary);
  const clocks = budgetClocksOf(panels.budgets, panels.budgetReviews, panels.budgetTriggers, panels.budgetReductions, today).get(model.person.id) ?? [];
  return {
    plan: withPlan ? planSummaryOf(panels.plan, panels.latestFinalVersion, readiness) : null,
    keyworker: keyworkerOf(panels.keyworkers, summary && { status: summary.status, left_hospital_on: summary.left_hospital_on }),
    meetings: planningMeetingsOf(panels.meetings, panels.invitees, aftercare, today),
    reviewClocks: reviewClocksOf(nextDueOn, clocks, today),
  };
}

export type PersonPageView = Awaited<ReturnType<ReturnType<typeof createPersonPageService>['view']>>;
