// What a body paid for a service, the recharge statement and the spend report (RESP-1, RESP-7), as
// JSON and CSV: the routes, which translate HTTP to the recharges service.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { BODY_KINDS } from '../../domain/disputes.ts';
import type { Services } from '../../services/index.ts';
import { PaymentInput, PeriodQuery } from '../../services/recharges/recharges-inputs.ts';
import { csv, CsvResponse, Id, IsoDate, MONEY_TAGS, params, Pence, PersonParams, WRITE } from './money-common.ts';
import { actorOf } from './request.ts';
import { responses } from './schemas.ts';

const PaymentSchema = z.object({ id: Id, serviceId: Id, body: z.enum(BODY_KINDS), organisationCode: z.string(), periodFrom: IsoDate, periodTo: IsoDate, amountPence: Pence, paidOn: IsoDate });

const RechargeLineSchema = z.object({
  serviceId: Id,
  personId: Id,
  nhsNumber: z.string().nullable(),
  localId: z.string().nullable(),
  category: z.string(),
  provider: z.string(),
  startDate: IsoDate.nullable(),
  endDate: IsoDate.nullable(),
  days: z.number().int(),
  costPence: Pence.describe('Weekly cost × days in the period ÷ 7, nearest penny'),
  localAuthorityShare: Pence,
  icbShare: Pence.describe('The two shares add up exactly to costPence'),
  localAuthorityPaid: Pence,
  icbPaid: Pence,
  icbOwesLocalAuthority: Pence.describe('Negative when the local authority owes the ICB'),
  unpaidPence: Pence,
  localAuthorityCode: z.string().nullable().describe('The local authority responsible on these days (RESP-2 to RESP-4)'),
  icbCode: z.string().nullable().describe('The ICB responsible on these days (RESP-5)'),
  responsibleFrom: IsoDate.describe('The first day of the period this line counts for'),
  responsibleTo: IsoDate.describe('The last day of the period this line counts for'),
  localAuthorityName: z.string().nullable().describe('The local authority by name'),
  icbName: z.string().nullable().describe('The ICB by name'),
});
const Totals = z.object({ costPence: Pence, localAuthorityShare: Pence, icbShare: Pence, localAuthorityPaid: Pence, icbPaid: Pence, icbOwesLocalAuthority: Pence, unpaidPence: Pence });
const SpendRowSchema = z.object({ body: z.enum(BODY_KINDS), category: z.string(), provider: z.string(), services: z.number().int(), agreedPence: Pence, paidPence: Pence, organisationCode: z.string().nullable().describe('The body responsible on the days counted'), organisationName: z.string().nullable().describe('That body by name') });
const RechargeStatementSchema = z.object({ from: IsoDate, to: IsoDate, organisationCode: z.string().nullable(), lines: z.array(RechargeLineSchema), totals: Totals, spend: z.array(SpendRowSchema) });
const ServiceParams = PersonParams.extend({ serviceId: z.string() });

export function registerRechargesApi(api: FastifyInstance, services: Services): void {
  const recharges = services.recharges;

  api.post('/people/:id/services/:serviceId/payments', { config: { personVisibilityInUseCase: true }, schema: { tags: MONEY_TAGS, summary: 'Record what a body paid for a service over a period', params: ServiceParams, body: PaymentInput, response: responses(201, 'The payment', PaymentSchema, WRITE) } }, async (request, reply) =>
    reply.status(201).send(await recharges.recordPayment(actorOf(request), params(request).id, params(request).serviceId, request.body)),
  );

  api.get('/finance/recharges', { schema: { tags: MONEY_TAGS, summary: 'The recharge statement for a period (RESP-1, RESP-7)', querystring: PeriodQuery, response: responses(200, 'The statement', RechargeStatementSchema, [400, 401, 403, 422]) } }, async (request) => recharges.recharges(actorOf(request), request.query));
  api.get('/finance/recharges.csv', { schema: { tags: MONEY_TAGS, summary: 'The recharge statement for a period', querystring: PeriodQuery, response: CsvResponse('The recharge statement') } }, async (request, reply) => {
    const q = request.query as { from?: string; to?: string };
    return csv(reply, await recharges.rechargesCsv(actorOf(request), request.query), `s117-recharges-${q.from}-to-${q.to}.csv`);
  });
  api.get('/finance/spend', { schema: { tags: MONEY_TAGS, summary: 'Spend by body, category and provider for a period', querystring: PeriodQuery, response: responses(200, 'The spend', z.object({ from: IsoDate, to: IsoDate, organisationCode: z.string().nullable(), items: z.array(SpendRowSchema) }), [400, 401, 403, 422]) } }, async (request) =>
    recharges.spend(actorOf(request), request.query),
  );
  api.get('/finance/spend.csv', { schema: { tags: MONEY_TAGS, summary: 'Spend by body, category and provider for a period', querystring: PeriodQuery, response: CsvResponse('The spend report') } }, async (request, reply) => {
    const q = request.query as { from?: string; to?: string };
    return csv(reply, await recharges.spendCsv(actorOf(request), request.query), `s117-spend-${q.from}-to-${q.to}.csv`);
  });
}
