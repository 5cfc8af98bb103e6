// Top-up agreements for preferred accommodation (CHG-3): the JSON routes, which translate HTTP to
// the top-ups service.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../services/index.ts';
import { TopUpCreateInput, TopUpUpdateInput } from '../../services/top-ups/top-ups-inputs.ts';
import { Id, IfMatch, IsoDate, list, MONEY_TAGS, params, Pence, PersonParams, READ, WRITE } from './money-common.ts';
import { actorOf, ifMatch } from './request.ts';
import { responses } from './schemas.ts';
import { TOP_UP_PAYER_KINDS, TOP_UP_STATUSES } from '../../domain/top-ups.ts';

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
  payer: z.object({ kind: z.enum(TOP_UP_PAYER_KINDS), relationship: z.string().nullable() }).nullable(),
  signedOn: IsoDate.nullable(),
  refusedOn: IsoDate.nullable(),
  refusalReasons: z.string().nullable(),
  status: z.enum(TOP_UP_STATUSES),
  missingBeforeSigning: z.array(z.object({ field: z.string(), message: z.string(), rule: z.string().optional() })),
});
const TopUpParams = PersonParams.extend({ topUpId: z.string() });

export function registerTopUpsApi(api: FastifyInstance, services: Services): void {
  const topUps = services.topUps;

  api.get('/people/:id/top-ups', { config: { personVisibilityInUseCase: true }, schema: { tags: MONEY_TAGS, summary: 'Top-up agreements for preferred accommodation (CHG-3)', params: PersonParams, response: responses(200, 'The agreements', list(TopUpSchema), READ) } }, async (request) => topUps.listTopUps(actorOf(request), params(request).id));
  api.post('/people/:id/top-ups', { config: { personVisibilityInUseCase: true }, schema: { tags: MONEY_TAGS, summary: 'Record a preference for accommodation with a top-up (CHG-3)', params: PersonParams, body: TopUpCreateInput, response: responses(201, 'The agreement', TopUpSchema, WRITE) } }, async (request, reply) =>
    reply.status(201).send(await topUps.createTopUp(actorOf(request), params(request).id, request.body)),
  );
  const TopUpPatch = TopUpUpdateInput.extend({ id: z.string().describe('The agreement’s id') });
  api.patch('/people/:id/top-ups', { config: { personVisibilityInUseCase: true }, schema: { tags: MONEY_TAGS, summary: 'Change, sign or refuse (with written reasons) a top-up agreement (CHG-3); the body names the agreement', params: PersonParams, headers: IfMatch, body: TopUpPatch, response: responses(200, 'The agreement', TopUpSchema, WRITE) } }, async (request) => {
    const body = (request.body ?? {}) as { id?: unknown };
    return topUps.updateTopUp(actorOf(request), params(request).id, typeof body.id === 'string' ? body.id : '', ifMatch(request), request.body);
  });
  api.patch('/people/:id/top-ups/:topUpId', { config: { personVisibilityInUseCase: true }, schema: { tags: MONEY_TAGS, summary: 'Change, sign or refuse a top-up agreement (CHG-3)', params: TopUpParams, headers: IfMatch, body: TopUpUpdateInput, response: responses(200, 'The agreement', TopUpSchema, WRITE) } }, async (request) =>
    topUps.updateTopUp(actorOf(request), params(request).id, params(request).topUpId, ifMatch(request), request.body),
  );
}
