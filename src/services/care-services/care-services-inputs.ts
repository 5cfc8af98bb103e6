// Input schemas of the services a person receives (api-contract: "Plans, services, reviews"), shared
// by the API (and its OpenAPI document) and the web forms. Rules of law are checked in the domain
// (src/domain/care-services.ts, funding.ts), so that each refusal names its rule.
import { z } from 'zod';
import { SERVICE_CATEGORIES } from '../../domain/funding.ts';
import { ACCOMMODATION_TYPES, BUDGET_KINDS, CARE_TYPES, ENHANCED_FEATURES, RENT_DECISIONS } from '../../domain/care-services.ts';
import { AmountInput } from '../kernel/money.ts';
import { IsoDateInput, optionalText } from '../people/people-inputs.ts';

const text = (label: string, max: number) => z.string().trim().min(1, `Enter the ${label}`).max(max, `The ${label} must be ${max} characters or fewer`);
/** Integer pence within what the column holds (kernel/money.ts); whole numbers are checked by the domain. */
const Amount = AmountInput;
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
