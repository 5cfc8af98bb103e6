// Input schemas shared by the API (and its OpenAPI document), the web forms and the command line.
import { z } from 'zod';
import { REGISTER_SORTS } from '../../data/people-repository.ts';
import { isIsoDate } from '../../domain/dates.ts';
import { isValidNhsNumber, normaliseNhsNumber } from '../../domain/nhs-number.ts';
import { AFTERCARE_STATUSES } from '../../domain/aftercare.ts';

export const IsoDateInput = z.string().trim().refine(isIsoDate, { message: 'Enter a real date in the form YYYY-MM-DD' });

/** A local authority's ONS code, for example E09000007 (England) or W06000015 (Wales). */
export const LocalAuthorityCode = z.string().trim().toUpperCase().regex(/^[EW]0[6-9]\d{6}$/, 'Enter the local authority’s ONS code, for example E09000007');
/** An ICB's (or Welsh health board's) ODS code, for example QMJ. */
export const IcbCode = z.string().trim().toUpperCase().regex(/^[A-Z0-9]{3,5}$/, 'Enter the ICB’s ODS code, for example QMJ');

export const NhsNumberInput = z
  .string()
  .transform(normaliseNhsNumber)
  .superRefine((value, ctx) => {
    if (isValidNhsNumber(value)) return;
    // Ten digits that fail the Modulus 11 check are almost always a mistyped digit: say so.
    const message = /^\d{10}$/.test(value) ? 'This NHS number is not right: its last digit (the check digit) does not match the others. Check each digit' : 'Enter a valid 10-digit NHS number';
    ctx.addIssue({ code: 'custom', message });
  });

/** Free text that may be left out or blank (stored as null). */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Use ${max} characters or fewer`)
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .optional();

export const ResidenceInput = z.object({ localAuthority: LocalAuthorityCode, since: IsoDateInput });
export const GpInput = z.object({
  practiceCode: z.string().trim().toUpperCase().regex(/^[A-Z0-9]{3,8}$/, 'Enter the GP practice’s ODS code, for example F84003').nullable().optional(),
  icb: IcbCode,
  since: IsoDateInput,
});
export const AddressInput = z.object({
  line1: optionalText(200),
  postcode: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^$|^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$/, 'Enter a real postcode, for example SW1A 1AA')
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .optional(),
});

const name = (label: string) => z.string().trim().min(1, `Enter the ${label}`).max(100, `The ${label} must be 100 characters or fewer`);

export const PersonCreateInput = z.object({
  nhsNumber: NhsNumberInput.nullable().optional(),
  localId: optionalText(50),
  givenName: name('given name'),
  familyName: name('family name'),
  dateOfBirth: IsoDateInput,
  address: AddressInput.nullable().optional(),
  residence: ResidenceInput.nullable().optional(),
  gp: GpInput.nullable().optional(),
});
export type PersonCreate = z.output<typeof PersonCreateInput>;

export const PersonUpdateInput = z.object({
  nhsNumber: NhsNumberInput.nullable().optional(),
  localId: optionalText(50),
  givenName: name('given name').optional(),
  familyName: name('family name').optional(),
  dateOfBirth: IsoDateInput.optional(),
  dateOfDeath: IsoDateInput.nullable().optional(),
  address: AddressInput.nullable().optional(),
  residence: ResidenceInput.optional(),
  gp: GpInput.optional(),
});
export type PersonUpdate = z.output<typeof PersonUpdateInput>;

export const RegisterQueryInput = z.object({
  q: z.string().trim().max(100).optional(),
  status: z.enum(AFTERCARE_STATUSES).optional(),
  localAuthority: z.string().trim().toUpperCase().max(9).optional(),
  icb: z.string().trim().toUpperCase().max(9).optional(),
  reviewOverdue: z.enum(['true', 'false']).optional(),
  /** PLAN-3: people whose current keyworker is this user (id), or the caller (caseload=mine). */
  keyworker: z.string().trim().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'Keyworker must be the id of a user').optional(),
  caseload: z.enum(['mine'], { message: 'caseload can only be mine' }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});

/** The register page: the same filters, a column to sort by and a numbered page (the API pages by cursor). */
export const REGISTER_PAGE_SIZE = 50;
export const RegisterPageInput = RegisterQueryInput.omit({ limit: true, cursor: true }).extend({
  sort: z.enum(REGISTER_SORTS).default('name'),
  order: z.enum(['ascending', 'descending']).default('ascending'),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
});
