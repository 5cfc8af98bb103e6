// Input schemas of the partnerships' joint funding policies (RESP-7), shared by the API (and its
// OpenAPI document) and the web form. The splits are checked in the domain (src/domain/funding.ts).
import { z } from 'zod';
import { IcbCode, IsoDateInput, LocalAuthorityCode, optionalText } from '../people/people-inputs.ts';

const text = (label: string, max: number) => z.string().trim().min(1, `Enter the ${label}`).max(max, `The ${label} must be ${max} characters or fewer`);
const Percent = z.number().describe('Whole percent, 0 to 100');

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
