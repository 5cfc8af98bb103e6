// Change notifications (api-contract: "Change notifications"): webhook subscriptions and their deliveries.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SUBSCRIPTION_EVENTS } from '../../domain/notifications.ts';
import type { Services } from '../../services/index.ts';
import { PageQuery } from '../../services/kernel/paging.ts';
import { SubscriptionInput } from '../../services/subscriptions/subscriptions-service.ts';
import { actorOf } from './request.ts';
import { responses } from './schemas.ts';

const READ = [400, 401, 403, 404] as const;
const Instant = z.string().describe('An instant, ISO 8601 with Z');

export const SubscriptionSchema = z.object({ id: z.string(), url: z.string(), events: z.array(z.enum(SUBSCRIPTION_EVENTS)), createdAt: Instant });
const CreatedSchema = SubscriptionSchema.extend({ secret: z.string().describe('The HMAC secret of S117-Signature: shown only now') });
export const DeliverySchema = z.object({
  id: z.string().describe('S117-Delivery'),
  eventId: z.string().describe('The id in the delivered body'),
  event: z.enum(SUBSCRIPTION_EVENTS),
  status: z.enum(['pending', 'delivered']),
  attempts: z.number().int(),
  nextAttemptAt: Instant.nullable().describe('When a pending delivery is tried next'),
  lastAttemptAt: Instant.nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable().describe('Why the last attempt failed'),
  deliveredAt: Instant.nullable(),
  createdAt: Instant,
});
const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
const Params = z.object({ id: z.string() });
const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

export function registerSubscriptionsApi(api: FastifyInstance, services: Services): void {
  const tags = ['Change notifications'];
  api.post('/subscriptions', { schema: { tags, summary: 'Subscribe an HTTPS address to changes (signed with S117-Signature)', body: SubscriptionInput, response: responses(201, 'The subscription and its secret', CreatedSchema, [400, 401, 403, 413, 422]) } }, async (request, reply) =>
    reply.status(201).send(await services.subscriptions.create(actorOf(request), request.body)),
  );
  api.get('/subscriptions', { schema: { tags, summary: 'The organisation’s subscriptions', response: responses(200, 'Subscriptions', list(SubscriptionSchema), [401, 403]) } }, async (request) => services.subscriptions.list(actorOf(request)));
  api.get('/subscriptions/:id', { schema: { tags, summary: 'A subscription', params: Params, response: responses(200, 'The subscription', SubscriptionSchema, READ) } }, async (request) => services.subscriptions.get(actorOf(request), idOf(request)));
  api.delete('/subscriptions/:id', { schema: { tags, summary: 'Stop a subscription (pending deliveries stop too)', params: Params, response: { 204: z.null().describe('Stopped') } } }, async (request, reply) => {
    await services.subscriptions.remove(actorOf(request), idOf(request));
    return reply.status(204).send();
  });
  api.get('/subscriptions/:id/deliveries', { schema: { tags, summary: 'Deliveries, newest first: attempts, failures and the next retry', params: Params, querystring: PageQuery, response: responses(200, 'Deliveries', list(DeliverySchema), [400, 401, 403, 404, 422]) } }, async (request) =>
    services.subscriptions.deliveries(actorOf(request), idOf(request), request.query),
  );
}
