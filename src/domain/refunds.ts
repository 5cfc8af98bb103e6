// CHG-2: wrongful charges must be refunded. Finds the charges (or the part of a charge) a person paid
// while entitled to s117 aftercare and calculates the refund with simple interest, itemised per
// charge period. Pure: money is integer pence, dates are IsoDate.
//
// The interest basis is UNVERIFIED (CHG-2: the Ombudsmen recommend interest but no basis is set).
// Our choice, for legal sign-off: simple interest at a configurable annual rate in basis points
// (S117_REFUND_INTEREST_BASIS_POINTS, default 800 = 8%, the County Courts Act judgment rate), from
// the day the person paid to the day of the calculation, days/365 (no leap-year adjustment), each
// line rounded to the nearest penny (halves up). Part of a charge is refunded pro rata by days.
import { addDays, compareDates, daysBetween, maxDate, minDate, type IsoDate } from './dates.ts';
import type { Episode } from './aftercare.ts';
import type { RuleViolation, Violation } from './violations.ts';

export const DEFAULT_REFUND_INTEREST_BASIS_POINTS = 800;

/** A refund is calculated, then approved, then paid (CHG-2). */
export const REFUND_STATUSES = ['calculated', 'approved', 'paid'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export interface Period { from: IsoDate; to: IsoDate }

export interface Charge {
  id: string;
  periodFrom: IsoDate;
  periodTo: IsoDate;
  amountPence: number;
  paidOn: IsoDate;
  description: string;
  serviceId?: string | null;
  /** False when the charge is for a service recorded as not s117 (which may lawfully carry a charge, CHG-4). */
  serviceIsS117?: boolean | null;
}

export interface RefundLine {
  chargeId: string;
  description: string;
  serviceId: string | null;
  /** The whole period the charge was for, and what it cost. */
  chargedFrom: IsoDate;
  chargedTo: IsoDate;
  chargeAmountPence: number;
  paidOn: IsoDate;
  /** The part of the charge inside an entitlement, which is refunded. */
  periodFrom: IsoDate;
  periodTo: IsoDate;
  days: number;
  principalPence: number;
  interestDays: number;
  interestPence: number;
  totalPence: number;
}

export interface RefundCalculation {
  calculatedOn: IsoDate;
  interestBasisPoints: number;
  lines: RefundLine[];
  totalPrincipalPence: number;
  totalInterestPence: number;
  totalPence: number;
  /** Charges that refund nothing, and why. */
  excluded: { chargeId: string; reason: string }[];
}

const ENTITLED: readonly Episode['status'][] = ['active', 'in-custody', 'ended', 'superseded', 'deceased'];

/**
 * CHG-2: the periods the person was entitled to free aftercare: each episode from leaving hospital
 * to its end (or today while it lasts), merged where they touch or overlap.
 */
export function entitlementPeriods(episodes: readonly Pick<Episode, 'status' | 'leftHospitalOn' | 'endedOn'>[], today: IsoDate): Period[] {
  const raw = episodes
    .filter((e) => ENTITLED.includes(e.status) && e.leftHospitalOn && compareDates(e.leftHospitalOn, today) <= 0)
    .map((e) => ({ from: e.leftHospitalOn!, to: e.endedOn ? minDate(e.endedOn, today) : today }))
    .filter((p) => compareDates(p.from, p.to) <= 0)
    .sort((a, b) => compareDates(a.from, b.from));
  const merged: Period[] = [];
  for (const p of raw) {
    const last = merged.at(-1);
    if (last && compareDates(p.from, addDays(last.to, 1)) <= 0) last.to = maxDate(last.to, p.to);
    else merged.push({ ...p });
  }
  return merged;
}

/** Days in a period, counting both ends. */
export function daysIn(p: Period): number {
  return daysBetween(p.from, p.to) + 1;
}

/** The part of a period inside another, or null. */
export function overlap(a: Period, b: Period): Period | null {
  const from = maxDate(a.from, b.from);
  const to = minDate(a.to, b.to);
  return compareDates(from, to) <= 0 ? { from, to } : null;
}

/**
 * An amount for a period shared out over parts of that period, pro rata by days. Each part gets the
 * difference of the cumulative amounts rounded down, so the parts never add up to more than the
 * amount and add up to exactly the amount when the parts cover the whole period.
 */
export function proRata(amountPence: number, period: Period, parts: readonly Period[]): number[] {
  const total = BigInt(daysIn(period));
  const amount = BigInt(amountPence);
  let cumulativeDays = 0n;
  let previous = 0n;
  return parts.map((part) => {
    cumulativeDays += BigInt(daysIn(part));
    const upTo = (amount * cumulativeDays) / total;
    const share = upTo - previous;
    previous = upTo;
    return Number(share);
  });
}

/** Simple interest on a principal for a number of days at an annual rate in basis points, days/365, nearest penny (halves up). */
export function simpleInterest(principalPence: number, basisPoints: number, days: number): number {
  if (days <= 0 || principalPence <= 0 || basisPoints <= 0) return 0;
  const numerator = BigInt(principalPence) * BigInt(basisPoints) * BigInt(days);
  const denominator = 10_000n * 365n;
  return Number((numerator * 2n + denominator) / (denominator * 2n));
}

export function chargeViolations(c: Omit<Charge, 'id'>, today: IsoDate): Violation[] {
  const out: Violation[] = [];
  if (!Number.isInteger(c.amountPence) || c.amountPence <= 0) out.push({ field: 'amountPence', message: 'The amount paid must be a whole number of pence, more than 0' });
  if (compareDates(c.periodTo, c.periodFrom) < 0) out.push({ field: 'periodTo', message: 'The end of the period charged must be on or after its start' });
  if (compareDates(c.paidOn, today) > 0) out.push({ field: 'paidOn', message: 'The date paid must be today or in the past' });
  return out;
}

/**
 * CHG-2: the refund of the charges (or parts of charges) that fall inside an entitlement, with simple
 * interest from the day each was paid to the day of the calculation. A charge wholly outside every
 * entitlement, or for a service recorded as not s117, refunds nothing and is listed as excluded.
 */
export function calculateRefund(charges: readonly Charge[], entitlements: readonly Period[], calculatedOn: IsoDate, interestBasisPoints: number): RefundCalculation {
  const lines: RefundLine[] = [];
  const excluded: RefundCalculation['excluded'] = [];
  const sorted = [...charges].sort((a, b) => compareDates(a.periodFrom, b.periodFrom) || a.id.localeCompare(b.id));
  for (const charge of sorted) {
    if (charge.serviceIsS117 === false) {
      excluded.push({ chargeId: charge.id, reason: 'The charge is for a service that is not section 117 aftercare' });
      continue;
    }
    const period = { from: charge.periodFrom, to: charge.periodTo };
    const parts = entitlements.map((e) => overlap(period, e)).filter((p): p is Period => p !== null);
    if (parts.length === 0) {
      excluded.push({ chargeId: charge.id, reason: 'The period charged is outside every period of entitlement' });
      continue;
    }
    const principals = proRata(charge.amountPence, period, parts);
    const interestDays = Math.max(0, daysBetween(charge.paidOn, calculatedOn));
    parts.forEach((part, i) => {
      const principalPence = principals[i]!;
      const interestPence = simpleInterest(principalPence, interestBasisPoints, interestDays);
      lines.push({
        chargeId: charge.id,
        description: charge.description,
        serviceId: charge.serviceId ?? null,
        chargedFrom: charge.periodFrom,
        chargedTo: charge.periodTo,
        chargeAmountPence: charge.amountPence,
        paidOn: charge.paidOn,
        periodFrom: part.from,
        periodTo: part.to,
        days: daysIn(part),
        principalPence,
        interestDays,
        interestPence,
        totalPence: principalPence + interestPence,
      });
    });
  }
  const totalPrincipalPence = lines.reduce((sum, l) => sum + l.principalPence, 0);
  const totalInterestPence = lines.reduce((sum, l) => sum + l.interestPence, 0);
  return { calculatedOn, interestBasisPoints, lines, totalPrincipalPence, totalInterestPence, totalPence: totalPrincipalPence + totalInterestPence, excluded };
}

/**
 * CHG-2: a refund is refused when a charge asked for lies outside every entitlement, or when none of
 * the charges falls inside one (there is nothing to refund).
 */
export function refundViolations(requestedChargeIds: readonly string[] | null, calculation: RefundCalculation): Violation[] {
  const out: Violation[] = [];
  if (requestedChargeIds) {
    requestedChargeIds.forEach((id, i) => {
      const ex = calculation.excluded.find((e) => e.chargeId === id);
      if (ex) out.push({ field: `chargeIds.${i}`, message: `${ex.reason}: it cannot be refunded under section 117`, rule: 'CHG-2' });
    });
  }
  if (out.length === 0 && calculation.lines.length === 0) {
    out.push({ field: 'chargeIds', message: 'None of the charges falls inside a period when the person was entitled to section 117 aftercare, so there is nothing to refund', rule: 'CHG-2' });
  }
  return out;
}

/** CHG-2: a refund is paid once it is approved, and only once. */
export function refundPaymentViolations(status: RefundStatus): RuleViolation[] {
  if (status === 'approved') return [];
  return [{ field: 'status', message: status === 'paid' ? 'The refund is already paid' : 'A refund is approved before it is paid', rule: 'CHG-2' }];
}

/** CHG-2: how much of a charged period falls inside an entitlement. */
export const CHARGE_COVERAGES = ['whole', 'part', 'none'] as const;
export type ChargeCoverage = (typeof CHARGE_COVERAGES)[number];
/** Where a charge came from: typed in, or the finance system's file. */
export const CHARGE_SOURCES = ['manual', 'import'] as const;

/** CHG-2: how much of a charge's period falls inside an entitlement: all of it, part of it or none. */
export function chargeCoverage(charge: Pick<Charge, 'periodFrom' | 'periodTo'>, entitlements: readonly Period[]): ChargeCoverage {
  const period = { from: charge.periodFrom, to: charge.periodTo };
  const days = entitlements.map((e) => overlap(period, e)).reduce((sum, p) => sum + (p ? daysIn(p) : 0), 0);
  return days === 0 ? 'none' : days >= daysIn(period) ? 'whole' : 'part';
}
