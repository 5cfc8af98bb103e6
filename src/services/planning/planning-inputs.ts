// Input schemas of keyworkers, planning meetings, advocacy and tribunal recommendations, shared by the
// API (and its OpenAPI document) and the web forms.
import { z } from 'zod';
import { PageQuery } from '../kernel/paging.ts';
import { INVITEE_RESPONSES, INVITEE_ROLES, MEETING_TRIGGERS } from '../../domain/planning.ts';
import { IsoDateInput, optionalText } from '../people/people-inputs.ts';


const Uuid = (message: string) => z.string().trim().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, message);

export const KeyworkerInput = z.object({
  userId: Uuid('Choose a user of the register as the keyworker'),
  jobTitle: optionalText(200),
  team: optionalText(200),
  phone: z
    .string()
    .trim()
    .regex(/^$|^[0-9 +()-]{6,30}$/, 'Enter a phone number, like 01632 960 001 or +44 1632 960 001')
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .optional(),
  email: z
    .string()
    .trim()
    .max(254)
    .regex(/^$|^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'Enter an email address in the correct format, like name@example.nhs.uk')
    .transform((s) => (s === '' ? null : s.toLowerCase()))
    .nullable()
    .optional(),
});

export const InviteeRoleInput = z.enum(INVITEE_ROLES, { message: `Role must be one of: ${INVITEE_ROLES.join(', ')}` });
export const InviteeInput = z.object({
  role: InviteeRoleInput,
  name: optionalText(200),
  organisation: optionalText(200),
});

export const MeetingCreateInput = z.object({
  trigger: z.enum(MEETING_TRIGGERS, { message: `Trigger must be one of: ${MEETING_TRIGGERS.join(', ')}` }),
  scheduledFor: IsoDateInput,
  place: optionalText(500),
  episodeId: Uuid('Enter the id of one of the person’s aftercare episodes').nullable().optional(),
  personWantsCarerOrFamily: z.boolean().optional().default(false),
  /** The roles invited (PLAN-2). Left out: every role PLAN-2 expects for this person. */
  invitees: z.array(InviteeInput).max(50).optional(),
});

export const AttendanceInput = z.object({
  inviteeId: Uuid('Enter the id of one of the meeting’s invitees'),
  response: z.enum(INVITEE_RESPONSES, { message: `Response must be one of: ${INVITEE_RESPONSES.join(', ')}` }).nullable(),
});

export const MeetingUpdateInput = z.object({
  scheduledFor: IsoDateInput.optional(),
  place: optionalText(500),
  heldOn: IsoDateInput.nullable().optional(),
  personViews: optionalText(10_000),
  minutes: optionalText(50_000),
  personWantsCarerOrFamily: z.boolean().optional(),
  attendance: z.array(AttendanceInput).max(100).optional(),
  addInvitees: z.array(InviteeInput).max(50).optional(),
});

export const RecordsConsentInput = z.object({
  personHasCapacity: z.boolean({ message: 'Say whether the person has capacity to consent' }),
  consented: z.boolean().nullable().optional().default(null),
  recordHolderAllows: z.boolean().nullable().optional().default(null),
  reason: optionalText(2000),
  decidedOn: IsoDateInput,
});

export const CareActTestInput = z.object({
  substantialDifficulty: z.boolean(),
  appropriateIndividual: z.boolean(),
  nhsStayOf28DaysLikely: z.boolean().optional().default(false),
  careHomeStayOf8WeeksLikely: z.boolean().optional().default(false),
  process: z.enum(['care-act', 's117-only']).optional().default('s117-only'),
});

export const REFERRAL_KINDS = ['imha', 'care-act', 'imca', 'general'] as const;

export const ReferralInput = z.object({
  kind: z.enum(REFERRAL_KINDS, { message: `Kind must be one of: ${REFERRAL_KINDS.join(', ')}` }),
  referredOn: IsoDateInput,
  provider: optionalText(200),
  outcome: optionalText(2000),
  involvement: optionalText(10_000),
  consentToRecords: RecordsConsentInput.nullable().optional(),
  careActTest: CareActTestInput.nullable().optional(),
});

export const ReferralUpdateInput = z.object({
  outcome: optionalText(2000),
  involvement: optionalText(10_000),
  consentToRecords: RecordsConsentInput.nullable().optional(),
});

export const TribunalRecommendationInput = z.object({
  hearingOn: IsoDateInput,
  recommendation: z.string().trim().min(1, 'Enter the tribunal’s recommendation').max(10_000),
  episodeId: Uuid('Enter the id of one of the person’s aftercare episodes').nullable().optional(),
});

export const TribunalResponseInput = z.object({
  response: z.string().trim().min(1, 'Enter the response to the recommendation').max(10_000),
  respondedOn: IsoDateInput,
});

export const ImhaQueryInput = z.object({ on: IsoDateInput.optional() });
/** The Lists convention: limit (default 50, at most 500) and the cursor from the page before. */
export const PlanningTasksQueryInput = PageQuery;
