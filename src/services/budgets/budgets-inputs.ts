// Input schemas of direct payments and personal health budgets (DP-1 to DP-3), shared by the API (and
// its OpenAPI document) and the web forms. Rules of law are checked in the domain (src/domain/budgets.ts),
// so that each refusal names its rule.
import { z } from 'zod';
import { AUTHORISED_RELATIONSHIPS, CAPACITY, PAYEE_RELATIONSHIPS, REVIEW_TRIGGERS } from '../../domain/budgets.ts';
import { BUDGET_KINDS } from '../../domain/care-services.ts';
import { AmountInput } from '../kernel/money.ts';
import { IsoDateInput, optionalText } from '../people/people-inputs.ts';

const text = (label: string, max: number) => z.string().trim().min(1, `Enter the ${label}`).max(max, `The ${label} must be ${max} characters or fewer`);
/** Integer pence within what the column holds (kernel/money.ts); whole numbers are checked by the domain. */
const Amount = AmountInput;

const BudgetCarePlanInput = z.object({
  healthNeedsAndOutcomes: optionalText(4000),
  services: optionalText(4000),
  amountAndPaymentIntervals: optionalText(2000),
  careCoordinator: optionalText(200).describe('The named care co-ordinator'),
  conditionMonitoring: optionalText(4000).describe('Who monitors each condition'),
  firstReviewOn: IsoDateInput.nullable().optional(),
  reductionNoticeDays: z.number().int().min(1).max(365).nullable().optional().describe('The notice period for reductions, in days'),
});

export const BudgetCreateInput = z.object({
  kind: z.enum(BUDGET_KINDS, { message: `Kind must be one of: ${BUDGET_KINDS.join(', ')}` }),
  serviceIds: z.array(z.uuid({ message: 'Each service id must be a UUID' })).describe('DP-3: the services the budget pays for'),
  payeeRelationship: z.enum(PAYEE_RELATIONSHIPS).default('self').describe('Who is paid, by relationship to the person (never a name)'),
  payeeLivesInSameHousehold: z.boolean().default(false),
  necessityReason: optionalText(2000).describe('DP-1(b): why paying a spouse, partner or close relative in the household is necessary'),
  startDate: IsoDateInput,
  endDate: IsoDateInput.nullable().optional(),
  amountPencePerWeek: Amount,
  offeredOn: IsoDateInput.nullable().optional().describe('DP-2: when the personal health budget was offered'),
  ...budgetRuleFields(),
});

function budgetRuleFields() {
  return {
    drugOrAlcoholRequirement: z.boolean().default(false).describe('DP-1(a): subject to a criminal-justice drug or alcohol requirement (Sch 1); a direct payment is then refused'),
    capacity: z.enum(CAPACITY).default('has').describe('DP-1(c), DP-2: whether the person has capacity to manage the budget'),
    consents: z.boolean().nullable().optional().describe('DP-2: a person aged 16 or over with capacity consents'),
    authorisedPerson: z
      .object({ name: z.string().trim().min(1, 'Enter the authorised person’s name').max(200), relationship: z.enum(AUTHORISED_RELATIONSHIPS) })
      .nullable()
      .optional()
      .describe('DP-1(c) authorised person, DP-2 representative'),
    consultationRecordedOn: IsoDateInput.nullable().optional().describe('DP-1(c): when the consultation was recorded'),
    enhancedDbsCheckedOn: IsoDateInput.nullable().optional().describe('DP-1(c): enhanced DBS check, where the authorised person is not a family member or friend'),
    carePlan: BudgetCarePlanInput.nullable().optional().describe('DP-2: the care plan needed before a personal health budget is paid'),
    payingFrom: IsoDateInput.nullable().optional().describe('DP-2: when payments began; a personal health budget needs a complete care plan'),
    refusedOn: IsoDateInput.nullable().optional().describe('DP-2: when the budget was refused'),
    refusalReasons: optionalText(4000).describe('DP-2: the written reasons for a refusal'),
  };
}

export const BudgetUpdateInput = z
  .object({
    serviceIds: z.array(z.uuid({ message: 'Each service id must be a UUID' })),
    payeeRelationship: z.enum(PAYEE_RELATIONSHIPS),
    payeeLivesInSameHousehold: z.boolean(),
    necessityReason: optionalText(2000),
    startDate: IsoDateInput,
    endDate: IsoDateInput.nullable(),
    amountPencePerWeek: Amount,
    offeredOn: IsoDateInput.nullable(),
    ...budgetRuleFields(),
  })
  .partial()
  .strict();

export const BudgetEndInput = z.object({
  endDate: IsoDateInput,
  reason: text('reason', 2000),
});

export const BudgetReductionInput = z.object({
  newAmountPencePerWeek: Amount.describe('Integer pence; 0 stops the budget'),
  noticeGivenOn: IsoDateInput.describe('When written notice was given'),
  effectiveOn: IsoDateInput.describe('DP-2: no sooner than the care plan’s notice period after the notice'),
  furtherReviewRequestedOn: IsoDateInput.nullable().optional().describe('DP-2: the person’s one further review, when asked for'),
});

export const BudgetReviewTriggerInput = z.object({
  kind: z.enum(REVIEW_TRIGGERS, { message: `Kind must be one of: ${REVIEW_TRIGGERS.join(', ')}` }).describe('DP-1(d): makes a review due now'),
  occurredOn: IsoDateInput,
});

export const BudgetReviewInput = z.object({
  heldOn: IsoDateInput,
  reason: z.enum(['scheduled', 'suspected-breach', 'change-in-capacity', 'requested', 'other']).default('scheduled'),
});
