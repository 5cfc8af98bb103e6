// Input of the care and support plan (api-contract: "Plans, services, reviews"), shared by the API
// (and its OpenAPI document) and the pages. The rules (SCOPE-1, CMP-2, PLAN-5, PLAN-6) are in
// src/domain/plans.ts; these schemas only shape and bound the input.
import { z } from 'zod';
import { PageQuery } from '../kernel/paging.ts';
import { NEED_DOMAIN_CODES } from '../../domain/plans.ts';
import { IsoDateInput } from '../people/people-inputs.ts';

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Use ${max} characters or fewer`)
    .nullable()
    .optional()
    .transform((s) => (s === undefined || s === null || s === '' ? null : s));

const date = IsoDateInput.nullable().optional().transform((d) => d ?? null);

export const PlanNeedInput = z.object({
  id: z.uuid('A need’s id must be a UUID').optional().describe('Stable id of the need; leave out for a new need'),
  domain: z.enum(NEED_DOMAIN_CODES, 'Choose the area of life this need is about').describe('A Code of Practice domain (PLAN-4)'),
  description: z.string().trim().min(1, 'Describe the need').max(2000, 'Use 2000 characters or fewer'),
  arisesFromMentalDisorder: z.boolean('Answer whether the need arises from the mental disorder').describe('SCOPE-1 limb (a)'),
  reducesRiskOfDeterioration: z.boolean('Answer whether meeting the need reduces the risk of deterioration').describe('SCOPE-1 limb (b)'),
  rationale: text(4000).describe('Why (SCOPE-1); required'),
  howMet: text(4000).describe('The service, how often, DP or PHB (PLAN-4); required'),
  who: text(500).describe('Who meets it: the owner (CMP-2); required'),
  s117: z.boolean().optional().describe('Met under s117 (SCOPE-6); defaults to whether both limbs are yes; true with a limb no is refused (SCOPE-1)'),
});
export type PlanNeedData = z.output<typeof PlanNeedInput>;

const Accommodation = z.union([
  z.string().trim().max(4000, 'Use 4000 characters or fewer').transform((details) => ({ details: details === '' ? null : details, endsOn: null, moveOnPlan: null })),
  z.object({ details: text(4000), endsOn: date.describe('End date of a time-limited placement (PLAN-5)'), moveOnPlan: text(4000) }),
]);

const Keyworker = z.union([
  z.string().trim().max(500, 'Use 500 characters or fewer').transform((name) => ({ name: name === '' ? null : name, contact: null })),
  z.object({ name: text(200), contact: text(500).describe('Phone number or email address') }),
]);

export const PlanInput = z.object({
  needs: z.array(PlanNeedInput).max(100, 'A plan can hold up to 100 needs').optional().default([]),
  goals: text(4000),
  personViews: text(4000),
  carerViews: text(4000),
  accommodation: Accommodation.nullable().optional().describe('Where the person will live; a string is taken as the details'),
  keyworker: Keyworker.nullable().optional().describe('The keyworker’s name and how to contact them; a string is taken as the name'),
  // REV-1, one date for one fact (issue 9 items 4 and 10): the register works the date out itself.
  nextReviewOn: date.describe(
    'Ignored: the plan always gives the register’s next review date (REV-1: 42 days after leaving hospital, then 12 months after the last review held, sooner when one is requested), the one the person page, the reviews and the letters give. A value sent here is accepted for compatibility and not kept.',
  ),
  contingency: z
    .object({ triggers: text(4000), earlyWarningSigns: text(4000), actions: text(4000), whatHelps: text(4000), crisisContacts: text(4000), onAdmission: text(4000) })
    .nullable()
    .optional(),
  signature: z.object({ signedOn: date, notSignedReason: text(2000) }).nullable().optional(),
  copyGivenOn: date,
  sharing: z
    .array(z.object({ name: z.string().trim().min(1, 'Enter the name').max(200, 'Use 200 characters or fewer'), relationship: text(200), consentedOn: date }))
    .max(50, 'Up to 50 people')
    .optional()
    .default([]),
  cpa: z.boolean().nullable().optional().describe('PLAN-8: legacy CPA attribute; optional, never required'),
  version: z.number().int().min(1).max(2_147_483_647).optional().describe('The version being replaced, when If-Match is not sent'),
});
export type PlanData = z.output<typeof PlanInput>;

/** The plan's details page: everything but the needs (each has its own page) and the legacy CPA attribute. */
export const PlanDetailsInput = PlanInput.omit({ needs: true, cpa: true, version: true });
export type PlanDetailsData = z.output<typeof PlanDetailsInput>;

/** One need on its own page: its id comes from the page's address, not the form. */
export const PlanNeedFormInput = PlanNeedInput.omit({ id: true });

/** The Lists convention, shared by every list. */
export const PlanListQuery = PageQuery;
