// A budget as the API and the pages show it, with its review clock (DP-1(d), DP-2); amounts are null
// for someone who may not see money.
import { budgetReviewDueWithTriggers, missingCarePlanParts, type AuthorisedPerson, type CarePlan, type PayeeRelationship } from '../../domain/budgets.ts';
import { compareDates, type IsoDate } from '../../domain/dates.ts';
import type { BudgetReductionRow, BudgetReviewRow, BudgetReviewTriggerRow, BudgetRow } from '../../data/schema.ts';

export interface Related { reviews: BudgetReviewRow[]; reductions: BudgetReductionRow[]; triggers: BudgetReviewTriggerRow[] }

/** DP-1(d): events that make a review due now: a suspected breach, a change in capacity, and (DP-2) the further review asked for after a reduction. */
function triggerDates(row: BudgetRow, related: Related): IsoDate[] {
  return [
    ...related.triggers.filter((t) => t.budget_id === row.id).map((t) => t.occurred_on),
    ...related.reductions.filter((r) => r.budget_id === row.id && r.further_review_requested_on).map((r) => r.further_review_requested_on!),
  ];
}

/** The state a budget is checked in: a row merged with a change. */
export interface BudgetState {
  kind: BudgetRow['kind'];
  serviceIds: string[];
  payeeRelationship: PayeeRelationship;
  payeeLivesInSameHousehold: boolean;
  necessityReason: string | null;
  startDate: IsoDate;
  endDate: IsoDate | null;
  amountPencePerWeek: number;
  offeredOn: IsoDate | null;
  drugOrAlcoholRequirement: boolean;
  capacity: 'has' | 'lacks';
  consents: boolean | null;
  authorisedPerson: AuthorisedPerson | null;
  consultationRecordedOn: IsoDate | null;
  enhancedDbsCheckedOn: IsoDate | null;
  carePlan: CarePlan | null;
  payingFrom: IsoDate | null;
  refusedOn: IsoDate | null;
  refusalReasons: string | null;
}

export function stateFromRow(row: BudgetRow): BudgetState {
  return {
    kind: row.kind,
    serviceIds: row.service_ids as string[],
    payeeRelationship: row.payee_relationship as PayeeRelationship,
    // The column stores whether the payee needs a recorded necessity (migration 0005); the view has always shown it as the household flag.
    payeeLivesInSameHousehold: row.payee_is_close_relative_in_household,
    necessityReason: row.necessity_reason,
    startDate: row.start_date,
    endDate: row.end_date,
    amountPencePerWeek: row.amount_pence_per_week,
    offeredOn: row.offered_on,
    drugOrAlcoholRequirement: row.drug_or_alcohol_requirement,
    capacity: row.capacity,
    consents: row.consents,
    authorisedPerson: (row.authorised_person as AuthorisedPerson | null) ?? null,
    consultationRecordedOn: row.consultation_recorded_on,
    enhancedDbsCheckedOn: row.enhanced_dbs_checked_on,
    carePlan: (row.care_plan as CarePlan | null) ?? null,
    payingFrom: row.paying_from,
    refusedOn: row.refused_on,
    refusalReasons: row.refusal_reasons,
  };
}

export function budgetView(row: BudgetRow, related: Related | BudgetReviewRow[], money: boolean, today: IsoDate) {
  const rel: Related = Array.isArray(related) ? { reviews: related, reductions: [], triggers: [] } : related;
  const held = rel.reviews.filter((r) => r.budget_id === row.id);
  const reviewDue = budgetReviewDueWithTriggers({ kind: row.kind, startDate: row.start_date, endDate: row.end_date }, held.map((r) => r.held_on), triggerDates(row, rel), today);
  const carePlan = (row.care_plan as CarePlan | null) ?? null;
  return {
    id: row.id,
    personId: row.person_id,
    version: row.version,
    ...stateFromRow(row),
    holderBody: row.holder_body,
    holderCode: row.holder_code,
    endReason: row.end_reason,
    carePlanMissing: row.kind === 'personal-health-budget' ? missingCarePlanParts(carePlan) : [],
    moneyVisible: money,
    amountPencePerWeek: money ? row.amount_pence_per_week : null,
    reductions: rel.reductions
      .filter((r) => r.budget_id === row.id)
      .map((r) => ({
        id: r.id,
        previousAmountPencePerWeek: money ? r.previous_amount_pence_per_week : null,
        newAmountPencePerWeek: money ? r.new_amount_pence_per_week : null,
        noticeGivenOn: r.notice_given_on,
        effectiveOn: r.effective_on,
        furtherReviewRequestedOn: r.further_review_requested_on,
      })),
    reviewTriggers: rel.triggers.filter((t) => t.budget_id === row.id).map((t) => ({ id: t.id, kind: t.kind, occurredOn: t.occurred_on })),
    reviews: held.map((r) => ({ id: r.id, heldOn: r.held_on, reason: r.reason })),
    reviewDueOn: reviewDue,
    reviewOverdue: reviewDue !== null && compareDates(reviewDue, today) < 0,
  };
}
export type BudgetView = ReturnType<typeof budgetView>;
