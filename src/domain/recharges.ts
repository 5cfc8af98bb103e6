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
  const paid = { localAuthority: paidBy('local-authority'), icb: paidBy('icb') };
  if (!days && paid.localAuthority === 0 && paid.icb === 0) return null;
  return costedLine(service, days ? daysIn(days) : 0, days ? costAtTheTime(service, days) : 0, paid);
}

/**
 * RESP-1/RESP-7: the line of a stretch of a service's days (the whole period, or the days one body
 * answered for): the stretch's cost split between the bodies by the agreed percentages (weeklyShares),
 * what each paid for it, the balance between them on what they paid, and what is still unpaid. One
 * place for the statement's line and the attributed lines, so they cannot drift apart.
 */
function costedLine(service: RechargeService, days: number, costPence: number, paid: { localAuthority: number; icb: number }): RechargeLine {
  const shares = weeklyShares(costPence, service.funding);
  return {
    serviceId: service.serviceId,
    personId: service.personId,
    category: service.category,
    provider: service.provider,
    days,
    costPence,
    localAuthorityShare: shares.localAuthorityPence,
    icbShare: shares.icbPence,
    localAuthorityPaid: paid.localAuthority,
    icbPaid: paid.icb,
    icbOwesLocalAuthority: interBodyBalance(paid, service.funding),
    unpaidPence: costPence - paid.localAuthority - paid.icb,
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

/** The payments of each service (one pass: a statement may read hundreds of thousands). */
function paymentsByService(payments: readonly ServicePayment[]): Map<string, ServicePayment[]> {
  const byService = new Map<string, ServicePayment[]>();
  for (const p of payments) {
    const list = byService.get(p.serviceId);
    if (list) list.push(p);
    else byService.set(p.serviceId, [p]);
  }
  return byService;
}

/** The recharge statement's lines: one per service with cost or payments in the period. */
export function rechargeStatement(services: readonly RechargeService[], payments: readonly ServicePayment[], period: Period): { lines: RechargeLine[]; totals: RechargeTotals } {
  const byService = paymentsByService(payments);
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

// RESP-1 to RESP-5 (issue 15, money 1): the money of a day belongs to the bodies responsible on that
// day. A person re-detained after moving council, or whose episode was superseded, has more than one
// episode; each day of a service counts for the episode that had begun by then (the latest, else the
// first: funding.ts episodeOn), and for that episode's local authority and ICB (confirmed, or
// proposed while unconfirmed). The statement, the spend report and the no-charge export all split a
// service by these spans, so they agree to the penny.

/** The days, from one episode's start to the day before the next's, that one episode's bodies answer for. */
export interface ResponsibilitySpan {
  /** null: from the beginning (the first episode also answers for days before it began). */
  from: IsoDate | null;
  /** null: to the end. */
  to: IsoDate | null;
  episodeId: string | null;
  localAuthorityCode: string | null;
  icbCode: string | null;
}

/**
 * The spans of responsibility of a person's episodes (in the order the derivation gives them, by
 * start). With no episode, one span for the fallback bodies (where the person lives and their GP's ICB).
 */
export function responsibilitySpans(
  episodes: readonly { id: string; qualifyingFrom: IsoDate; localAuthority: { code: string | null }; icb: { code: string | null } }[],
  fallback: { localAuthority: string | null; icb: string | null },
): ResponsibilitySpan[] {
  if (episodes.length === 0) return [{ from: null, to: null, episodeId: null, localAuthorityCode: fallback.localAuthority, icbCode: fallback.icb }];
  const spans: ResponsibilitySpan[] = [];
  episodes.forEach((e, i) => {
    const next = episodes[i + 1];
    const from = i === 0 ? null : e.qualifyingFrom;
    const to = next ? addDays(next.qualifyingFrom, -1) : null;
    // Two episodes starting the same day: the later one answers (as episodeOn), the earlier has no day.
    if (from !== null && to !== null && compareDates(from, to) > 0) return;
    spans.push({ from, to, episodeId: e.id, localAuthorityCode: e.localAuthority.code, icbCode: e.icb.code });
  });
  return spans;
}

/** The part of a period inside a span, or null. */
export function spanPart(span: Pick<ResponsibilitySpan, 'from' | 'to'>, period: Period): Period | null {
  return overlap({ from: span.from ?? period.from, to: span.to ?? period.to }, period);
}

/** A recharge line for the days one span's bodies were responsible for. */
export interface AttributedRechargeLine extends RechargeLine {
  localAuthorityCode: string | null;
  icbCode: string | null;
  /** The first and last day of the period this line counts for (the span inside the statement's period). */
  responsibleFrom: IsoDate;
  responsibleTo: IsoDate;
}

/**
 * RESP-1/RESP-7 by day: one line per service and span with days or payments in the period. A span's
 * cost is the difference of the cumulative costs (at the cost in force on each day, costAtTheTime:
 * weekly cost × days ÷ 7, halves up) and a payment
 * is shared over the spans pro rata by days (cumulative rounding down), so a service's lines add up
 * exactly to what rechargeLine gives for the whole period.
 */
export function attributedRechargeLines(service: RechargeService, spans: readonly ResponsibilitySpan[], payments: readonly ServicePayment[], period: Period): AttributedRechargeLine[] {
  const parts = spans.flatMap((span) => {
    const part = spanPart(span, period);
    return part ? [{ span, part }] : [];
  });
  const days = serviceDaysIn(service, period);
  const own = payments.filter((p) => p.serviceId === service.serviceId);
  // What each payment counts for in each part.
  const paid = parts.map(() => ({ 'local-authority': 0, icb: 0 }) as Record<Body, number>);
  for (const p of own) {
    const paidPeriod = { from: p.periodFrom, to: p.periodTo };
    const pieces = parts.map(({ part }) => overlap(paidPeriod, part));
    const present = pieces.filter((x): x is Period => x !== null);
    const amounts = proRata(p.amountPence, paidPeriod, present);
    let k = 0;
    pieces.forEach((piece, i) => {
      if (piece) paid[i]![p.body] += amounts[k++]!;
    });
  }
  const lines: AttributedRechargeLine[] = [];
  // The cost of the service's days up to the end of each stretch (at the cost in force on each day,
  // RESP-7), so each stretch's cost is the difference and the stretches add up to the whole exactly.
  let costSoFar = 0;
  parts.forEach(({ span, part }, i) => {
    const serviceDays = days ? overlap(days, part) : null;
    const dayCount = serviceDays ? daysIn(serviceDays) : 0;
    const costUpTo = serviceDays && days ? costAtTheTime(service, { from: days.from, to: serviceDays.to }) : costSoFar;
    const costPence = costUpTo - costSoFar;
    costSoFar = costUpTo;
    const localAuthorityPaid = paid[i]!['local-authority'];
    const icbPaid = paid[i]!.icb;
    if (dayCount === 0 && localAuthorityPaid === 0 && icbPaid === 0) return;
    lines.push({
      ...costedLine(service, dayCount, costPence, { localAuthority: localAuthorityPaid, icb: icbPaid }),
      localAuthorityCode: span.localAuthorityCode,
      icbCode: span.icbCode,
      responsibleFrom: serviceDays?.from ?? part.from,
      responsibleTo: serviceDays?.to ?? part.to,
    });
  });
  return lines;
}

/** Whether a line counts for an organisation: it was the local authority or the ICB responsible on those days (null scope: everyone). */
export function lineCountsFor(line: Pick<AttributedRechargeLine, 'localAuthorityCode' | 'icbCode'>, organisationCode: string | null): boolean {
  return organisationCode === null || line.localAuthorityCode === organisationCode || line.icbCode === organisationCode;
}

/**
 * The recharge statement attributed by day: each service's lines split by the spans of its person
 * (`spansOf`), kept when the organisation was responsible on their days (null: all).
 */
export function attributedRechargeStatement(
  services: readonly RechargeService[],
  spansOf: (personId: string) => readonly ResponsibilitySpan[],
  payments: readonly ServicePayment[],
  period: Period,
  organisationCode: string | null,
): { lines: AttributedRechargeLine[]; totals: RechargeTotals } {
  const byService = paymentsByService(payments);
  const lines = services.flatMap((s) => attributedRechargeLines(s, spansOf(s.personId), byService.get(s.serviceId) ?? [], period).filter((l) => lineCountsFor(l, organisationCode)));
  return { lines, totals: totals(lines) };
}

/** Spend by body (with the organisation responsible), category and provider. */
export interface AttributedSpendRow extends SpendRow { organisationCode: string | null }

export function attributedSpendReport(lines: readonly AttributedRechargeLine[]): AttributedSpendRow[] {
  const rows = new Map<string, AttributedSpendRow>();
  for (const l of lines) {
    for (const body of BODIES) {
      const agreed = body === 'local-authority' ? l.localAuthorityShare : l.icbShare;
      const paid = body === 'local-authority' ? l.localAuthorityPaid : l.icbPaid;
      if (agreed === 0 && paid === 0) continue;
      const organisationCode = body === 'local-authority' ? l.localAuthorityCode : l.icbCode;
      const key = `${body}\u0000${organisationCode ?? ''}\u0000${l.category}\u0000${l.provider}`;
      const row = rows.get(key) ?? { body, organisationCode, category: l.category, provider: l.provider, agreedPence: 0, paidPence: 0, services: 0 };
      row.agreedPence += agreed;
      row.paidPence += paid;
      row.services += 1;
      rows.set(key, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.body.localeCompare(b.body) || (a.organisationCode ?? '').localeCompare(b.organisationCode ?? '') || a.category.localeCompare(b.category) || a.provider.localeCompare(b.provider));
}
