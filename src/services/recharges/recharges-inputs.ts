// Input schemas of what a body paid for a service and of the recharge statement's period (RESP-1,
// RESP-7), shared by the API (and its OpenAPI document) and the finance pages. The rules are checked
// in the domain (recharges.ts).
import { z } from 'zod';
import { BODY_KINDS } from '../../domain/disputes.ts';
import { AmountInput, OrganisationCodeInput } from '../kernel/money.ts';
import { IsoDateInput } from '../people/people-inputs.ts';

export const PaymentInput = z.object({
  body: z.enum(BODY_KINDS),
  organisationCode: OrganisationCodeInput.optional().describe('The paying body; the caller’s organisation when left out'),
  periodFrom: IsoDateInput,
  periodTo: IsoDateInput,
  amountPence: AmountInput,
  paidOn: IsoDateInput,
});

export const PeriodQuery = z.object({ from: IsoDateInput, to: IsoDateInput });
