// RESP-1 and RESP-7: for a period, each body's agreed share of every service's cost against what it
// actually paid, the balance one body owes the other, and spend by body, category and provider.
// Pure: money is integer pence.
//
// Rounding, documented:
// - a service's cost for the period is its weekly cost × the days of the service inside the period
//   ÷ 7, rounded to the nearest penny (halves up);
// - that cost is split between the bodies by weeklyShares (largest remainder, local authority first),
//   so the two shares always add up exactly to the cost;
// - a payment recorded for a period that runs over the edge of the statement period counts pro rata
//   by days (cumulative rounding down, see proRata), so no more than was paid is ever counted;
// - the balance between the bodies is worked out on what was actually paid: the total paid is split
//   by the agreed percentages in the same way, and the body that paid more than its share of that is
//   owed the difference by the other (so what LA owes ICB is exactly minus what ICB owes LA). What is
//   still unpaid against the cost (owed to the provider, not between the bodies) is shown apart.
import { addDays, compareDates, minDate, type IsoDate } from './dates.ts';
import { weeklyShares, type Split } from './funding.ts';
import { daysIn, overlap, proRata, type Period } from './refunds.ts';
import type { RuleViolation } from './violations.ts';
import { BODIES, type Body } from './bodies.ts';

export { BODIES, type Body } from './bodies.ts';

export interface RechargeService {
  serviceId: string;
  personId: string;
  category: string;
  provider: string;
  weeklyCostPence: number;
  funding: Split;
  startDate: IsoDate;
  endDate: IsoDate | null;
  /**
   * RESP-7: the weekly cost in force from each date (the service's cost history), when known. Each
   * day is costed at the latest entry on or before it; days before the first entry at the first
   * entry's cost (the cost the service was recorded with). Absent or empty: weeklyCostPence throughout.
   */
  costs?: readonly { from: IsoDate; weeklyCostPence: number }[];
}

export interface ServicePayment {
  serviceId: string;
  body: Body;
  periodFrom: IsoDate;
  periodTo: IsoDate;
  amountPence: number;
}

export interface RechargeLine {
  serviceId: string;
  personId: string;
  category: string;
  provider: string;
  days: number;
  costPence: number;
  localAuthorityShare: number;
  icbShare: number;
  localAuthorityPaid: number;
  icbPaid: number;
  /** Positive: the ICB owes the local authority; negative: the local authority owes the ICB. */
  icbOwesLocalAuthority: number;
  /** The cost not yet paid by either body (negative when more was paid than the cost). */
  unpaidPence: number;
}

/**
 * RESP-1: what a body paid for a service is what the recharge between the bodies is worked out from,
 * so it must be a real payment: a whole number of pence (0 or more), for a period that ends on or
 * after it starts, paid today or before.
 */
export function paymentViolations(payment: Pick<ServicePayment, 'periodFrom' | 'periodTo' | 'amountPence'> & { paidOn: IsoDate }, today: IsoDate): RuleViolation[] {
  const out: RuleViolation[] = [];
  if (!Number.isInteger(payment.amountPence) || payment.amountPence < 0) out.push({ field: 'amountPence', message: 'The amount paid must be a whole number of pence, 0 or more', rule: 'RESP-1' });
  if (compareDates(payment.periodTo, payment.periodFrom) < 0) out.push({ field: 'periodTo', message: 'The end of the period paid for must be on or after its start', rule: 'RESP-1' });
  if (compareDates(payment.paidOn, today) > 0) out.push({ field: 'paidOn', message: 'The date paid must be today or in the past', rule: 'RESP-1' });
  return out;
}

/** The money columns of the lines, summed. */
export type RechargeTotals = Pick<RechargeLine, 'costPence' | 'localAuthorityShare' | 'icbShare' | 'localAuthorityPaid' | 'icbPaid' | 'icbOwesLocalAuthority' | 'unpaidPence'>;

/** A service's cost for the days of it inside the period: weekly cost × days ÷ 7, nearest penny (halves up). */
export function costForDays(weeklyCostPence: number, days: number): number {
  if (days <= 0) return 0;
  const n = BigInt(weeklyCostPence) * BigInt(days);
  return Number((n * 2n + 7n) / 14n);
}

/**
 * RESP-7: the cost of the service's days in the period at the cost in force on each day: each run of
 * days at one weekly cost is costed as costForDays does (nearest penny, halves up), and the runs added.
 * With one cost throughout this is exactly costForDays(weeklyCostPence, days).
 */
export function costAtTheTime(service: Pick<RechargeService, 'weeklyCostPence' | 'costs'>, days: Period): number {
  const costs = [...(service.costs ?? [])].sort((a, b) => compareDates(a.from, b.from));
  if (costs.length === 0) return costForDays(service.weeklyCostPence, daysIn(days));
  let total = 0;
  for (const [i, c] of costs.entries()) {
    // The first cost also covers any days before it; each runs to the day before the next.
    const from = i === 0 ? days.from : c.from;
    const next = costs[i + 1];
    const to = next ? addDays(next.from, -1) : days.to;
    const part = compareDates(from, to) <= 0 ? overlap({ from, to }, days) : null;
    if (part) total += costForDays(c.weeklyCostPence, daysIn(part));
  }
  return total;
}

/** The days of a service inside the period (its open end runs to the period's end). */
export function serviceDaysIn(service: Pick<RechargeService, 'startDate' | 'endDate'>, period: Period): Period | null {
  const to = service.endDate ? minDate(service.endDate, period.to) : period.to;
  if (compareDates(service.startDate, to) > 0) return null;
  return overlap({ from: service.startDate, to }, period);
}

/** What a payment counts for inside the period, pro rata by days. */
export function paymentInPeriod(payment: Pick<ServicePayment, 'periodFrom' | 'periodTo' | 'amountPence'>, period: Period): number {
  const paid = { from: payment.periodFrom, to: payment.periodTo };
  const part = overlap(paid, period);
  if (!part) return 0;
  return proRata(payment.amountPence, paid, [part])[0]!;
}

/**
 * RESP-1/RESP-7: the balance between the bodies on what they paid: the body that paid more than its
 * agreed share of the total paid is owed the difference. balance(la, icb) = -balance(icb, la).
 */
export function interBodyBalance(paid: { localAuthority: number; icb: number }, funding: Split): number {
  const shares = weeklyShares(paid.localAuthority + paid.icb, funding);
  return paid.localAuthority - shares.localAuthorityPence;
}

/** What `debtor` owes `creditor` (negative when it is the other way round). */
export function owes(debtor: Body, creditor: Body, icbOwesLocalAuthority: number): number {
  if (debtor === creditor) return 0;
  return debtor === 'icb' ? icbOwesLocalAuthority : 0 - icbOwesLocalAuthority;
}

export function rechargeLine(service: RechargeService, payments: readonly ServicePayment[], period: Period): RechargeLine | null {
  const days = serviceDaysIn(service, period);
  const own = payments.filter((p) => p.serviceId === service.serviceId);
  const paidBy = (body: Body) => own.filter((p) => p.body === body).reduce((sum, p) => sum + paymentInPeriod(p, period), 0);
  const localAuthorityPaid = paidBy('local-authority');
  const icbPaid = paidBy('icb');
  if (!days && localAuthorityPaid === 0 && icbPaid === 0) return null;
  const dayCount = days ? daysIn(days) : 0;
  const costPence = days ? costAtTheTime(service, days) : 0;
  const shares = weeklyShares(costPence, service.funding);
  return {
    serviceId: service.serviceId,
    personId: service.personId,
    category: service.category,
    provider: service.provider,
    days: dayCount,
    costPence,
    localAuthorityShare: shares.localAuthorityPence,
    icbShare: shares.icbPence,
    localAuthorityPaid,
    icbPaid,
    icbOwesLocalAuthority: interBodyBalance({ localAuthority: localAuthorityPaid, icb: icbPaid }, service.funding),
    unpaidPence: costPence - localAuthorityPaid - icbPaid,
  };
}

export function totals(lines: readonly RechargeLine[]): RechargeTotals {
  const t: RechargeTotals = { costPence: 0, localAuthorityShare: 0, icbShare: 0, localAuthorityPaid: 0, icbPaid: 0, icbOwesLocalAuthority: 0, unpaidPence: 0 };
  for (const l of lines) {
    t.costPence += l.costPence;
    t.localAuthorityShare += l.localAuthorityShare;
    t.icbShare += l.icbShare;
    t.localAuthorityPaid += l.localAuthorityPaid;
    t.icbPaid += l.icbPaid;
    t.icbOwesLocalAuthority += l.icbOwesLocalAuthority;
    t.unpaidPence += l.unpaidPence;
  }
  return t;
}

/** The recharge statement's lines: one per service with cost or payments in the period. */
export function rechargeStatement(services: readonly RechargeService[], payments: readonly ServicePayment[], period: Period): { lines: RechargeLine[]; totals: RechargeTotals } {
  const byService = new Map<string, ServicePayment[]>();
  for (const p of payments) {
    const list = byService.get(p.serviceId);
    if (list) list.push(p);
    else byService.set(p.serviceId, [p]);
  }
  const lines: RechargeLine[] = [];
  for (const s of services) {
    const line = rechargeLine(s, byService.get(s.serviceId) ?? [], period);
    if (line) lines.push(line);
  }
  return { lines, totals: totals(lines) };
}

export interface SpendRow { body: Body; category: string; provider: string; agreedPence: number; paidPence: number; services: number }

/** Spend by body, category and provider: each body's agreed share and what it paid. */
export function spendReport(lines: readonly RechargeLine[]): SpendRow[] {
  const rows = new Map<string, SpendRow>();
  for (const l of lines) {
    for (const body of BODIES) {
      const agreed = body === 'local-authority' ? l.localAuthorityShare : l.icbShare;
      const paid = body === 'local-authority' ? l.localAuthorityPaid : l.icbPaid;
      if (agreed === 0 && paid === 0) continue;
      const key = `${body}\u0000${l.category}\u0000${l.provider}`;
      const row = rows.get(key) ?? { body, category: l.category, provider: l.provider, agreedPence: 0, paidPence: 0, services: 0 };
      row.agreedPence += agreed;
      row.paidPence += paid;
      row.services += 1;
      rows.set(key, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.body.localeCompare(b.body) || a.category.localeCompare(b.category) || a.provider.localeCompare(b.provider));
}
