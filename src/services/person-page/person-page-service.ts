// The person page's read model: the record, the plan's state, the keyworker, planning meetings, IMHA
// eligibility and the review clocks, read in one transaction with one audit event that lists the
// parts shown, instead of one read and one audit event for each panel of the page.
import { can } from '../../domain/access.ts';
import { computeAftercare } from '../../domain/aftercare.ts';
import { statusSummary } from '../../domain/status-summary.ts';
import type { Db } from '../../data/database.ts';
import type { Viewer } from '../../data/people-repository.ts';
import { loadPersonReadModel } from '../../data/person-read-model.ts';
import type { Actor } from '../kernel/actor.ts';
import type { UseCases } from '../kernel/use-case.ts';
import { imhaEligibilityPart } from '../advocacy/advocacy-service.ts';
import { keyworkerPart } from '../keyworkers/keyworkers-service.ts';
import { factsOfModel, personRecordOfModel, RECORD_PARTS } from '../people/people-service.ts';
import { planningMeetingsPart } from '../planning/planning-service.ts';
import { planSummaryPart } from '../plans/plans-service.ts';
import { reviewClocksPart } from '../reviews/reviews-service.ts';
import { placementView } from '../legal-history/legal-history-service.ts';

/** What the audit event says was shown. */
const PARTS: readonly string[] = ['details', 'legal-history', 'placements', 'aftercare', 'plan', 'keyworker', 'planning-meetings', 'imha-eligibility', 'review-clocks'];

export function createPersonPageService({ useCases, mha2025Imha }: { useCases: UseCases; mha2025Imha: boolean }) {
  const { law } = useCases;
  return {
    async view(actor: Actor, personId: string) {
      const parts = can(actor.role, 'plan:read') ? PARTS : PARTS.filter((p) => p !== 'plan');
      // The person, visibility, histories, projections and facts in one read-model query (issue 14).
      const load = (trx: Db, viewer: Viewer) => loadPersonReadModel(trx, personId, viewer, RECORD_PARTS);
      return useCases.readModel(actor, personId, { permission: 'person:read', audit: { action: 'person.view', details: { parts } } }, load, async ({ trx, person, today, model }) => {
        // The facts and the aftercare derived from them once, for every part that needs them.
        const facts = factsOfModel(model, law);
        const aftercare = computeAftercare(facts, today);
        return {
          ...personRecordOfModel(model, today, law, aftercare),
          // MHA25-3: the accommodation councils arranged (shown with the legal history).
          placements: model.facts!.placements.map(placementView),
          // Issue 9 item 4: why the status is what it is, in plain words, from the same derivation.
          statusSummary: statusSummary(facts, today, person.given_name, aftercare),
          plan: parts.includes('plan') ? await planSummaryPart(trx, person, today, law, aftercare) : null,
          keyworker: await keyworkerPart(trx, person),
          meetings: await planningMeetingsPart(trx, person, today, law, null, aftercare),
          imha: await imhaEligibilityPart(trx, person, today, mha2025Imha, facts),
          reviewClocks: await reviewClocksPart(trx, person, today),
        };
      });
    },
  };
}

export type PersonPageView = Awaited<ReturnType<ReturnType<typeof createPersonPageService>['view']>>;
