// Services and money, second half (issue 4): charges a person paid and their refunds with the
// explanation letter (CHG-2), top-ups for preferred accommodation (CHG-3), disputes between the
// bodies (RESP-6), what each body paid for a service, and the recharge statement and spend report
// (RESP-1, RESP-7). Only finance users, the responsible bodies and admins see money (canSeeMoney).
import { randomUUID } from 'node:crypto';
import { canSeeMoney } from '../../domain/access.ts';
import { compareDates, todayInLondon, type IsoDate } from '../../domain/dates.ts';
import { disputeDeadlines, disputeViolations, type Dispute, type DisputeSubject } from '../../domain/disputes.ts';
import type { Violation } from '../../domain/funding.ts';
import { rechargeStatement, spendReport, type RechargeService, type ServicePayment } from '../../domain/recharges.ts';
import { calculateRefund, chargeCoverage, chargeViolations, entitlementPeriods, refundViolations, type Charge, type RefundLine } from '../../domain/refunds.ts';
import { aged18OrOver, signingViolations, topUpServiceViolations, topUpStatus, topUpViolations, type TopUpAgreement, type TopUpConditions, type TopUpPayer, type TopUpTerms } from '../../domain/top-ups.ts';
import type { AccommodationType } from '../../domain/care-services.ts';
import { findOrganisationByCode } from '../../data/accounts-repository.ts';
import { appendAuditEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import * as repo from '../../data/money-repository.ts';
import * as people from '../../data/people-repository.ts';
import type { ChargeRow, DisputeRow, PersonRow, RefundRow, TopUpAgreementRow } from '../../data/schema.ts';
import * as servicesRepo from '../../data/care-services-repository.ts';
import { renderRefundLetter } from '../../letters/refund-letter.ts';
import { auditActor, requirePermission, type Actor } from '../kernel/actor.ts';
import { moneyContext, type MoneyContext } from '../care-services/money-context.ts';
import { toCsv } from '../kernel/csv.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../kernel/errors.ts';
import { ChargeInput, DisputeCreateInput, DisputeUpdateInput, PaymentInput, PeriodQuery, RefundApprovalInput, RefundCalculateInput, RefundPaidInput, TopUpCreateInput, TopUpUpdateInput } from './money-inputs.ts';
import { findVisiblePerson, isUuid, rejectFutureDates } from '../kernel/person-record.ts';
import { parseInput, refuse } from '../kernel/validation.ts';
import { keyText, pageInMemory, pageQuery } from '../kernel/paging.ts';

export interface MoneyServiceOptions { clock: () => Date; refundInterestBasisPoints: number }


export function chargeView(row: ChargeRow, coverage: 'whole' | 'part' | 'none', refundedBy: string | null) {
  return {
    id: row.id,
    personId: row.person_id,
    periodFrom: row.period_from,
    periodTo: row.period_to,
    amountPence: row.amount_pence,
    paidOn: row.paid_on,
    description: row.description,
    serviceId: row.service_id,
    source: row.source,
    importReference: row.import_reference,
    insideEntitlement: coverage,
    refundId: refundedBy,
  };
}

export function refundView(row: RefundRow) {
  const lines = row.lines as RefundLine[];
  return {
    id: row.id,
    personId: row.person_id,
    version: row.version,
    calculatedOn: row.calculated_on,
    interestBasisPoints: row.interest_basis_points,
    lines,
    totalPrincipalPence: row.total_principal_pence,
    totalInterestPence: row.total_interest_pence,
    totalPence: row.total_principal_pence + row.total_interest_pence,
    status: row.status,
    approvedBy: row.approved_by,
    approvedOn: row.approved_on,
    paidOn: row.paid_on,
    paymentMethod: row.payment_method,
    letterSentOn: row.letter_sent_on,
    createdBy: row.created_by,
  };
}
export type RefundView = ReturnType<typeof refundView>;

function topUpFromRow(row: TopUpAgreementRow): TopUpAgreement {
  return {
    conditions: row.conditions as TopUpConditions,
    terms: row.terms as TopUpTerms,
    payer: row.payer_kind ? { kind: row.payer_kind, relationship: row.payer_relationship } : null,
    signedOn: row.signed_on,
    refusedOn: row.refused_on,
    refusalReasons: row.refusal_reasons,
  };
}

export function topUpView(row: TopUpAgreementRow, money: boolean) {
  const a = topUpFromRow(row);
  return {
    id: row.id,
    personId: row.person_id,
    serviceId: row.service_id,
    version: row.version,
    preferredAccommodation: row.preferred_accommodation,
    conditions: a.conditions,
    terms: money ? a.terms : { ...a.terms, additionalCostPencePerWeek: null, localAuthorityPaysPencePerWeek: null },
    moneyVisible: money,
    payer: a.payer,
    signedOn: a.signedOn,
    refusedOn: a.refusedOn,
    refusalReasons: a.refusalReasons,
    status: topUpStatus(a),
    /** What still stops the agreement being signed (CHG-3). */
    missingBeforeSigning: a.signedOn || a.refusedOn ? [] : signingViolations(a).map((v) => ({ field: v.field, message: v.message, rule: v.rule })),
  };
}

function disputeFromRow(row: DisputeRow): Dispute {
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

const EMPTY_CONDITIONS: TopUpConditions = { aged18OrOver: null, accommodationType: null, sameTypeAsDecided: null, suitable: null, available: null, providerAcceptsTerms: null };
const EMPTY_TERMS: TopUpTerms = {
  additionalCostPencePerWeek: null,
  localAuthorityPaysPencePerWeek: null,
  paymentFrequency: null,
  payee: null,
  reviewProvision: null,
  consequencesOfStoppingPayment: null,
  consequencesOfPriceRise: null,
  consequencesOfMeansChange: null,
};

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The statement's periods: from on or before to, at most a little over a year (367 days). */
function period(query: unknown) {
  const data = parseInput(PeriodQuery, query);
  if (compareDates(data.to, data.from) < 0) throw new ValidationError([{ field: 'to', message: 'The end of the period must be on or after its start' }]);
  return data;
}

export interface ChargeImportResult { imported: number; errors: { line: number; field: string; message: string }[] }

export function createMoneyService(db: Db, { clock, refundInterestBasisPoints }: MoneyServiceOptions) {
  const today = () => todayInLondon(clock());

  /** The person, when the actor may see them and their money (finance, responsible bodies, admins). */
  async function moneyPerson(trx: Db, actor: Actor, personId: string): Promise<{ person: PersonRow; ctx: MoneyContext }> {
    requirePermission(actor, 'money:read');
    const person = await findVisiblePerson(trx, actor, personId);
    const ctx = await moneyContext(trx, person, today());
    if (!canSeeMoney(actor, ctx.responsibleBodies)) throw new ForbiddenError('Only finance staff, the responsible bodies and admins see money');
    return { person, ctx };
  }

  async function audit(trx: Db, actor: Actor, person: PersonRow | null, action: string, recordType: string, recordId: string | null, details: Record<string, unknown> = {}) {
    await appendAuditEvent(trx, { ...auditActor(actor), action, recordType, recordId: recordId ?? undefined, personId: person?.id, details }, clock());
  }

  async function serviceIsS117(trx: Db, serviceIds: (string | null)[]) {
    const map = new Map<string, boolean>();
    for (const id of new Set(serviceIds.filter((x): x is string => Boolean(x)))) {
      const row = await servicesRepo.findService(trx, id);
      if (row) map.set(id, row.s117);
    }
    return map;
  }

  async function refundedCharges(trx: Db, personId: string): Promise<Map<string, string>> {
    const map = new Map<string, string>();
    for (const r of await repo.listRefunds(trx, personId)) for (const l of r.lines as RefundLine[]) map.set(l.chargeId, r.id);
    return map;
  }

  async function chargeRows(trx: Db, person: PersonRow, ctx: MoneyContext) {
    const rows = await repo.listCharges(trx, person.id);
    const ents = entitlementPeriods(ctx.aftercare.episodes, today());
    const refunded = await refundedCharges(trx, person.id);
    return { rows, ents, items: rows.map((r) => chargeView(r, chargeCoverage({ periodFrom: r.period_from, periodTo: r.period_to }, ents), refunded.get(r.id) ?? null)) };
  }

  async function ownService(trx: Db, person: PersonRow, serviceId: string, field: string) {
    const row = isUuid(serviceId) ? await servicesRepo.findService(trx, serviceId) : undefined;
    if (!row || row.person_id !== person.id) throw new ValidationError([{ field, message: 'That service is not one of this person’s services' }]);
    return row;
  }

  async function findRefundOf(trx: Db, person: PersonRow, refundId: string, expectedVersion: number | null) {
    const row = isUuid(refundId) ? await repo.findRefund(trx, refundId) : undefined;
    if (!row || row.person_id !== person.id) throw new NotFoundError('refund');
    if (expectedVersion !== null && expectedVersion !== row.version) throw new ConflictError(`The refund has changed since version ${expectedVersion}; it is now version ${row.version}`);
    return row;
  }

  async function insertCharge(trx: Db, actor: Actor, person: PersonRow, data: ReturnType<typeof ChargeInput.parse>, source: 'manual' | 'import', importReference: string | null) {
    refuse(chargeViolations({ ...data, serviceId: data.serviceId ?? null }, today()));
    if (data.serviceId) await ownService(trx, person, data.serviceId, 'serviceId');
    const id = randomUUID();
    await repo.insertCharges(trx, [
      { id, person_id: person.id, period_from: data.periodFrom, period_to: data.periodTo, amount_pence: data.amountPence, paid_on: data.paidOn, description: data.description, service_id: data.serviceId ?? null, source, import_reference: importReference, created_by: actor.userId },
    ]);
    await audit(trx, actor, person, 'charge.record', 'charge', id, { source, amountPence: data.amountPence, periodFrom: data.periodFrom, periodTo: data.periodTo, serviceId: data.serviceId ?? null });
    return id;
  }

  return {
    // ---- Charges and refunds (CHG-2) ----------------------------------------------------------

    async listCharges(actor: Actor, personId: string, query?: unknown) {
      const paging = pageQuery(query);
      return db.transaction().execute(async (trx) => {
        const { person, ctx } = await moneyPerson(trx, actor, personId);
        const { items: all, ents } = await chargeRows(trx, person, ctx);
        // Lists convention: a keyset on (period from, id), as the repository orders them.
        const { page: items, nextCursor } = paging ? pageInMemory(all, paging, ['asc', 'asc'], (c) => [keyText(c.periodFrom), c.id]) : { page: all, nextCursor: null };
        await audit(trx, actor, person, 'charge.list', 'person', person.id, { charges: items.length });
        return { items, nextCursor, entitlements: ents };
      });
    },

    async recordCharge(actor: Actor, personId: string, input: unknown) {
      requirePermission(actor, 'refunds:manage');
      const data = parseInput(ChargeInput, input);
      return db.transaction().execute(async (trx) => {
        const { person, ctx } = await moneyPerson(trx, actor, personId);
        const id = await insertCharge(trx, actor, person, data, 'manual', null);
        return (await chargeRows(trx, person, ctx)).items.find((c) => c.id === id)!;
      });
    },

    /**
     * Charges from the finance system's CSV (header: nhsNumber or personId, periodFrom, periodTo,
     * amountPence, paidOn, description). All or nothing: any bad line and nothing is imported.
     */
    async importCharges(actor: Actor, csv: string, options: { reference?: string; onProgress?: (done: number, total: number) => void } = {}): Promise<ChargeImportResult> {
      requirePermission(actor, 'refunds:manage');
      const records = parseCsv(csv);
      const header = (records.shift() ?? []).map((h) => h.trim());
      const col = (name: string) => header.indexOf(name);
      const missing = ['periodFrom', 'periodTo', 'amountPence', 'paidOn', 'description'].filter((h) => col(h) < 0);
      if (col('nhsNumber') < 0 && col('personId') < 0) missing.unshift('nhsNumber or personId');
      if (missing.length > 0) throw new ValidationError(missing.map((m) => ({ field: 'header', message: `The CSV header must include ${m}` })));
      const reference = options.reference ?? `import-${clock().toISOString()}`;
      const errors: ChargeImportResult['errors'] = [];
      let imported = 0;
      try {
        await db.transaction().execute(async (trx) => {
          for (const [i, record] of records.entries()) {
            const line = i + 2;
            if (record.every((c) => c.trim() === '')) continue;
            const get = (name: string) => (col(name) >= 0 ? (record[col(name)] ?? '').trim() : '');
            try {
              let personId = get('personId');
              if (!personId) {
                const found = await people.findPersonByNhsNumber(trx, get('nhsNumber').replace(/\s+/g, ''));
                if (!found) throw new ValidationError([{ field: 'nhsNumber', message: 'No person on the register has this NHS number' }]);
                personId = found.id;
              }
              const { person } = await moneyPerson(trx, actor, personId);
              const amount = Number(get('amountPence'));
              const data = parseInput(ChargeInput, { periodFrom: get('periodFrom'), periodTo: get('periodTo'), amountPence: Number.isFinite(amount) && get('amountPence') !== '' ? amount : -1, paidOn: get('paidOn'), description: get('description') });
              await insertCharge(trx, actor, person, data, 'import', reference);
              imported += 1;
            } catch (error) {
              if (error instanceof ValidationError) errors.push(...error.errors.map((e) => ({ line, field: e.field, message: e.message })));
              else if (error instanceof NotFoundError || error instanceof ForbiddenError) errors.push({ line, field: 'personId', message: 'No person you may see the money of has this id or NHS number' });
              else throw error;
            }
            options.onProgress?.(i + 1, records.length);
          }
          if (errors.length > 0) throw new ValidationError([]);
        });
      } catch (error) {
        if (error instanceof ValidationError && errors.length > 0) return { imported: 0, errors };
        throw error;
      }
      return { imported, errors };
    },

    async listRefunds(actor: Actor, personId: string, query?: unknown) {
      const paging = pageQuery(query);
      return db.transaction().execute(async (trx) => {
        const { person } = await moneyPerson(trx, actor, personId);
        const all = await repo.listRefunds(trx, person.id);
        // Lists convention: a keyset on (recorded, id), as the repository orders them.
        const { page: rows, nextCursor } = paging ? pageInMemory(all, paging, ['asc', 'asc'], (r) => [keyText(r.created_at), r.id]) : { page: all, nextCursor: null };
        await audit(trx, actor, person, 'refund.list', 'person', person.id, { refunds: rows.length });
        return { items: rows.map(refundView), nextCursor };
      });
    },

    async getRefund(actor: Actor, personId: string, refundId: string) {
      return db.transaction().execute(async (trx) => {
        const { person } = await moneyPerson(trx, actor, personId);
        const row = await findRefundOf(trx, person, refundId, null);
        await audit(trx, actor, person, 'refund.view', 'refund', row.id);
        return refundView(row);
      });
    },

    /** CHG-2: works out the refund of the charges inside an entitlement; refused (422) for charges outside. */
    async calculateRefund(actor: Actor, personId: string, input: unknown): Promise<RefundView> {
      requirePermission(actor, 'refunds:manage');
      const data = parseInput(RefundCalculateInput, input ?? {});
      const calculatedOn = data.calculatedOn ?? today();
      rejectFutureDates({ calculatedOn }, today());
      return db.transaction().execute(async (trx) => {
        const { person, ctx } = await moneyPerson(trx, actor, personId);
        const rows = await repo.listCharges(trx, person.id);
        const refunded = await refundedCharges(trx, person.id);
        let chosen: ChargeRow[];
        if (data.chargeIds) {
          chosen = data.chargeIds.map((id, i) => {
            const row = rows.find((r) => r.id === id);
            if (!row) throw new ValidationError([{ field: `chargeIds.${i}`, message: 'That charge is not one of this person’s charges' }]);
            if (refunded.has(id)) throw new ValidationError([{ field: `chargeIds.${i}`, message: 'That charge is already in a refund' }]);
            return row;
          });
        } else {
          chosen = rows.filter((r) => !refunded.has(r.id));
        }
        const s117 = await serviceIsS117(trx, chosen.map((c) => c.service_id));
        const charges: Charge[] = chosen.map((c) => ({
          id: c.id,
          periodFrom: c.period_from,
          periodTo: c.period_to,
          amountPence: c.amount_pence,
          paidOn: c.paid_on,
          description: c.description,
          serviceId: c.service_id,
          serviceIsS117: c.service_id ? (s117.get(c.service_id) ?? null) : null,
        }));
        const calculation = calculateRefund(charges, entitlementPeriods(ctx.aftercare.episodes, today()), calculatedOn, refundInterestBasisPoints);
        refuse(refundViolations(data.chargeIds ?? null, calculation));
        const id = randomUUID();
        await repo.insertRefund(trx, {
          id,
          person_id: person.id,
          calculated_on: calculatedOn,
          interest_basis_points: refundInterestBasisPoints,
          lines: calculation.lines,
          total_principal_pence: calculation.totalPrincipalPence,
          total_interest_pence: calculation.totalInterestPence,
          created_by: actor.userId,
        });
        await audit(trx, actor, person, 'refund.calculate', 'refund', id, {
          chargeIds: calculation.lines.map((l) => l.chargeId),
          excludedChargeIds: calculation.excluded.map((e) => e.chargeId),
          interestBasisPoints: refundInterestBasisPoints,
          totalPrincipalPence: calculation.totalPrincipalPence,
          totalInterestPence: calculation.totalInterestPence,
        });
        return refundView((await repo.findRefund(trx, id))!);
      });
    },

    async approveRefund(actor: Actor, personId: string, refundId: string, expectedVersion: number | null, input: unknown): Promise<RefundView> {
      requirePermission(actor, 'refunds:approve');
      const data = parseInput(RefundApprovalInput, input ?? {});
      const approvedOn = data.approvedOn ?? today();
      rejectFutureDates({ approvedOn }, today());
      return db.transaction().execute(async (trx) => {
        const { person } = await moneyPerson(trx, actor, personId);
        const row = await findRefundOf(trx, person, refundId, expectedVersion);
        if (row.status !== 'calculated') throw new ConflictError(`The refund is already ${row.status}`);
        if (!(await repo.updateRefund(trx, row.id, row.version, { status: 'approved', approved_by: actor.userId, approved_on: approvedOn }))) throw new ConflictError('The refund was changed by someone else at the same time; reload and try again');
        await audit(trx, actor, person, 'refund.approve', 'refund', row.id, { approvedOn });
        return refundView((await repo.findRefund(trx, row.id))!);
      });
    },

    async markRefundPaid(actor: Actor, personId: string, refundId: string, expectedVersion: number | null, input: unknown): Promise<RefundView> {
      requirePermission(actor, 'refunds:manage');
      const data = parseInput(RefundPaidInput, input);
      rejectFutureDates({ paidOn: data.paidOn, letterSentOn: data.letterSentOn }, today());
      return db.transaction().execute(async (trx) => {
        const { person } = await moneyPerson(trx, actor, personId);
        const row = await findRefundOf(trx, person, refundId, expectedVersion);
        if (row.status !== 'approved') throw new ValidationError([{ field: 'status', message: row.status === 'paid' ? 'The refund is already paid' : 'A refund is approved before it is paid', rule: 'CHG-2' }]);
        if (!(await repo.updateRefund(trx, row.id, row.version, { status: 'paid', paid_on: data.paidOn, payment_method: data.paymentMethod ?? null, letter_sent_on: data.letterSentOn ?? null }))) {
          throw new ConflictError('The refund was changed by someone else at the same time; reload and try again');
        }
        await audit(trx, actor, person, 'refund.paid', 'refund', row.id, { paidOn: data.paidOn, letterSentOn: data.letterSentOn ?? null });
        return refundView((await repo.findRefund(trx, row.id))!);
      });
    },

    /** CHG-2: the letter explaining the refund (PDF). */
    async refundLetter(actor: Actor, personId: string, refundId: string, options: { largePrint?: boolean } = {}): Promise<Buffer> {
      const input = await db.transaction().execute(async (trx) => {
        const { person, ctx } = await moneyPerson(trx, actor, personId);
        const row = await findRefundOf(trx, person, refundId, null);
        const lines = row.lines as RefundLine[];
        const episode = ctx.aftercare.episodes.at(-1);
        const from = [];
        for (const code of [episode?.localAuthority.code ?? ctx.currentLocalAuthority, episode?.icb.code ?? ctx.currentIcb]) {
          if (code) from.push({ name: (await findOrganisationByCode(trx, code))?.name ?? code });
        }
        await audit(trx, actor, person, 'refund.letter', 'refund', row.id, { largePrint: Boolean(options.largePrint) });
        return {
          person: { givenName: person.given_name, familyName: person.family_name, addressLine1: person.address_line1, postcode: person.postcode },
          from: from.length > 0 ? from : [{ name: 'Your local council and NHS Integrated Care Board' }],
          lines,
          interestBasisPoints: row.interest_basis_points,
          calculatedOn: row.calculated_on,
          totalPrincipalPence: row.total_principal_pence,
          totalInterestPence: row.total_interest_pence,
          status: row.status,
          paymentMethod: row.payment_method,
          date: row.letter_sent_on ?? today(),
        };
      });
      return renderRefundLetter(input, options);
    },

    // ---- Top-ups (CHG-3) ----------------------------------------------------------------------

    async listTopUps(actor: Actor, personId: string) {
      requirePermission(actor, 'person:read');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const ctx = await moneyContext(trx, person, today());
        const money = canSeeMoney(actor, ctx.responsibleBodies);
        const rows = await repo.listTopUps(trx, person.id);
        await audit(trx, actor, person, 'top-up.list', 'person', person.id, { topUps: rows.length });
        return { items: rows.map((r) => topUpView(r, money)), nextCursor: null };
      });
    },

    async createTopUp(actor: Actor, personId: string, input: unknown) {
      requirePermission(actor, 'top-ups:record');
      const data = parseInput(TopUpCreateInput, input);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const ctx = await moneyContext(trx, person, today());
        const service = await ownService(trx, person, data.serviceId, 'serviceId');
        refuse(topUpServiceViolations({ s117: service.s117, accommodationType: service.accommodation_type as AccommodationType | null }));
        const conditions: TopUpConditions = { ...EMPTY_CONDITIONS, ...withoutUndefined(data.conditions) };
        if (person.date_of_birth) conditions.aged18OrOver = aged18OrOver(person.date_of_birth, today());
        const terms: TopUpTerms = { ...EMPTY_TERMS, ...withoutUndefined(data.terms) };
        const agreement: TopUpAgreement = { conditions, terms, payer: (data.payer as TopUpPayer | null | undefined) ?? null, signedOn: null, refusedOn: null, refusalReasons: null };
        refuse(topUpViolations(agreement));
        const id = randomUUID();
        await repo.insertTopUp(trx, {
          id,
          person_id: person.id,
          service_id: service.id,
          preferred_accommodation: data.preferredAccommodation,
          conditions,
          terms,
          payer_kind: agreement.payer?.kind ?? null,
          payer_relationship: agreement.payer?.relationship ?? null,
          created_by: actor.userId,
        });
        await audit(trx, actor, person, 'top-up.create', 'top-up', id, { serviceId: service.id, payer: agreement.payer?.kind ?? null, additionalCostPencePerWeek: terms.additionalCostPencePerWeek });
        return topUpView((await repo.findTopUp(trx, id))!, canSeeMoney(actor, ctx.responsibleBodies));
      });
    },

    /** Changes the conditions or terms, signs (CHG-3: all conditions met, every term set) or refuses with written reasons. */
    async updateTopUp(actor: Actor, personId: string, topUpId: string, expectedVersion: number | null, input: unknown) {
      requirePermission(actor, 'top-ups:record');
      const data = parseInput(TopUpUpdateInput, input);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const ctx = await moneyContext(trx, person, today());
        const row = isUuid(topUpId) ? await repo.findTopUp(trx, topUpId) : undefined;
        if (!row || row.person_id !== person.id) throw new NotFoundError('top-up agreement');
        if (expectedVersion !== null && expectedVersion !== row.version) throw new ConflictError(`The agreement has changed since version ${expectedVersion}; it is now version ${row.version}`);
        const before = topUpFromRow(row);
        if (before.signedOn || before.refusedOn) throw new ConflictError(`The agreement is already ${topUpStatus(before)}; record a new one`);
        const next: TopUpAgreement = {
          conditions: { ...before.conditions, ...withoutUndefined(data.conditions ?? {}) },
          terms: { ...before.terms, ...withoutUndefined(data.terms ?? {}) },
          payer: data.payer !== undefined ? ((data.payer as TopUpPayer | null) ?? null) : before.payer,
          signedOn: data.signedOn !== undefined ? data.signedOn : before.signedOn,
          refusedOn: data.refusedOn !== undefined ? data.refusedOn : before.refusedOn,
          refusalReasons: data.refusalReasons !== undefined ? (data.refusalReasons ?? null) : before.refusalReasons,
        };
        if (person.date_of_birth) next.conditions.aged18OrOver = aged18OrOver(person.date_of_birth, next.signedOn ?? today());
        rejectFutureDates({ signedOn: next.signedOn, refusedOn: next.refusedOn }, today());
        refuse(topUpViolations(next));
        if (!(await repo.updateTopUp(trx, row.id, row.version, {
          ...(data.preferredAccommodation !== undefined && { preferred_accommodation: data.preferredAccommodation }),
          conditions: next.conditions,
          terms: next.terms,
          payer_kind: next.payer?.kind ?? null,
          payer_relationship: next.payer?.relationship ?? null,
          signed_on: next.signedOn,
          refused_on: next.refusedOn,
          refusal_reasons: next.refusalReasons,
          updated_by: actor.userId,
        }))) throw new ConflictError('The agreement was changed by someone else at the same time; reload and try again');
        await audit(trx, actor, person, next.signedOn ? 'top-up.sign' : next.refusedOn ? 'top-up.refuse' : 'top-up.update', 'top-up', row.id, { fields: Object.keys(data), status: topUpStatus(next) });
        return topUpView((await repo.findTopUp(trx, row.id))!, canSeeMoney(actor, ctx.responsibleBodies));
      });
    },

    // ---- Disputes (RESP-6) --------------------------------------------------------------------

    /** The disputes the caller's organisation is a party to (or funds meanwhile), with their deadlines. */
    async listDisputes(actor: Actor) {
      requirePermission(actor, 'person:read');
      return db.transaction().execute(async (trx) => {
        const rows = await repo.listDisputesFor(trx, actor.role === 'admin' ? null : actor.organisationCode);
        const items = rows.map((r) => disputeView(r, today()));
        await audit(trx, actor, null, 'dispute.list', 'dispute', null, { disputes: items.length, personIds: [...new Set(rows.map((r) => r.person_id))] });
        return { items, nextCursor: null, overdue: items.filter((d) => d.referralOverdue).length };
      });
    },

    async listPersonDisputes(actor: Actor, personId: string) {
      requirePermission(actor, 'person:read');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const rows = await repo.listPersonDisputes(trx, person.id);
        await audit(trx, actor, person, 'dispute.list', 'person', person.id, { disputes: rows.length });
        return { items: rows.map((r) => disputeView(r, today())), nextCursor: null };
      });
    },

    async raiseDispute(actor: Actor, personId: string, input: unknown): Promise<DisputeView> {
      requirePermission(actor, 'disputes:manage');
      const data = parseInput(DisputeCreateInput, input);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const d: Dispute = { partyA: data.partyA, partyB: data.partyB, subject: data.subject, interimFunderCode: data.interimFunderCode, raisedOn: data.raisedOn, referredOn: data.referredOn ?? null, personToldOn: data.personToldOn ?? null, resolvedOn: null, resolution: null };
        refuse(disputeViolations(d, today()));
        if (actor.role !== 'admin' && ![d.partyA.code, d.partyB.code].includes(actor.organisationCode)) throw new ForbiddenError('Only a body in the dispute (or an admin) records it');
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
        await audit(trx, actor, person, 'dispute.raise', 'dispute', id, { partyA: d.partyA.code, partyB: d.partyB.code, subject: d.subject, interimFunder: d.interimFunderCode, raisedOn: d.raisedOn });
        return disputeView((await repo.findDispute(trx, id))!, today());
      });
    },

    async updateDispute(actor: Actor, personId: string, expectedVersion: number | null, input: unknown): Promise<DisputeView> {
      requirePermission(actor, 'disputes:manage');
      const data = parseInput(DisputeUpdateInput, input);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const row = isUuid(data.id) ? await repo.findDispute(trx, data.id) : undefined;
        if (!row || row.person_id !== person.id) throw new NotFoundError('dispute');
        if (actor.role !== 'admin' && ![row.party_a_code, row.party_b_code].includes(actor.organisationCode)) throw new ForbiddenError('Only a body in the dispute (or an admin) changes it');
        if (expectedVersion !== null && expectedVersion !== row.version) throw new ConflictError(`The dispute has changed since version ${expectedVersion}; it is now version ${row.version}`);
        const before = disputeFromRow(row);
        const next: Dispute = {
          ...before,
          ...(data.interimFunderCode !== undefined && { interimFunderCode: data.interimFunderCode }),
          ...(data.referredOn !== undefined && { referredOn: data.referredOn }),
          ...(data.personToldOn !== undefined && { personToldOn: data.personToldOn }),
          ...(data.resolvedOn !== undefined && { resolvedOn: data.resolvedOn }),
          ...(data.resolution !== undefined && { resolution: data.resolution ?? null }),
        };
        refuse(disputeViolations(next, today()));
        if (!(await repo.updateDispute(trx, row.id, row.version, {
          interim_funder_code: next.interimFunderCode,
          referred_on: next.referredOn,
          person_told_on: next.personToldOn,
          resolved_on: next.resolvedOn,
          resolution: next.resolution,
          ...(data.details !== undefined && { details: data.details ?? null }),
          updated_by: actor.userId,
        }))) throw new ConflictError('The dispute was changed by someone else at the same time; reload and try again');
        await audit(trx, actor, person, 'dispute.update', 'dispute', row.id, { fields: Object.keys(data).filter((k) => k !== 'id') });
        return disputeView((await repo.findDispute(trx, row.id))!, today());
      });
    },

    // ---- Payments, recharges and spend (RESP-1, RESP-7) ----------------------------------------

    async recordPayment(actor: Actor, personId: string, serviceId: string, input: unknown) {
      requirePermission(actor, 'payments:record');
      const data = parseInput(PaymentInput, input);
      return db.transaction().execute(async (trx) => {
        const { person } = await moneyPerson(trx, actor, personId);
        const row = isUuid(serviceId) ? await servicesRepo.findService(trx, serviceId) : undefined;
        if (!row || row.person_id !== person.id) throw new NotFoundError('service');
        const violations: Violation[] = [];
        if (!Number.isInteger(data.amountPence) || data.amountPence < 0) violations.push({ field: 'amountPence', message: 'The amount paid must be a whole number of pence, 0 or more' });
        if (compareDates(data.periodTo, data.periodFrom) < 0) violations.push({ field: 'periodTo', message: 'The end of the period paid for must be on or after its start' });
        if (compareDates(data.paidOn, today()) > 0) violations.push({ field: 'paidOn', message: 'The date paid must be today or in the past' });
        refuse(violations);
        const organisationCode = data.organisationCode ?? actor.organisationCode;
        if (actor.role !== 'admin' && organisationCode !== actor.organisationCode) throw new ForbiddenError('Record only what your own organisation paid');
        const id = randomUUID();
        await repo.insertServicePayment(trx, { id, service_id: row.id, body: data.body, organisation_code: organisationCode, period_from: data.periodFrom, period_to: data.periodTo, amount_pence: data.amountPence, paid_on: data.paidOn, created_by: actor.userId });
        await audit(trx, actor, person, 'payment.record', 'service-payment', id, { serviceId: row.id, body: data.body, organisationCode, amountPence: data.amountPence, periodFrom: data.periodFrom, periodTo: data.periodTo });
        return { id, serviceId: row.id, body: data.body, organisationCode, periodFrom: data.periodFrom, periodTo: data.periodTo, amountPence: data.amountPence, paidOn: data.paidOn };
      });
    },

    /** The recharge statement for a period: for every person and service, each body's share against what it paid, and the balance. */
    async recharges(actor: Actor, query: unknown) {
      requirePermission(actor, 'finance:export');
      const p = period(query);
      return db.transaction().execute(async (trx) => {
        // Auditors, like everyone but admins, see only the people their organisation may see.
        const scope = actor.role === 'admin' ? null : actor.organisationCode;
        const rows = await repo.listServicesForRecharge(trx, scope, p.from, p.to);
        const payments = await repo.listPaymentsForRecharge(trx, scope, p.from, p.to);
        const services: RechargeService[] = rows.map((r) => ({
          serviceId: r.id,
          personId: r.person_id,
          category: r.category,
          provider: r.provider,
          weeklyCostPence: r.weekly_cost_pence,
          funding: { localAuthorityPercent: r.la_percent, icbPercent: r.icb_percent },
          startDate: r.start_date,
          endDate: r.end_date,
        }));
        const paid: ServicePayment[] = payments.map((x) => ({ serviceId: x.service_id, body: x.body, periodFrom: x.period_from, periodTo: x.period_to, amountPence: x.amount_pence }));
        const statement = rechargeStatement(services, paid, { from: p.from, to: p.to });
        const person = new Map(rows.map((r) => [r.person_id, { nhsNumber: r.nhs_number, localId: r.local_id }]));
        const description = new Map(rows.map((r) => [r.id, r]));
        const lines = statement.lines.map((l) => ({ ...l, nhsNumber: person.get(l.personId)?.nhsNumber ?? null, localId: person.get(l.personId)?.localId ?? null, startDate: description.get(l.serviceId)?.start_date ?? null, endDate: description.get(l.serviceId)?.end_date ?? null }));
        await audit(trx, actor, null, 'finance.recharges', 'finance', null, { from: p.from, to: p.to, services: lines.length, people: new Set(lines.map((l) => l.personId)).size });
        return { from: p.from, to: p.to, organisationCode: scope, lines, totals: statement.totals, spend: spendReport(statement.lines) };
      });
    },

    async rechargesCsv(actor: Actor, query: unknown): Promise<string> {
      const s = await this.recharges(actor, query);
      return toCsv([
        ['person_id', 'nhs_number', 'local_id', 'service_id', 'category', 'provider', 'days_in_period', 'cost_pence', 'la_share_pence', 'icb_share_pence', 'la_paid_pence', 'icb_paid_pence', 'icb_owes_la_pence', 'unpaid_pence'],
        ...s.lines.map((l) => [l.personId, l.nhsNumber, l.localId, l.serviceId, l.category, l.provider, l.days, l.costPence, l.localAuthorityShare, l.icbShare, l.localAuthorityPaid, l.icbPaid, l.icbOwesLocalAuthority, l.unpaidPence]),
        ['TOTAL', null, null, null, null, null, null, s.totals.costPence, s.totals.localAuthorityShare, s.totals.icbShare, s.totals.localAuthorityPaid, s.totals.icbPaid, s.totals.icbOwesLocalAuthority, s.totals.unpaidPence],
      ]);
    },

    async spend(actor: Actor, query: unknown) {
      const s = await this.recharges(actor, query);
      return { from: s.from, to: s.to, organisationCode: s.organisationCode, items: s.spend };
    },

    async spendCsv(actor: Actor, query: unknown): Promise<string> {
      const s = await this.spend(actor, query);
      return toCsv([['body', 'category', 'provider', 'services', 'agreed_pence', 'paid_pence'], ...s.items.map((r) => [r.body, r.category, r.provider, r.services, r.agreedPence, r.paidPence])]);
    },
  };
}

export type MoneyService = ReturnType<typeof createMoneyService>;

/** RFC 4180 CSV to records (quoted fields, doubled quotes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records.map((r) => r.map((f) => f.replace(/^\uFEFF/, '')));
}
