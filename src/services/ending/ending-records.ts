// Finding what an ending use case acts on: the episode, the proposal or reinstatement at the
// address given (404 otherwise), and the side an approver signs for (END-1, 403 otherwise).
import type { AftercareResult, Episode } from '../../domain/aftercare.ts';
import { approvalSide, type ApprovalSide } from '../../domain/ending.ts';
import type { Db } from '../../data/database.ts';
import * as ending from '../../data/ending-repository.ts';
import type { EndingProposalRow, PersonRow, ReinstatementRow } from '../../data/schema.ts';
import type { Actor } from '../kernel/actor.ts';
import { ForbiddenError, NotFoundError } from '../kernel/errors.ts';
import { isUuid } from '../kernel/person-record.ts';

const NOT_AN_APPROVER = 'Only an approver of the responsible local authority or the responsible ICB can approve this';

export function findEpisode(aftercare: AftercareResult, episodeId: string): Episode {
  const episode = aftercare.episodes.find((e) => e.id === episodeId);
  if (!episode) throw new NotFoundError('episode');
  return episode;
}

/** The person's proposal for this episode; `lock` holds it until the transaction ends, so two approvers take turns. */
export async function ownProposal(trx: Db, person: PersonRow, episodeId: string, proposalId: string, lock: boolean): Promise<EndingProposalRow> {
  const row = isUuid(proposalId) ? await (lock ? ending.lockEndingProposal(trx, proposalId) : ending.findEndingProposal(trx, proposalId)) : undefined;
  if (!row || row.person_id !== person.id || row.episode_id !== episodeId) throw new NotFoundError('ending proposal');
  return row;
}

export async function ownReinstatement(trx: Db, person: PersonRow, episodeId: string, id: string, lock: boolean): Promise<ReinstatementRow> {
  const row = isUuid(id) ? await (lock ? ending.lockReinstatement(trx, id) : ending.findReinstatement(trx, id)) : undefined;
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
 * The contract answers 403 to an approver of another organisation (END-1). One who cannot even see
 * the person gets 403 too, but only for a proposal (or reinstatement) that exists at that exact
 * address (its id is known to them); anything else stays 404, exactly as if it did not exist.
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
