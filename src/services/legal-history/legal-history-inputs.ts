// Input schemas of a person's legal history, shared by the API (and its OpenAPI document), the web
// forms and the command line.
import { z } from 'zod';
import { PLACEMENT_KINDS } from '../../domain/bodies.ts';
import { SECTION_CODES } from '../../domain/sections.ts';
import { IcbCode, IsoDateInput, LocalAuthorityCode } from '../people/people-inputs.ts';
import { LEAVE_KINDS } from '../../domain/aftercare.ts';

export const AdmissionInput = z.object({
  hospital: z.string().trim().min(1, 'Enter the hospital').max(200),
  admittedOn: IsoDateInput,
  dischargedOn: IsoDateInput.nullable().optional(),
  provider: z.string().trim().toUpperCase().regex(/^[A-Z0-9]{3,9}$/, 'Enter the ODS code of the provider organisation that runs the hospital').nullable().optional().describe('The provider organisation (ODS code) running the hospital: it sees the person while this stay, or the episode it belongs to, is open'),
});
export const DischargeInput = z.object({ dischargedOn: IsoDateInput.nullable() });

export const SectionInput = z.enum(SECTION_CODES, { message: `Section must be one of: ${SECTION_CODES.join(', ')}` });
export const LegalStatusInput = z.object({
  section: SectionInput,
  startDate: IsoDateInput,
  endDate: IsoDateInput.nullable().optional(),
  admissionId: z.string().uuid('Enter the id of one of the person’s hospital stays').nullable().optional(),
});
export const LegalStatusEndInput = z.object({ endDate: IsoDateInput.nullable() });

export const LeaveInput = z.object({
  from: IsoDateInput,
  to: IsoDateInput.nullable().optional(),
  kind: z.enum(LEAVE_KINDS, { message: 'Kind must be escorted, unescorted or trial-placement' }),
  triggersAftercare: z.boolean({ message: 'Say whether this leave starts aftercare' }),
  reason: z.string().trim().min(1, 'Give the reason for the decision (ELIG-4)').max(2000),
});

const Body = (codeSchema: z.ZodType<string>, label: string) =>
  z.object({ code: codeSchema, basis: z.string().trim().min(1, `Say why this ${label} is responsible`).max(2000) });
export const ResponsibilityInput = z.object({
  localAuthority: Body(LocalAuthorityCode, 'local authority'),
  icb: Body(IcbCode, 'ICB'),
  correction: z
    .object({ reason: z.string().trim().min(1, 'Say why the ended episode’s responsibility is being corrected').max(2000) })
    .optional()
    .describe('Required to change the responsibility of an episode that has ended: a recorded correction'),
});

/** MHA25-3: accommodation a council arranged: where (the council of its area), what kind, by which council, from when. */
export const PlacementInput = z.object({
  // In the order the form asks, so that the error summary lists the problems in that order.
  kind: z.enum(PLACEMENT_KINDS, { message: `Kind must be one of: ${PLACEMENT_KINDS.join(', ')}` }),
  description: z.string().trim().max(500).nullable().optional(),
  localAuthority: LocalAuthorityCode.describe('The council of the area the accommodation is in'),
  arrangedBy: LocalAuthorityCode.describe('The council that arranged the accommodation'),
  s117: z.boolean({ message: 'Say whether the council arranged it as section 117 aftercare' }).nullable().optional().describe('Whether the council arranged it as section 117 aftercare (shown; null or absent where not known)'),
  from: IsoDateInput,
  to: IsoDateInput.nullable().optional(),
});

/** MHA25-3: the day the person left the placement (the last day they lived there). */
export const PlacementEndInput = z.object({ to: IsoDateInput.describe('The last day they lived there') });
