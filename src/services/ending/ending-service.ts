// Ending aftercare by a joint decision (END-1 to END-4, MHA25-2), reinstating it (END-6), the decision
// letter, and the approvals waiting for an approver. Individual services are never touched here:
// changing services at a review without ending aftercare is the reviews' business (END-7).
import { randomUUID } from 'node:crypto';
import type { AftercareResult, Episode } from '../../domain/aftercare.ts';
import { todayInLondon, type IsoDate } from '../../domain/dates.ts';
import {
  approvalSide, endingOutcome, jointOutcome, validateEndingProposal, validateNotice, validateReinstatement,
  type Approval, type ApprovalSide,
} from '../../domain/ending.ts';
import type { ReviewSettings } from '../../domain/reviews.ts';
import { findOrganisationByCode } from '../../data/accounts-repository.ts';
import { appendAuditEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import * as ending from '../../data/ending-repository.ts';
import * as people from '../../data/people-repository.ts';
import type { EndingApprovalRow, EndingProposalRow, PersonRow, ReinstatementApprovalRow, ReinstatementRow } from '../../data/schema.ts';
import { renderEndingLetter } from '../../letters/ending-letter.ts';
import { auditActor, requirePermission, type Actor } from '../kernel/actor.ts';
import { EmptyInput, EndingProposalInput, NoticeInput, ReinstatementInput } from './ending-inputs.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../kernel/errors.ts';
import { deriveAftercare, findVisiblePerson, isUuid, refreshProjections } from '../kernel/person-record.ts';
import { parseInput, refuse } from '../kernel/validation.ts';

export interface EndingServiceOptions {
  clock: () => Date;
  reviews: ReviewSettings;
  /** MHA25-2: aftercare ends only once the joint written notice is recorded as sent. */
  jointNoticeRequired: boolean;
}

export interface EpisodeState { id: string; status: Episode['status']; endedOn: IsoDate | null; endReason: Episode['endReason'] }


const toApprovals = (rows: readonly { side: ApprovalSide; approved_on: string }[]): Approval[] => rows.map((r) => ({ side: r.side, approvedOn: r.approved_on }));

function approvalView(row: EndingApprovalRow | ReinstatementApprovalRow) {
  return { side: row.side, organisationCode: row.organisation_code, approverId: row.approver_id, approvedAt: new Date(row.approved_at).toISOString(), approvedOn: row.approved_on };
}

export function episodeState(episode: Episode): EpisodeState {
  return { id: episode.id, status: episode.status, endedOn: episode.endedOn, endReason: episode.endReason };
}

export function createEndingService(db: Db, { clock, reviews, jointNoticeRequired }: EndingServiceOptions) {
  const today = () => todayInLondon(clock());
  const settings = { jointNoticeRequired };

  function proposalView(row: EndingProposalRow, approvals: EndingApprovalRow[]) {
    const outcome = endingOutcome(toApprovals(approvals), settings, row.notice_sent_on);
    return {
      id: row.id,
      version: row.version,
      personId: row.person_id,
      episodeId: row.episode_id,
      reasonCode: row.reason_code,
      reasons: row.reasons,
      reassessedOn: row.reassessed_on,
      personInvolved: row.person_involved,
      personNotInvolvedReason: row.person_not_involved_reason,
      involved: row.involved,
      continuingOutsideS117: row.continuing_outside_s117,
      override: row.override_reason ? { reason: row.override_reason } : null,
      proposedBy: row.proposed_by,
      proposedAt: new Date(row.proposed_at).toISOString(),
      status: row.status,
      approvals: approvals.map(approvalView),
      awaiting: row.status === 'pending' ? outcome.awaiting : [],
      jointNoticeRequired,
      awaitingNotice: row.status === 'pending' && outcome.awaitingNotice,
      noticeSentOn: row.notice_sent_on,
      endedOn: row.ended_on,
    };
  }

  function reinstatementView(row: ReinstatementRow, approvals: ReinstatementApprovalRow[]) {
    const outcome = jointOutcome(toApprovals(approvals));
    return {
      id: row.id,
      version: row.version,
      personId: row.person_id,
      episodeId: row.episode_id,
      reasons: row.reasons,
      requestedBy: row.requested_by,
      requestedAt: new Date(row.requested_at).toISOString(),
      status: row.status,
      approvals: approvals.map(approvalView),
      awaiting: row.status === 'pending' ? outcome.awaiting : [],
      reinstatedOn: row.reinstated_on,
    };
  }

  /** The aftercare as it stands, for checks and reads: writes nothing. */
  async function current(trx: Db, person: PersonRow): Promise<AftercareResult> {
    return deriveAftercare(trx, person, today());
  }

  /** After a decision that changes the episode: re-derive the register's projections too. */
  async function refreshed(trx: Db, person: PersonRow): Promise<AftercareResult> {
    return refreshProjections(trx, person, today(), reviews);
  }

  function findEpisode(aftercare: AftercareResult, episodeId: string): Episode {
    const episode = aftercare.episodes.find((e) => e.id === episodeId);
    if (!episode) throw new NotFoundError('episode');
    return episode;
  }

  async function ownProposal(trx: Db, person: PersonRow, episodeId: string, proposalId: string, lock: boolean): Promise<EndingProposalRow> {
    const row = isUuid(proposalId) ? await (lock ? ending.lockEndingProposal(trx, proposalId) : ending.findEndingProposal(trx, proposalId)) : undefined;
    if (!row || row.person_id !== person.id || row.episode_id !== episodeId) throw new NotFoundError('ending proposal');
    return row;
  }

  async function ownReinstatement(trx: Db, person: PersonRow, episodeId: string, id: string, lock: boolean): Promise<ReinstatementRow> {
    const row = isUuid(id) ? await (lock ? ending.lockReinstatement(trx, id) : ending.findReinstatement(trx, id)) : undefined;
    if (!row || row.person_id !== person.id || row.episode_id !== episodeId) throw new NotFoundError('reinstatement');
    return row;
  }

  /** END-1: the side an approver signs for, or 403. */
  function sideOf(actor: Actor, episode: Episode): ApprovalSide {
    const side = approvalSide(actor.organisationCode, episode);
    if (!side) throw new ForbiddenError('Only an approver of the responsible local authority or the responsible ICB can approve this');
    return side;
  }

  /**
   * The contract answers 403 to an approver of another organisation (END-1). One who cannot even see
   * the person gets 403 too, but only for a proposal that exists at that exact address (its id is
   * known to them); anything else stays 404, exactly as if it did not exist.
   */
  async function personForApproval(trx: Db, actor: Actor, personId: string, table: 'ending_proposals' | 'reinstatements', episodeId: string, id: string): Promise<PersonRow> {
    try {
      return await findVisiblePerson(trx, actor, personId);
    } catch (error) {
      if (!(error instanceof NotFoundError) || !isUuid(personId) || !isUuid(episodeId) || !isUuid(id)) throw error;
      const exists = await trx.selectFrom(table).select('id').where('id', '=', id).where('person_id', '=', personId).where('episode_id', '=', episodeId).executeTakeFirst();
      if (exists) throw new ForbiddenError('Only an approver of the responsible local authority or the responsible ICB can approve this');
      throw error;
    }
  }

  async function audit(trx: Db, actor: Actor, person: PersonRow, action: string, recordType: string, recordId: string, details: Record<string, unknown> = {}) {
    await appendAuditEvent(trx, { ...auditActor(actor), action, recordType, recordId, personId: person.id, details }, clock());
  }

  return {
    /** END-1 to END-4: a practitioner or approver proposes ending an episode's aftercare. */
    async propose(actor: Actor, personId: string, episodeId: string, input: unknown) {
      requirePermission(actor, 'ending:propose');
      const data = parseInput(EndingProposalInput, input);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const episode = findEpisode(await current(trx, person), episodeId);
        refuse(validateEndingProposal(episode, data, today()));
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
          proposedAt: clock(),
        });
        await audit(trx, actor, person, 'ending.propose', 'ending-proposal', id, { episodeId: episode.id, reasonCode: data.reasonCode, override: Boolean(data.override?.reason) });
        return proposalView((await ending.findEndingProposal(trx, id))!, []);
      });
    },

    async list(actor: Actor, personId: string, episodeId: string) {
      requirePermission(actor, 'person:read');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        findEpisode(await current(trx, person), episodeId);
        const rows = await ending.listEndingProposals(trx, person.id, episodeId);
        const approvals = await ending.endingApprovals(trx, rows.map((r) => r.id));
        await audit(trx, actor, person, 'ending.list', 'episode', episodeId);
        return { items: rows.map((r) => proposalView(r, approvals.filter((a) => a.proposal_id === r.id))), nextCursor: null };
      });
    },

    async get(actor: Actor, personId: string, episodeId: string, proposalId: string) {
      requirePermission(actor, 'person:read');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const row = await ownProposal(trx, person, episodeId, proposalId, false);
        await audit(trx, actor, person, 'ending.view', 'ending-proposal', row.id);
        return proposalView(row, await ending.endingApprovals(trx, [row.id]));
      });
    },

    /**
     * END-1: an approver of the responsible local authority or ICB approves. The proposal is locked,
     * so two approvers at once take turns; a side's second approval changes nothing (created: false).
     */
    async approve(actor: Actor, personId: string, episodeId: string, proposalId: string, input: unknown = {}) {
      requirePermission(actor, 'ending:approve');
      parseInput(EmptyInput, input ?? {});
      return db.transaction().execute(async (trx) => {
        const person = await personForApproval(trx, actor, personId, 'ending_proposals', episodeId, proposalId);
        const row = await ownProposal(trx, person, episodeId, proposalId, true);
        const before = findEpisode(await current(trx, person), episodeId);
        const side = sideOf(actor, before);
        if (row.status === 'withdrawn') throw new ConflictError('This proposal was withdrawn');
        const created = row.status === 'pending' && await ending.insertEndingApproval(trx, {
          id: randomUUID(), proposalId: row.id, side, organisationCode: actor.organisationCode, approverId: actor.userId, approvedAt: clock(), approvedOn: today(),
        });
        let episode = before;
        const approvals = await ending.endingApprovals(trx, [row.id]);
        if (created) {
          const outcome = endingOutcome(toApprovals(approvals), settings, row.notice_sent_on);
          if (outcome.ends) {
            await ending.updateEndingProposal(trx, row.id, { status: 'approved', ended_on: outcome.endedOn });
            episode = findEpisode(await refreshed(trx, person), episodeId);
          }
          await audit(trx, actor, person, 'ending.approve', 'ending-proposal', row.id, { episodeId, side, ends: outcome.ends, endedOn: outcome.endedOn });
        } else {
          await audit(trx, actor, person, 'ending.approve-repeat', 'ending-proposal', row.id, { episodeId, side });
        }
        const after = (await ending.findEndingProposal(trx, row.id))!;
        return { created, ...proposalView(after, approvals), episode: episodeState(episode) };
      });
    },

    async withdraw(actor: Actor, personId: string, episodeId: string, proposalId: string) {
      requirePermission(actor, 'ending:propose');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const row = await ownProposal(trx, person, episodeId, proposalId, true);
        if (row.status !== 'pending') throw new ConflictError(row.status === 'approved' ? 'Aftercare has already ended by this decision; reinstate it instead' : 'This proposal was already withdrawn');
        await ending.updateEndingProposal(trx, row.id, { status: 'withdrawn', withdrawn_by: actor.userId, withdrawn_at: clock() });
        await audit(trx, actor, person, 'ending.withdraw', 'ending-proposal', row.id, { episodeId });
        return proposalView((await ending.findEndingProposal(trx, row.id))!, await ending.endingApprovals(trx, [row.id]));
      });
    },

    /** MHA25-2 (and END-4 step 4): the joint written notice was sent; with the setting on, aftercare ends on that day. */
    async recordNotice(actor: Actor, personId: string, episodeId: string, proposalId: string, input: unknown) {
      requirePermission(actor, 'ending:propose');
      const data = parseInput(NoticeInput, input);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const row = await ownProposal(trx, person, episodeId, proposalId, true);
        if (row.status === 'withdrawn') throw new ConflictError('This proposal was withdrawn');
        if (row.notice_sent_on) throw new ConflictError('The notice has already been recorded');
        const approvals = await ending.endingApprovals(trx, [row.id]);
        refuse(validateNotice(toApprovals(approvals), data.sentOn, today()));
        await ending.updateEndingProposal(trx, row.id, { notice_sent_on: data.sentOn, notice_recorded_by: actor.userId });
        const outcome = endingOutcome(toApprovals(approvals), settings, data.sentOn);
        if (row.status === 'pending' && outcome.ends) await ending.updateEndingProposal(trx, row.id, { status: 'approved', ended_on: outcome.endedOn });
        const episode = findEpisode(await refreshed(trx, person), episodeId);
        await audit(trx, actor, person, 'ending.notice', 'ending-proposal', row.id, { episodeId, sentOn: data.sentOn, ends: outcome.ends });
        return { ...proposalView((await ending.findEndingProposal(trx, row.id))!, approvals), episode: episodeState(episode) };
      });
    },

    /** END-4 step 4 / MHA25-2: the decision letter to the person (PDF). */
    async letter(actor: Actor, personId: string, episodeId: string, proposalId: string, options: { largePrint?: boolean } = {}): Promise<Buffer> {
      requirePermission(actor, 'person:read');
      const input = await db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const row = await ownProposal(trx, person, episodeId, proposalId, false);
        const episode = findEpisode(await current(trx, person), episodeId);
        const approvals = await ending.endingApprovals(trx, [row.id]);
        const body = async (code: string | null, fallback: string) => ({ code: code ?? '', name: (code && (await findOrganisationByCode(trx, code))?.name) || (code ?? fallback) });
        await audit(trx, actor, person, 'ending.letter', 'ending-proposal', row.id, { episodeId, largePrint: Boolean(options.largePrint) });
        return {
          person: { givenName: person.given_name, familyName: person.family_name, addressLine1: person.address_line1, postcode: person.postcode },
          localAuthority: await body(episode.localAuthority.code, 'your local council'),
          icb: await body(episode.icb.code, 'your NHS Integrated Care Board'),
          proposal: {
            reasonCode: row.reason_code, reasons: row.reasons, reassessedOn: row.reassessed_on, personInvolved: row.person_involved,
            personNotInvolvedReason: row.person_not_involved_reason, involved: row.involved, continuingOutsideS117: row.continuing_outside_s117,
            status: row.status, endedOn: row.ended_on, noticeSentOn: row.notice_sent_on,
          },
          approvals: toApprovals(approvals),
          jointNotice: jointNoticeRequired,
          date: row.notice_sent_on ?? row.ended_on ?? today(),
        };
      });
      return renderEndingLetter(input, options);
    },

    /** END-6 (CONTESTED): ask for aftercare that was ended jointly to be put back in place. */
    async reinstate(actor: Actor, personId: string, episodeId: string, input: unknown) {
      requirePermission(actor, 'ending:propose');
      const data = parseInput(ReinstatementInput, input);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const episode = findEpisode(await current(trx, person), episodeId);
        refuse(validateReinstatement(episode, data));
        if (await ending.pendingReinstatement(trx, episode.id)) throw new ConflictError('A reinstatement of this aftercare is already waiting for approval');
        const id = randomUUID();
        await ending.insertReinstatement(trx, { id, personId: person.id, episodeId: episode.id, reasons: data.reasons, requestedBy: actor.userId, requestedAt: clock() });
        await audit(trx, actor, person, 'reinstatement.request', 'reinstatement', id, { episodeId });
        return reinstatementView((await ending.findReinstatement(trx, id))!, []);
      });
    },

    async listReinstatements(actor: Actor, personId: string, episodeId: string) {
      requirePermission(actor, 'person:read');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        findEpisode(await current(trx, person), episodeId);
        const rows = await ending.listReinstatements(trx, person.id, episodeId);
        const approvals = await ending.reinstatementApprovals(trx, rows.map((r) => r.id));
        await audit(trx, actor, person, 'reinstatement.list', 'episode', episodeId);
        return { items: rows.map((r) => reinstatementView(r, approvals.filter((a) => a.reinstatement_id === r.id))), nextCursor: null };
      });
    },

    /** END-6: both sides approve, as for an ending; the episode is active again from the second approval. */
    async approveReinstatement(actor: Actor, personId: string, episodeId: string, reinstatementId: string, input: unknown = {}) {
      requirePermission(actor, 'ending:approve');
      parseInput(EmptyInput, input ?? {});
      return db.transaction().execute(async (trx) => {
        const person = await personForApproval(trx, actor, personId, 'reinstatements', episodeId, reinstatementId);
        const row = await ownReinstatement(trx, person, episodeId, reinstatementId, true);
        const before = findEpisode(await current(trx, person), episodeId);
        const side = sideOf(actor, before);
        if (row.status === 'withdrawn') throw new ConflictError('This reinstatement was withdrawn');
        const created = row.status === 'pending' && await ending.insertReinstatementApproval(trx, {
          id: randomUUID(), reinstatementId: row.id, side, organisationCode: actor.organisationCode, approverId: actor.userId, approvedAt: clock(), approvedOn: today(),
        });
        let episode = before;
        const approvals = await ending.reinstatementApprovals(trx, [row.id]);
        if (created) {
          const outcome = jointOutcome(toApprovals(approvals));
          if (outcome.agreed) {
            await ending.updateReinstatement(trx, row.id, { status: 'approved', reinstated_on: outcome.agreedOn });
            episode = findEpisode(await refreshed(trx, person), episodeId);
          }
          await audit(trx, actor, person, 'reinstatement.approve', 'reinstatement', row.id, { episodeId, side, reinstated: outcome.agreed });
        } else {
          await audit(trx, actor, person, 'reinstatement.approve-repeat', 'reinstatement', row.id, { episodeId, side });
        }
        return { created, ...reinstatementView((await ending.findReinstatement(trx, row.id))!, approvals), episode: episodeState(episode) };
      });
    },

    /** Everything about ending for the person page: each episode's proposals and reinstatements. */
    async forPerson(actor: Actor, personId: string) {
      requirePermission(actor, 'person:read');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const aftercare = await current(trx, person);
        const proposals = await ending.listEndingProposals(trx, person.id);
        const reinstatements = await ending.listReinstatements(trx, person.id);
        const pa = await ending.endingApprovals(trx, proposals.map((p) => p.id));
        const ra = await ending.reinstatementApprovals(trx, reinstatements.map((r) => r.id));
        await audit(trx, actor, person, 'ending.view', 'person', person.id);
        return {
          jointNoticeRequired,
          episodes: aftercare.episodes.map((e) => ({
            episode: e,
            side: approvalSide(actor.organisationCode, e),
            proposals: proposals.filter((p) => p.episode_id === e.id).map((p) => proposalView(p, pa.filter((a) => a.proposal_id === p.id))),
            reinstatements: reinstatements.filter((r) => r.episode_id === e.id).map((r) => reinstatementView(r, ra.filter((a) => a.reinstatement_id === r.id))),
          })),
        };
      });
    },

    /** Proposals and reinstatements where the approver's organisation is a responsible body that has not approved yet. */
    async pendingApprovals(actor: Actor) {
      requirePermission(actor, 'ending:approve');
      return db.transaction().execute(async (trx) => {
        const personIds = await ending.peopleWithPending(trx, actor.organisationCode);
        const items = [];
        for (const personId of personIds) {
          const person = (await people.findPerson(trx, personId))!;
          const aftercare = await current(trx, person);
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
            if (due?.episode) items.push({ kind: 'ending' as const, person: person$, side: due.side, episode: episodeState(due.episode), ...proposalView(p, approvals) });
          }
          for (const r of reinstatements) {
            const approvals = ra.filter((a) => a.reinstatement_id === r.id);
            const due = awaits(r.episode_id, approvals);
            if (due?.episode) items.push({ kind: 'reinstatement' as const, person: person$, side: due.side, episode: episodeState(due.episode), ...reinstatementView(r, approvals) });
          }
        }
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'approvals.pending', details: { count: items.length, personIds: [...new Set(items.map((i) => i.person.id))] } }, clock());
        return { items, nextCursor: null };
      });
    },
  };
}

export type EndingService = ReturnType<typeof createEndingService>;
