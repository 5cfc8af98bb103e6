// Issue 15 (task B): registrations of an NHS number already on the register (people.duplicate_of).
// The leads and admins who see the person registered first list them and decide each: the same
// person (merge: every fact of the later record moves into the surviving one, in one transaction, and
// the later record is closed, kept for the audit trail) or not the same person (kept separate, with the
// reason). The organisation that made the later record learns nothing from any of this until a merge
// gives it the sight of the surviving record that its own facts justify (access.ts).
import { z } from 'zod';
import { canSeeDuplicateRegistration } from '../../domain/access.ts';
import { decisionViolations, DUPLICATE_ROUTE_LABELS, mergePlan } from '../../domain/duplicates.ts';
import type { ReviewSettings } from '../../domain/reviews.ts';
import { appendAuditEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import * as duplicates from '../../data/duplicates-repository.ts';
import * as people from '../../data/people-repository.ts';
import { auditActor, type Actor } from '../kernel/actor.ts';
import { ConflictError, NotFoundError } from '../kernel/errors.ts';
import { decodeCursor, PageQuery, pageOf } from '../kernel/paging.ts';
import { isUuid, viewerOf } from '../kernel/person-record.ts';
import { refreshProjections } from '../kernel/projections.ts';
import type { UseCases } from '../kernel/use-case.ts';
import { parseInput, refuse } from '../kernel/validation.ts';
import { optionalText } from '../people/people-inputs.ts';

export const MergeInput = z.object({ reason: optionalText(2000).describe('Why they are the same person (optional; recorded)') });
export const KeepSeparateInput = z.object({ reason: optionalText(2000).describe('Why they are not the same person (required; recorded)') });

export interface DuplicatesServiceOptions { useCases: UseCases; reviews: ReviewSettings }

/** What a lead who sees the person registered first is shown of a pair: never the later record's contents. */
function pairView(row: duplicates.DuplicateRow) {
  return {
    id: row.id,
    person: { id: row.duplicate_of, nhsNumber: row.registered_nhs_number, givenName: row.registered_given_name, familyName: row.registered_family_name, dateOfBirth: row.registered_date_of_birth },
    registeredBy: row.organisation_code ? { code: row.organisation_code, name: row.organisation_name ?? row.organisation_code } : null,
    registeredAt: new Date(row.recorded_at).toISOString(),
    route: row.route,
    routeText: DUPLICATE_ROUTE_LABELS[row.route],
  };
}

export type DuplicatePairView = ReturnType<typeof pairView>;

export function createDuplicatesService({ useCases, reviews }: DuplicatesServiceOptions) {
  const { law } = useCases;
  /**
   * The pair, when the actor may see it (access.ts, canSeeDuplicateRegistration), else 404 exactly as
   * for a pair that does not exist; decided already: 409.
   */
  async function visiblePair(trx: Db, actor: Actor, id: string, options: { lock?: boolean; open?: boolean } = {}) {
    const row = isUuid(id) ? await duplicates.findDuplicate(trx, id, viewerOf(actor), { lock: options.lock }) : undefined;
    if (!row || !canSeeDuplicateRegistration(actor, await people.organisationsWithSightOf(trx, row.duplicate_of))) throw new NotFoundError('duplicate registration');
    if (options.open !== false && row.decision !== null) throw new ConflictError('This has already been decided: it is no longer waiting');
    return row;
  }

  return {
    /** The pairs waiting for a decision that the actor may see, oldest first. */
    async list(actor: Actor, query: unknown = {}) {
      const page = parseInput(PageQuery, query ?? {});
      const after = decodeCursor(page.cursor, ['instant', 'uuid']) as [string, string] | undefined;
      const audit = (result: { items: DuplicatePairView[] }) => ({ action: 'duplicates.list', recordType: 'duplicate-registration', recordId: null, details: { results: result.items.length, personIds: result.items.map((i) => i.person.id) } });
      return useCases.run(actor, { permission: 'duplicates:manage', audit }, async ({ trx }) => {
        const rows = await duplicates.listOpenDuplicates(trx, viewerOf(actor), { after, limit: page.limit + 1 });
        const { page: shown, nextCursor } = pageOf(rows, page.limit, (r) => [new Date(r.recorded_at).toISOString(), r.id]);
        return { items: shown.map(pairView), nextCursor };
      });
    },

    /** One pair waiting for a decision, for the page that asks for it. */
    async get(actor: Actor, id: string) {
      const audit = (result: DuplicatePairView & { registeredHasPlan: boolean }) => ({ action: 'duplicates.view', recordType: 'duplicate-registration', recordId: result.id, personId: result.person.id });
      return useCases.run(actor, { permission: 'duplicates:manage', audit }, async ({ trx }) => {
        const row = await visiblePair(trx, actor, id);
        return { ...pairView(row), registeredHasPlan: await duplicates.hasPlan(trx, row.duplicate_of) };
      });
    },

    /**
     * REG-1: the same person. Every fact of the later record moves into the person registered first in
     * this one transaction (mergePlan says what a person holds only once), the later record is closed
     * as merged into it, the surviving person's projections (status, responsible bodies, who has sight)
     * are derived again from all the facts, and both records get an audit event.
     */
    async merge(actor: Actor, id: string, input: unknown) {
      const data = parseInput(MergeInput, input ?? {});
      const audit = (result: { personId: string; mergedRecordId: string; moved: Record<string, number>; leftBehind: string[] }) => ({
        action: 'person.merge', recordType: 'person', recordId: result.personId, personId: result.personId,
        details: { duplicateRegistration: id, mergedRecord: result.mergedRecordId, moved: result.moved, leftBehind: result.leftBehind, reasonGiven: Boolean(data.reason) },
      });
      const result = await useCases.run(actor, { permission: 'duplicates:manage', audit }, async ({ trx, today, now }) => {
        const pair = await visiblePair(trx, actor, id, { lock: true });
        await duplicates.lockPeople(trx, [pair.person_id, pair.duplicate_of]);
        const plan = mergePlan(
          { plan: await duplicates.hasPlan(trx, pair.duplicate_of), keyworker: await duplicates.hasKeyworker(trx, pair.duplicate_of) },
          { plan: await duplicates.hasPlan(trx, pair.person_id), keyworker: await duplicates.hasKeyworker(trx, pair.person_id) },
        );
        const { moved, leftBehind } = await duplicates.mergeInto(trx, pair.person_id, pair.duplicate_of, { movePlan: plan.movePlan, endLaterKeyworker: plan.endLaterKeyworker, now });
        await duplicates.recordDecision(trx, pair.id, { decision: 'merged', reason: data.reason ?? null, userId: actor.userId, organisationCode: actor.organisationCode, at: now });
        // The surviving person's projections through the kernel's one path (and so who may see them).
        const surviving = (await people.findPerson(trx, pair.duplicate_of))!;
        const aftercare = await refreshProjections(trx, surviving, today, reviews, law);
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'person.merged-into', recordType: 'person', recordId: pair.person_id, personId: pair.person_id, details: { duplicateRegistration: pair.id, mergedInto: pair.duplicate_of, moved, leftBehind } }, now);
        return { id: pair.id, decision: 'merged' as const, personId: pair.duplicate_of, mergedRecordId: pair.person_id, status: aftercare.status, moved, leftBehind };
      });
      const { mergedRecordId, ...answer } = result;
      void mergedRecordId;
      return answer;
    },

    /**
     * REG-2: not the same person; the pair leaves the list with the reason recorded. Nothing is written
     * on the later record, and its organisation is told nothing: the decision is the leads' own.
     */
    async keepSeparate(actor: Actor, id: string, input: unknown) {
      const data = parseInput(KeepSeparateInput, input ?? {});
      refuse(decisionViolations('not-the-same', data.reason));
      const audit = (result: { id: string; personId: string }) => ({ action: 'duplicates.kept-separate', recordType: 'duplicate-registration', recordId: result.id, personId: result.personId, details: { decision: 'not-the-same' } });
      return useCases.run(actor, { permission: 'duplicates:manage', audit }, async ({ trx, now }) => {
        const pair = await visiblePair(trx, actor, id, { lock: true });
        await duplicates.recordDecision(trx, pair.id, { decision: 'not-the-same', reason: data.reason!, userId: actor.userId, organisationCode: actor.organisationCode, at: now });
        return { id: pair.id, decision: 'not-the-same' as const, personId: pair.duplicate_of };
      });
    },
  };
}

export type DuplicatesService = ReturnType<typeof createDuplicatesService>;
