// Input schemas of reviews (REV-1 to REV-3, END-7), shared by the API (and its OpenAPI document) and the forms.
import { z } from 'zod';
import { PLAN_WORKING, REVIEW_OUTCOMES, SERVICE_CHANGES } from '../../domain/reviews.ts';
import { IsoDateInput } from '../people/people-inputs.ts';

const text = (max: number) => z.string().trim().max(max, `Use ${max} characters or fewer`);
const optionalText = (max: number) =>
  text(max)
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .optional();
const names = z.array(text(200).min(1, 'Enter a name')).max(50, 'List 50 people or fewer');

export const ReviewInput = z.object({
  heldOn: IsoDateInput,
  attendees: names,
  outcome: z.enum(REVIEW_OUTCOMES, { message: 'Choose continue, change or propose-ending' }),
  notes: text(10_000),
  /** REV-2: who was invited (the person, a carer, their advocate, the keyworker, the LA and ICB). */
  invited: names.optional(),
  /** REV-3: what the person said, whether the plan is helping them stay well, what should change. */
  personViews: optionalText(10_000),
  planWorking: z.enum(PLAN_WORKING, { message: 'Choose yes, partly or no' }).nullable().optional(),
  changes: optionalText(10_000),
  /** END-7: services changed or stopped at the review without ending aftercare. */
  servicesChanged: z
    .array(z.object({ service: text(200).min(1, 'Enter the service'), change: z.enum(SERVICE_CHANGES, { message: 'Choose changed, reduced, stopped or added' }), detail: optionalText(1000) }))
    .max(50)
    .optional(),
});

export const ReviewRequestInput = z.object({
  /** 'person', 'carer', 'advocate', 'team', or anyone else in words. */
  requestedBy: text(100).min(1, 'Say who asked for the review'),
  requestedOn: IsoDateInput,
  reason: optionalText(2000),
});

export const ReviewInvitationInput = z.object({
  plannedOn: IsoDateInput,
  plannedTime: optionalText(50),
  /** Where it will be, or how it will happen (a video call, by telephone). */
  place: text(300).min(1, 'Say where the review will be or how it will happen'),
  invited: names,
  /** How to ask for a different date: a name and telephone number or email. */
  contact: optionalText(300),
});

export const ReviewListQuery = z.object({
  localAuthority: z.string().trim().toUpperCase().max(9).optional(),
  icb: z.string().trim().toUpperCase().max(9).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});

export const ReviewDashboardQuery = z.object({
  localAuthority: z.string().trim().toUpperCase().max(9).optional(),
  icb: z.string().trim().toUpperCase().max(9).optional(),
});
