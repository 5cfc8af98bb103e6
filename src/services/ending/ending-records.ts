// Finding what an ending use case acts on: the episode, the proposal or reinstatement at the
// address given (404 otherwise), and the side an approver signs for (END-1, 403 otherwise).
import type { AftercareResult, Episode } from '../../domain/aftercare.ts';
import { randomUUID } from 'node:crypto';
import type { IsoDate } from '../../domain/dates.ts';
import { approvalSide, servicesAtEnding, type ApprovalSide } from '../../domain/ending.ts';
import * as services from '../../data/care-services-repository.ts';
import type { Db } from '../../data/database.ts';
import * as ending from '../../data/ending-repository.ts';
import type { EndingProposalRow, PersonRow, ReinstatementRow } from '../../data/schema.ts';
import type { Actor } from '../kernel/actor.ts';
import { ForbiddenError, NotFoundError } from '../kernel/errors.ts';
import { isUuid } from '../kernel/person-record.ts';
import { mustHaveUpdated } from '../kernel/use-case.ts';

const NOT_AN_APPROVER = 'Only an approver of the responsible local authority or the responsible ICB can approve this';

export function findEpisode(aftercare: AftercareResult, episodeId: string): Episode {
  const episode = aftercare.episodes.find((e) => e.id === episodeId);
  if (!episode) throw new NotFoundError('episode');
  return episode;
}

/** The person's proposal for this episode; `lock` holds it until the transaction ends, so two approvers take turns. */
export async function ownProposal(trx: Db, person: PersonRow, episodeId: string, proposalId: string, lock: boolean): Promise<EndingProposalRow> {
  const row = isUuid(proposalId) ? await (lock ? ending.lockEndingProposal(trx, proposalId) : ending.findEndingProposal(trx, proposalId)) : undefined;
  return ownProposalOf(row, person, episodeId);
}

/** The proposal read, if it is the person's and this episode's (404 otherwise). */
export function ownProposalOf(row: EndingProposalRow | undefined, person: PersonRow, episodeId: string): EndingProposalRow {
  if (!row || row.person_id !== person.id || row.episode_id !== episodeId) throw new NotFoundError('ending proposal');
  return row;
}

export async function ownReinstatement(trx: Db, person: PersonRow, episodeId: string, id: string, lock: boolean): Promise<ReinstatementRow> {
  const row = isUuid(id) ? await (lock ? ending.lockReinstatement(trx, id) : ending.findReinstatement(trx, id)) : undefined;
  return ownReinstatementOf(row, person, episodeId);
}

/** The reinstatement read, if it is the person's and this episode's (404 otherwise). */
export function ownReinstatementOf(row: ReinstatementRow | undefined, person: PersonRow, episodeId: string): ReinstatementRow {
  if (!row || row.person_id !== person.id || row.episode_id !== episodeId) throw new NotFoundError('reinstatement');
  return row;
}

/** END-1: the side an approver signs for, or 403. */
export function sideOf(actor: Actor, episode: Episode): ApprovalSide {
  const side = approvalSide(actor.organisationCode, episode);
  if (!side) throw new ForbiddenError(NOT_AN_APPROVER);
  return side;
}

const PERSON_NOT_FOUND = new NotFoundError('person').message;

/**
 * The contract answers 403 to an approver of another organisation (END-1). From this service, one who
 * cannot even see the person gets 403 too, but only for a proposal (or reinstatement) that exists at
 * that exact address (its id is known to them); anything else stays 404, exactly as if it did not
 * exist. Over HTTP such a caller gets the 404 of nobody in every case: the routes' check on the way
 * out (person-scope.ts, hiddenPersonProblem) answers any refusal about a person they may not see so.
 * `approve` is the approval use case, whose runner answers 404 for a person the actor cannot see.
 */
export async function forbiddenToOtherApprovers<T>(
  db: Db,
  target: { table: 'ending_proposals' | 'reinstatements'; personId: string; episodeId: string; id: string },
  approve: () => Promise<T>,
): Promise<T> {
  try {
    return await approve();
  } catch (error) {
    const { table, personId, episodeId, id } = target;
    if (!(error instanceof NotFoundError) || error.message !== PERSON_NOT_FOUND || !isUuid(personId) || !isUuid(episodeId) || !isUuid(id)) throw error;
    if (await ending.decisionExists(db, table, personId, episodeId, id)) throw new ForbiddenError(NOT_AN_APPROVER);
    throw error;
  }
}

/**
 * END-7 (issue 9 item 3): when aftercare ends, the person's s117 services end with it, in the same
 * transaction as the decision; one the proposal says carries on outside s117 ends as an s117 service
 * and carries on from the next day as a service outside s117. Returns what was done, for the audit event.
 */
export async function endServicesWithAftercare(trx: Db, actor: Actor, personId: string, proposal: EndingProposalRow, endedOn: IsoDate) {
  const rows = await services.listServices(trx, personId);
  const plan = servicesAtEnding(
    rows.map((r) => ({ id: r.id, s117: r.s117, startDate: r.start_date, endDate: r.end_date })),
    proposal.continuing_service_ids ?? [],
    endedOn,
  );
  const ended: string[] = [];
  const continued: string[] = [];
  for (const step of plan) {
    const row = rows.find((r) => r.id === step.id)!;
    mustHaveUpdated(await services.updateService(trx, row.id, row.version, { end_date: step.endDate, updated_by: actor.userId }), 'service');
    ended.push(row.id);
    if (step.continuesFrom && (row.end_date === null || row.end_date >= step.continuesFrom)) {
      const { id: _id, version: _version, created_at: _createdAt, updated_at: _updatedAt, updated_by: _updatedBy, enhanced_features, rent_decision, ...rest } = row;
      const id = randomUUID();
      await services.insertService(trx, {
        ...rest, id, s117: false, start_date: step.continuesFrom, end_date: row.end_date, created_by: actor.userId,
        enhanced_features: (enhanced_features as string[] | null) ?? null, rent_decision: (rent_decision as object | null) ?? null,
      });
      continued.push(id);
    }
  }
  return { servicesEnded: ended, servicesContinuingOutsideS117: continued };
}
