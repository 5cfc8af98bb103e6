// Charges a person paid while entitled to free aftercare, and their refunds with interest and the
// letter explaining them (CHG-2); charges come in one at a time or from the finance system's CSV.
// Only finance users, the responsible bodies and admins see money (canSeeMoney).
import type { LawSettings } from '../../domain/aftercare.ts';
import { randomUUID } from 'node:crypto';
import { todayInLondon, type IsoDate } from '../../domain/dates.ts';
import { calculateRefund, chargeCoverage, chargeViolations, entitlementPeriods, refundPaymentViolations, refundViolations, type Charge, type RefundLine } from '../../domain/refunds.ts';
import { appendAuditEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import * as servicesRepo from '../../data/care-services-repository.ts';
import type { LetterContactRows } from '../../data/letter-contact-repository.ts';
import { loadPersonReadModel, type PersonReadModel } from '../../data/person-read-model.ts';
import * as repo from '../../data/refunds-repository.ts';
import type { ChargeRow, PersonRow, RefundRow } from '../../data/schema.ts';
import { renderRefundLetter } from '../../letters/refund-letter.ts';
import { letterFootingOf, readLetterContactRows, type LetterSender } from '../kernel/letter-contact.ts';
import { moneyContext, moneyContextOf, type MoneyContext } from '../care-services/money-context.ts';
import { factsOfModel } from '../people/people-service.ts';
import { auditActor, requirePermission, type Actor } from '../kernel/actor.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../kernel/errors.ts';
import { requireMoneySight } from '../kernel/money.ts';
import { keyText, pageInMemory, pageQuery, type Page } from '../kernel/paging.ts';
import { findVisibleByNhsNumber, findVisiblePerson, isUuid, uuidOrNull, rejectFutureDates } from '../kernel/person-record.ts';
import { checkVersion, mustHaveUpdated, type PersonContext, type UseCases } from '../kernel/use-case.ts';
import { parseInput, refuse } from '../kernel/validation.ts';
import { readChargesCsv } from './charges-csv.ts';
import { ChargeInput, RefundApprovalInput, RefundCalculateInput, RefundPaidInput } from './refunds-inputs.ts';

export interface RefundsServiceOptions { clock: () => Date; useCases: UseCases; refundInterestBasisPoints: number }

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

export interface ChargeImportResult { imported: number; errors: { line: number; field: string; message: string }[] }

type ChargeData = ReturnType<typeof ChargeInput.parse>;

/** What the audit event of a recorded charge says: ids, amounts and dates, never the description. */
function chargeAuditDetails(source: 'manual' | 'import', data: ChargeData) {
  return { source, amountPence: data.amountPence, periodFrom: data.periodFrom, periodTo: data.periodTo, serviceId: data.serviceId ?? null };
}

/** The person's money context, when the actor may see their money (403 otherwise). */
async function moneyOf(trx: Db, actor: Actor, person: PersonRow, today: IsoDate, law: LawSettings): Promise<MoneyContext> {
  return moneySighted(actor, await moneyContext(trx, person, today, law));
}

/** The money context, when the actor may see the person's money (403 otherwise). */
function moneySighted(actor: Actor, ctx: MoneyContext): MoneyContext {
  requireMoneySight(actor, ctx.responsibleBodies);
  return ctx;
}

async function serviceIsS117(trx: Db, serviceIds: (string | null)[]) {
  const map = new Map<string, boolean>();
  for (const id of new Set(serviceIds.filter((x): x is string => Boolean(x)))) {
    const row = await servicesRepo.findService(trx, id);
    if (row) map.set(id, row.s117);
  }
  return map;
}

/** Each charge already in a refund, with that refund's id. */
function refundedCharges(refunds: readonly RefundRow[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const r of refunds) for (const l of r.lines as RefundLine[]) map.set(l.chargeId, r.id);
  return map;
}

/** The person's charges and refunds, as the charges read shows them. */
async function readChargesRows(trx: Db, personId: string): Promise<repo.ChargesRows> {
  const charges = await repo.listCharges(trx, personId);
  return { charges, refunds: await repo.listRefunds(trx, personId) };
}

/** Each charge's view (inside an entitlement? in which refund?) and the entitlement periods. */
function chargeItems({ charges, refunds }: repo.ChargesRows, ctx: MoneyContext, today: IsoDate) {
  const ents = entitlementPeriods(ctx.aftercare.episodes, today);
  const refunded = refundedCharges(refunds);
  return { ents, items: charges.map((r) => chargeView(r, chargeCoverage({ periodFrom: r.period_from, periodTo: r.period_to }, ents), refunded.get(r.id) ?? null)) };
}

/** The refund when it is the person's; 404 otherwise. */
function ownRefund(row: RefundRow | undefined, person: PersonRow): RefundRow {
  if (!row || row.person_id !== person.id) throw new NotFoundError('refund');
  return row;
}

async function findRefundOf(trx: Db, person: PersonRow, refundId: string) {
  return ownRefund(isUuid(refundId) ? await repo.findRefund(trx, refundId) : undefined, person);
}

/** A refund id from a URL as a bound parameter of the read model: null when it is not a UUID (no refund has it, 404). */

/** Checks a charge against the rules and the person's services, and stores it; returns its id. */
async function insertCharge(trx: Db, actor: Actor, person: PersonRow, data: ChargeData, source: 'manual' | 'import', importReference: string | null, today: IsoDate) {
  refuse(chargeViolations({ ...data, serviceId: data.serviceId ?? null }, today));
  if (data.serviceId) {
    const service = isUuid(data.serviceId) ? await servicesRepo.findService(trx, data.serviceId) : undefined;
    if (!service || service.person_id !== person.id) throw new ValidationError([{ field: 'serviceId', message: 'That service is not one of this person’s services' }]);
  }
  const id = randomUUID();
  await repo.insertCharges(trx, [
    { id, person_id: person.id, period_from: data.periodFrom, period_to: data.periodTo, amount_pence: data.amountPence, paid_on: data.paidOn, description: data.description, service_id: data.serviceId ?? null, source, import_reference: importReference, created_by: actor.userId },
  ]);
  return id;
}

/**
 * The person's charges, each with whether it fell inside an entitlement and the refund it is in,
 * and the entitlement periods; without paging (the pages) every one. From the rows already read (a
 * read model's), for a caller who has checked the actor may see the person's money.
 */
export function chargesOf(rows: repo.ChargesRows, ctx: MoneyContext, today: IsoDate, paging?: Page | null) {
  const { items: all, ents } = chargeItems(rows, ctx, today);
  // Lists convention: a keyset on (period from, id), as the repository orders them.
  const { page: items, nextCursor } = paging ? pageInMemory(all, paging, ['asc', 'asc'], (c) => [keyText(c.periodFrom), c.id]) : { page: all, nextCursor: null };
  return { items, nextCursor, entitlements: ents };
}

/** The person's refunds from the rows already read (a read model's); without paging every one. For a caller who has checked money sight. */
export function refundsOf(all: readonly RefundRow[], paging?: Page | null) {
  // Lists convention: a keyset on (recorded, id), as the repository orders them.
  const { page: rows, nextCursor } = paging ? pageInMemory(all, paging, ['asc', 'asc'], (r) => [keyText(r.created_at), r.id]) : { page: all, nextCursor: null };
  return { items: rows.map(refundView), nextCursor };
}

const CHARGE_COLUMNS = ['periodFrom', 'periodTo', 'amountPence', 'paidOn', 'description'];

/** CHG-2: what the refund letter to the person needs (404 when not theirs): in the caller's transaction with no audit. */
export async function refundLetterPart(trx: Db, person: PersonRow, ctx: MoneyContext, today: IsoDate, refundId: string, sender: LetterSender = null) {
  const row = await findRefundOf(trx, person, refundId);
  const codes = refundLetterBodies(ctx);
  return refundLetterOf(row, await readLetterContactRows(trx, person.id, sender, codes, codes), person, ctx, today, sender);
}

/** The bodies a refund letter is from: the latest episode's, else where the person lives and their GP's ICB now. */
function refundLetterBodies(ctx: MoneyContext): (string | null)[] {
  const episode = ctx.aftercare.episodes.at(-1);
  return [episode?.localAuthority.code ?? ctx.currentLocalAuthority, episode?.icb.code ?? ctx.currentIcb];
}

/** refundLetterPart from the rows already read (the letter read's model): no query. */
function refundLetterOf(row: RefundRow, contact: LetterContactRows, person: PersonRow, ctx: MoneyContext, today: IsoDate, sender: LetterSender) {
  const codes = refundLetterBodies(ctx);
  const from = codes.filter((code): code is string => Boolean(code)).map((code) => ({ name: contact.organisations.get(code)?.name ?? code, code }));
  const date = row.letter_sent_on ?? today;
  return {
    refundId: row.id,
    input: {
      person: { givenName: person.given_name, familyName: person.family_name, addressLine1: person.address_line1, postcode: person.postcode },
      from: from.length > 0 ? from : [{ name: 'Your local council and NHS Integrated Care Board' }],
      lines: row.lines as RefundLine[],
      interestBasisPoints: row.interest_basis_points,
      calculatedOn: row.calculated_on,
      totalPrincipalPence: row.total_principal_pence,
      totalInterestPence: row.total_interest_pence,
      status: row.status,
      paymentMethod: row.payment_method,
      date,
      ...letterFootingOf(contact, person.id, sender, codes, 'refund', { on: row.calculated_on }),
    },
  };
}

export function createRefundsService({ clock, useCases, refundInterestBasisPoints }: RefundsServiceOptions) {
  const { law } = useCases;

  /** moneyOf from a read model loaded with its facts: the person's money context, when the actor may see their money (403 otherwise). */
  function moneyOfModel(actor: Actor, model: PersonReadModel, today: IsoDate): MoneyContext {
    return moneySighted(actor, moneyContextOf(factsOfModel(model, law), today));
  }

  return {
    async listCharges(actor: Actor, personId: string, query?: unknown) {
      const paging = pageQuery(query);
      return useCases.readModel(
        actor,
        personId,
        { permission: 'money:read', audit: (r: { items: unknown[] }) => ({ action: 'charge.list', details: { charges: r.items.length } }) },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { facts: true }, undefined, repo.CHARGES_PART),
        ({ model, today }) => chargesOf(model.part, moneyOfModel(actor, model, today), today, paging),
      );
    },

    async recordCharge(actor: Actor, personId: string, input: unknown) {
      requirePermission(actor, 'refunds:manage');
      const data = parseInput(ChargeInput, input);
      return useCases.change(
        actor,
        personId,
        { permission: 'refunds:manage', reproject: false, audit: (r) => ({ action: 'charge.record', recordType: 'charge', recordId: r.id, details: chargeAuditDetails('manual', data) }) },
        async ({ trx, person, today }: PersonContext) => {
          const ctx = await moneyOf(trx, actor, person, today, law);
          return { id: await insertCharge(trx, actor, person, data, 'manual', null, today), ctx };
        },
        async ({ trx, person, today }, { id, ctx }) => chargeItems(await readChargesRows(trx, person.id), ctx, today).items.find((c) => c.id === id)!,
      );
    },

    /**
     * Charges from the finance system's CSV (header: nhsNumber or personId, periodFrom, periodTo,
     * amountPence, paidOn, description). All or nothing: any bad line and nothing is imported. Each
     * charge leaves its own audit event on its person's record, as one recorded by hand does.
     */
    async importCharges(actor: Actor, csv: string, options: { reference?: string; onProgress?: (done: number, total: number) => void } = {}): Promise<ChargeImportResult> {
      requirePermission(actor, 'refunds:manage');
      const records = readChargesCsv(csv);
      const header = (records.shift() ?? []).map((h) => h.trim());
      const col = (name: string) => header.indexOf(name);
      const missing = CHARGE_COLUMNS.filter((h) => col(h) < 0);
      if (col('nhsNumber') < 0 && col('personId') < 0) missing.unshift('nhsNumber or personId');
      if (missing.length > 0) throw new ValidationError(missing.map((m) => ({ field: 'header', message: `The CSV header must include ${m}` })));
      const reference = options.reference ?? `import-${clock().toISOString()}`;
      const errors: ChargeImportResult['errors'] = [];
      let imported = 0;
      try {
        await useCases.run(actor, { permission: 'refunds:manage', audit: null }, async ({ trx, today, now }) => {
          for (const [i, record] of records.entries()) {
            const line = i + 2;
            if (record.every((c) => c.trim() === '')) continue;
            const get = (name: string) => (col(name) >= 0 ? (record[col(name)] ?? '').trim() : '');
            // Whether someone is on the register is itself protected (issue 15, probe 9): a person not
            // there and one the caller may not see (or see the money of) get the same answer.
            const identifiedBy = get('personId') ? 'personId' : 'nhsNumber';
            try {
              let personId = get('personId');
              if (!personId) {
                // The record of this NHS number the caller sees: a later record its organisation made too (0110).
                const found = await findVisibleByNhsNumber(trx, actor, get('nhsNumber').replace(/\s+/g, ''));
                if (!found) throw new NotFoundError('person');
                personId = found.id;
              }
              requirePermission(actor, 'money:read');
              const person = await findVisiblePerson(trx, actor, personId);
              await moneyOf(trx, actor, person, today, law);
              const amount = Number(get('amountPence'));
              const data = parseInput(ChargeInput, { periodFrom: get('periodFrom'), periodTo: get('periodTo'), amountPence: Number.isFinite(amount) && get('amountPence') !== '' ? amount : -1, paidOn: get('paidOn'), description: get('description') });
              const id = await insertCharge(trx, actor, person, data, 'import', reference, today);
              await appendAuditEvent(trx, { ...auditActor(actor), action: 'charge.record', recordType: 'charge', recordId: id, personId: person.id, details: chargeAuditDetails('import', data) }, now);
              imported += 1;
            } catch (error) {
              if (error instanceof ValidationError) errors.push(...error.errors.map((e) => ({ line, field: e.field, message: e.message })));
              else if (error instanceof NotFoundError || error instanceof ForbiddenError) errors.push({ line, field: identifiedBy, message: 'No person you may see the money of has this id or NHS number' });
              else throw error;
            }
            options.onProgress?.(i + 1, records.length);
          }
          // Any bad line rolls back every charge of the file.
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
      return useCases.readModel(
        actor,
        personId,
        { permission: 'money:read', audit: (r: { items: unknown[] }) => ({ action: 'refund.list', details: { refunds: r.items.length } }) },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { facts: true }, undefined, repo.REFUNDS_PART),
        ({ model, today }) => {
          moneyOfModel(actor, model, today);
          return refundsOf(model.part, paging);
        },
      );
    },

    async getRefund(actor: Actor, personId: string, refundId: string) {
      return useCases.readModel(
        actor,
        personId,
        { permission: 'money:read', audit: (r: RefundView) => ({ action: 'refund.view', recordType: 'refund', recordId: r.id }) },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { facts: true }, undefined, repo.refundPart(uuidOrNull(refundId))),
        ({ model, person, today }) => {
          moneyOfModel(actor, model, today);
          return refundView(ownRefund(model.part, person));
        },
      );
    },

    /** CHG-2: works out the refund of the charges inside an entitlement; refused (422) for charges outside. */
    async calculateRefund(actor: Actor, personId: string, input: unknown): Promise<RefundView> {
      requirePermission(actor, 'refunds:manage');
      const data = parseInput(RefundCalculateInput, input ?? {});
      const calculatedOn = data.calculatedOn ?? todayInLondon(clock());
      rejectFutureDates({ calculatedOn }, todayInLondon(clock()));
      return useCases.change(
        actor,
        personId,
        {
          permission: 'refunds:manage',
          reproject: false,
          audit: ({ id, calculation }) => ({
            action: 'refund.calculate',
            recordType: 'refund',
            recordId: id,
            details: {
              chargeIds: calculation.lines.map((l) => l.chargeId),
              excludedChargeIds: calculation.excluded.map((e) => e.chargeId),
              interestBasisPoints: refundInterestBasisPoints,
              totalPrincipalPence: calculation.totalPrincipalPence,
              totalInterestPence: calculation.totalInterestPence,
            },
          }),
        },
        async ({ trx, person, today }: PersonContext) => {
          const ctx = await moneyOf(trx, actor, person, today, law);
          const rows = await repo.listCharges(trx, person.id);
          const refunded = refundedCharges(await repo.listRefunds(trx, person.id));
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
          const calculation = calculateRefund(charges, entitlementPeriods(ctx.aftercare.episodes, today), calculatedOn, refundInterestBasisPoints);
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
          return { id, calculation };
        },
        async ({ trx }, { id }) => refundView((await repo.findRefund(trx, id))!),
      );
    },

    async approveRefund(actor: Actor, personId: string, refundId: string, expectedVersion: number | null, input: unknown): Promise<RefundView> {
      requirePermission(actor, 'refunds:approve');
      const data = parseInput(RefundApprovalInput, input ?? {});
      const approvedOn = data.approvedOn ?? todayInLondon(clock());
      rejectFutureDates({ approvedOn }, todayInLondon(clock()));
      return useCases.change(
        actor,
        personId,
        { permission: 'refunds:approve', reproject: false, audit: (id) => ({ action: 'refund.approve', recordType: 'refund', recordId: id, details: { approvedOn } }) },
        async ({ trx, person, today }: PersonContext) => {
          await moneyOf(trx, actor, person, today, law);
          const row = await findRefundOf(trx, person, refundId);
          checkVersion('refund', expectedVersion, row.version);
          if (row.status !== 'calculated') throw new ConflictError(`The refund is already ${row.status}`);
          mustHaveUpdated(await repo.updateRefund(trx, row.id, row.version, { status: 'approved', approved_by: actor.userId, approved_on: approvedOn }), 'refund');
          return row.id;
        },
        async ({ trx }, id) => refundView((await repo.findRefund(trx, id))!),
      );
    },

    async markRefundPaid(actor: Actor, personId: string, refundId: string, expectedVersion: number | null, input: unknown): Promise<RefundView> {
      requirePermission(actor, 'refunds:manage');
      const data = parseInput(RefundPaidInput, input);
      rejectFutureDates({ paidOn: data.paidOn, letterSentOn: data.letterSentOn }, todayInLondon(clock()));
      return useCases.change(
        actor,
        personId,
        { permission: 'refunds:manage', reproject: false, audit: (id) => ({ action: 'refund.paid', recordType: 'refund', recordId: id, details: { paidOn: data.paidOn, letterSentOn: data.letterSentOn ?? null } }) },
        async ({ trx, person, today }: PersonContext) => {
          await moneyOf(trx, actor, person, today, law);
          const row = await findRefundOf(trx, person, refundId);
          checkVersion('refund', expectedVersion, row.version);
          refuse(refundPaymentViolations(row.status));
          mustHaveUpdated(await repo.updateRefund(trx, row.id, row.version, { status: 'paid', paid_on: data.paidOn, payment_method: data.paymentMethod ?? null, letter_sent_on: data.letterSentOn ?? null }), 'refund');
          return row.id;
        },
        async ({ trx }, id) => refundView((await repo.findRefund(trx, id))!),
      );
    },

    /** CHG-2: the letter explaining the refund (PDF), rendered after its read is committed. */
    async refundLetter(actor: Actor, personId: string, refundId: string, options: { largePrint?: boolean } = {}): Promise<Buffer> {
      const letter = await useCases.readModel(
        actor,
        personId,
        { permission: 'money:read', audit: (r: { refundId: string }) => ({ action: 'refund.letter', recordType: 'refund', recordId: r.refundId, details: { largePrint: Boolean(options.largePrint) } }) },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { facts: true }, undefined, repo.refundLetterRowsPart(uuidOrNull(refundId), actor.organisationCode ?? null)),
        ({ model, person, today }) => {
          const ctx = moneyOfModel(actor, model, today);
          return refundLetterOf(ownRefund(model.part.refund, person), model.part.contact, person, ctx, today, actor);
        },
      );
      return renderRefundLetter(letter.input, options);
    },
  };
}

export type RefundsService = ReturnType<typeof createRefundsService>;
