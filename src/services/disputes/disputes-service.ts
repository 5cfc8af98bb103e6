// Disputes between the responsible bodies (RESP-6): who pays meanwhile, so that care never waits,
// and the statutory clocks of an ordinary-residence dispute between local authorities.
import { randomUUID } from 'node:crypto';
import { canActInDispute, canBeNamedInDispute, canSeeDispute, organisationScope, responsibilityClaims } from '../../domain/access.ts';
import { computeAftercare, type LawSettings } from '../../domain/aftercare.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { disputeDeadlines, disputeViolations, type Dispute, type DisputeSubject } from '../../domain/disputes.ts';
import type { Db } from '../../data/database.ts';
import * as repo from '../../data/disputes-repository.ts';
import { loadPersonReadModel } from '../../data/person-read-model.ts';
import type { DisputeRow, PersonRow } from '../../data/schema.ts';
import { requirePermission, type Actor } from '../kernel/actor.ts';
import { ForbiddenError, NotFoundError } from '../kernel/errors.ts';
import { isUuid, loadPersonFacts } from '../kernel/person-record.ts';
import { checkVersion, mustHaveUpdated, type Context, type PersonContext, type UseCases } from '../kernel/use-case.ts';
import { parseInput, refuse } from '../kernel/validation.ts';
import { DisputeCreateInput, DisputeUpdateInput } from './disputes-inputs.ts';
import { DISPUTE_STATUSES } from '../../domain/disputes.ts';
import { acrossPeopleInput, ACROSS_PAGE_SIZE, auditReadsOfPeople, pageWindow, personFilter } from '../kernel/across-people.ts';

const DisputesAcrossInput = acrossPeopleInput(DISPUTE_STATUSES);

export interface DisputesServiceOptions { useCases: UseCases }

/** The domain's dispute from its row (also read by the reports, issue 13). */
export function disputeFromRow(row: Pick<DisputeRow, 'party_a_kind' | 'party_a_code' | 'party_b_kind' | 'party_b_code' | 'subject' | 'interim_funder_code' | 'raised_on' | 'referred_on' | 'person_told_on' | 'resolved_on' | 'resolution'>): Dispute {
  return {
    partyA: { kind: row.party_a_kind, code: row.party_a_code },
    partyB: { kind: row.party_b_kind, code: row.party_b_code },
    subject: row.subject as DisputeSubject,
    interimFunderCode: row.interim_funder_code,
    raisedOn: row.raised_on,
    referredOn: row.referred_on,
    personToldOn: row.person_told_on,
    resolvedOn: row.resolved_on,
    resolution: row.resolution,
  };
}

export function disputeView(row: DisputeRow, today: IsoDate) {
  const d = disputeFromRow(row);
  return { id: row.id, personId: row.person_id, version: row.version, ...d, details: row.details, ...disputeDeadlines(d, today) };
}
export type DisputeView = ReturnType<typeof disputeView>;

/** The disputes about the person, with their deadlines, from the rows already read (a read model's). */
export function personDisputesOf(rows: readonly DisputeRow[], today: IsoDate) {
  return { items: rows.map((r) => disputeView(r, today)), nextCursor: null };
}

/** RESP-6: each party must be a body with a claim to responsibility for the person (access.ts). */
async function partyViolations(trx: Db, person: PersonRow, d: Dispute, today: IsoDate, law: LawSettings) {
  const facts = await loadPersonFacts(trx, person, law);
  const claims = responsibilityClaims({ episodes: computeAftercare(facts, today).episodes, residences: facts.residences, gpRegistrations: facts.gpRegistrations });
  return (['partyA', 'partyB'] as const)
    .filter((key) => !canBeNamedInDispute(d[key], claims))
    .map((key) => ({
      field: `${key}.code`,
      message: `Name a ${d[key].kind === 'icb' ? 'ICB' : 'local authority'} with a claim to responsibility for this person: one of their episodes’ bodies, a council they lived in or an ICB of their GP`,
      rule: 'RESP-6',
    }));
}

export function createDisputesService({ useCases }: DisputesServiceOptions) {
  const { law } = useCases;
  return {
    /**
     * Issue 9 item 9 (RESP-6): the disputes list across people: those the caller may see (canSeeDispute:
     * a party or the interim funder that sees the person; an admin every one), latest raised first, a
     * numbered page at a time, filtered by status, person and the date raised. Each person shown gets an
     * audit event (a read of their disputes); the search one more, without the name searched for.
     */
    async listAcross(actor: Actor, input: unknown) {
      requirePermission(actor, 'disputes:list');
      const query = parseInput(DisputesAcrossInput, input ?? {});
      const audited = { status: query.status ?? null, person: Boolean(query.person), from: query.from ?? null, to: query.to ?? null, page: query.page };
      return useCases.run(actor, { permission: 'disputes:list', audit: (r: { total: number; items: unknown[] }) => ({ action: 'disputes.search', details: { ...audited, results: r.total, shown: r.items.length } }) }, async ({ trx, today, now }) => {
        const { rows, total } = await repo.listDisputesAcross(trx, {
          visibleTo: organisationScope(actor), status: query.status, person: personFilter(query.person), from: query.from, to: query.to,
          limit: ACROSS_PAGE_SIZE, offset: (query.page - 1) * ACROSS_PAGE_SIZE,
        });
        // The query applies canSeeDispute (and kept only people the organisation has sight of); the rule
        // is checked again here, so that the two cannot drift apart unnoticed.
        const shown = rows.filter((r) => canSeeDispute(actor, [r.party_a_code, r.party_b_code, r.interim_funder_code], true));
        await auditReadsOfPeople(trx, actor, 'dispute.list', 'dispute', shown.map((r) => ({ personId: r.person_id, id: r.id })), now);
        const items = shown.map((r) => ({
          ...disputeView(r, today),
          person: { id: r.person_id, nhsNumber: r.nhs_number, givenName: r.given_name, familyName: r.family_name, dateOfBirth: r.date_of_birth },
        }));
        return { items, ...pageWindow(query.page, total) };
      });
    },

    /** The disputes the caller's organisation is a party to (or funds meanwhile), with their deadlines. */
    async listDisputes(actor: Actor) {
      return useCases.run(
        actor,
        {
          permission: 'person:read',
          audit: (r) => ({ action: 'dispute.list', recordType: 'dispute', recordId: null, details: { disputes: r.items.length, personIds: [...new Set(r.items.map((d) => d.personId))] } }),
        },
        async ({ trx, today }: Context) => {
          const rows = (await repo.listDisputesFor(trx, organisationScope(actor))).filter((r) => canSeeDispute(actor, [r.party_a_code, r.party_b_code, r.interim_funder_code], r.sees_person));
          const items = rows.map((r) => disputeView(r, today));
          return { items, nextCursor: null, overdue: items.filter((d) => d.referralOverdue).length };
        },
      );
    },

    async listPersonDisputes(actor: Actor, personId: string) {
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit: (r: { items: unknown[] }) => ({ action: 'dispute.list', details: { disputes: r.items.length } }) },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, {}, undefined, repo.PERSON_DISPUTES_PART),
        ({ model, today }) => personDisputesOf(model.part, today),
      );
    },

    async raiseDispute(actor: Actor, personId: string, input: unknown): Promise<DisputeView> {
      requirePermission(actor, 'disputes:manage');
      const data = parseInput(DisputeCreateInput, input);
      return useCases.change(
        actor,
        personId,
        {
          permission: 'disputes:manage',
          reproject: false,
          audit: ({ id, d }) => ({ action: 'dispute.raise', recordType: 'dispute', recordId: id, details: { partyA: d.partyA.code, partyB: d.partyB.code, subject: d.subject, interimFunder: d.interimFunderCode, raisedOn: d.raisedOn } }),
        },
        async ({ trx, person, today }: PersonContext) => {
          const d: Dispute = { partyA: data.partyA, partyB: data.partyB, subject: data.subject, interimFunderCode: data.interimFunderCode, raisedOn: data.raisedOn, referredOn: data.referredOn ?? null, personToldOn: data.personToldOn ?? null, resolvedOn: null, resolution: null };
          refuse([...disputeViolations(d, today), ...(await partyViolations(trx, person, d, today, law))]);
          if (!canActInDispute(actor, [d.partyA.code, d.partyB.code])) throw new ForbiddenError('Only a body in the dispute (or an admin) records it');
          const id = randomUUID();
          await repo.insertDispute(trx, {
            id,
            person_id: person.id,
            party_a_kind: d.partyA.kind,
            party_a_code: d.partyA.code,
            party_b_kind: d.partyB.kind,
            party_b_code: d.partyB.code,
            subject: d.subject,
            details: data.details ?? null,
            interim_funder_code: d.interimFunderCode,
            raised_on: d.raisedOn,
            referred_on: d.referredOn,
            person_told_on: d.personToldOn,
            created_by: actor.userId,
          });
          return { id, d };
        },
        async ({ trx, today }, { id }) => disputeView((await repo.findDispute(trx, id))!, today),
      );
    },

    async updateDispute(actor: Actor, personId: string, expectedVersion: number | null, input: unknown): Promise<DisputeView> {
      requirePermission(actor, 'disputes:manage');
      const data = parseInput(DisputeUpdateInput, input);
      return useCases.change(
        actor,
        personId,
        { permission: 'disputes:manage', reproject: false, audit: (id) => ({ action: 'dispute.update', recordType: 'dispute', recordId: id, details: { fields: Object.keys(data).filter((k) => k !== 'id') } }) },
        async ({ trx, person, today }: PersonContext) => {
          const row = isUuid(data.id) ? await repo.findDispute(trx, data.id) : undefined;
          if (!row || row.person_id !== person.id) throw new NotFoundError('dispute');
          if (!canActInDispute(actor, [row.party_a_code, row.party_b_code])) throw new ForbiddenError('Only a body in the dispute (or an admin) changes it');
          checkVersion('dispute', expectedVersion, row.version);
          const next: Dispute = {
            ...disputeFromRow(row),
            ...(data.interimFunderCode !== undefined && { interimFunderCode: data.interimFunderCode }),
            ...(data.referredOn !== undefined && { referredOn: data.referredOn }),
            ...(data.personToldOn !== undefined && { personToldOn: data.personToldOn }),
            ...(data.resolvedOn !== undefined && { resolvedOn: data.resolvedOn }),
            ...(data.resolution !== undefined && { resolution: data.resolution ?? null }),
          };
          refuse(disputeViolations(next, today));
          mustHaveUpdated(
            await repo.updateDispute(trx, row.id, row.version, {
              interim_funder_code: next.interimFunderCode,
              referred_on: next.referredOn,
              person_told_on: next.personToldOn,
              resolved_on: next.resolvedOn,
              resolution: next.resolution,
              ...(data.details !== undefined && { details: data.details ?? null }),
              updated_by: actor.userId,
            }),
            'dispute',
          );
          return row.id;
        },
        async ({ trx, today }, id) => disputeView((await repo.findDispute(trx, id))!, today),
      );
    },
  };
}

export type DisputesService = ReturnType<typeof createDisputesService>;
