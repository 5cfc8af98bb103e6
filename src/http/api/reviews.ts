// Reviews (api-contract: "Plans, services, reviews"; REV-1 to REV-4, END-7), the overdue list, the
// dashboard and the review letters.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../services/index.ts';
import { PLAN_WORKING, REVIEW_OUTCOMES, REVIEW_REASONS, REVIEW_TIMINGS, SERVICE_CHANGES } from '../../domain/reviews.ts';
import { ReviewDashboardQuery, ReviewInput, ReviewInvitationInput, ReviewListQuery, ReviewRequestInput } from '../../services/reviews/reviews-inputs.ts';
import { actorOf } from './request.ts';
import { responses } from './schemas.ts';

const IsoDate = z.string().describe('A UK date, YYYY-MM-DD');
const PersonParams = z.object({ id: z.string().describe('The person’s id (UUID)') });
const READ = [400, 401, 403, 404] as const;
const WRITE = [400, 401, 403, 404, 413, 422] as const;

const ServiceChange = z.object({ service: z.string(), change: z.enum(SERVICE_CHANGES), detail: z.string().nullable() });

export const ReviewSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  episodeId: z.string().describe('The episode the review belongs to (the latest when it was recorded)'),
  heldOn: IsoDate,
  invited: z.array(z.string()),
  attendees: z.array(z.string()),
  personViews: z.string().nullable(),
  planWorking: z.enum(PLAN_WORKING).nullable().describe('REV-3: is the plan helping the person stay well'),
  changes: z.string().nullable(),
  outcome: z.enum(REVIEW_OUTCOMES).nullable().describe('propose-ending records the intention only; ending follows END-1 to END-4. Null only for a review imported from a previous register, which gave its date only (REV-1)'),
  notes: z.string(),
  servicesChanged: z.array(ServiceChange).describe('END-7: services changed or stopped without ending aftercare'),
  recordedBy: z.string(),
  createdAt: z.string(),
  endingProposalUrl: z.string().nullable().describe('For propose-ending: the page where the ending is proposed'),
  importedFromPreviousRegister: z.boolean().describe('REV-1: imported from a previous register with its date only (issue 10)'),
  letterUrl: z.string().nullable().describe('The outcome letter to the person (PDF); null for an imported review, which has no outcome'),
});

export const ReviewRequestSchema = z.object({
  id: z.string(),
  episodeId: z.string(),
  requestedBy: z.string().describe('person, carer, advocate, team, or anyone else in words'),
  requestedOn: IsoDate,
  reason: z.string().nullable(),
  open: z.boolean().describe('Not yet answered by a review held after it (REV-1)'),
  recordedBy: z.string().nullable().describe('The user who recorded it; null when the person asked from their own pages'),
  recordedByPerson: z.boolean().describe('The person asked for it themselves, signed in with NHS login (/your-aftercare)'),
  createdAt: z.string(),
});

export const ReviewInvitationSchema = z.object({
  id: z.string(),
  episodeId: z.string(),
  plannedOn: IsoDate,
  plannedTime: z.string().nullable(),
  place: z.string(),
  invited: z.array(z.string()),
  contact: z.string().nullable(),
  recordedBy: z.string(),
  createdAt: z.string(),
  letterUrl: z.string(),
});

const Timetable = { nextDueOn: IsoDate.nullable().describe('REV-1; null when no episode is active or in custody'), overdue: z.boolean() };

export const ReviewsSchema = z.object({
  ...Timetable,
  episodeId: z.string().nullable(),
  episodeStatus: z.string().nullable(),
  replanNeeded: z.boolean().describe('REV-4: a readmission or new qualifying detention calls for a new plan before the next discharge'),
  history: z.array(ReviewSchema),
  requests: z.array(ReviewRequestSchema),
  invitations: z.array(ReviewInvitationSchema),
});

const DueItemSchema = z.object({
  id: z.string().describe('The person’s id'),
  nhsNumber: z.string().nullable(),
  givenName: z.string(),
  familyName: z.string(),
  status: z.string(),
  localAuthority: z.string().nullable(),
  icb: z.string().nullable(),
  nextDueOn: IsoDate,
  overdue: z.boolean(),
  timing: z.enum(REVIEW_TIMINGS),
  daysOverdue: z.number().int(),
  replanNeeded: z.boolean(),
  keyworker: z.object({ id: z.string(), name: z.string() }).nullable(),
  reasons: z
    .array(z.enum(REVIEW_REASONS))
    .describe('Why the person is on the list: the aftercare review (REV-1), a direct payment’s review (DP-1(d)) or a personal health budget’s (DP-2); nextDueOn is the earliest of them'),
  reviewDueOn: IsoDate.nullable().describe('REV-1: the aftercare review’s due date, null when aftercare is not running'),
  budgetReviewDueOn: IsoDate.nullable().describe('DP-1(d), DP-2: the earliest budget review due, if any'),
});

const Count = { name: z.string(), overdue: z.number().int(), dueSoon: z.number().int() };
export const DashboardSchema = z.object({
  today: IsoDate,
  dueWithinDays: z.number().int(),
  filters: z.object({ localAuthority: z.string().nullable(), icb: z.string().nullable() }),
  totals: z.object({ overdue: z.number().int(), dueSoon: z.number().int() }),
  byKeyworker: z.array(z.object({ keyworkerId: z.string().nullable(), ...Count })),
  byLocalAuthority: z.array(z.object({ code: z.string().nullable(), ...Count })),
  byIcb: z.array(z.object({ code: z.string().nullable(), ...Count })),
  items: z.array(DueItemSchema),
});

const LetterQuery = z.object({ largePrint: z.enum(['true', 'false']).optional().describe('Large print (17 point)') });
const pdf = (description: string) => ({
  ...responses(200, description, z.string(), READ),
  200: { description, content: { 'application/pdf': { schema: z.string().describe('A tagged, accessible PDF') } } },
});

export function registerReviewsApi(api: FastifyInstance, services: Services): void {
  const tags = ['Reviews'];
  const params = (request: FastifyRequest) => request.params as Record<string, string>;
  const largePrint = (request: FastifyRequest) => (request.query as { largePrint?: string }).largePrint === 'true';

  api.post('/people/:id/reviews', { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Record a review held (REV-1 to REV-3; END-7 for services changed)', params: PersonParams, body: ReviewInput, response: responses(201, 'The review, with the next due date', ReviewSchema.extend(Timetable), WRITE) } }, async (request, reply) =>
    reply.status(201).send(await services.reviews.record(actorOf(request), params(request).id!, request.body)),
  );

  api.get('/people/:id/reviews', { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'The person’s review timetable, reviews held and requests', params: PersonParams, response: responses(200, 'The reviews', ReviewsSchema, READ) } }, async (request) =>
    services.reviews.list(actorOf(request), params(request).id!),
  );

  api.post('/people/:id/review-requests', { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Record a request for a review sooner (REV-1)', params: PersonParams, body: ReviewRequestInput, response: responses(201, 'The request, with the next due date', ReviewRequestSchema.extend(Timetable), WRITE) } }, async (request, reply) =>
    reply.status(201).send(await services.reviews.request(actorOf(request), params(request).id!, request.body)),
  );

  api.post('/people/:id/reviews/invitations', { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Arrange a review and invite people to it (REV-2)', params: PersonParams, body: ReviewInvitationInput, response: responses(201, 'The invitation', ReviewInvitationSchema, WRITE) } }, async (request, reply) =>
    reply.status(201).send(await services.reviews.invite(actorOf(request), params(request).id!, request.body)),
  );

  api.get('/people/:id/reviews/invitations/:invitationId/letter', { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'The invitation letter to the person (PDF)', params: PersonParams.extend({ invitationId: z.string() }), querystring: LetterQuery, response: pdf('The invitation letter') } }, async (request, reply) => {
    const { id, invitationId } = params(request);
    const body = await services.reviews.invitationLetter(actorOf(request), id!, invitationId!, { largePrint: largePrint(request) });
    return reply.type('application/pdf').header('content-disposition', 'inline; filename="review-invitation.pdf"').send(body);
  });

  api.get('/people/:id/reviews/:reviewId/letter', { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'The review outcome letter to the person (PDF)', params: PersonParams.extend({ reviewId: z.string() }), querystring: LetterQuery, response: pdf('The outcome letter') } }, async (request, reply) => {
    const { id, reviewId } = params(request);
    const body = await services.reviews.outcomeLetter(actorOf(request), id!, reviewId!, { largePrint: largePrint(request) });
    return reply.type('application/pdf').header('content-disposition', 'inline; filename="review-outcome.pdf"').send(body);
  });

  api.get('/reviews/overdue', { schema: { tags, summary: 'Everyone the caller can see whose review is overdue (REV-1), most overdue first', querystring: ReviewListQuery, response: responses(200, 'A page of people', z.object({ items: z.array(DueItemSchema), nextCursor: z.string().nullable() }), [400, 401, 403, 422]) } }, async (request) =>
    services.reviews.overdue(actorOf(request), request.query),
  );

  api.get('/reviews/dashboard', { schema: { tags, summary: 'Reviews due in the next 28 days and overdue, by keyworker, local authority and ICB', querystring: ReviewDashboardQuery, response: responses(200, 'The counts and the people', DashboardSchema, [400, 401, 403, 422]) } }, async (request) =>
    services.reviews.dashboard(actorOf(request), request.query),
  );
}
