// The services a person receives (api-contract: "Plans, services, reviews"), and the finance export of
// the s117 services that must not be charged (CHG-1).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ACCOMMODATION_TYPES, BUDGET_KINDS, CARE_TYPES, ENHANCED_FEATURES, RENT_DECISIONS, SERVICE_STATUSES } from '../../domain/care-services.ts';
import { SERVICE_CATEGORIES } from '../../domain/funding.ts';
import { FUNDING_BODIES } from '../../domain/split-approval.ts';
import type { Services } from '../../services/index.ts';
import { ServiceConfirmInput, ServiceCreateInput, ServiceEndInput, ServiceUpdateInput } from '../../services/care-services/care-services-inputs.ts';
import { PageQuery } from '../../services/kernel/paging.ts';
import { actorOf, ifMatch } from './request.ts';
import { responses } from './schemas.ts';

const Id = z.string().describe('UUID');
const IsoDate = z.string().describe('A UK date, YYYY-MM-DD');
const Pence = z.number().int().nullable().describe('Integer pence; null when the caller may not see money');
const Split = z.object({ localAuthorityPercent: z.number().int(), icbPercent: z.number().int() });

export const ServiceSchema = z.object({
  id: Id,
  personId: Id,
  version: z.number().int(),
  episodeId: z.string().nullable(),
  description: z.string(),
  category: z.enum(SERVICE_CATEGORIES),
  careType: z.enum(CARE_TYPES).describe('SCOPE-3'),
  s117: z.boolean(),
  scope: z.object({ arisesFromMentalDisorder: z.boolean(), reducesRiskOfDeterioration: z.boolean(), rationale: z.string() }).nullable().describe('SCOPE-1'),
  needId: Id.nullable(),
  provider: z.string(),
  funding: Split,
  fundingPolicy: z.object({ id: Id, version: z.number().int(), partnershipName: z.string() }).nullable().describe('RESP-7: the policy version in effect on the start date'),
  fundingOverrideReason: z.string().nullable(),
  splitApproval: z
    .object({
      proposed: Split.describe('The split as recorded'),
      effective: Split.describe('The split that applies (the same as funding): the policy’s until the body whose share rises approves'),
      awaiting: z.enum(FUNDING_BODIES).nullable().describe('The body whose approval is awaited, if any'),
      awaitingOrganisation: z.string().nullable().describe('The code of the organisation whose approver may approve'),
      approved: z.object({ body: z.enum(FUNDING_BODIES), by: Id, at: z.string().describe('ISO 8601 instant') }).nullable(),
    })
    .describe('RESP-7: a split raising a body’s share above the policy’s applies once that body approves it'),
  moneyVisible: z.boolean(),
  weeklyCostPence: Pence,
  weeklyShares: z.object({ localAuthorityPence: z.number().int(), icbPence: z.number().int() }).nullable().describe('Add up exactly to weeklyCostPence (largest remainder, local authority first)'),
  personContributionPence: Pence,
  startDate: IsoDate,
  endDate: IsoDate.nullable(),
  confirmedOn: IsoDate.nullable().describe('PLAN-7: planned until set'),
  status: z.enum(SERVICE_STATUSES),
  accommodation: z
    .object({
      type: z.enum(ACCOMMODATION_TYPES),
      enhancedFeatures: z.array(z.enum(ENHANCED_FEATURES)),
      reason: z.string().nullable().optional(),
      involuntaryPlacement: z.boolean().nullable().optional(),
      rentDecision: z.object({ decision: z.enum(RENT_DECISIONS), reason: z.string(), decidedOn: IsoDate, decidedBy: Id.nullable().optional().describe('The user who recorded the decision') }).nullable().optional(),
    })
    .nullable(),
  rentMayBeBilled: z.boolean().describe('SCOPE-5: never for s117 accommodation without a decision that the person pays'),
  budget: z.enum(BUDGET_KINDS).nullable(),
  prescriptions: z.string().nullable().describe('SCOPE-7 wording for medication'),
  decisionsNeeded: z.array(z.object({ rule: z.string(), text: z.string() })),
});

const ServiceListSchema = z.object({ items: z.array(ServiceSchema), nextCursor: z.string().nullable(), moneyVisible: z.boolean() });

const PersonParams = z.object({ id: z.string().describe('The person’s id (UUID)') });
const ServiceParams = PersonParams.extend({ serviceId: z.string() });
const IfMatch = z.object({ 'if-match': z.string().optional().describe('The version being changed; a stale one is refused with 409') });
const READ = [400, 401, 403, 404] as const;
const WRITE = [400, 401, 403, 404, 409, 413, 422] as const;

export function registerCareServicesApi(api: FastifyInstance, services: Services): void {
  const tags = ['Services and funding'];
  const p = (request: FastifyRequest) => request.params as { id: string; serviceId: string };

  api.get('/people/:id/services', { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'A person’s services', params: PersonParams, querystring: PageQuery, response: responses(200, 'The services; amounts are null for a caller who may not see money', ServiceListSchema, [...READ, 422]) } }, async (request) =>
    services.careServices.list(actorOf(request), p(request).id, request.query),
  );

  api.post(
    '/people/:id/services',
    { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Record a service (SCOPE-1 to SCOPE-5, CHG-1, RESP-1, RESP-7, DP-3)', params: PersonParams, body: ServiceCreateInput, response: responses(201, 'The service', ServiceSchema, WRITE) } },
    async (request, reply) => reply.status(201).send(await services.careServices.create(actorOf(request), p(request).id, request.body)),
  );

  api.get('/people/:id/services/:serviceId', { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'A service', params: ServiceParams, response: responses(200, 'The service', ServiceSchema, READ) } }, async (request) =>
    services.careServices.get(actorOf(request), p(request).id, p(request).serviceId),
  );

  api.patch(
    '/people/:id/services/:serviceId',
    { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Change a service', params: ServiceParams, headers: IfMatch, body: ServiceUpdateInput, response: responses(200, 'The service as changed', ServiceSchema, WRITE) } },
    async (request) => services.careServices.update(actorOf(request), p(request).id, p(request).serviceId, ifMatch(request), request.body),
  );

  api.post(
    '/people/:id/services/:serviceId/confirm',
    { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Confirm a planned service (PLAN-7)', params: ServiceParams, headers: IfMatch, body: ServiceConfirmInput.optional(), response: responses(200, 'The service, confirmed', ServiceSchema, WRITE) } },
    async (request) => services.careServices.confirm(actorOf(request), p(request).id, p(request).serviceId, ifMatch(request), request.body ?? {}),
  );

  api.post(
    '/people/:id/services/:serviceId/split-approval',
    { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Approve a split that raises your body’s share above the joint policy’s (RESP-7)', params: ServiceParams, headers: IfMatch, response: responses(200, 'The service, its split now in effect', ServiceSchema, WRITE) } },
    async (request) => services.careServices.approveSplit(actorOf(request), p(request).id, p(request).serviceId, ifMatch(request)),
  );

  api.post(
    '/people/:id/services/:serviceId/end',
    { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'End a service', params: ServiceParams, headers: IfMatch, body: ServiceEndInput, response: responses(200, 'The service, ended', ServiceSchema, WRITE) } },
    async (request) => services.careServices.end(actorOf(request), p(request).id, p(request).serviceId, ifMatch(request), request.body),
  );

  api.get(
    '/finance/no-charge.csv',
    {
      schema: {
        tags,
        summary: 'CHG-1: every s117 service of the caller’s organisation’s people, which must not be charged (CSV)',
        response: { ...responses(200, 'CSV', z.string(), [401, 403]), 200: { description: 'CSV (RFC 4180) with a header row', content: { 'text/csv': { schema: z.string() } } } },
      },
    },
    async (request, reply) => {
      const { csv } = await services.careServices.noChargeCsv(actorOf(request));
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="s117-no-charge.csv"')
        .header('cache-control', 'no-store')
        .send(csv);
    },
  );

}
