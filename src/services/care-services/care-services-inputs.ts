// Input schemas of services, funding policies and budgets (api-contract: "Plans, services, reviews"),
// shared by the API (and its OpenAPI document) and the web forms. Rules of law are checked in the
// domain (src/domain/services.ts, funding.ts, budgets.ts), so that each refusal names its rule.
import { z } from 'zod';
import { AUTHORISED_RELATIONSHIPS, CAPACITY, PAYEE_RELATIONSHIPS, REVIEW_TRIGGERS } from '../../domain/budgets.ts';
import { SERVICE_CATEGORIES } from '../../domain/funding.ts';
import { ACCOMMODATION_TYPES, BUDGET_KINDS, CARE_TYPES, ENHANCED_FEATURES, RENT_DECISIONS } from '../../domain/care-services.ts';
import { IcbCode, IsoDateInput, LocalAuthorityCode, optionalText } from '../people/people-inputs.ts';

const text = (label: string, max: number) => z.string().trim().min(1, `Enter the ${label}`).max(max, `The ${label} must be ${max} characters or fewer`);
/** Whole numbers are checked by the domain so that 1.5 pence is refused as invalid (422), naming the field. */
const Amount = z.number().describe('Integer pence');
const Percent = z.number().describe('Whole percent, 0 to 100');

export const ServiceCategoryInput = z.enum(SERVICE_CATEGORIES, { message: `Category must be one of: ${SERVICE_CATEGORIES.join(', ')}` });

export const ScopeInput = z
  .object({
    arisesFromMentalDisorder: z.boolean(),
    reducesRiskOfDeterioration: z.boolean(),
    rationale: text('rationale', 2000),
  })
  .describe('SCOPE-1: the two limbs and why');

export const FundingInput = z.object({ localAuthorityPercent: Percent, icbPercent: Percent }).describe('RESP-1: must add up to 100');

export const RentDecisionInput = z
  .object({ decision: z.enum(RENT_DECISIONS), reason: text('reason for the decision on rent', 2000), decidedOn: IsoDateInput })
  .describe('SCOPE-5: the recorded decision on rent and service charges of s117 accommodation');

export const AccommodationInput = z.object({
  type: z.enum(ACCOMMODATION_TYPES, { message: `Accommodation type must be one of: ${ACCOMMODATION_TYPES.join(', ')}` }),
  enhancedFeatures: z.array(z.enum(ENHANCED_FEATURES)).default([]),
  reason: optionalText(2000).describe('SCOPE-4: why the accommodation is (or is not) aftercare'),
  involuntaryPlacement: z.boolean().nullable().optional().describe('SCOPE-4(c): recorded only, never required'),
  rentDecision: RentDecisionInput.nullable().optional(),
});

export const ServiceCreateInput = z.object({
  description: text('description', 500),
  category: ServiceCategoryInput,
  s117: z.boolean(),
  scope: ScopeInput.nullable().optional(),
  careType: z.enum(CARE_TYPES).optional().describe('SCOPE-3; by default healthcare and medication are health, other is mixed, the rest social'),
  needId: z.uuid({ message: 'needId must be a UUID' }).nullable().optional(),
  provider: text('provider', 200),
  funding: FundingInput.optional().describe('When left out, the joint funding policy’s default for the category (RESP-7)'),
  fundingOverrideReason: optionalText(2000).describe('RESP-7: why the split differs from the policy’s default'),
  weeklyCostPence: Amount,
  startDate: IsoDateInput,
  endDate: IsoDateInput.nullable().optional(),
  personContributionPence: Amount.nullable().optional(),
  accommodation: AccommodationInput.nullable().optional(),
  budget: z.enum(BUDGET_KINDS).nullable().optional(),
  confirmedOn: IsoDateInput.nullable().optional().describe('PLAN-7: when the service was confirmed; planned until then'),
});
export type ServiceCreate = z.output<typeof ServiceCreateInput>;

export const ServiceUpdateInput = z.object({
  description: text('description', 500).optional(),
  category: ServiceCategoryInput.optional(),
  s117: z.boolean().optional(),
  scope: ScopeInput.nullable().optional(),
  careType: z.enum(CARE_TYPES).optional(),
  needId: z.uuid({ message: 'needId must be a UUID' }).nullable().optional(),
  provider: text('provider', 200).optional(),
  funding: FundingInput.optional(),
  fundingOverrideReason: optionalText(2000),
  weeklyCostPence: Amount.optional(),
  startDate: IsoDateInput.optional(),
  endDate: IsoDateInput.nullable().optional(),
  personContributionPence: Amount.nullable().optional(),
  accommodation: AccommodationInput.nullable().optional(),
  budget: z.enum(BUDGET_KINDS).nullable().optional(),
});
export type ServiceUpdate = z.output<typeof ServiceUpdateInput>;

export const ServiceConfirmInput = z.object({ confirmedOn: IsoDateInput.optional().describe('Defaults to today') });
export const ServiceEndInput = z.object({ endDate: IsoDateInput });

const SplitInput = z.object({ localAuthorityPercent: Percent, icbPercent: Percent });
export const FundingPolicyInput = z.object({
  partnershipName: text('partnership name', 200),
  localAuthority: LocalAuthorityCode,
  icb: IcbCode,
  effectiveFrom: IsoDateInput,
  splits: z.record(z.string(), SplitInput).describe('Default split by service category'),
  notes: optionalText(2000),
});

export const FundingPolicyQuery = z.object({ localAuthority: z.string().optional(), icb: z.string().optional() });

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

export { PageQuery } from '../kernel/paging.ts';

export const BudgetReviewInput = z.object({
  heldOn: IsoDateInput,
  reason: z.enum(['scheduled', 'suspected-breach', 'change-in-capacity', 'requested', 'other']).default('scheduled'),
});
