// Charges a person paid and their refunds with the letter (CHG-2), and the charges import: the JSON
// routes, which translate HTTP to the refunds service.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { REFUND_STATUSES } from '../../domain/refunds.ts';
import type { Services } from '../../services/index.ts';
import { PageQuery } from '../../services/kernel/paging.ts';
import { parseInput } from '../../services/kernel/validation.ts';
import { ChargeImportInput, ChargeInput, RefundApprovalInput, RefundCalculateInput, RefundPaidInput } from '../../services/refunds/refunds-inputs.ts';
import { Id, IfMatch, IsoDate, list, MONEY_TAGS, params, Pence, PersonParams, READ, WRITE } from './money-common.ts';
import { actorOf, ifMatch } from './request.ts';
import { responses } from './schemas.ts';
import { CHARGE_COVERAGES, CHARGE_SOURCES } from '../../domain/refunds.ts';

export const ChargeSchema = z.object({
  id: Id,
  personId: Id,
  periodFrom: IsoDate,
  periodTo: IsoDate,
  amountPence: Pence,
  paidOn: IsoDate,
  description: z.string(),
  serviceId: Id.nullable(),
  source: z.enum(CHARGE_SOURCES),
  importReference: z.string().nullable(),
  insideEntitlement: z.enum(CHARGE_COVERAGES).describe('CHG-2: how much of the period charged falls inside an entitlement'),
  refundId: Id.nullable().describe('The refund the charge is in, if any'),
});

const RefundLineSchema = z.object({
  chargeId: Id,
  description: z.string(),
  serviceId: Id.nullable(),
  chargedFrom: IsoDate,
  chargedTo: IsoDate,
  chargeAmountPence: Pence,
  paidOn: IsoDate,
  periodFrom: IsoDate.describe('The part of the charge inside an entitlement'),
  periodTo: IsoDate,
  days: z.number().int(),
  principalPence: Pence.describe('Pro rata by days (cumulative, rounded down)'),
  interestDays: z.number().int(),
  interestPence: Pence.describe('Simple interest, days/365, nearest penny'),
  totalPence: Pence,
});

export const RefundSchema = z.object({
  id: Id,
  personId: Id,
  version: z.number().int(),
  calculatedOn: IsoDate,
  interestBasisPoints: z.number().int().describe('S117_REFUND_INTEREST_BASIS_POINTS (CHG-2: the basis is UNVERIFIED)'),
  lines: z.array(RefundLineSchema),
  totalPrincipalPence: Pence,
  totalInterestPence: Pence,
  totalPence: Pence.describe('Always the sum of the lines'),
  status: z.enum(REFUND_STATUSES),
  approvedBy: Id.nullable(),
  approvedOn: IsoDate.nullable(),
  paidOn: IsoDate.nullable(),
  paymentMethod: z.string().nullable(),
  letterSentOn: IsoDate.nullable(),
  createdBy: Id,
});

const RefundParams = PersonParams.extend({ refundId: z.string() });

export function registerRefundsApi(api: FastifyInstance, services: Services): void {
  const refunds = services.refunds;

  api.get('/people/:id/charges', { config: { personVisibilityInUseCase: true }, schema: { tags: MONEY_TAGS, summary: 'Charges the person paid, and whether each falls inside an entitlement (CHG-2)', params: PersonParams, querystring: PageQuery, response: responses(200, 'The charges', list(ChargeSchema).extend({ entitlements: z.array(z.object({ from: IsoDate, to: IsoDate })) }), [...READ, 422]) } }, async (request) =>
    refunds.listCharges(actorOf(request), params(request).id, request.query),
  );
  api.post('/people/:id/charges', { config: { personVisibilityInUseCase: true }, schema: { tags: MONEY_TAGS, summary: 'Record a charge the person paid (finance)', params: PersonParams, body: ChargeInput, response: responses(201, 'The charge', ChargeSchema, WRITE) } }, async (request, reply) =>
    reply.status(201).send(await refunds.recordCharge(actorOf(request), params(request).id, request.body)),
  );
  api.post(
    '/finance/charges/import',
    { schema: { tags: MONEY_TAGS, summary: 'Import charges from the finance system’s CSV (header: nhsNumber or personId, periodFrom, periodTo, amountPence, paidOn, description); all or nothing', body: z.object({ csv: z.string(), reference: z.string().optional() }), response: responses(200, 'How many were imported, or the lines refused', z.object({ imported: z.number().int(), errors: z.array(z.object({ line: z.number().int(), field: z.string(), message: z.string() })) }), [400, 401, 403, 413, 422]) } },
    async (request) => {
      const body = parseInput(ChargeImportInput, request.body);
      return refunds.importCharges(actorOf(request), body.csv, { reference: body.reference });
    },
  );

  api.get('/people/:id/refunds', { config: { personVisibilityInUseCase: true }, schema: { tags: MONEY_TAGS, summary: 'The person’s refunds (CHG-2)', params: PersonParams, querystring: PageQuery, response: responses(200, 'The refunds', list(RefundSchema), [...READ, 422]) } }, async (request) => refunds.listRefunds(actorOf(request), params(request).id, request.query));
  api.post('/people/:id/refunds', { config: { personVisibilityInUseCase: true }, schema: { tags: MONEY_TAGS, summary: 'Calculate a refund of charges inside an entitlement, with interest (CHG-2)', params: PersonParams, body: RefundCalculateInput.optional(), response: responses(201, 'The refund, itemised', RefundSchema, WRITE) } }, async (request, reply) =>
    reply.status(201).send(await refunds.calculateRefund(actorOf(request), params(request).id, request.body ?? {})),
  );
  api.get('/people/:id/refunds/:refundId', { config: { personVisibilityInUseCase: true }, schema: { tags: MONEY_TAGS, summary: 'A refund', params: RefundParams, response: responses(200, 'The refund', RefundSchema, READ) } }, async (request) => refunds.getRefund(actorOf(request), params(request).id, params(request).refundId));
  api.post('/people/:id/refunds/:refundId/approval', { config: { personVisibilityInUseCase: true }, schema: { tags: MONEY_TAGS, summary: 'Approve a calculated refund', params: RefundParams, headers: IfMatch, body: RefundApprovalInput.optional(), response: responses(200, 'The refund, approved', RefundSchema, WRITE) } }, async (request) =>
    refunds.approveRefund(actorOf(request), params(request).id, params(request).refundId, ifMatch(request), request.body ?? {}),
  );
  api.post('/people/:id/refunds/:refundId/payment', { config: { personVisibilityInUseCase: true }, schema: { tags: MONEY_TAGS, summary: 'Record that an approved refund was paid', params: RefundParams, headers: IfMatch, body: RefundPaidInput, response: responses(200, 'The refund, paid', RefundSchema, WRITE) } }, async (request) =>
    refunds.markRefundPaid(actorOf(request), params(request).id, params(request).refundId, ifMatch(request), request.body),
  );
  api.get(
    '/people/:id/refunds/:refundId/letter',
    {
      config: { personVisibilityInUseCase: true },
      schema: {
        tags: MONEY_TAGS,
        summary: 'The letter explaining the refund (PDF; ?largePrint=true for large print)',
        params: RefundParams,
        querystring: z.object({ largePrint: z.enum(['true', 'false']).optional() }),
        response: { ...responses(200, 'PDF', z.string(), READ), 200: { description: 'The PDF', content: { 'application/pdf': { schema: z.string().describe('A tagged, accessible PDF') } } } },
      },
    },
    async (request, reply) => {
      const largePrint = (request.query as { largePrint?: string }).largePrint === 'true';
      const body = await refunds.refundLetter(actorOf(request), params(request).id, params(request).refundId, { largePrint });
      return reply.type('application/pdf').header('content-disposition', `inline; filename="refund-letter${largePrint ? '-large-print' : ''}.pdf"`).header('cache-control', 'no-store').send(body);
    },
  );
}
