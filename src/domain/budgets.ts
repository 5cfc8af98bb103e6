// Direct payments and personal health budgets (DP-1 to DP-3): which body each belongs to, who may
// be paid, and their review clocks. Pure: money is integer pence.
import { addMonths, compareDates, type IsoDate } from './dates.ts';
import type { Split, Violation } from './funding.ts';
import type { BudgetKind } from './services.ts';

export type HolderBody = 'local-authority' | 'icb';

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
