// Input schemas of disputes between the responsible bodies (RESP-6), shared by the API (and its
// OpenAPI document) and the web forms. The rules are checked in the domain (disputes.ts).
import { z } from 'zod';
import { BODY_KINDS, DISPUTE_SUBJECTS } from '../../domain/disputes.ts';
import { OrganisationCodeInput } from '../kernel/money.ts';
import { IsoDateInput, optionalText } from '../people/people-inputs.ts';

const Party = z.object({ kind: z.enum(BODY_KINDS), code: OrganisationCodeInput });
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
