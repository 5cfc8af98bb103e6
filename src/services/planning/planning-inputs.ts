// Input schemas of planning meetings (PLAN-2) and the planning task list, shared by the API (and its
// OpenAPI document) and the web forms.
import { z } from 'zod';
import { PageQuery } from '../kernel/paging.ts';
import { INVITEE_RESPONSES, INVITEE_ROLES, MEETING_TRIGGERS } from '../../domain/planning.ts';
import { IsoDateInput, optionalText } from '../people/people-inputs.ts';

/** An id (UUID) the caller names, refused with `message` when it is not one. */
export const Uuid = (message: string) => z.string().trim().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, message);

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

/** The Lists convention: limit (default 50, at most 500) and the cursor from the page before. */
export const PlanningTasksQueryInput = PageQuery;
