// Input schemas of top-up agreements for preferred accommodation (CHG-3), shared by the API (and its
// OpenAPI document) and the web forms. The rules of law are checked in the domain (top-ups.ts), so
// each refusal names its rule.
import { z } from 'zod';
import { PAYER_KINDS, PAYMENT_FREQUENCIES, TOP_UP_ACCOMMODATION_TYPES, TOP_UP_PAYEES } from '../../domain/top-ups.ts';
import { AmountInput, requiredText } from '../kernel/money.ts';
import { IsoDateInput, optionalText } from '../people/people-inputs.ts';

const YesNo = z.boolean().nullable().optional();
export const TopUpConditionsInput = z.object({
  aged18OrOver: YesNo.describe('Worked out from the date of birth when it is known'),
  accommodationType: z.enum(TOP_UP_ACCOMMODATION_TYPES).nullable().optional(),
  sameTypeAsDecided: YesNo,
  suitable: YesNo,
  available: YesNo,
  providerAcceptsTerms: YesNo,
});
export const TopUpTermsInput = z.object({
  additionalCostPencePerWeek: AmountInput.nullable().optional(),
  localAuthorityPaysPencePerWeek: AmountInput.nullable().optional(),
  paymentFrequency: z.enum(PAYMENT_FREQUENCIES).nullable().optional(),
  payee: z.enum(TOP_UP_PAYEES).nullable().optional(),
  reviewProvision: optionalText(2000),
  consequencesOfStoppingPayment: optionalText(2000),
  consequencesOfPriceRise: optionalText(2000),
  consequencesOfMeansChange: optionalText(2000),
});
export const TopUpPayerInput = z.object({ kind: z.enum(PAYER_KINDS), relationship: optionalText(200) }).describe('CHG-3: the person may pay their own top-up');

export const TopUpCreateInput = z.object({
  serviceId: z.uuid({ message: 'serviceId must be a UUID' }),
  preferredAccommodation: requiredText('preferred accommodation', 300),
  conditions: TopUpConditionsInput.default({}),
  terms: TopUpTermsInput.default({}),
  payer: TopUpPayerInput.nullable().optional(),
});

export const TopUpUpdateInput = z.object({
  preferredAccommodation: requiredText('preferred accommodation', 300).optional(),
  conditions: TopUpConditionsInput.optional(),
  terms: TopUpTermsInput.optional(),
  payer: TopUpPayerInput.nullable().optional(),
  signedOn: IsoDateInput.nullable().optional().describe('CHG-3: every condition met and every term set'),
  refusedOn: IsoDateInput.nullable().optional(),
  refusalReasons: optionalText(4000).describe('CHG-3: a refusal needs written reasons'),
});
