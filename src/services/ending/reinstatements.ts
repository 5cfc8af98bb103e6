// Reinstating aftercare that was ended jointly (END-6, CONTESTED): ask for it, list the requests,
// and the two bodies' approvals, from the second of which the episode is active again.
import { randomUUID } from 'node:crypto';
import { jointOutcome, validateReinstatement } from '../../domain/ending.ts';
import * as ending from '../../data/ending-repository.ts';
import { requirePermission, type Actor } from '../kernel/actor.ts';
import { ConflictError } from '../kernel/errors.ts';
import { deriveAftercare } from '../kernel/person-record.ts';
import { parseInput, refuse } from '../kernel/validation.ts';
import { EmptyInput, ReinstatementInput } from './ending-inputs.ts';
import type { EndingDeps } from './ending-proposals.ts';
import { findEpisode, forbiddenToOtherApprovers, ownReinstatement, sideOf } from './ending-records.ts';
import { episodeState, reinstatementView, toApprovals } from './ending-views.ts';

export function reinstatementUseCases({ db, useCases }: EndingDeps) {
  return {
    /** END-6 (CONTESTED): ask for aftercare that was ended jointly to be put back in place. */
    async reinstate(actor: Actor, personId: string, episodeId: string, input: unknown) {
      requirePermission(actor, 'ending:propose');
      const data = parseInput(ReinstatementInput, input);
      const audit = (r: { id: string; episodeId: string }) => ({ action: 'reinstatement.request', recordType: 'reinstatement', recordId: r.id, details: { episodeId: r.episodeId } });
      // A request changes no status until both bodies approve it.
      return useCases.change(actor, personId, { permission: 'ending:propose', audit, reproject: false }, async ({ trx, actor, person, today, now }) => {
        const episode = findEpisode(await deriveAftercare(trx, person, today), episodeId);
        refuse(validateReinstatement(episode, data));
        if (await ending.pendingReinstatement(trx, episode.id)) throw new ConflictError('A reinstatement of this aftercare is already waiting for approval');
        const id = randomUUID();
        await ending.insertReinstatement(trx, { id, personId: person.id, episodeId: episode.id, reasons: data.reasons, requestedBy: actor.userId, requestedAt: now });
        return reinstatementView((await ending.findReinstatement(trx, id))!, []);
      });
    },

    async listReinstatements(actor: Actor, personId: string, episodeId: string) {
      const audit = { action: 'reinstatement.list', recordType: 'episode', recordId: episodeId };
      return useCases.read(actor, personId, { permission: 'person:read', audit }, async ({ trx, person, today }) => {
        findEpisode(await deriveAftercare(trx, person, today), episodeId);
        const rows = await ending.listReinstatements(trx, person.id, episodeId);
        const approvals = await ending.reinstatementApprovals(trx, rows.map((r) => r.id));
        return { items: rows.map((r) => reinstatementView(r, approvals.filter((a) => a.reinstatement_id === r.id))), nextCursor: null };
      });
    },

    /** END-6: both sides approve, as for an ending; the episode is active again from the second approval. */
    async approveReinstatement(actor: Actor, personId: string, episodeId: string, reinstatementId: string, input: unknown = {}) {
      requirePermission(actor, 'ending:approve');
      parseInput(EmptyInput, input ?? {});
      type Approved = { id: string; created: boolean; side: string; reinstated: boolean };
      const audit = (r: Approved) => r.created
        ? { action: 'reinstatement.approve', recordType: 'reinstatement', recordId: r.id, details: { episodeId, side: r.side, reinstated: r.reinstated } }
        : { action: 'reinstatement.approve-repeat', recordType: 'reinstatement', recordId: r.id, details: { episodeId, side: r.side } };
      return forbiddenToOtherApprovers(db, { table: 'reinstatements', personId, episodeId, id: reinstatementId }, () =>
        useCases.change(actor, personId, { permission: 'ending:approve', audit }, async ({ trx, actor, person, today, now }): Promise<Approved> => {
          const row = await ownReinstatement(trx, person, episodeId, reinstatementId, true);
          const side = sideOf(actor, findEpisode(await deriveAftercare(trx, person, today), episodeId));
          if (row.status === 'withdrawn') throw new ConflictError('This reinstatement was withdrawn');
          const created = row.status === 'pending' && await ending.insertReinstatementApproval(trx, {
            id: randomUUID(), reinstatementId: row.id, side, organisationCode: actor.organisationCode, approverId: actor.userId, approvedAt: now, approvedOn: today,
          });
          if (!created) return { id: row.id, created, side, reinstated: false };
          const outcome = jointOutcome(toApprovals(await ending.reinstatementApprovals(trx, [row.id])));
          if (outcome.agreed) await ending.updateReinstatement(trx, row.id, { status: 'approved', reinstated_on: outcome.agreedOn });
          return { id: row.id, created, side, reinstated: outcome.agreed };
        }, async ({ trx, person, today }, { id, created }) => {
          const episode = findEpisode(await deriveAftercare(trx, person, today), episodeId);
          return { created, ...reinstatementView((await ending.findReinstatement(trx, id))!, await ending.reinstatementApprovals(trx, [id])), episode: episodeState(episode) };
        }),
      );
    },
  };
}
