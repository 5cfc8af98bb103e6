// Direct payments and personal health budgets (DP-1 to DP-3), their reviews, reductions and review
// triggers (api-contract: "Plans, services, reviews").
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AUTHORISED_RELATIONSHIPS, CAPACITY, CARE_PLAN_PARTS, REVIEW_TRIGGERS } from '../../domain/budgets.ts';
import { BUDGET_KINDS } from '../../domain/care-services.ts';
import type { Services } from '../../services/index.ts';
import { BudgetCreateInput, BudgetEndInput, BudgetReductionInput, BudgetReviewInput, BudgetReviewTriggerInput, BudgetUpdateInput } from '../../services/budgets/budgets-inputs.ts';
import { PageQuery } from '../../services/kernel/paging.ts';
import { actorOf, ifMatch } from './request.ts';
import { responses } from './schemas.ts';
import { BODIES } from '../../domain/bodies.ts';

const Id = z.string().describe('UUID');
const IsoDate = z.string().describe('A UK date, YYYY-MM-DD');
const Pence = z.number().int().nullable().describe('Integer pence; null when the caller may not see money');

export const BudgetSchema = z.object({
  id: Id,
  personId: Id,
  version: z.number().int(),
  kind: z.enum(BUDGET_KINDS),
  holderBody: z.enum(BODIES).describe('DP-3'),
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
const BudgetParams = PersonParams.extend({ budgetId: z.string() });
const IfMatch = z.object({ 'if-match': z.string().optional().describe('The version being changed; a stale one is refused with 409') });
const READ = [400, 401, 403, 404] as const;
const WRITE = [400, 401, 403, 404, 409, 413, 422] as const;

export function registerBudgetsApi(api: FastifyInstance, services: Services): void {
  const tags = ['Services and funding'];
  const p = (request: FastifyRequest) => request.params as { id: string; budgetId: string };

  api.get(
    '/people/:id/budgets',
    { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Direct payments and personal health budgets', params: PersonParams, querystring: PageQuery, response: responses(200, 'The budgets, by start date', z.object({ items: z.array(BudgetSchema), nextCursor: z.string().nullable() }), [...READ, 422]) } },
    async (request) => services.budgets.list(actorOf(request), p(request).id, request.query),
  );

  api.get('/people/:id/budgets/:budgetId', { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'A budget', params: BudgetParams, response: responses(200, 'The budget', BudgetSchema, READ) } }, async (request) =>
    services.budgets.get(actorOf(request), p(request).id, p(request).budgetId),
  );

  api.patch(
    '/people/:id/budgets/:budgetId',
    { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Change a budget (every DP rule is checked again)', params: BudgetParams, headers: IfMatch, body: BudgetUpdateInput, response: responses(200, 'The budget as changed', BudgetSchema, WRITE) } },
    async (request) => services.budgets.update(actorOf(request), p(request).id, p(request).budgetId, ifMatch(request), request.body),
  );

  api.post(
    '/people/:id/budgets/:budgetId/end',
    { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'End a budget on a date, with the reason', params: BudgetParams, headers: IfMatch, body: BudgetEndInput, response: responses(200, 'The budget, ended', BudgetSchema, WRITE) } },
    async (request) => services.budgets.end(actorOf(request), p(request).id, p(request).budgetId, ifMatch(request), request.body),
  );

  api.post(
    '/people/:id/budgets/:budgetId/reductions',
    { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Reduce or stop a budget after written notice (DP-2)', params: BudgetParams, headers: IfMatch, body: BudgetReductionInput, response: responses(201, 'The budget with its reductions', BudgetSchema, WRITE) } },
    async (request, reply) => reply.status(201).send(await services.budgets.recordReduction(actorOf(request), p(request).id, p(request).budgetId, ifMatch(request), request.body)),
  );

  api.post(
    '/people/:id/budgets/:budgetId/review-triggers',
    { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'A suspected breach or a change in capacity: a review is due now (DP-1(d))', params: BudgetParams, body: BudgetReviewTriggerInput, response: responses(201, 'The budget with its review now due', BudgetSchema, WRITE) } },
    async (request, reply) => reply.status(201).send(await services.budgets.recordReviewTrigger(actorOf(request), p(request).id, p(request).budgetId, request.body)),
  );

  api.post(
    '/people/:id/budgets',
    { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Record a direct payment or personal health budget (DP-1 to DP-3)', params: PersonParams, body: BudgetCreateInput, response: responses(201, 'The budget', BudgetSchema, WRITE) } },
    async (request, reply) => reply.status(201).send(await services.budgets.create(actorOf(request), p(request).id, request.body)),
  );

  api.post(
    '/people/:id/budgets/:budgetId/reviews',
    { config: { personVisibilityInUseCase: true }, schema: { tags, summary: 'Record a review of a budget (DP-1(d), DP-2)', params: BudgetParams, body: BudgetReviewInput, response: responses(201, 'The budget with its reviews and next review date', BudgetSchema, WRITE) } },
    async (request, reply) => reply.status(201).send(await services.budgets.recordReview(actorOf(request), p(request).id, p(request).budgetId, request.body)),
  );
}
