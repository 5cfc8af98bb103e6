// Direct payments and personal health budgets (DP-1 to DP-3): which body each belongs to, who may
// be paid, and their review clocks. Pure: money is integer pence.
import { addDays, addMonths, compareDates, daysBetween, type IsoDate } from './dates.ts';
import type { Split } from './funding.ts';
import type { BudgetKind } from './care-services.ts';
import type { Violation } from './violations.ts';
import type { Body } from './bodies.ts';

/** DP-3: the body that holds a budget (the local authority a direct payment, the ICB a health budget). */
export type HolderBody = Body;

export const PAYEE_RELATIONSHIPS = ['self', 'spouse-or-partner', 'close-relative', 'other-relative', 'representative', 'other'] as const;
export type PayeeRelationship = (typeof PAYEE_RELATIONSHIPS)[number];

/** DP-3: a direct payment belongs to the local authority, a personal health budget to the ICB. */
export function holderBody(kind: BudgetKind): HolderBody {
  return kind === 'direct-payment' ? 'local-authority' : 'icb';
}

export interface BudgetCandidate {
  kind: BudgetKind;
  startDate: IsoDate;
  endDate: IsoDate | null;
  amountPencePerWeek: number;
  payeeRelationship: PayeeRelationship;
  payeeLivesInSameHousehold: boolean;
  necessityReason: string | null;
  offeredOn: IsoDate | null;
  /** The services the budget pays for, with their funding split. */
  services: { id: string; funding: Split }[];
}

/** True when paying this person needs the body to record that it is necessary (DP-1(b)). */
export function payeeNeedsNecessity(relationship: PayeeRelationship, sameHousehold: boolean): boolean {
  return relationship === 'spouse-or-partner' || (relationship === 'close-relative' && sameHousehold);
}

export function budgetViolations(b: BudgetCandidate): Violation[] {
  const out: Violation[] = [];
  if (!Number.isInteger(b.amountPencePerWeek) || b.amountPencePerWeek < 0) out.push({ field: 'amountPencePerWeek', message: 'The weekly amount must be a whole number of pence, 0 or more' });
  if (b.endDate && compareDates(b.endDate, b.startDate) < 0) out.push({ field: 'endDate', message: 'The end date must be on or after the start date' });
  if (b.offeredOn && compareDates(b.offeredOn, b.startDate) > 0) out.push({ field: 'offeredOn', message: 'The budget must be offered on or before it starts' });
  // DP-1(b): not a spouse or partner, or a close relative in the same household, unless necessary.
  if (b.kind === 'direct-payment' && payeeNeedsNecessity(b.payeeRelationship, b.payeeLivesInSameHousehold) && !(b.necessityReason && b.necessityReason.trim())) {
    out.push({ field: 'necessityReason', message: 'A direct payment may pay a spouse or partner, or a close relative living in the same household, only when the local authority records why it is necessary', rule: 'DP-1' });
  }
  // DP-3: spending matches the services in the plan, and the budget's body pays a share of each.
  if (b.services.length === 0) out.push({ field: 'serviceIds', message: 'Choose the services the budget pays for', rule: 'DP-3' });
  const holder = holderBody(b.kind);
  for (const [i, s] of b.services.entries()) {
    const share = holder === 'local-authority' ? s.funding.localAuthorityPercent : s.funding.icbPercent;
    if (share === 0) {
      out.push({ field: `serviceIds.${i}`, message: `A ${b.kind === 'direct-payment' ? 'direct payment belongs to the local authority' : 'personal health budget belongs to the ICB'}, which pays no share of this service`, rule: 'DP-3' });
    }
  }
  return out;
}

export interface BudgetClock { kind: BudgetKind; startDate: IsoDate; endDate: IsoDate | null }

/** Months to the first review: 6 for a direct payment (DP-1(d)), 3 for a personal health budget (DP-2). */
export function firstReviewMonths(kind: BudgetKind): number {
  return kind === 'direct-payment' ? 6 : 3;
}

/**
 * DP-1(d), DP-2: when the budget's next review is due. The first review within 6 months (direct
 * payment) or 3 months (health budget) of its start; then no more than 12 months after the last one.
 * A budget that has ended needs no further review (null). Reviews before the start do not count.
 */
export function budgetReviewDue(budget: BudgetClock, reviews: readonly IsoDate[], today?: IsoDate): IsoDate | null {
  if (budget.endDate && (!today || compareDates(budget.endDate, today) <= 0)) return null;
  const held = reviews.filter((d) => compareDates(d, budget.startDate) >= 0).sort(compareDates);
  const last = held.at(-1);
  return last ? addMonths(last, 12) : addMonths(budget.startDate, firstReviewMonths(budget.kind));
}

// ---- DP-1(a), (c), (e) and DP-2: who may have a budget, who manages it, and what it may buy ------

export const CAPACITY = ['has', 'lacks'] as const;
export type Capacity = (typeof CAPACITY)[number];
export const AUTHORISED_RELATIONSHIPS = ['family-member', 'friend', 'professional', 'other'] as const;
export type AuthorisedRelationship = (typeof AUTHORISED_RELATIONSHIPS)[number];

/** DP-1(e): a direct payment for care-home accommodation, at most 4 consecutive weeks in any 12 months. */
export const CARE_HOME_DP_MAX_DAYS = 28;

export interface AuthorisedPerson { name: string; relationship: AuthorisedRelationship }

export interface CarePlan {
  healthNeedsAndOutcomes: string | null;
  services: string | null;
  amountAndPaymentIntervals: string | null;
  careCoordinator: string | null;
  conditionMonitoring: string | null;
  firstReviewOn: IsoDate | null;
  reductionNoticeDays: number | null;
}

/** DP-2: the care plan's parts, in the order the regulations list them. */
export const CARE_PLAN_PARTS = ['healthNeedsAndOutcomes', 'services', 'amountAndPaymentIntervals', 'careCoordinator', 'conditionMonitoring', 'firstReviewOn', 'reductionNoticeDays'] as const;
const CARE_PLAN_LABELS: Record<(typeof CARE_PLAN_PARTS)[number], string> = {
  healthNeedsAndOutcomes: 'the health needs and outcomes',
  services: 'the services',
  amountAndPaymentIntervals: 'the amount and payment intervals',
  careCoordinator: 'the named care co-ordinator',
  conditionMonitoring: 'who monitors each condition',
  firstReviewOn: 'the first review date',
  reductionNoticeDays: 'the notice period for reductions',
};

export interface BudgetEligibility {
  kind: BudgetKind;
  /** The person's age on the budget's start date. */
  ageOnStart: number;
  drugOrAlcoholRequirement: boolean;
  capacity: Capacity;
  /** DP-2: a person aged 16 or over with capacity consents. */
  consents: boolean | null;
  /** DP-1(c) authorised person / DP-2 representative: manages the budget for the person. */
  authorisedPerson: AuthorisedPerson | null;
  consultationRecordedOn: IsoDate | null;
  enhancedDbsCheckedOn: IsoDate | null;
  startDate: IsoDate;
  endDate: IsoDate | null;
  /** True when one of the services the budget pays for is care-home accommodation. */
  paysForCareHome: boolean;
  /** DP-1(e): S117_DP_CARE_HOME_SCH2, the local authority is listed in Sch 2. */
  careHomeSch2: boolean;
  /** DP-1(e): the days the person's other direct payments paid for care-home accommodation (not refused). */
  otherCareHomePeriods?: readonly { from: IsoDate; to: IsoDate | null }[];
  /** DP-2: the ICB is paying it; needs a complete care plan. */
  paying: boolean;
  carePlan: CarePlan | null;
  refusedOn: IsoDate | null;
  refusalReasons: string | null;
}

/**
 * DP-1(e) over a rolling 12 months across all of the person's direct payments (issue 15, money 2):
 * the days of care-home accommodation paid by direct payment, with stays less than 4 weeks apart
 * added together as one (Direct Payments Regulations 2014 reg 7(2)), come to more than 4 weeks
 * within some 12 months. Days paid twice (two budgets at once) count once. An open end counts as
 * going on for ever (over the limit).
 */
export function careHomeWeeksExceeded(periods: readonly { from: IsoDate; to: IsoDate | null }[]): boolean {
  if (periods.some((p) => p.to === null)) return periods.length > 0;
  // The days as disjoint periods, in order.
  const merged: { from: IsoDate; to: IsoDate }[] = [];
  for (const p of [...periods].sort((a, b) => compareDates(a.from, b.from)) as { from: IsoDate; to: IsoDate }[]) {
    if (compareDates(p.to, p.from) < 0) continue;
    const last = merged.at(-1);
    if (last && compareDates(p.from, addDays(last.to, 1)) <= 0) {
      if (compareDates(p.to, last.to) > 0) last.to = p.to;
    } else merged.push({ ...p });
  }
  // Runs: stays less than 4 weeks apart count as one.
  const runs: { from: IsoDate; to: IsoDate }[][] = [];
  for (const p of merged) {
    const run = runs.at(-1);
    const previous = run?.at(-1);
    if (run && previous && daysBetween(previous.to, p.from) - 1 < CARE_HOME_DP_MAX_DAYS) run.push(p);
    else runs.push([p]);
  }
  // Within any 12 months from the start of one of a run's stays.
  for (const run of runs) {
    for (const [i, start] of run.entries()) {
      const windowEnd = addDays(addMonths(start.from, 12), -1);
      let days = 0;
      for (const p of run.slice(i)) {
        if (compareDates(p.from, windowEnd) > 0) break;
        const to = compareDates(p.to, windowEnd) < 0 ? p.to : windowEnd;
        days += daysBetween(p.from, to) + 1;
      }
      if (days > CARE_HOME_DP_MAX_DAYS) return true;
    }
  }
  return false;
}

/** DP-1(c): an enhanced DBS check is needed where the authorised person is not a family member or friend. */
export function needsEnhancedDbs(p: AuthorisedPerson): boolean {
  return p.relationship !== 'family-member' && p.relationship !== 'friend';
}

/** DP-2: the parts of the care plan still missing, as field names. */
export function missingCarePlanParts(plan: CarePlan | null): (typeof CARE_PLAN_PARTS)[number][] {
  return CARE_PLAN_PARTS.filter((k) => {
    const v = plan?.[k];
    return v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
  });
}

/** DP-1(a), (c), (e); DP-2: who may have the budget, who manages it, the care-home limit and the PHB care plan. */
export function eligibilityViolations(b: BudgetEligibility): Violation[] {
  const out: Violation[] = [];
  if (b.kind === 'direct-payment') {
    // DP-1(a): no direct payment to a person subject to the Sch 1 drug or alcohol requirements.
    if (b.drugOrAlcoholRequirement) out.push({ field: 'drugOrAlcoholRequirement', message: 'A direct payment cannot be made to a person subject to a criminal-justice drug or alcohol requirement (Schedule 1)', rule: 'DP-1' });
    // DP-1(c): a person lacking capacity: an authorised person, consulted, with an enhanced DBS check where needed.
    if (b.capacity === 'lacks') {
      if (!b.authorisedPerson) out.push({ field: 'authorisedPerson', message: 'For a person who lacks capacity, record the authorised person who will manage the direct payment', rule: 'DP-1' });
      if (!b.consultationRecordedOn) out.push({ field: 'consultationRecordedOn', message: 'Record when the people who must be consulted about the authorised person were consulted', rule: 'DP-1' });
      if (b.authorisedPerson && needsEnhancedDbs(b.authorisedPerson) && !b.enhancedDbsCheckedOn) {
        out.push({ field: 'enhancedDbsCheckedOn', message: 'An authorised person who is not a family member or friend needs an enhanced DBS check: record its date', rule: 'DP-1' });
      }
    }
    // DP-1(e): care-home accommodation for at most 4 consecutive weeks unless the authority is in Sch 2.
    if (b.paysForCareHome && !b.careHomeSch2) {
      const open = b.endDate === null;
      if (open || daysBetween(b.startDate, b.endDate!) + 1 > CARE_HOME_DP_MAX_DAYS) {
        out.push({ field: 'endDate', message: 'A direct payment for care-home accommodation is limited to 4 consecutive weeks in any 12 months (this local authority is not listed in Schedule 2)', rule: 'DP-1' });
      } else if (careHomeWeeksExceeded([{ from: b.startDate, to: b.endDate }, ...(b.otherCareHomePeriods ?? [])])) {
        out.push({ field: 'startDate', message: 'With the person’s other direct payments for care-home accommodation, this one goes over 4 consecutive weeks in 12 months (stays less than 4 weeks apart count together; this local authority is not listed in Schedule 2)', rule: 'DP-1' });
      }
    }
  } else {
    // DP-2: aged 16 or over with capacity who consents, or a representative (a child, or lacking capacity).
    const needsRepresentative = b.ageOnStart < 16 || b.capacity === 'lacks';
    if (needsRepresentative && !b.authorisedPerson) {
      out.push({ field: 'authorisedPerson', message: b.ageOnStart < 16 ? 'An NHS direct payment for a child under 16 goes to a representative: record them' : 'For a person who lacks capacity, an NHS direct payment goes to a representative: record them', rule: 'DP-2' });
    }
    if (!needsRepresentative && b.consents !== true) out.push({ field: 'consents', message: 'An NHS direct payment to a person aged 16 or over with capacity needs their consent', rule: 'DP-2' });
    // DP-2: before paying, the care plan.
    if (b.paying) {
      const missing = missingCarePlanParts(b.carePlan);
      if (missing.length > 0) {
        out.push({ field: 'carePlan', message: `Before the budget is paid the care plan must record ${missing.map((m) => CARE_PLAN_LABELS[m]).join(', ')}`, rule: 'DP-2' });
        for (const m of missing) out.push({ field: `carePlan.${m}`, message: `Enter ${CARE_PLAN_LABELS[m]}`, rule: 'DP-2' });
      }
    }
  }
  // DP-2 (refusals need written reasons), applied to both kinds.
  if (b.refusedOn && !(b.refusalReasons && b.refusalReasons.trim())) out.push({ field: 'refusalReasons', message: 'A refusal needs written reasons', rule: 'DP-2' });
  return out;
}

/** Whole years of age on a date (DP-2: 16 or over). */
export function ageOn(dateOfBirth: IsoDate, on: IsoDate): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

export interface Reduction { noticeGivenOn: IsoDate; effectiveOn: IsoDate; newAmountPencePerWeek: number }

/**
 * DP-2: a reduction or stopping needs reasonable written notice: the effective date may not come
 * before the care plan's notice period has passed since the notice was given. With no notice period
 * in the care plan, the effective date must still be after the notice (UNVERIFIED: "reasonable").
 */
export function reductionViolations(r: Reduction, currentAmount: number, noticeDays: number | null): Violation[] {
  const out: Violation[] = [];
  if (!Number.isInteger(r.newAmountPencePerWeek) || r.newAmountPencePerWeek < 0) out.push({ field: 'newAmountPencePerWeek', message: 'The new weekly amount must be a whole number of pence, 0 or more' });
  else if (r.newAmountPencePerWeek >= currentAmount) out.push({ field: 'newAmountPencePerWeek', message: 'A reduction must be less than the current weekly amount' });
  const earliest = addDays(r.noticeGivenOn, noticeDays ?? 1);
  if (compareDates(r.effectiveOn, earliest) < 0) {
    out.push({ field: 'effectiveOn', message: noticeDays ? `A reduction takes effect no sooner than the ${noticeDays} days’ notice in the care plan after written notice is given (${earliest} at the earliest)` : 'A reduction takes effect only after written notice has been given', rule: 'DP-2' });
  }
  return out;
}

/**
 * DP-2 on reductions, as a budget of each kind is held to it: the notice rule is the NHS
 * regulations'; a direct payment is held to the same notice, but the refusal does not cite DP-2.
 */
export function budgetReductionViolations(kind: BudgetKind, r: Reduction, currentAmount: number, noticeDays: number | null): Violation[] {
  const found = reductionViolations(r, currentAmount, noticeDays);
  return kind === 'direct-payment' ? found.map((v) => ({ field: v.field, message: v.message })) : found;
}

/**
 * DP-2: a personal health budget being paid is reduced only with reasonable written notice (a
 * recorded reduction), never by changing its amount.
 */
export function reductionByChangeViolations(budget: { kind: BudgetKind; payingFrom: IsoDate | null; amountPencePerWeek: number }, newAmountPencePerWeek: number): Violation[] {
  if (budget.kind !== 'personal-health-budget' || !budget.payingFrom || newAmountPencePerWeek >= budget.amountPencePerWeek) return [];
  return [{ field: 'amountPencePerWeek', message: 'A personal health budget being paid is reduced only after reasonable written notice: record a reduction instead', rule: 'DP-2' }];
}

export interface BudgetPayment {
  kind: BudgetKind;
  payeeRelationship: PayeeRelationship;
  payeeLivesInSameHousehold: boolean;
  necessityReason: string | null;
  startDate: IsoDate;
  payingFrom: IsoDate | null;
}

/**
 * DP-2 with DP-1(b): a personal health budget, like a direct payment, may pay a spouse or partner,
 * or a close relative in the household, only when the ICB records why that is necessary; and
 * payments cannot begin before the budget starts.
 */
export function paymentViolations(b: BudgetPayment): Violation[] {
  const out: Violation[] = [];
  if (b.kind === 'personal-health-budget' && payeeNeedsNecessity(b.payeeRelationship, b.payeeLivesInSameHousehold) && !(b.necessityReason && b.necessityReason.trim())) {
    out.push({ field: 'necessityReason', message: 'A personal health budget may pay a spouse or partner, or a close relative living in the same household, only when the ICB records why it is necessary', rule: 'DP-2' });
  }
  if (b.payingFrom && compareDates(b.payingFrom, b.startDate) < 0) out.push({ field: 'payingFrom', message: 'Payments cannot begin before the budget starts' });
  return out;
}

export const REVIEW_TRIGGERS = ['suspected-breach', 'change-in-capacity'] as const;
export type ReviewTrigger = (typeof REVIEW_TRIGGERS)[number];

/**
 * DP-1(d): a suspected breach or a change in capacity makes a review due now: the due date is the
 * earliest such event not yet followed by a review, if that is sooner than the scheduled one.
 */
export function budgetReviewDueWithTriggers(budget: BudgetClock, reviews: readonly IsoDate[], triggers: readonly IsoDate[], today?: IsoDate): IsoDate | null {
  const due = budgetReviewDue(budget, reviews, today);
  if (due === null) return null;
  const last = reviews.filter((d) => compareDates(d, budget.startDate) >= 0).sort(compareDates).at(-1);
  const pending = triggers.filter((t) => !last || compareDates(t, last) > 0).sort(compareDates)[0];
  return pending && compareDates(pending, due) < 0 ? pending : due;
}
