// Charges and refunds (CHG-2), top-ups (CHG-3), disputes (RESP-6), payments, the recharge statement
// and spend report (RESP-1, RESP-7): the JSON routes, which translate HTTP to the money services.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { BODY_KINDS, DISPUTE_SUBJECTS } from '../../domain/disputes.ts';
import type { Services } from '../../services/index.ts';
import { DisputeCreateInput, DisputeUpdateInput } from '../../services/disputes/disputes-inputs.ts';
import { PaymentInput, PeriodQuery } from '../../services/recharges/recharges-inputs.ts';
import { ChargeImportInput, ChargeInput, RefundApprovalInput, RefundCalculateInput, RefundPaidInput } from '../../services/refunds/refunds-inputs.ts';
import { TopUpCreateInput, TopUpUpdateInput } from '../../services/top-ups/top-ups-inputs.ts';
import { actorOf, ifMatch } from './people.ts';
import { responses } from './schemas.ts';
import { PageQuery } from '../../services/kernel/paging.ts';
import { parseInput } from '../../services/kernel/validation.ts';

const Id = z.string().describe('UUID');
const IsoDate = z.string().describe('A UK date, YYYY-MM-DD');
const Pence = z.number().int().describe('Integer pence');

export const ChargeSchema = z.object({
  id: Id,
  personId: Id,
  periodFrom: IsoDate,
  periodTo: IsoDate,
  amountPence: Pence,
  paidOn: IsoDate,
  description: z.string(),
  serviceId: Id.nullable(),
  source: z.enum(['manual', 'import']),
  importReference: z.string().nullable(),
  insideEntitlement: z.enum(['whole', 'part', 'none']).describe('CHG-2: how much of the period charged falls inside an entitlement'),
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
  status: z.enum(['calculated', 'approved', 'paid']),
  approvedBy: Id.nullable(),
  approvedOn: IsoDate.nullable(),
  paidOn: IsoDate.nullable(),
  paymentMethod: z.string().nullable(),
  letterSentOn: IsoDate.nullable(),
  createdBy: Id,
});

const YesNo = z.boolean().nullable();
export const TopUpSchema = z.object({
  id: Id,
  personId: Id,
  serviceId: Id,
  version: z.number().int(),
  preferredAccommodation: z.string(),
  conditions: z.object({ aged18OrOver: YesNo, accommodationType: z.string().nullable(), sameTypeAsDecided: YesNo, suitable: YesNo, available: YesNo, providerAcceptsTerms: YesNo }).describe('CHG-3: reg 4'),
  terms: z.object({
    additionalCostPencePerWeek: Pence.nullable(),
    localAuthorityPaysPencePerWeek: Pence.nullable(),
    paymentFrequency: z.string().nullable(),
    payee: z.string().nullable(),
    reviewProvision: z.string().nullable(),
    consequencesOfStoppingPayment: z.string().nullable(),
    consequencesOfPriceRise: z.string().nullable(),
    consequencesOfMeansChange: z.string().nullable(),
  }).describe('CHG-3: the written agreement (amounts null for a caller who may not see money)'),
  moneyVisible: z.boolean(),
  payer: z.object({ kind: z.enum(['person', 'third-party']), relationship: z.string().nullable() }).nullable(),
  signedOn: IsoDate.nullable(),
  refusedOn: IsoDate.nullable(),
  refusalReasons: z.string().nullable(),
  status: z.enum(['draft', 'signed', 'refused']),
  missingBeforeSigning: z.array(z.object({ field: z.string(), message: z.string(), rule: z.string().optional() })),
});

const Party = z.object({ kind: z.enum(BODY_KINDS), code: z.string() });
export const DisputeSchema = z.object({
  id: Id,
  personId: Id,
  version: z.number().int(),
  partyA: Party,
  partyB: Party,
  subject: z.enum(DISPUTE_SUBJECTS),
  details: z.string().nullable(),
  interimFunderCode: z.string().describe('RESP-6: who pays while the dispute lasts'),
  raisedOn: IsoDate,
  referredOn: IsoDate.nullable(),
  personToldOn: IsoDate.nullable(),
  resolvedOn: IsoDate.nullable(),
  resolution: z.string().nullable(),
  kind: z.enum(['la-v-la', 'la-v-icb', 'icb-v-icb']),
  status: z.enum(['open', 'referred', 'resolved']),
  statutoryClocks: z.boolean().describe('RESP-6: ordinary-residence disputes between local authorities'),
  referralDueOn: IsoDate.nullable().describe('4 months after the dispute was raised'),
  referralOverdue: z.boolean(),
  legalArgumentsDueOn: IsoDate.nullable().describe('14 days after referral'),
  legalArgumentsDue: z.boolean(),
  personNotTold: z.boolean(),
});

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
});
const Totals = z.object({ costPence: Pence, localAuthorityShare: Pence, icbShare: Pence, localAuthorityPaid: Pence, icbPaid: Pence, icbOwesLocalAuthority: Pence, unpaidPence: Pence });
const SpendRowSchema = z.object({ body: z.enum(BODY_KINDS), category: z.string(), provider: z.string(), services: z.number().int(), agreedPence: Pence, paidPence: Pence });
const RechargeStatementSchema = z.object({ from: IsoDate, to: IsoDate, organisationCode: z.string().nullable(), lines: z.array(RechargeLineSchema), totals: Totals, spend: z.array(SpendRowSchema) });

const PersonParams = z.object({ id: z.string().describe('The person’s id (UUID)') });
const RefundParams = PersonParams.extend({ refundId: z.string() });
const TopUpParams = PersonParams.extend({ topUpId: z.string() });
const ServiceParams = PersonParams.extend({ serviceId: z.string() });
const IfMatch = z.object({ 'if-match': z.string().optional().describe('The version being changed; a stale one is refused with 409') });
const READ = [400, 401, 403, 404] as const;
const WRITE = [400, 401, 403, 404, 409, 413, 422] as const;
const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

function csv(reply: FastifyReply, body: string, name: string) {
  return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store').send(body);
}
const CsvResponse = (summary: string) => ({ ...responses(200, 'CSV', z.string(), [400, 401, 403, 422]), 200: { description: `${summary} (CSV, RFC 4180, with a header row)`, content: { 'text/csv': { schema: z.string() } } } });

export function registerMoneyApi(api: FastifyInstance, services: Services): void {
  const tags = ['Charges, refunds, top-ups, disputes and recharges'];
  const p = (request: FastifyRequest) => request.params as { id: string; refundId: string; topUpId: string; serviceId: string };
  const money = services.money;

  api.get('/people/:id/charges', { schema: { tags, summary: 'Charges the person paid, and whether each falls inside an entitlement (CHG-2)', params: PersonParams, querystring: PageQuery, response: responses(200, 'The charges', list(ChargeSchema).extend({ entitlements: z.array(z.object({ from: IsoDate, to: IsoDate })) }), [...READ, 422]) } }, async (request) =>
    money.listCharges(actorOf(request), p(request).id, request.query),
  );
  api.post('/people/:id/charges', { schema: { tags, summary: 'Record a charge the person paid (finance)', params: PersonParams, body: ChargeInput, response: responses(201, 'The charge', ChargeSchema, WRITE) } }, async (request, reply) =>
    reply.status(201).send(await money.recordCharge(actorOf(request), p(request).id, request.body)),
  );
  api.post(
    '/finance/charges/import',
    { schema: { tags, summary: 'Import charges from the finance system’s CSV (header: nhsNumber or personId, periodFrom, periodTo, amountPence, paidOn, description); all or nothing', body: z.object({ csv: z.string(), reference: z.string().optional() }), response: responses(200, 'How many were imported, or the lines refused', z.object({ imported: z.number().int(), errors: z.array(z.object({ line: z.number().int(), field: z.string(), message: z.string() })) }), [400, 401, 403, 413, 422]) } },
    async (request) => {
      const body = parseInput(ChargeImportInput, request.body);
      return money.importCharges(actorOf(request), body.csv, { reference: body.reference });
    },
  );

  api.get('/people/:id/refunds', { schema: { tags, summary: 'The person’s refunds (CHG-2)', params: PersonParams, querystring: PageQuery, response: responses(200, 'The refunds', list(RefundSchema), [...READ, 422]) } }, async (request) => money.listRefunds(actorOf(request), p(request).id, request.query));
  api.post('/people/:id/refunds', { schema: { tags, summary: 'Calculate a refund of charges inside an entitlement, with interest (CHG-2)', params: PersonParams, body: RefundCalculateInput.optional(), response: responses(201, 'The refund, itemised', RefundSchema, WRITE) } }, async (request, reply) =>
    reply.status(201).send(await money.calculateRefund(actorOf(request), p(request).id, request.body ?? {})),
  );
  api.get('/people/:id/refunds/:refundId', { schema: { tags, summary: 'A refund', params: RefundParams, response: responses(200, 'The refund', RefundSchema, READ) } }, async (request) => money.getRefund(actorOf(request), p(request).id, p(request).refundId));
  api.post('/people/:id/refunds/:refundId/approval', { schema: { tags, summary: 'Approve a calculated refund', params: RefundParams, headers: IfMatch, body: RefundApprovalInput.optional(), response: responses(200, 'The refund, approved', RefundSchema, WRITE) } }, async (request) =>
    money.approveRefund(actorOf(request), p(request).id, p(request).refundId, ifMatch(request), request.body ?? {}),
  );
  api.post('/people/:id/refunds/:refundId/payment', { schema: { tags, summary: 'Record that an approved refund was paid', params: RefundParams, headers: IfMatch, body: RefundPaidInput, response: responses(200, 'The refund, paid', RefundSchema, WRITE) } }, async (request) =>
    money.markRefundPaid(actorOf(request), p(request).id, p(request).refundId, ifMatch(request), request.body),
  );
  api.get(
    '/people/:id/refunds/:refundId/letter',
    {
      schema: {
        tags,
        summary: 'The letter explaining the refund (PDF; ?largePrint=true for large print)',
        params: RefundParams,
        querystring: z.object({ largePrint: z.enum(['true', 'false']).optional() }),
        response: { ...responses(200, 'PDF', z.string(), READ), 200: { description: 'The PDF', content: { 'application/pdf': { schema: z.string().describe('A tagged, accessible PDF') } } } },
      },
    },
    async (request, reply) => {
      const largePrint = (request.query as { largePrint?: string }).largePrint === 'true';
      const body = await money.refundLetter(actorOf(request), p(request).id, p(request).refundId, { largePrint });
      return reply.type('application/pdf').header('content-disposition', `inline; filename="refund-letter${largePrint ? '-large-print' : ''}.pdf"`).header('cache-control', 'no-store').send(body);
    },
  );

  api.get('/people/:id/top-ups', { schema: { tags, summary: 'Top-up agreements for preferred accommodation (CHG-3)', params: PersonParams, response: responses(200, 'The agreements', list(TopUpSchema), READ) } }, async (request) => money.listTopUps(actorOf(request), p(request).id));
  api.post('/people/:id/top-ups', { schema: { tags, summary: 'Record a preference for accommodation with a top-up (CHG-3)', params: PersonParams, body: TopUpCreateInput, response: responses(201, 'The agreement', TopUpSchema, WRITE) } }, async (request, reply) =>
    reply.status(201).send(await money.createTopUp(actorOf(request), p(request).id, request.body)),
  );
  const TopUpPatch = TopUpUpdateInput.extend({ id: z.string().describe('The agreement’s id') });
  api.patch('/people/:id/top-ups', { schema: { tags, summary: 'Change, sign or refuse (with written reasons) a top-up agreement (CHG-3); the body names the agreement', params: PersonParams, headers: IfMatch, body: TopUpPatch, response: responses(200, 'The agreement', TopUpSchema, WRITE) } }, async (request) => {
    const body = (request.body ?? {}) as { id?: unknown };
    return money.updateTopUp(actorOf(request), p(request).id, typeof body.id === 'string' ? body.id : '', ifMatch(request), request.body);
  });
  api.patch('/people/:id/top-ups/:topUpId', { schema: { tags, summary: 'Change, sign or refuse a top-up agreement (CHG-3)', params: TopUpParams, headers: IfMatch, body: TopUpUpdateInput, response: responses(200, 'The agreement', TopUpSchema, WRITE) } }, async (request) =>
    money.updateTopUp(actorOf(request), p(request).id, p(request).topUpId, ifMatch(request), request.body),
  );

  api.get('/disputes', { schema: { tags, summary: 'Disputes the caller’s organisation is in, with their deadlines (RESP-6)', response: responses(200, 'The disputes', list(DisputeSchema).extend({ overdue: z.number().int() }), [401, 403]) } }, async (request) => money.listDisputes(actorOf(request)));
  api.get('/people/:id/disputes', { schema: { tags, summary: 'The person’s disputes (RESP-6)', params: PersonParams, response: responses(200, 'The disputes', list(DisputeSchema), READ) } }, async (request) => money.listPersonDisputes(actorOf(request), p(request).id));
  api.post('/people/:id/disputes', { schema: { tags, summary: 'Raise a dispute; the interim funder is required (RESP-6)', params: PersonParams, body: DisputeCreateInput, response: responses(201, 'The dispute', DisputeSchema, WRITE) } }, async (request, reply) =>
    reply.status(201).send(await money.raiseDispute(actorOf(request), p(request).id, request.body)),
  );
  api.patch('/people/:id/disputes', { schema: { tags, summary: 'Refer, resolve or record that the person was told (RESP-6); the body names the dispute', params: PersonParams, headers: IfMatch, body: DisputeUpdateInput, response: responses(200, 'The dispute', DisputeSchema, WRITE) } }, async (request) =>
    money.updateDispute(actorOf(request), p(request).id, ifMatch(request), request.body),
  );

  api.post('/people/:id/services/:serviceId/payments', { schema: { tags, summary: 'Record what a body paid for a service over a period', params: ServiceParams, body: PaymentInput, response: responses(201, 'The payment', PaymentSchema, WRITE) } }, async (request, reply) =>
    reply.status(201).send(await money.recordPayment(actorOf(request), p(request).id, p(request).serviceId, request.body)),
  );

  api.get('/finance/recharges', { schema: { tags, summary: 'The recharge statement for a period (RESP-1, RESP-7)', querystring: PeriodQuery, response: responses(200, 'The statement', RechargeStatementSchema, [400, 401, 403, 422]) } }, async (request) => money.recharges(actorOf(request), request.query));
  api.get('/finance/recharges.csv', { schema: { tags, summary: 'The recharge statement for a period', querystring: PeriodQuery, response: CsvResponse('The recharge statement') } }, async (request, reply) => {
    const q = request.query as { from?: string; to?: string };
    return csv(reply, await money.rechargesCsv(actorOf(request), request.query), `s117-recharges-${q.from}-to-${q.to}.csv`);
  });
  api.get('/finance/spend', { schema: { tags, summary: 'Spend by body, category and provider for a period', querystring: PeriodQuery, response: responses(200, 'The spend', z.object({ from: IsoDate, to: IsoDate, organisationCode: z.string().nullable(), items: z.array(SpendRowSchema) }), [400, 401, 403, 422]) } }, async (request) =>
    money.spend(actorOf(request), request.query),
  );
  api.get('/finance/spend.csv', { schema: { tags, summary: 'Spend by body, category and provider for a period', querystring: PeriodQuery, response: CsvResponse('The spend report') } }, async (request, reply) => {
    const q = request.query as { from?: string; to?: string };
    return csv(reply, await money.spendCsv(actorOf(request), request.query), `s117-spend-${q.from}-to-${q.to}.csv`);
  });
}
