// Keyworkers (PLAN-3), planning meetings and the planning task list (PLAN-1, PLAN-2), advocacy
// (ADV-1 to ADV-5, MHA25-4) and tribunal recommendations (MHA25-1).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { INVITEE_RESPONSES, INVITEE_ROLES, MEETING_TRIGGERS } from '../../domain/planning.ts';
import type { Services } from '../../services/index.ts';
import { MeetingCreateInput, MeetingUpdateInput, PlanningTasksQueryInput } from '../../services/planning/planning-inputs.ts';
import { KeyworkerInput } from '../../services/keyworkers/keyworkers-inputs.ts';
import {
  ImhaQueryInput, REFERRAL_KINDS, ReferralInput, ReferralUpdateInput, TribunalRecommendationInput, TribunalResponseInput,
} from '../../services/advocacy/advocacy-inputs.ts';
import { actorOf, ifMatch } from './request.ts';
import { AFTERCARE_STATUSES } from '../../domain/aftercare.ts';
import { responses } from './schemas.ts';
import { PageQuery } from '../../services/kernel/paging.ts';

const READ = [400, 401, 403, 404] as const;
const WRITE = [400, 401, 403, 404, 409, 413, 422] as const;
const PersonParams = z.object({ id: z.string().describe('The person’s id (UUID)') });
const IfMatch = z.object({ 'if-match': z.string().optional().describe('The version being changed; a stale one is refused with 409') });

const Id = z.string().describe('UUID');
const IsoDate = z.string().describe('A UK date, YYYY-MM-DD');
const Instant = z.string().describe('ISO 8601 instant with Z');
const Rule = z.string().describe('A rule ID in domain-rules.md');

const Keyworker = z.object({
  allocationId: Id,
  userId: Id,
  name: z.string(),
  role: z.string(),
  organisation: z.object({ code: z.string(), name: z.string() }),
  jobTitle: z.string().nullable(),
  team: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable().describe('The contact email given, or the user’s own'),
  allocatedAt: Instant,
  endedAt: Instant.nullable().describe('Set when the keyworker was replaced; the history is kept'),
  allocatedOn: IsoDate,
  endedOn: IsoDate.nullable(),
});
const KeyworkerPanel = z.object({
  current: Keyworker.nullable(),
  history: z.array(Keyworker).describe('Every keyworker, the latest first'),
  warning: z.object({ rule: Rule, level: z.enum(['before-discharge', 'overdue']), text: z.string() }).nullable().describe('PLAN-3: no keyworker is allocated'),
});

const Caseload = z.object({
  items: z.array(z.object({
    id: Id, nhsNumber: z.string().nullable(), localId: z.string().nullable(), givenName: z.string(), familyName: z.string(), dateOfBirth: IsoDate,
    status: z.enum(AFTERCARE_STATUSES), nextReviewDue: IsoDate.nullable(), planningNeededSince: IsoDate.nullable().describe('PLAN-1: planning open since'), keyworkerSince: Instant,
  })),
  nextCursor: z.string().nullable(),
});

const Invitee = z.object({
  id: Id, role: z.enum(INVITEE_ROLES), name: z.string().nullable(), organisation: z.string().nullable(), invitedOn: IsoDate,
  response: z.enum(INVITEE_RESPONSES).nullable().describe('attended, apologies, did-not-attend; null until recorded'),
});
const Meeting = z.object({
  id: Id,
  version: z.number().int(),
  episodeId: Id.nullable(),
  trigger: z.enum(MEETING_TRIGGERS),
  scheduledFor: IsoDate,
  place: z.string().nullable(),
  heldOn: IsoDate.nullable().describe('Set when the meeting was held; this closes the PLAN-1 task'),
  personViews: z.string().nullable(),
  minutes: z.string().nullable(),
  personWantsCarerOrFamily: z.boolean(),
  invitees: z.array(Invitee),
  missingInvitees: z.array(z.object({ role: z.enum(INVITEE_ROLES), label: z.string(), rule: Rule })).describe('PLAN-2 roles expected but not invited (a warning)'),
  createdAt: Instant,
  updatedAt: Instant,
});
const PlanningStatus = z.object({ needed: z.boolean(), since: IsoDate.nullable(), meetingHeldOn: IsoDate.nullable(), daysOpen: z.number().int().nullable(), reason: z.string(), rule: Rule });
const MeetingList = z.object({
  items: z.array(Meeting),
  nextCursor: z.string().nullable(),
  planning: PlanningStatus.describe('PLAN-1 for the latest episode'),
  expectedInvitees: z.array(z.object({ role: z.enum(INVITEE_ROLES), label: z.string(), expected: z.boolean(), when: z.string(), rule: Rule })),
});
const Tasks = z.object({
  items: z.array(z.object({
    personId: Id, givenName: z.string(), familyName: z.string(), nhsNumber: z.string().nullable(), status: z.string(), planningSince: IsoDate, daysOpen: z.number().int(),
    keyworker: z.object({ userId: Id, name: z.string().nullable() }).nullable(), mine: z.boolean(), rule: Rule,
  })).describe('Everyone the caller’s organisation sees whose latest episode needs planning'),
  mine: z.array(z.unknown()).describe('The same, for people whose keyworker is the caller'),
  nextCursor: z.string().nullable(),
});

const Imha = z.object({
  on: IsoDate,
  eligible: z.boolean(),
  reason: z.string().describe('Plain English'),
  rule: z.enum(['ADV-1', 'MHA25-4']),
  section: z.string().nullable(),
  toldBy: z.string().nullable().describe('ADV-2: who must tell the person about IMHA help'),
  mha2025ImhaExtension: z.boolean().describe('MHA25-4 setting (S117_MHA2025_IMHA)'),
  careActAdvocate: z.object({ rule: Rule, contested: z.boolean(), duty: z.string(), reason: z.string() }).describe('ADV-4: the default offer'),
});
const Consent = z.object({ personHasCapacity: z.boolean(), consented: z.boolean().nullable(), recordHolderAllows: z.boolean().nullable(), reason: z.string().nullable(), decidedOn: IsoDate });
const Referral = z.object({
  id: Id,
  version: z.number().int(),
  kind: z.enum(REFERRAL_KINDS),
  referredOn: IsoDate,
  provider: z.string().nullable(),
  outcome: z.string().nullable(),
  involvement: z.string().nullable().describe('The advocate’s involvement'),
  consentToRecords: Consent.nullable().describe('ADV-3: the recorded decision on the IMHA seeing the records'),
  recordsAccess: z.object({ allowed: z.boolean(), reason: z.string(), rule: Rule }).nullable(),
  careActTest: z.unknown().nullable(),
  careActAdvocate: z.object({ due: z.boolean(), duty: z.string(), contested: z.boolean(), reason: z.string(), rule: Rule }).nullable(),
  requestedByPerson: z.boolean().describe('The person asked for an advocate themselves (/your-aftercare): someone must now make the referral'),
  createdAt: Instant,
});
const ReferralList = z.object({ items: z.array(Referral), nextCursor: z.string().nullable() });
const Recommendation = z.object({
  id: Id, version: z.number().int(), episodeId: Id.nullable(), hearingOn: IsoDate, recommendation: z.string(),
  response: z.string().nullable(), respondedOn: IsoDate.nullable(), respondedBy: Id.nullable(), rule: Rule, createdAt: Instant,
});
const RecommendationList = z.object({ items: z.array(Recommendation), nextCursor: z.string().nullable() });

const id = (request: FastifyRequest) => (request.params as { id: string }).id;
const param = (request: FastifyRequest, name: string) => (request.params as Record<string, string>)[name] ?? '';

export function registerPlanningApi(api: FastifyInstance, services: Services): void {
  const tags = (t: string) => [t];

  // ---- Keyworker (PLAN-3) -------------------------------------------------------------------
  api.put('/people/:id/keyworker', { config: { personVisibilityInUseCase: true }, schema: { tags: tags('Keyworker'), summary: 'Allocate or change the named keyworker, with contact details (PLAN-3)', params: PersonParams, body: KeyworkerInput, response: responses(200, 'The current keyworker and the history', KeyworkerPanel, WRITE) } }, async (request) =>
    services.keyworkers.allocate(actorOf(request), id(request), request.body),
  );
  api.get('/people/:id/keyworker', { config: { personVisibilityInUseCase: true }, schema: { tags: tags('Keyworker'), summary: 'The current keyworker and the history', params: PersonParams, response: responses(200, 'The current keyworker and the history', KeyworkerPanel, READ) } }, async (request) =>
    services.keyworkers.get(actorOf(request), id(request)),
  );
  api.get('/caseload', { schema: { tags: tags('Keyworker'), summary: 'My caseload: the people whose current keyworker is the caller', response: responses(200, 'The caller’s caseload', Caseload, [401, 403]) } }, async (request) =>
    services.keyworkers.caseload(actorOf(request)),
  );

  // ---- Planning meetings (PLAN-1, PLAN-2) ---------------------------------------------------
  api.post('/people/:id/planning-meetings', { config: { personVisibilityInUseCase: true }, schema: { tags: tags('Planning'), summary: 'Schedule a section 117 planning meeting and invite the PLAN-2 roles', params: PersonParams, body: MeetingCreateInput, response: responses(201, 'The meeting', Meeting, WRITE) } }, async (request, reply) =>
    reply.status(201).send(await services.planning.schedule(actorOf(request), id(request), request.body)),
  );
  api.get('/people/:id/planning-meetings', { config: { personVisibilityInUseCase: true }, schema: { tags: tags('Planning'), summary: 'The person’s planning meetings, with the PLAN-1 status', params: PersonParams, querystring: PageQuery, response: responses(200, 'The meetings', MeetingList, [...READ, 422]) } }, async (request) =>
    services.planning.list(actorOf(request), id(request), request.query),
  );
  api.patch(
    '/people/:id/planning-meetings/:meetingId',
    { config: { personVisibilityInUseCase: true }, schema: { tags: tags('Planning'), summary: 'Record the meeting held, attendance and apologies, the person’s views and the minutes', params: PersonParams.extend({ meetingId: z.string() }), headers: IfMatch, body: MeetingUpdateInput, response: responses(200, 'The meeting as changed', Meeting, WRITE) } },
    async (request) => services.planning.update(actorOf(request), id(request), param(request, 'meetingId'), ifMatch(request), request.body),
  );
  api.get('/planning/tasks', { schema: { tags: tags('Planning'), summary: 'People whose latest episode needs a planning meeting (PLAN-1): the organisation’s and the caller’s caseload', querystring: PlanningTasksQueryInput, response: responses(200, 'The planning tasks', Tasks, [400, 401, 403, 422]) } }, async (request) =>
    services.planning.tasks(actorOf(request), request.query ?? {}),
  );

  // ---- Advocacy (ADV-1 to ADV-4) ------------------------------------------------------------
  api.get('/people/:id/advocacy/imha-eligibility', { config: { personVisibilityInUseCase: true }, schema: { tags: tags('Advocacy'), summary: 'Whether the person qualifies for an IMHA on a date, and why (ADV-1)', params: PersonParams, querystring: ImhaQueryInput, response: responses(200, 'IMHA eligibility', Imha, [...READ, 422]) } }, async (request) =>
    services.advocacy.imhaEligibility(actorOf(request), id(request), request.query ?? {}),
  );
  api.get('/people/:id/advocacy-referrals', { config: { personVisibilityInUseCase: true }, schema: { tags: tags('Advocacy'), summary: 'Advocacy referrals', params: PersonParams, querystring: PageQuery, response: responses(200, 'The referrals', ReferralList, [...READ, 422]) } }, async (request) =>
    services.advocacy.listReferrals(actorOf(request), id(request), request.query),
  );
  api.post('/people/:id/advocacy-referrals', { config: { personVisibilityInUseCase: true }, schema: { tags: tags('Advocacy'), summary: 'Record a referral to an IMHA, Care Act advocate, IMCA or general advocacy', params: PersonParams, body: ReferralInput, response: responses(201, 'The referral', Referral, WRITE) } }, async (request, reply) =>
    reply.status(201).send(await services.advocacy.createReferral(actorOf(request), id(request), request.body)),
  );
  api.patch(
    '/people/:id/advocacy-referrals/:referralId',
    { config: { personVisibilityInUseCase: true }, schema: { tags: tags('Advocacy'), summary: 'Record the outcome, the advocate’s involvement or the records-access decision (ADV-3)', params: PersonParams.extend({ referralId: z.string() }), headers: IfMatch, body: ReferralUpdateInput, response: responses(200, 'The referral as changed', Referral, WRITE) } },
    async (request) => services.advocacy.updateReferral(actorOf(request), id(request), param(request, 'referralId'), ifMatch(request), request.body),
  );

  // ---- Tribunal recommendations (MHA25-1) ---------------------------------------------------
  api.get('/people/:id/tribunal-recommendations', { config: { personVisibilityInUseCase: true }, schema: { tags: tags('Advocacy'), summary: 'Tribunal aftercare recommendations and responses (MHA25-1)', params: PersonParams, querystring: PageQuery, response: responses(200, 'The recommendations', RecommendationList, [...READ, 422]) } }, async (request) =>
    services.advocacy.listRecommendations(actorOf(request), id(request), request.query),
  );
  api.post('/people/:id/tribunal-recommendations', { config: { personVisibilityInUseCase: true }, schema: { tags: tags('Advocacy'), summary: 'Record a tribunal’s aftercare recommendation (MHA25-1)', params: PersonParams, body: TribunalRecommendationInput, response: responses(201, 'The recommendation', Recommendation, WRITE) } }, async (request, reply) =>
    reply.status(201).send(await services.advocacy.createRecommendation(actorOf(request), id(request), request.body)),
  );
  api.patch(
    '/people/:id/tribunal-recommendations/:recommendationId',
    { config: { personVisibilityInUseCase: true }, schema: { tags: tags('Advocacy'), summary: 'Record the response to a tribunal recommendation (MHA25-1)', params: PersonParams.extend({ recommendationId: z.string() }), headers: IfMatch, body: TribunalResponseInput, response: responses(200, 'The recommendation with the response', Recommendation, WRITE) } },
    async (request) => services.advocacy.respondToRecommendation(actorOf(request), id(request), param(request, 'recommendationId'), ifMatch(request), request.body),
  );
}
