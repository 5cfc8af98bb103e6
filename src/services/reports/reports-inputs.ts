// The reports' query (api-contract "Reports"), shared by the API, the /reports page and the command line.
import { z } from 'zod';
import { IcbCode, IsoDateInput, LocalAuthorityCode } from '../people/people-inputs.ts';

/** An empty field in a query string (`localAuthority=`) means "any". */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const ReportQuery = z.object({
  asOf: optional(IsoDateInput).describe('The date the figures are as of (YYYY-MM-DD); today when left out. Not in the future.'),
  localAuthority: optional(LocalAuthorityCode).describe('Only episodes this local authority was responsible for at the time (ONS code)'),
  icb: optional(IcbCode).describe('Only episodes this ICB was responsible for at the time (ODS code)'),
  months: optional(z.coerce.number().int().min(1).max(24)).describe('How many month ends to show, ending with asOf (default 12)'),
});
