// Input schemas of charges, refunds, top-ups, disputes, payments and the finance reports (issue 4,
// second half), shared by the API (and its OpenAPI document) and the web forms. Rules of law are
// checked in the domain (refunds.ts, top-ups.ts, disputes.ts, recharges.ts), so each refusal names its rule.
import { z } from 'zod';
import { BODY_KINDS, DISPUTE_SUBJECTS } from '../../domain/disputes.ts';
import { PAYER_KINDS, PAYMENT_FREQUENCIES, TOP_UP_ACCOMMODATION_TYPES, TOP_UP_PAYEES } from '../../domain/top-ups.ts';
import { IsoDateInput, optionalText } from '../people/people-inputs.ts';

const text = (label: string, max: number) => z.string().trim().min(1, `Enter the ${label}`).max(max, `The ${label} must be ${max} characters or fewer`);
/** Whole numbers are checked by the domain so that 1.5 pence is refused as invalid (422), naming the field. */
// Bounded so that a sum of many amounts stays an exact integer (and fits PostgreSQL's bigint).
const Amount = z.number().max(1_000_000_000_00, 'Enter an amount under £1,000,000,000').describe('Integer pence');
const OrgCode = z.string().trim().toUpperCase().regex(/^[A-Z0-9]{3,9}$/, 'Enter the organisation’s code (ONS code of a council or ODS code of an ICB)');

export const ChargeInput = z.object({
  periodFrom: IsoDateInput,
  periodTo: IsoDateInput,
  amountPence: Amount,
  paidOn: IsoDateInput,
  description: text('description', 300),
  serviceId: z.uuid({ message: 'serviceId must be a UUID' }).nullable().optional(),
});

export const RefundCalculateInput = z.object({
  chargeIds: z.array(z.string()).min(1, 'Choose at least one charge').optional().describe('The charges to refund; all of the person’s charges not yet refunded when left out'),
  calculatedOn: IsoDateInput.optional().describe('Interest runs to this date; today when left out'),
});

export const RefundApprovalInput = z.object({
  approvedOn: IsoDateInput.optional(),
});

export const RefundPaidInput = z.object({
  paidOn: IsoDateInput,
  paymentMethod: optionalText(200),
  letterSentOn: IsoDateInput.nullable().optional(),
});

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
  additionalCostPencePerWeek: Amount.nullable().optional(),
  localAuthorityPaysPencePerWeek: Amount.nullable().optional(),
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
  preferredAccommodation: text('preferred accommodation', 300),
  conditions: TopUpConditionsInput.default({}),
  terms: TopUpTermsInput.default({}),
  payer: TopUpPayerInput.nullable().optional(),
});

export const TopUpUpdateInput = z.object({
  preferredAccommodation: text('preferred accommodation', 300).optional(),
  conditions: TopUpConditionsInput.optional(),
  terms: TopUpTermsInput.optional(),
  payer: TopUpPayerInput.nullable().optional(),
  signedOn: IsoDateInput.nullable().optional().describe('CHG-3: every condition met and every term set'),
  refusedOn: IsoDateInput.nullable().optional(),
  refusalReasons: optionalText(4000).describe('CHG-3: a refusal needs written reasons'),
});

const Party = z.object({ kind: z.enum(BODY_KINDS), code: OrgCode });
export const DisputeCreateInput = z.object({
  partyA: Party,
  partyB: Party,
  subject: z.enum(DISPUTE_SUBJECTS),
  details: optionalText(4000),
  interimFunderCode: z.string().trim().toUpperCase().describe('RESP-6: who pays while the dispute lasts (required)'),
  raisedOn: IsoDateInput,
  referredOn: IsoDateInput.nullable().optional(),
  personToldOn: IsoDateInput.nullable().optional(),
});

export const DisputeUpdateInput = z.object({
  id: z.string(),
  interimFunderCode: z.string().trim().toUpperCase().optional(),
  details: optionalText(4000),
  referredOn: IsoDateInput.nullable().optional(),
  personToldOn: IsoDateInput.nullable().optional(),
  resolvedOn: IsoDateInput.nullable().optional(),
  resolution: optionalText(4000),
});

export const PaymentInput = z.object({
  body: z.enum(BODY_KINDS),
  organisationCode: OrgCode.optional().describe('The paying body; the caller’s organisation when left out'),
  periodFrom: IsoDateInput,
  periodTo: IsoDateInput,
  amountPence: Amount,
  paidOn: IsoDateInput,
});

export const PeriodQuery = z.object({ from: IsoDateInput, to: IsoDateInput });

/** The finance system's CSV, sent to the API as JSON. */
export const ChargeImportInput = z.object({ csv: z.string().max(5_000_000), reference: z.string().trim().max(200).optional() });
