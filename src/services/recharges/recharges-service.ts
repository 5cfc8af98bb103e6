// What each body paid for a service, and from it the recharge statement between the local authority
// and the ICB and the spend report (RESP-1, RESP-7), as JSON and as CSV for the finance systems.
import { randomUUID } from 'node:crypto';
import { canRecordPaymentFor, organisationScope } from '../../domain/access.ts';
import { compareDates } from '../../domain/dates.ts';
import { attributedRechargeStatement, attributedSpendReport, paymentViolations, responsibilitySpans, type RechargeService, type ResponsibilitySpan, type ServicePayment } from '../../domain/recharges.ts';
import { listOrganisations } from '../../data/accounts-repository.ts';
import * as servicesRepo from '../../data/care-services-repository.ts';
import * as repo from '../../data/recharges-repository.ts';
import { moneyContext } from '../care-services/money-context.ts';
import { toCsv } from '../kernel/csv.ts';
import { requirePermission, type Actor } from '../kernel/actor.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../kernel/errors.ts';
import { requireMoneySight } from '../kernel/money.ts';
import { deriveAftercareOf, isUuid } from '../kernel/person-record.ts';
import type { Context, PersonContext, UseCases } from '../kernel/use-case.ts';
import { parseInput, refuse } from '../kernel/validation.ts';
import { PaymentInput, PeriodQuery } from './recharges-inputs.ts';

export interface RechargesServiceOptions { useCases: UseCases }

/** The statement's periods: from on or before to, at most a little over a year (367 days). */
function period(query: unknown) {
  const data = parseInput(PeriodQuery, query);
  if (compareDates(data.to, data.from) < 0) throw new ValidationError([{ field: 'to', message: 'The end of the period must be on or after its start' }]);
  return data;
}

export function createRechargesService({ useCases }: RechargesServiceOptions) {
  const { law } = useCases;
  /** The recharge statement for a period: for every person and service, each body's share against what it paid, and the balance. */
  async function recharges(actor: Actor, query: unknown) {
    requirePermission(actor, 'finance:export');
    const p = period(query);
    // Auditors, like everyone but admins, see only the people their organisation may see.
    const scope = organisationScope(actor);
    return useCases.run(
      actor,
      {
        permission: 'finance:export',
        audit: (s) => ({ action: 'finance.recharges', recordType: 'finance', recordId: null, details: { from: p.from, to: p.to, services: s.lines.length, people: new Set(s.lines.map((l) => l.personId)).size } }),
      },
      async ({ trx, today }: Context) => {
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
        // Money 1 (issue 15): each day counts for the bodies responsible that day (the episode that had begun).
        // Their episodes derived in batches (a few queries per thousand people, not a dozen per person).
        const aftercare = await deriveAftercareOf(trx, rows.map((r) => r.person_id), today, law);
        const spans = new Map<string, ResponsibilitySpan[]>();
        for (const r of rows) {
          if (spans.has(r.person_id)) continue;
          spans.set(r.person_id, responsibilitySpans(aftercare.get(r.person_id)?.episodes ?? [], { localAuthority: r.summary_local_authority_code, icb: r.summary_icb_code }));
        }
        const statement = attributedRechargeStatement(services, (id) => spans.get(id) ?? [], paid, { from: p.from, to: p.to }, scope);
        const person = new Map(rows.map((r) => [r.person_id, { nhsNumber: r.nhs_number, localId: r.local_id, name: `${r.given_name} ${r.family_name}` }]));
        const description = new Map(rows.map((r) => [r.id, r]));
        // Issue 9 item 1: exports give each body by name, its code beside.
        const organisationName = new Map((await listOrganisations(trx)).map((o) => [o.code, o.name]));
        const nameOf = (code: string | null) => (code ? (organisationName.get(code) ?? null) : null);
        const lines = statement.lines.map((l) => ({ ...l, personName: person.get(l.personId)?.name ?? null, nhsNumber: person.get(l.personId)?.nhsNumber ?? null, localId: person.get(l.personId)?.localId ?? null, startDate: description.get(l.serviceId)?.start_date ?? null, endDate: description.get(l.serviceId)?.end_date ?? null, localAuthorityName: nameOf(l.localAuthorityCode), icbName: nameOf(l.icbCode) }));
        const spend = attributedSpendReport(statement.lines).map((r) => ({ ...r, organisationName: nameOf(r.organisationCode) }));
        return { from: p.from, to: p.to, organisationCode: scope, lines, totals: statement.totals, spend };
      },
    );
  }

  async function spend(actor: Actor, query: unknown) {
    const s = await recharges(actor, query);
    return { from: s.from, to: s.to, organisationCode: s.organisationCode, items: s.spend };
  }

  return {
    /** RESP-1: what a body paid for one of the person's services, counted in the recharge statement. */
    async recordPayment(actor: Actor, personId: string, serviceId: string, input: unknown) {
      requirePermission(actor, 'payments:record');
      const data = parseInput(PaymentInput, input);
      return useCases.change(
        actor,
        personId,
        {
          permission: 'payments:record',
          reproject: false,
          audit: (r) => ({ action: 'payment.record', recordType: 'service-payment', recordId: r.id, details: { serviceId: r.serviceId, body: r.body, organisationCode: r.organisationCode, amountPence: r.amountPence, periodFrom: r.periodFrom, periodTo: r.periodTo } }),
        },
        async ({ trx, person, today }: PersonContext) => {
          requireMoneySight(actor, (await moneyContext(trx, person, today, law)).responsibleBodies);
          const row = isUuid(serviceId) ? await servicesRepo.findService(trx, serviceId) : undefined;
          if (!row || row.person_id !== person.id) throw new NotFoundError('service');
          refuse(paymentViolations(data, today));
          const organisationCode = data.organisationCode ?? actor.organisationCode;
          if (!canRecordPaymentFor(actor, organisationCode)) throw new ForbiddenError('Record only what your own organisation paid');
          const id = randomUUID();
          await repo.insertServicePayment(trx, { id, service_id: row.id, body: data.body, organisation_code: organisationCode, period_from: data.periodFrom, period_to: data.periodTo, amount_pence: data.amountPence, paid_on: data.paidOn, created_by: actor.userId });
          return { id, serviceId: row.id, body: data.body, organisationCode, periodFrom: data.periodFrom, periodTo: data.periodTo, amountPence: data.amountPence, paidOn: data.paidOn };
        },
      );
    },

    recharges,

    async rechargesCsv(actor: Actor, query: unknown): Promise<string> {
      const s = await recharges(actor, query);
      return toCsv([
        // The names are added after the existing columns, so a system reading them by position is unaffected.
        ['person_id', 'nhs_number', 'local_id', 'service_id', 'category', 'provider', 'days_in_period', 'cost_pence', 'la_share_pence', 'icb_share_pence', 'la_paid_pence', 'icb_paid_pence', 'icb_owes_la_pence', 'unpaid_pence', 'local_authority_code', 'icb_code', 'responsible_from', 'responsible_to', 'local_authority_name', 'icb_name'],
        ...s.lines.map((l) => [l.personId, l.nhsNumber, l.localId, l.serviceId, l.category, l.provider, l.days, l.costPence, l.localAuthorityShare, l.icbShare, l.localAuthorityPaid, l.icbPaid, l.icbOwesLocalAuthority, l.unpaidPence, l.localAuthorityCode, l.icbCode, l.responsibleFrom, l.responsibleTo, l.localAuthorityName, l.icbName]),
        ['TOTAL', null, null, null, null, null, null, s.totals.costPence, s.totals.localAuthorityShare, s.totals.icbShare, s.totals.localAuthorityPaid, s.totals.icbPaid, s.totals.icbOwesLocalAuthority, s.totals.unpaidPence, null, null, null, null, null, null],
      ]);
    },

    spend,

    async spendCsv(actor: Actor, query: unknown): Promise<string> {
      const s = await spend(actor, query);
      return toCsv([['body', 'category', 'provider', 'services', 'agreed_pence', 'paid_pence', 'organisation_code', 'organisation_name'], ...s.items.map((r) => [r.body, r.category, r.provider, r.services, r.agreedPence, r.paidPence, r.organisationCode, r.organisationName])]);
    },
  };
}

export type RechargesService = ReturnType<typeof createRechargesService>;
