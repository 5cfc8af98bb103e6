// Reinstating aftercare that was ended jointly (END-6, CONTESTED): ask for it, list the requests,
// what an approver reads before deciding, the two bodies' approvals (each with a comment), from the
// second of which the episode is active again, and an approver's refusal or sending back, with reasons.
import { randomUUID } from 'node:crypto';
import { approvalSide, jointOutcome, reasonText, reinstatementContradictions, validateReinstatement } from '../../domain/ending.ts';
import { computeAftercare, type LawSettings } from '../../domain/aftercare.ts';
import type { IsoDate } from '../../domain/dates.ts';
import * as plans from '../../data/plans-repository.ts';
import * as ending from '../../data/ending-repository.ts';
import { loadPersonReadModel, partsTogether, type PersonReadModel } from '../../data/person-read-model.ts';
import { requirePermission, type Actor } from '../kernel/actor.ts';
import { ConflictError } from '../kernel/errors.ts';
import { deriveAftercare, uuidOrNull } from '../kernel/person-record.ts';
import { parseInput, refuse } from '../kernel/validation.ts';
import { factsOfModel, RECORD_PARTS, viewOfModel } from '../people/people-service.ts';
import { ApprovalInput, ReinstatementDecisionInput, ReinstatementInput } from './ending-inputs.ts';
import type { EndingDeps } from './ending-proposals.ts';
import { findEpisode, forbiddenToOtherApprovers, ownReinstatement, ownReinstatementOf, sideOf } from './ending-records.ts';
import { episodeState, latestReviewHeld, reinstatementView, toApprovals } from './ending-views.ts';

/** What reinstatementApprovalPage reads besides the heading, the facts and the reviews. */
interface ReinstatementPageRows { reinstatement: ending.ReinstatementDecisionRows; endings: ending.ProposalsRows; needs: plans.LinkableNeed[] }

/**
 * reinstatementApprovalPage from its read model: no query. 404 for a request that is not the
 * person's and this episode's, then for an episode the person does not have.
 */
function reinstatementApprovalPageOf(model: PersonReadModel & { part: ReinstatementPageRows }, actor: Actor, today: IsoDate, law: LawSettings, episodeId: string) {
  const { reinstatement, approvals, names } = model.part.reinstatement;
  const row = ownReinstatementOf(reinstatement, model.person, episodeId);
  const facts = factsOfModel(model, law);
  const aftercare = computeAftercare(facts, today);
  const episode = findEpisode(aftercare, episodeId);
  // The joint decision that ended this aftercare: the latest approved proposal made before the request.
  const ended = model.part.endings.proposals.filter((p) => p.status === 'approved' && p.ended_on !== null && p.proposed_at <= row.requested_at).at(-1) ?? null;
  const latestReview = latestReviewHeld(model.reviews!.reviews, today);
  const needs = model.part.needs;
  const later = aftercare.episodes.slice(aftercare.episodes.findIndex((e) => e.id === episodeId) + 1).at(0) ?? null;
  return {
    person: viewOfModel(model),
    episode,
    side: approvalSide(actor.organisationCode, episode),
    reinstatement: reinstatementView(row, approvals),
    requestedBy: names.get(row.requested_by) ?? null,
    approvals: approvals.map((a) => ({ side: a.side, approvedAt: new Date(a.approved_at).toISOString(), comment: a.comment, by: names.get(a.approver_id) ?? null })),
    decision: row.decided_by ? { by: names.get(row.decided_by) ?? null, side: row.decision_side, at: row.decided_at ? new Date(row.decided_at).toISOString() : null, reasons: row.decision_reasons } : null,
    ending: ended ? { endedOn: ended.ended_on as string, reason: reasonText(ended.reason_code).label, reasons: ended.reasons } : null,
    latestReview,
    needs,
    warnings: reinstatementContradictions({
      endedOn: ended?.ended_on ?? episode.endedOn,
      latestReview,
      s117Needs: needs.filter((n) => n.s117),
      inHospitalSince: facts.admissions.find((a) => a.dischargedOn === null && a.admittedOn <= today)?.admittedOn ?? null,
      laterEpisodeFrom: later?.qualifyingFrom ?? null,
      dateOfDeath: facts.dateOfDeath,
    }),
  };
}

export function reinstatementUseCases({ db, useCases }: EndingDeps) {
  const { law } = useCases;
  return {
    /** END-6 (CONTESTED): ask for aftercare that was ended jointly to be put back in place. */
    async reinstate(actor: Actor, personId: string, episodeId: string, input: unknown) {
      requirePermission(actor, 'ending:propose');
      const data = parseInput(ReinstatementInput, input);
      const audit = (r: { id: string; episodeId: string }) => ({ action: 'reinstatement.request', recordType: 'reinstatement', recordId: r.id, details: { episodeId: r.episodeId } });
      // A request changes no status until both bodies approve it.
      return useCases.change(actor, personId, { permission: 'ending:propose', audit, reproject: false }, async ({ trx, actor, person, today, now }) => {
        const episode = findEpisode(await deriveAftercare(trx, person, today, law), episodeId);
        refuse(validateReinstatement(episode, data));
        if (await ending.pendingReinstatement(trx, episode.id)) throw new ConflictError('A reinstatement of this aftercare is already waiting for approval');
        const id = randomUUID();
        await ending.insertReinstatement(trx, { id, personId: person.id, episodeId: episode.id, reasons: data.reasons, requestedBy: actor.userId, requestedAt: now });
        return reinstatementView((await ending.findReinstatement(trx, id))!, []);
      });
    },

    async listReinstatements(actor: Actor, personId: string, episodeId: string) {
      const audit = { action: 'reinstatement.list', recordType: 'episode', recordId: episodeId };
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { facts: true }, undefined, ending.episodeReinstatementsPart(uuidOrNull(episodeId))),
        ({ model, today }) => {
          findEpisode(computeAftercare(factsOfModel(model, law), today), episodeId);
          const { reinstatements, approvals } = model.part;
          return { items: reinstatements.map((r) => reinstatementView(r, approvals.filter((a) => a.reinstatement_id === r.id))), nextCursor: null };
        },
      );
    },

    /**
     * END-6: both sides approve, as for an ending, each with an optional comment kept with the
     * approval; the episode is active again from the second approval. A refused or sent-back request
     * cannot be approved (409): a new request is needed.
     */
    async approveReinstatement(actor: Actor, personId: string, episodeId: string, reinstatementId: string, input: unknown = {}) {
      requirePermission(actor, 'ending:approve');
      const data = parseInput(ApprovalInput, input ?? {});
      type Approved = { id: string; created: boolean; side: string; reinstated: boolean };
      const audit = (r: Approved) => r.created
        ? { action: 'reinstatement.approve', recordType: 'reinstatement', recordId: r.id, details: { episodeId, side: r.side, reinstated: r.reinstated, commented: Boolean(data.comment) } }
        : { action: 'reinstatement.approve-repeat', recordType: 'reinstatement', recordId: r.id, details: { episodeId, side: r.side } };
      return forbiddenToOtherApprovers(db, { table: 'reinstatements', personId, episodeId, id: reinstatementId }, () =>
        useCases.change(actor, personId, { permission: 'ending:approve', audit }, async ({ trx, actor, person, today, now }): Promise<Approved> => {
          const row = await ownReinstatement(trx, person, episodeId, reinstatementId, true);
          const side = sideOf(actor, findEpisode(await deriveAftercare(trx, person, today, law), episodeId));
          if (row.status === 'withdrawn') throw new ConflictError('This reinstatement was withdrawn');
          if (row.status === 'refused' || row.status === 'sent-back') throw new ConflictError('This request was refused or sent back: a new request is needed');
          const created = row.status === 'pending' && await ending.insertReinstatementApproval(trx, {
            id: randomUUID(), reinstatementId: row.id, side, organisationCode: actor.organisationCode, approverId: actor.userId, approvedAt: now, approvedOn: today, comment: data.comment ?? null,
          });
          if (!created) return { id: row.id, created, side, reinstated: false };
          const outcome = jointOutcome(toApprovals(await ending.reinstatementApprovals(trx, [row.id])));
          if (outcome.agreed) await ending.updateReinstatement(trx, row.id, { status: 'approved', reinstated_on: outcome.agreedOn });
          return { id: row.id, created, side, reinstated: outcome.agreed };
        }, async ({ trx, person, today }, { id, created }) => {
          const episode = findEpisode(await deriveAftercare(trx, person, today, law), episodeId);
          return { created, ...reinstatementView((await ending.findReinstatement(trx, id))!, await ending.reinstatementApprovals(trx, [id])), episode: episodeState(episode) };
        }),
      );
    },

    /**
     * Issue 9 items 3 and 9: an approver of the responsible local authority or ICB refuses a request
     * to reinstate aftercare (it stays ended), or sends it back to be reconsidered, with reasons, for
     * their body. Only a request still waiting can be decided (409 otherwise).
     */
    async decideReinstatement(actor: Actor, personId: string, episodeId: string, reinstatementId: string, input: unknown) {
      requirePermission(actor, 'ending:approve');
      const data = parseInput(ReinstatementDecisionInput, input);
      const audit = (r: { id: string; decision: { side: string | null } | null }) => ({
        action: data.outcome === 'refused' ? 'reinstatement.refuse' : 'reinstatement.send-back', recordType: 'reinstatement', recordId: r.id, details: { episodeId, side: r.decision?.side ?? null },
      });
      return forbiddenToOtherApprovers(db, { table: 'reinstatements', personId, episodeId, id: reinstatementId }, () =>
        useCases.change(actor, personId, { permission: 'ending:approve', audit, reproject: false }, async ({ trx, actor, person, today, now }) => {
          const row = await ownReinstatement(trx, person, episodeId, reinstatementId, true);
          const side = sideOf(actor, findEpisode(await deriveAftercare(trx, person, today, law), episodeId));
          if (row.status !== 'pending') throw new ConflictError('Only a request still waiting for approval can be refused or sent back');
          await ending.updateReinstatement(trx, row.id, { status: data.outcome, decided_by: actor.userId, decided_at: now, decision_side: side, decision_reasons: data.reasons });
          return reinstatementView((await ending.findReinstatement(trx, row.id))!, await ending.reinstatementApprovals(trx, [row.id]));
        }),
      );
    },

    /**
     * Issue 9 item 3: what an approver reads before approving (or refusing) a request to reinstate
     * aftercare: the request, who asked and when; each approval with who, when, for which body and
     * their comment; any refusal; how aftercare ended (the joint decision and its reasons); and the
     * latest review.
     */
    async reinstatementApprovalPage(actor: Actor, personId: string, episodeId: string, reinstatementId: string) {
      const audit = (p: { reinstatement: { id: string } }) => ({ action: 'reinstatement.view', recordType: 'reinstatement', recordId: p.reinstatement.id, details: { parts: ['person', 'reinstatement', 'ending', 'reviews', 'plan'] } });
      // The read model (issue 14 item 3): the heading, the facts, the reviews, the request with its
      // approvals and who is named on it, the episode's proposals and the plan's needs; then the event.
      const part = partsTogether({
        reinstatement: ending.reinstatementDecisionRowsPart(uuidOrNull(reinstatementId)),
        endings: ending.episodeProposalsPart(uuidOrNull(episodeId)),
        needs: plans.PLAN_NEEDS_PART,
      });
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { ...RECORD_PARTS, reviews: true }, undefined, part),
        ({ actor, today, model }) => reinstatementApprovalPageOf(model, actor, today, law, episodeId),
      );
    },

    /** The check page before asking for a reinstatement: the person and the episode (404 for another person's). */
    async reinstatementFormPage(actor: Actor, personId: string, episodeId: string) {
      const audit = { action: 'ending.view', details: { parts: ['person', 'episode'], episodeId } };
      // The heading and the facts the episode is derived from in one statement (issue 14 item 3), then
      // the event, which an unknown episode (404) does not get.
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, RECORD_PARTS),
        ({ model, today }) => ({ person: viewOfModel(model), episode: findEpisode(computeAftercare(factsOfModel(model, law), today), episodeId) }),
      );
    },
  };
}
