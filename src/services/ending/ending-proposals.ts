// Ending aftercare by a joint decision (END-1 to END-4, MHA25-2): propose, read, approve, withdraw,
// record the joint written notice, and the decision letter.
import { computeAftercare, type AftercareResult, type Episode, type LawSettings } from '../../domain/aftercare.ts';
import { randomUUID } from 'node:crypto';
import { approvalSide, endingContradictions, endingOutcome, validateEndingProposal, validateNotice, type EndingSettings } from '../../domain/ending.ts';
import type { IsoDate } from '../../domain/dates.ts';
import type { Db } from '../../data/database.ts';
import { loadPersonReadModel, partsTogether, type PersonReadModel } from '../../data/person-read-model.ts';
import type { PersonRow } from '../../data/schema.ts';
import * as careServices from '../../data/care-services-repository.ts';
import * as ending from '../../data/ending-repository.ts';
import * as plans from '../../data/plans-repository.ts';
import { renderEndingLetter } from '../../letters/ending-letter.ts';
import { letterFootingOf, readLetterContactRows, type LetterSender } from '../kernel/letter-contact.ts';
import { requirePermission, type Actor } from '../kernel/actor.ts';
import { ConflictError } from '../kernel/errors.ts';
import { deriveAftercare, uuidOrNull } from '../kernel/person-record.ts';
import type { UseCases } from '../kernel/use-case.ts';
import { parseInput, refuse } from '../kernel/validation.ts';
import { factsOfModel, RECORD_PARTS, viewOfModel } from '../people/people-service.ts';
import { ApprovalInput, EndingDecisionInput, EndingProposalInput, NoticeInput } from './ending-inputs.ts';
import { endServicesWithAftercare, findEpisode, forbiddenToOtherApprovers, ownProposal, ownProposalOf, sideOf } from './ending-records.ts';
import { episodeState, latestReviewHeld, proposalView, toApprovals } from './ending-views.ts';

export interface EndingDeps { db: Db; useCases: UseCases; settings: EndingSettings }

/** What the decision letter to the person needs (END-4, MHA25-2): in the caller's transaction with no audit (404 when not theirs). */
export async function endingLetterPart(trx: Db, person: PersonRow, today: IsoDate, law: LawSettings, episodeId: string, proposalId: string, settings: EndingSettings, sender: LetterSender = null) {
  const proposal = await ownProposal(trx, person, episodeId, proposalId, false);
  const aftercare = await deriveAftercare(trx, person, today, law);
  const bodies = bodiesOf(findEpisode(aftercare, episodeId));
  const approvals = await ending.endingApprovals(trx, [proposal.id]);
  const contact = await readLetterContactRows(trx, person.id, sender, bodies, bodies);
  return endingLetterOf({ proposal, approvals, contact }, aftercare, person, today, episodeId, settings, sender);
}

/** The responsible bodies a letter about the episode names, local authority first. */
const bodiesOf = (episode: Episode) => [episode.localAuthority.code, episode.icb.code];

/** endingLetterPart from the rows already read (the letter's read model) and the aftercare derived from its facts: no query. */
function endingLetterOf(rows: ending.EndingLetterRows, aftercare: AftercareResult, person: PersonRow, today: IsoDate, episodeId: string, settings: EndingSettings, sender: LetterSender) {
  const row = ownProposalOf(rows.proposal, person, episodeId);
  const episode = findEpisode(aftercare, episodeId);
  const body = (code: string | null, fallback: string) => ({ code: code ?? '', name: (code && rows.contact.organisations.get(code)?.name) || (code ?? fallback) });
  return {
    id: row.id,
    input: {
      person: { givenName: person.given_name, familyName: person.family_name, addressLine1: person.address_line1, postcode: person.postcode },
      localAuthority: body(episode.localAuthority.code, 'your local council'),
      icb: body(episode.icb.code, 'your NHS Integrated Care Board'),
      proposal: {
        reasonCode: row.reason_code, reasons: row.reasons, reassessedOn: row.reassessed_on, personInvolved: row.person_involved,
        personNotInvolvedReason: row.person_not_involved_reason, involved: row.involved, continuingOutsideS117: row.continuing_outside_s117,
        status: row.status, endedOn: row.ended_on, noticeSentOn: row.notice_sent_on,
      },
      approvals: toApprovals(rows.approvals),
      jointNotice: settings.jointNoticeRequired,
      date: row.notice_sent_on ?? row.ended_on ?? today,
      ...letterFootingOf(rows.contact, person.id, sender, bodiesOf(episode), 'ending', { on: row.ended_on ?? row.reassessed_on }),
    },
  };
}

/** What approvalPage reads besides the heading, the facts and the reviews. */
interface ApprovalPageRows { proposal: ending.ProposalDecisionRows; services: careServices.ServicesRows; needs: plans.LinkableNeed[] }

/**
 * approvalPage from its read model: no query. 404 for a proposal that is not the person's and this
 * episode's, then for an episode the person does not have.
 */
function approvalPageOf(model: PersonReadModel & { part: ApprovalPageRows }, actor: Actor, today: IsoDate, law: LawSettings, episodeId: string, settings: EndingSettings) {
  const { proposal, approvals, names } = model.part.proposal;
  const row = ownProposalOf(proposal, model.person, episodeId);
  const episode = findEpisode(computeAftercare(factsOfModel(model, law), today), episodeId);
  const live = model.part.services.services.filter((r) => r.s117 && (r.end_date === null || r.end_date >= today));
  const needs = model.part.needs;
  const latestReview = latestReviewHeld(model.reviews!.reviews, today);
  return {
    person: viewOfModel(model),
    episode,
    side: approvalSide(actor.organisationCode, episode),
    proposal: proposalView(row, approvals, settings),
    proposedBy: names.get(row.proposed_by) ?? null,
    approvals: approvals.map((a) => ({ side: a.side, approvedAt: new Date(a.approved_at).toISOString(), comment: a.comment, by: names.get(a.approver_id) ?? null })),
    decision: row.decided_by ? { by: names.get(row.decided_by) ?? null, side: row.decision_side, at: row.decided_at ? new Date(row.decided_at).toISOString() : null, reasons: row.decision_reasons } : null,
    latestReview,
    services: live.map((r) => ({ id: r.id, description: r.description, provider: r.provider, startDate: r.start_date, continues: (row.continuing_service_ids ?? []).includes(r.id) })),
    needs,
    warnings: endingContradictions({
      reassessedOn: row.reassessed_on,
      latestReview,
      liveS117Services: live.map((r) => ({ id: r.id, description: r.description })),
      continuingServiceIds: row.continuing_service_ids ?? [],
      s117Needs: needs.filter((n) => n.s117),
    }),
  };
}

export function endingProposalUseCases({ db, useCases, settings }: EndingDeps) {
  const { law } = useCases;
  return {
    /** END-1 to END-4: a practitioner or approver proposes ending an episode's aftercare. */
    async propose(actor: Actor, personId: string, episodeId: string, input: unknown) {
      requirePermission(actor, 'ending:propose');
      const data = parseInput(EndingProposalInput, input);
      const audit = (p: { id: string; episodeId: string }) => ({
        action: 'ending.propose', recordType: 'ending-proposal', recordId: p.id,
        details: { episodeId: p.episodeId, reasonCode: data.reasonCode, override: Boolean(data.override?.reason) },
      });
      // A proposal changes no status until both bodies approve it.
      return useCases.change(actor, personId, { permission: 'ending:propose', audit, reproject: false }, async ({ trx, actor, person, today, now }) => {
        const episode = findEpisode(await deriveAftercare(trx, person, today, law), episodeId);
        refuse(validateEndingProposal(episode, data, today));
        // END-7: only the person's own s117 services still in place can carry on outside s117.
        const live = (await careServices.listServices(trx, person.id)).filter((r) => r.s117 && (r.end_date === null || r.end_date >= today));
        refuse(data.continuingServiceIds.filter((id) => !live.some((r) => r.id === id)).slice(0, 1).map(() => ({ field: 'continuingServiceIds', message: 'Choose only this person’s s117 services that are still in place', rule: 'END-7' })));
        if (await ending.pendingEndingProposal(trx, episode.id)) throw new ConflictError('A proposal to end this aftercare is already waiting for approval');
        const id = randomUUID();
        await ending.insertEndingProposal(trx, {
          id,
          personId: person.id,
          episodeId: episode.id,
          reasonCode: data.reasonCode,
          reasons: data.reasons,
          reassessedOn: data.reassessedOn as string,
          personInvolved: data.personInvolved,
          personNotInvolvedReason: data.personInvolved ? null : (data.personNotInvolvedReason ?? null),
          involved: data.involved,
          continuingOutsideS117: data.continuingOutsideS117 ?? null,
          overrideReason: episode.conditionallyDischarged ? (data.override?.reason ?? null) : null,
          proposedBy: actor.userId,
          proposedAt: now,
          continuingServiceIds: data.continuingServiceIds,
        });
        return proposalView((await ending.findEndingProposal(trx, id))!, [], settings);
      });
    },

    async list(actor: Actor, personId: string, episodeId: string) {
      const audit = { action: 'ending.list', recordType: 'episode', recordId: episodeId };
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { facts: true }, undefined, ending.episodeProposalsPart(uuidOrNull(episodeId))),
        ({ model, today }) => {
          findEpisode(computeAftercare(factsOfModel(model, law), today), episodeId);
          const { proposals, approvals } = model.part;
          return { items: proposals.map((r) => proposalView(r, approvals.filter((a) => a.proposal_id === r.id), settings)), nextCursor: null };
        },
      );
    },

    async get(actor: Actor, personId: string, episodeId: string, proposalId: string) {
      const audit = (p: { id: string }) => ({ action: 'ending.view', recordType: 'ending-proposal', recordId: p.id });
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, {}, undefined, ending.proposalRowsPart(uuidOrNull(proposalId))),
        ({ model, person }) => proposalView(ownProposalOf(model.part.proposal, person, episodeId), model.part.approvals, settings),
      );
    },

    /**
     * END-1: an approver of the responsible local authority or ICB approves. The proposal is locked,
     * so two approvers at once take turns; a side's second approval changes nothing (created: false).
     */
    async approve(actor: Actor, personId: string, episodeId: string, proposalId: string, input: unknown = {}) {
      requirePermission(actor, 'ending:approve');
      const data = parseInput(ApprovalInput, input ?? {});
      type Approved = { id: string; created: boolean; side: string; ends: boolean; endedOn: string | null; services?: Awaited<ReturnType<typeof endServicesWithAftercare>> };
      const audit = (r: Approved) => r.created
        ? { action: 'ending.approve', recordType: 'ending-proposal', recordId: r.id, details: { episodeId, side: r.side, ends: r.ends, endedOn: r.endedOn, commented: Boolean(data.comment), ...r.services } }
        : { action: 'ending.approve-repeat', recordType: 'ending-proposal', recordId: r.id, details: { episodeId, side: r.side } };
      return forbiddenToOtherApprovers(db, { table: 'ending_proposals', personId, episodeId, id: proposalId }, () =>
        useCases.change(actor, personId, { permission: 'ending:approve', audit }, async ({ trx, actor, person, today, now }): Promise<Approved> => {
          const row = await ownProposal(trx, person, episodeId, proposalId, true);
          const side = sideOf(actor, findEpisode(await deriveAftercare(trx, person, today, law), episodeId));
          if (row.status === 'withdrawn') throw new ConflictError('This proposal was withdrawn');
          if (row.status === 'refused' || row.status === 'sent-back') throw new ConflictError('This proposal was refused or sent back: a new proposal is needed');
          const created = row.status === 'pending' && await ending.insertEndingApproval(trx, {
            id: randomUUID(), proposalId: row.id, side, organisationCode: actor.organisationCode, approverId: actor.userId, approvedAt: now, approvedOn: today, comment: data.comment ?? null,
          });
          if (!created) return { id: row.id, created, side, ends: false, endedOn: null };
          const outcome = endingOutcome(toApprovals(await ending.endingApprovals(trx, [row.id])), settings, row.notice_sent_on);
          if (!outcome.ends || !outcome.endedOn) return { id: row.id, created, side, ends: false, endedOn: null };
          await ending.updateEndingProposal(trx, row.id, { status: 'approved', ended_on: outcome.endedOn });
          // END-7: the s117 services end with aftercare (or carry on outside s117, as the proposal says).
          const services = await endServicesWithAftercare(trx, actor, person.id, row, outcome.endedOn);
          return { id: row.id, created, side, ends: true, endedOn: outcome.endedOn, services };
        }, async ({ trx, person, today }, { id, created }) => {
          const episode = findEpisode(await deriveAftercare(trx, person, today, law), episodeId);
          const approvals = await ending.endingApprovals(trx, [id]);
          return { created, ...proposalView((await ending.findEndingProposal(trx, id))!, approvals, settings), episode: episodeState(episode) };
        }),
      );
    },

    /**
     * Issue 9 item 3: an approver of the responsible local authority or ICB refuses a proposal to end
     * aftercare (it continues), or sends it back for reassessment, with reasons, for their body.
     */
    async decide(actor: Actor, personId: string, episodeId: string, proposalId: string, input: unknown) {
      requirePermission(actor, 'ending:approve');
      const data = parseInput(EndingDecisionInput, input);
      const audit = (p: { id: string }) => ({ action: data.outcome === 'refused' ? 'ending.refuse' : 'ending.send-back', recordType: 'ending-proposal', recordId: p.id, details: { episodeId } });
      return forbiddenToOtherApprovers(db, { table: 'ending_proposals', personId, episodeId, id: proposalId }, () =>
        useCases.change(actor, personId, { permission: 'ending:approve', audit, reproject: false }, async ({ trx, actor, person, today, now }) => {
          const row = await ownProposal(trx, person, episodeId, proposalId, true);
          const side = sideOf(actor, findEpisode(await deriveAftercare(trx, person, today, law), episodeId));
          if (row.status !== 'pending') throw new ConflictError('Only a proposal still waiting for approval can be refused or sent back');
          await ending.updateEndingProposal(trx, row.id, { status: data.outcome, decided_by: actor.userId, decided_at: now, decision_side: side, decision_reasons: data.reasons });
          return proposalView((await ending.findEndingProposal(trx, row.id))!, await ending.endingApprovals(trx, [row.id]), settings);
        }),
      );
    },

    /**
     * Issue 9 item 3: what an approver reads before approving (or refusing) a proposal to end: the
     * proposal with who approved, when, for which body; the latest review, the s117 services in place
     * and the plan's needs; and where they contradict the proposal (domain endingContradictions).
     */
    async approvalPage(actor: Actor, personId: string, episodeId: string, proposalId: string) {
      const audit = (p: { proposal: { id: string } }) => ({ action: 'ending.view', recordType: 'ending-proposal', recordId: p.proposal.id, details: { parts: ['person', 'proposal', 'reviews', 'services', 'plan'] } });
      // The read model (issue 14 item 3): the heading, the facts, the reviews, the proposal with its
      // approvals and who is named on it, the services and the plan's needs; then the event.
      const part = partsTogether({ proposal: ending.proposalDecisionRowsPart(uuidOrNull(proposalId)), services: careServices.SERVICES_PART, needs: plans.PLAN_NEEDS_PART });
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { ...RECORD_PARTS, reviews: true }, undefined, part),
        ({ actor, today, model }) => approvalPageOf(model, actor, today, law, episodeId, settings),
      );
    },

    async withdraw(actor: Actor, personId: string, episodeId: string, proposalId: string) {
      const audit = (p: { id: string }) => ({ action: 'ending.withdraw', recordType: 'ending-proposal', recordId: p.id, details: { episodeId } });
      return useCases.change(actor, personId, { permission: 'ending:propose', audit, reproject: false }, async ({ trx, actor, person, now }) => {
        const row = await ownProposal(trx, person, episodeId, proposalId, true);
        if (row.status !== 'pending') throw new ConflictError(row.status === 'approved' ? 'Aftercare has already ended by this decision; reinstate it instead' : row.status === 'withdrawn' ? 'This proposal was already withdrawn' : 'This proposal was already refused or sent back');
        await ending.updateEndingProposal(trx, row.id, { status: 'withdrawn', withdrawn_by: actor.userId, withdrawn_at: now });
        return proposalView((await ending.findEndingProposal(trx, row.id))!, await ending.endingApprovals(trx, [row.id]), settings);
      });
    },

    /** MHA25-2 (and END-4 step 4): the joint written notice was sent; with the setting on, aftercare ends on that day. */
    async recordNotice(actor: Actor, personId: string, episodeId: string, proposalId: string, input: unknown) {
      requirePermission(actor, 'ending:propose');
      const data = parseInput(NoticeInput, input);
      const audit = (r: { id: string; ends: boolean }) => ({ action: 'ending.notice', recordType: 'ending-proposal', recordId: r.id, details: { episodeId, sentOn: data.sentOn, ends: r.ends } });
      return useCases.change(actor, personId, { permission: 'ending:propose', audit }, async ({ trx, actor, person, today }) => {
        const row = await ownProposal(trx, person, episodeId, proposalId, true);
        if (row.status === 'withdrawn') throw new ConflictError('This proposal was withdrawn');
        if (row.notice_sent_on) throw new ConflictError('The notice has already been recorded');
        const approvals = toApprovals(await ending.endingApprovals(trx, [row.id]));
        refuse(validateNotice(approvals, data.sentOn, today));
        await ending.updateEndingProposal(trx, row.id, { notice_sent_on: data.sentOn, notice_recorded_by: actor.userId });
        const outcome = endingOutcome(approvals, settings, data.sentOn);
        if (row.status === 'pending' && outcome.ends && outcome.endedOn) {
          await ending.updateEndingProposal(trx, row.id, { status: 'approved', ended_on: outcome.endedOn });
          await endServicesWithAftercare(trx, actor, person.id, row, outcome.endedOn);
        }
        return { id: row.id, ends: outcome.ends };
      }, async ({ trx, person, today }, { id }) => {
        const episode = findEpisode(await deriveAftercare(trx, person, today, law), episodeId);
        return { ...proposalView((await ending.findEndingProposal(trx, id))!, await ending.endingApprovals(trx, [id]), settings), episode: episodeState(episode) };
      });
    },

    /** END-4 step 4 / MHA25-2: the decision letter to the person (PDF). */
    async letter(actor: Actor, personId: string, episodeId: string, proposalId: string, options: { largePrint?: boolean } = {}): Promise<Buffer> {
      const audit = (r: { id: string }) => ({ action: 'ending.letter', recordType: 'ending-proposal', recordId: r.id, details: { episodeId, largePrint: Boolean(options.largePrint) } });
      const { input } = await useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { facts: true }, undefined, ending.endingLetterRowsPart(uuidOrNull(proposalId), actor.organisationCode)),
        ({ model, person, today }) => endingLetterOf(model.part, computeAftercare(factsOfModel(model, law), today), person, today, episodeId, settings, actor),
      );
      return renderEndingLetter(input, options);
    },
  };
}
