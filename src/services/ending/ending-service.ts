// Ending aftercare by a joint decision (END-1 to END-4, MHA25-2), reinstating it (END-6), the read
// models of the ending page and its forms, and the approvals waiting for an approver. Individual services are
// never touched here: changing services at a review without ending aftercare is the reviews'
// business (END-7). The use cases are in ending-proposals.ts and reinstatements.ts.
import { computeAftercare, type AftercareResult } from '../../domain/aftercare.ts';
import { approvalSide, type EndingSettings } from '../../domain/ending.ts';
import type { ReviewSettings } from '../../domain/reviews.ts';
import type { PersonReadEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import * as careServices from '../../data/care-services-repository.ts';
import * as ending from '../../data/ending-repository.ts';
import * as people from '../../data/people-repository.ts';
import { loadPersonReadModel } from '../../data/person-read-model.ts';
import type { Actor } from '../kernel/actor.ts';
import { NotFoundError } from '../kernel/errors.ts';
import { deriveAftercare, uuidOrNull } from '../kernel/person-record.ts';
import type { UseCases } from '../kernel/use-case.ts';
import { factsOfModel, RECORD_PARTS, viewOfModel } from '../people/people-service.ts';
import { endingProposalUseCases } from './ending-proposals.ts';
import { ownProposalOf } from './ending-records.ts';
import { episodeState, proposalView, reinstatementView } from './ending-views.ts';
import { reinstatementUseCases } from './reinstatements.ts';

export type { EpisodeState } from './ending-views.ts';

export interface EndingServiceOptions {
  clock: () => Date;
  reviews: ReviewSettings;
  useCases: UseCases;
  /** MHA25-2: aftercare ends only once the joint written notice is recorded as sent. */
  jointNoticeRequired: boolean;
}

/**
 * The ending page's part (END-1 to END-6, MHA25-2) from the rows read: each episode with the side the
 * actor approves for, its proposals and its reinstatements, each with its approvals. No query.
 */
function endingOf(actor: Actor, aftercare: AftercareResult, rows: ending.EndingsRows, settings: EndingSettings) {
  const { proposals, approvals: pa } = rows.proposals;
  const { reinstatements, approvals: ra } = rows.reinstatements;
  return {
    jointNoticeRequired: settings.jointNoticeRequired,
    episodes: aftercare.episodes.map((e) => ({
      episode: e,
      side: approvalSide(actor.organisationCode, e),
      proposals: proposals.filter((p) => p.episode_id === e.id).map((p) => proposalView(p, pa.filter((a) => a.proposal_id === p.id), settings)),
      reinstatements: reinstatements.filter((r) => r.episode_id === e.id).map((r) => reinstatementView(r, ra.filter((a) => a.reinstatement_id === r.id))),
    })),
  };
}

export function createEndingService(db: Db, { useCases, jointNoticeRequired }: EndingServiceOptions) {
  const { law } = useCases;
  const settings = { jointNoticeRequired };
  const deps = { db, useCases, settings };

  return {
    ...endingProposalUseCases(deps),
    ...reinstatementUseCases(deps),

    /** The person's ending page: the person's heading and each episode's proposals and reinstatements. */
    async page(actor: Actor, personId: string) {
      // One statement in autocommit (issue 14 item 3): the heading, the facts the episodes are derived
      // from, every proposal and reinstatement with its approvals, and the ending.view event.
      const audit = { action: 'ending.view', details: { parts: ['person', 'ending'] } };
      const load = (db: Db, viewer: people.Viewer, event: PersonReadEvent | undefined) => loadPersonReadModel(db, personId, viewer, RECORD_PARTS, event, ending.ENDINGS_PART);
      return useCases.readModelAtOnce(actor, personId, { permission: 'person:read', audit }, load, ({ model, today }) => ({
        person: viewOfModel(model),
        ...endingOf(actor, computeAftercare(factsOfModel(model, law), today), model.part, settings),
      }));
    },

    /** The form proposing to end an episode's aftercare: the person and the episode (404 for another person's). */
    async proposePage(actor: Actor, personId: string, episodeId: string) {
      const audit = { action: 'ending.view', details: { parts: ['person', 'episode'], episodeId } };
      // The heading, the facts and the services in one statement (issue 14 item 3), then the event,
      // which an unknown episode (404) does not get.
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, RECORD_PARTS, undefined, careServices.SERVICES_PART),
        ({ model, today }) => {
          const episode = computeAftercare(factsOfModel(model, law), today).episodes.find((e) => e.id === episodeId);
          if (!episode) throw new NotFoundError('episode');
          // END-7: the s117 services in place, for the proposal to say which carry on outside s117.
          const services = model.part.services
            .filter((r) => r.s117 && (r.end_date === null || r.end_date >= today))
            .map((r) => ({ id: r.id, description: r.description, provider: r.provider }));
          return { person: viewOfModel(model), episode, services };
        },
      );
    },

    /** The form recording the joint written notice of a proposal: the person and the proposal (404 when not theirs and this episode's). */
    async noticePage(actor: Actor, personId: string, episodeId: string, proposalId: string) {
      const audit = (p: { proposal: { id: string } }) => ({ action: 'ending.view', recordType: 'ending-proposal', recordId: p.proposal.id, details: { parts: ['person', 'proposal'] } });
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { summary: true }, undefined, ending.proposalRowsPart(uuidOrNull(proposalId))),
        ({ model, person }) => ({
          person: viewOfModel(model),
          proposal: proposalView(ownProposalOf(model.part.proposal, person, episodeId), model.part.approvals, settings),
        }),
      );
    },

    /** Proposals and reinstatements where the approver's organisation is a responsible body that has not approved yet. */
    async pendingApprovals(actor: Actor) {
      const audit = (result: { items: { person: { id: string } }[] }) => ({
        action: 'approvals.pending', details: { count: result.items.length, personIds: [...new Set(result.items.map((i) => i.person.id))] },
      });
      return useCases.run(actor, { permission: 'ending:approve', audit }, async ({ trx, actor, today }) => {
        const personIds = await ending.peopleWithPending(trx, actor.organisationCode);
        const items = [];
        for (const personId of personIds) {
          const person = (await people.findPerson(trx, personId))!;
          const aftercare = await deriveAftercare(trx, person, today, law);
          const { proposals, reinstatements } = await ending.pendingForPeople(trx, [personId]);
          const pa = await ending.endingApprovals(trx, proposals.map((p) => p.id));
          const ra = await ending.reinstatementApprovals(trx, reinstatements.map((r) => r.id));
          const awaits = (episodeId: string, approved: { side: string }[]) => {
            const episode = aftercare.episodes.find((e) => e.id === episodeId);
            const side = episode ? approvalSide(actor.organisationCode, episode) : null;
            return side && !approved.some((a) => a.side === side) ? { episode, side } : null;
          };
          const person$ = { id: person.id, givenName: person.given_name, familyName: person.family_name, nhsNumber: person.nhs_number };
          for (const p of proposals) {
            const approvals = pa.filter((a) => a.proposal_id === p.id);
            const due = awaits(p.episode_id, approvals);
            if (due?.episode) items.push({ kind: 'ending' as const, person: person$, side: due.side, episode: episodeState(due.episode), ...proposalView(p, approvals, settings) });
          }
          for (const r of reinstatements) {
            const approvals = ra.filter((a) => a.reinstatement_id === r.id);
            const due = awaits(r.episode_id, approvals);
            if (due?.episode) items.push({ kind: 'reinstatement' as const, person: person$, side: due.side, episode: episodeState(due.episode), ...reinstatementView(r, approvals) });
          }
        }
        return { items, nextCursor: null };
      });
    },
  };
}

export type EndingService = ReturnType<typeof createEndingService>;
