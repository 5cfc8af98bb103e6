// Input schemas of charges a person paid, their refunds (CHG-2) and the charges import, shared by the
// API (and its OpenAPI document), the web forms and the command line. The rules of law are checked in
// the domain (refunds.ts), so each refusal names its rule.
import { z } from 'zod';
import { AmountInput, requiredText } from '../kernel/money.ts';
import { IsoDateInput, optionalText } from '../people/people-inputs.ts';

export const ChargeInput = z.object({
  periodFrom: IsoDateInput,
  periodTo: IsoDateInput,
  amountPence: AmountInput,
  paidOn: IsoDateInput,
  description: requiredText('description', 300),
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

/** The finance system's CSV, sent to the API as JSON. */
export const ChargeImportInput = z.object({ csv: z.string().max(5_000_000), reference: z.string().trim().max(200).optional() });
