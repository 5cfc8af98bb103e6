// Input of advocacy referrals (ADV-3, ADV-4), IMHA eligibility (ADV-1) and tribunal recommendations
// (MHA25-1), shared by the API (and its OpenAPI document) and the web forms.
import { z } from 'zod';
import { REFERRAL_KINDS } from '../../domain/advocacy.ts';
import { IsoDateInput, optionalText } from '../people/people-inputs.ts';
import { Uuid } from '../planning/planning-inputs.ts';
import { ADVOCACY_PROCESSES } from '../../domain/advocacy.ts';

export const RecordsConsentInput = z.object({
  personHasCapacity: z.boolean({ message: 'Say whether the person has capacity to consent' }),
  consented: z.boolean().nullable().optional().default(null),
  recordHolderAllows: z.boolean().nullable().optional().default(null),
  reason: optionalText(2000),
  decidedOn: IsoDateInput,
});

export const CareActTestInput = z.object({
  substantialDifficulty: z.boolean(),
  appropriateIndividual: z.boolean(),
  nhsStayOf28DaysLikely: z.boolean().optional().default(false),
  careHomeStayOf8WeeksLikely: z.boolean().optional().default(false),
  process: z.enum(ADVOCACY_PROCESSES).optional().default('s117-only'),
});

export { REFERRAL_KINDS };

export const ReferralInput = z.object({
  kind: z.enum(REFERRAL_KINDS, { message: `Kind must be one of: ${REFERRAL_KINDS.join(', ')}` }),
  referredOn: IsoDateInput,
  provider: optionalText(200),
  outcome: optionalText(2000),
  involvement: optionalText(10_000),
  consentToRecords: RecordsConsentInput.nullable().optional(),
  careActTest: CareActTestInput.nullable().optional(),
});

export const ReferralUpdateInput = z.object({
  outcome: optionalText(2000),
  involvement: optionalText(10_000),
  consentToRecords: RecordsConsentInput.nullable().optional(),
});

export const TribunalRecommendationInput = z.object({
  hearingOn: IsoDateInput,
  recommendation: z.string().trim().min(1, 'Enter the tribunal’s recommendation').max(10_000),
  episodeId: Uuid('Enter the id of one of the person’s aftercare episodes').nullable().optional(),
});

export const TribunalResponseInput = z.object({
  response: z.string().trim().min(1, 'Enter the response to the recommendation').max(10_000),
  respondedOn: IsoDateInput,
});

export const ImhaQueryInput = z.object({ on: IsoDateInput.optional() });
