// Disputes between the responsible bodies (RESP-6): the JSON routes, which translate HTTP to the
// disputes service.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { BODY_KINDS, DISPUTE_SUBJECTS } from '../../domain/disputes.ts';
import type { Services } from '../../services/index.ts';
import { DisputeCreateInput, DisputeUpdateInput } from '../../services/disputes/disputes-inputs.ts';
import { Id, IfMatch, IsoDate, list, MONEY_TAGS, params, PersonParams, READ, WRITE } from './money-common.ts';
import { actorOf, ifMatch } from './request.ts';
import { responses } from './schemas.ts';
import { DISPUTE_KINDS, DISPUTE_STATUSES } from '../../domain/disputes.ts';

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
  kind: z.enum(DISPUTE_KINDS),
  status: z.enum(DISPUTE_STATUSES),
  statutoryClocks: z.boolean().describe('RESP-6: ordinary-residence disputes between local authorities'),
  referralDueOn: IsoDate.nullable().describe('4 months after the dispute was raised'),
  referralOverdue: z.boolean(),
  legalArgumentsDueOn: IsoDate.nullable().describe('14 days after referral'),
  legalArgumentsDue: z.boolean(),
  personNotTold: z.boolean(),
});

export function registerDisputesApi(api: FastifyInstance, services: Services): void {
  const disputes = services.disputes;

  api.get('/disputes', { schema: { tags: MONEY_TAGS, summary: 'Disputes the caller’s organisation is in, with their deadlines (RESP-6)', response: responses(200, 'The disputes', list(DisputeSchema).extend({ overdue: z.number().int() }), [401, 403]) } }, async (request) => disputes.listDisputes(actorOf(request)));
  api.get('/people/:id/disputes', { config: { personVisibilityInUseCase: true }, schema: { tags: MONEY_TAGS, summary: 'The person’s disputes (RESP-6)', params: PersonParams, response: responses(200, 'The disputes', list(DisputeSchema), READ) } }, async (request) => disputes.listPersonDisputes(actorOf(request), params(request).id));
  api.post('/people/:id/disputes', { config: { personVisibilityInUseCase: true }, schema: { tags: MONEY_TAGS, summary: 'Raise a dispute; the interim funder is required (RESP-6)', params: PersonParams, body: DisputeCreateInput, response: responses(201, 'The dispute', DisputeSchema, WRITE) } }, async (request, reply) =>
    reply.status(201).send(await disputes.raiseDispute(actorOf(request), params(request).id, request.body)),
  );
  api.patch('/people/:id/disputes', { config: { personVisibilityInUseCase: true }, schema: { tags: MONEY_TAGS, summary: 'Refer, resolve or record that the person was told (RESP-6); the body names the dispute', params: PersonParams, headers: IfMatch, body: DisputeUpdateInput, response: responses(200, 'The dispute', DisputeSchema, WRITE) } }, async (request) =>
    disputes.updateDispute(actorOf(request), params(request).id, ifMatch(request), request.body),
  );
}
