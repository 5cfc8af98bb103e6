// Services, funding policies, direct payments and personal health budgets, and the finance export
// (api-contract: "Plans, services, reviews"; issue 4).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ACCOMMODATION_TYPES, BUDGET_KINDS, CARE_TYPES, ENHANCED_FEATURES, RENT_DECISIONS } from '../../domain/care-services.ts';
import { SERVICE_CATEGORIES } from '../../domain/funding.ts';
import type { Services } from '../../services/index.ts';
import { AUTHORISED_RELATIONSHIPS, CAPACITY, CARE_PLAN_PARTS, REVIEW_TRIGGERS } from '../../domain/budgets.ts';
import {
  BudgetCreateInput,
  BudgetEndInput,
  BudgetReductionInput,
  BudgetReviewInput,
  BudgetReviewTriggerInput,
  BudgetUpdateInput,
  PageQuery,
  FundingPolicyInput,
  FundingPolicyQuery,
  ServiceConfirmInput,
  ServiceCreateInput,
  ServiceEndInput,
  ServiceUpdateInput,
} from '../../services/care-services/care-services-inputs.ts';
import { actorOf, ifMatch } from './people.ts';
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
  moneyVisible: z.boolean(),
  weeklyCostPence: Pence,
  weeklyShares: z.object({ localAuthorityPence: z.number().int(), icbPence: z.number().int() }).nullable().describe('Add up exactly to weeklyCostPence (largest remainder, local authority first)'),
  personContributionPence: Pence,
  startDate: IsoDate,
  endDate: IsoDate.nullable(),
  confirmedOn: IsoDate.nullable().describe('PLAN-7: planned until set'),
  status: z.enum(['planned', 'confirmed', 'ended']),
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

export const FundingPolicySchema = z.object({
  id: Id,
  version: z.number().int(),
  partnershipName: z.string(),
  localAuthority: z.string(),
  icb: z.string(),
  effectiveFrom: IsoDate,
  splits: z.record(z.string(), Split),
  notes: z.string().nullable(),
  createdBy: Id,
  createdAt: z.string(),
});

export const BudgetSchema = z.object({
  id: Id,
  personId: Id,
  version: z.number().int(),
  kind: z.enum(BUDGET_KINDS),
  holderBody: z.enum(['local-authority', 'icb']).describe('DP-3'),
  holderCode: z.string().nullable(),
  serviceIds: z.array(Id),
  payeeRelationship: z.string(),
  payeeLivesInSameHousehold: z.boolean(),
  necessityReason: z.string().nullable(),
  startDate: IsoDate,
  endDate: IsoDate.nullable(),
  offeredOn: IsoDate.nullable(),
  moneyVisible: z.boolean(),
  amountPencePerWeek: Pence,
  endReason: z.string().nullable(),
  drugOrAlcoholRequirement: z.boolean().describe('DP-1(a)'),
  capacity: z.enum(CAPACITY).describe('DP-1(c), DP-2'),
  consents: z.boolean().nullable().describe('DP-2'),
  authorisedPerson: z.object({ name: z.string(), relationship: z.enum(AUTHORISED_RELATIONSHIPS) }).nullable().describe('DP-1(c) authorised person, DP-2 representative'),
  consultationRecordedOn: IsoDate.nullable(),
  enhancedDbsCheckedOn: IsoDate.nullable(),
  carePlan: z
    .object({
      healthNeedsAndOutcomes: z.string().nullable(),
      services: z.string().nullable(),
      amountAndPaymentIntervals: z.string().nullable(),
      careCoordinator: z.string().nullable(),
      conditionMonitoring: z.string().nullable(),
      firstReviewOn: IsoDate.nullable(),
      reductionNoticeDays: z.number().int().nullable(),
    })
    .nullable()
    .describe('DP-2'),
  carePlanMissing: z.array(z.enum(CARE_PLAN_PARTS)).describe('DP-2: parts of a health budget’s care plan still missing'),
  payingFrom: IsoDate.nullable(),
  refusedOn: IsoDate.nullable(),
  refusalReasons: z.string().nullable(),
  reductions: z.array(z.object({ id: Id, previousAmountPencePerWeek: Pence, newAmountPencePerWeek: Pence, noticeGivenOn: IsoDate, effectiveOn: IsoDate, furtherReviewRequestedOn: IsoDate.nullable() })).describe('DP-2'),
  reviewTriggers: z.array(z.object({ id: Id, kind: z.enum(REVIEW_TRIGGERS), occurredOn: IsoDate })).describe('DP-1(d)'),
  reviews: z.array(z.object({ id: Id, heldOn: IsoDate, reason: z.string() })),
  reviewDueOn: IsoDate.nullable().describe('DP-1(d): 6 months after a direct payment starts; DP-2: 3 months after a health budget starts; then 12 months after the last review'),
  reviewOverdue: z.boolean(),
});

const PersonParams = z.object({ id: z.string().describe('The person’s id (UUID)') });
const ServiceParams = PersonParams.extend({ serviceId: z.string() });
const BudgetParams = PersonParams.extend({ budgetId: z.string() });
const IfMatch = z.object({ 'if-match': z.string().optional().describe('The version being changed; a stale one is refused with 409') });
const READ = [400, 401, 403, 404] as const;
const WRITE = [400, 401, 403, 404, 409, 413, 422] as const;

export function registerCareServicesApi(api: FastifyInstance, services: Services): void {
  const tags = ['Services and funding'];
  const p = (request: FastifyRequest) => request.params as { id: string; serviceId: string; budgetId: string };

  api.get('/people/:id/services', { schema: { tags, summary: 'A person’s services', params: PersonParams, querystring: PageQuery, response: responses(200, 'The services; amounts are null for a caller who may not see money', ServiceListSchema, [...READ, 422]) } }, async (request) =>
    services.careServices.list(actorOf(request), p(request).id, request.query),
  );

  api.post(
    '/people/:id/services',
    { schema: { tags, summary: 'Record a service (SCOPE-1 to SCOPE-5, CHG-1, RESP-1, RESP-7, DP-3)', params: PersonParams, body: ServiceCreateInput, response: responses(201, 'The service', ServiceSchema, WRITE) } },
    async (request, reply) => reply.status(201).send(await services.careServices.create(actorOf(request), p(request).id, request.body)),
  );

  api.get('/people/:id/services/:serviceId', { schema: { tags, summary: 'A service', params: ServiceParams, response: responses(200, 'The service', ServiceSchema, READ) } }, async (request) =>
    services.careServices.get(actorOf(request), p(request).id, p(request).serviceId),
  );

  api.patch(
    '/people/:id/services/:serviceId',
    { schema: { tags, summary: 'Change a service', params: ServiceParams, headers: IfMatch, body: ServiceUpdateInput, response: responses(200, 'The service as changed', ServiceSchema, WRITE) } },
    async (request) => services.careServices.update(actorOf(request), p(request).id, p(request).serviceId, ifMatch(request), request.body),
  );

  api.post(
    '/people/:id/services/:serviceId/confirm',
    { schema: { tags, summary: 'Confirm a planned service (PLAN-7)', params: ServiceParams, headers: IfMatch, body: ServiceConfirmInput.optional(), response: responses(200, 'The service, confirmed', ServiceSchema, WRITE) } },
    async (request) => services.careServices.confirm(actorOf(request), p(request).id, p(request).serviceId, ifMatch(request), request.body ?? {}),
  );

  api.post(
    '/people/:id/services/:serviceId/end',
    { schema: { tags, summary: 'End a service', params: ServiceParams, headers: IfMatch, body: ServiceEndInput, response: responses(200, 'The service, ended', ServiceSchema, WRITE) } },
    async (request) => services.careServices.end(actorOf(request), p(request).id, p(request).serviceId, ifMatch(request), request.body),
  );

  api.get('/funding-policies', { schema: { tags, summary: 'Joint funding policies, every version (RESP-7)', querystring: FundingPolicyQuery, response: responses(200, 'The policies', z.object({ items: z.array(FundingPolicySchema), nextCursor: z.string().nullable() }), [400, 401, 403, 422]) } }, async (request) =>
    services.fundingPolicies.list(actorOf(request), request.query),
  );

  api.post(
    '/funding-policies',
    { schema: { tags, summary: 'A new version of a partnership’s joint funding policy (RESP-7)', body: FundingPolicyInput, response: responses(201, 'The new version', FundingPolicySchema, [400, 401, 403, 409, 413, 422]) } },
    async (request, reply) => reply.status(201).send(await services.fundingPolicies.create(actorOf(request), request.body)),
  );

  api.get(
    '/people/:id/budgets',
    { schema: { tags, summary: 'Direct payments and personal health budgets', params: PersonParams, querystring: PageQuery, response: responses(200, 'The budgets, by start date', z.object({ items: z.array(BudgetSchema), nextCursor: z.string().nullable() }), [...READ, 422]) } },
    async (request) => services.budgets.list(actorOf(request), p(request).id, request.query),
  );

  api.get('/people/:id/budgets/:budgetId', { schema: { tags, summary: 'A budget', params: BudgetParams, response: responses(200, 'The budget', BudgetSchema, READ) } }, async (request) =>
    services.budgets.get(actorOf(request), p(request).id, p(request).budgetId),
  );

  api.patch(
    '/people/:id/budgets/:budgetId',
    { schema: { tags, summary: 'Change a budget (every DP rule is checked again)', params: BudgetParams, headers: IfMatch, body: BudgetUpdateInput, response: responses(200, 'The budget as changed', BudgetSchema, WRITE) } },
    async (request) => services.budgets.update(actorOf(request), p(request).id, p(request).budgetId, ifMatch(request), request.body),
  );

  api.post(
    '/people/:id/budgets/:budgetId/end',
    { schema: { tags, summary: 'End a budget on a date, with the reason', params: BudgetParams, headers: IfMatch, body: BudgetEndInput, response: responses(200, 'The budget, ended', BudgetSchema, WRITE) } },
    async (request) => services.budgets.end(actorOf(request), p(request).id, p(request).budgetId, ifMatch(request), request.body),
  );

  api.post(
    '/people/:id/budgets/:budgetId/reductions',
    { schema: { tags, summary: 'Reduce or stop a budget after written notice (DP-2)', params: BudgetParams, headers: IfMatch, body: BudgetReductionInput, response: responses(201, 'The budget with its reductions', BudgetSchema, WRITE) } },
    async (request, reply) => reply.status(201).send(await services.budgets.recordReduction(actorOf(request), p(request).id, p(request).budgetId, ifMatch(request), request.body)),
  );

  api.post(
    '/people/:id/budgets/:budgetId/review-triggers',
    { schema: { tags, summary: 'A suspected breach or a change in capacity: a review is due now (DP-1(d))', params: BudgetParams, body: BudgetReviewTriggerInput, response: responses(201, 'The budget with its review now due', BudgetSchema, WRITE) } },
    async (request, reply) => reply.status(201).send(await services.budgets.recordReviewTrigger(actorOf(request), p(request).id, p(request).budgetId, request.body)),
  );

  api.post(
    '/people/:id/budgets',
    { schema: { tags, summary: 'Record a direct payment or personal health budget (DP-1 to DP-3)', params: PersonParams, body: BudgetCreateInput, response: responses(201, 'The budget', BudgetSchema, WRITE) } },
    async (request, reply) => reply.status(201).send(await services.budgets.create(actorOf(request), p(request).id, request.body)),
  );

  api.post(
    '/people/:id/budgets/:budgetId/reviews',
    { schema: { tags, summary: 'Record a review of a budget (DP-1(d), DP-2)', params: BudgetParams, body: BudgetReviewInput, response: responses(201, 'The budget with its reviews and next review date', BudgetSchema, WRITE) } },
    async (request, reply) => reply.status(201).send(await services.budgets.recordReview(actorOf(request), p(request).id, p(request).budgetId, request.body)),
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
