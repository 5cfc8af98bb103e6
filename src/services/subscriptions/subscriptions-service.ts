// Change notifications (api-contract: "Change notifications"): an organisation subscribes an HTTPS
// address to events about the people it may see. Subscriptions belong to the caller's organisation
// (another organisation's is a 404); an admin's hears about everyone.
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SUBSCRIPTION_EVENTS, webhookUrlProblem } from '../../domain/notifications.ts';
import type { Db } from '../../data/database.ts';
import * as subscriptions from '../../data/subscriptions-repository.ts';
import type { Actor } from '../kernel/actor.ts';
import { NotFoundError, ValidationError } from '../kernel/errors.ts';
import { decodeCursor, pageOf, PageQuery } from '../kernel/paging.ts';
import { isUuid } from '../kernel/person-record.ts';
import type { UseCases } from '../kernel/use-case.ts';
import { parseInput } from '../kernel/validation.ts';

export const SubscriptionInput = z.object({
  url: z.string().trim().min(1, 'Enter the address to send notifications to').max(2000),
  events: z.array(z.enum(SUBSCRIPTION_EVENTS, { message: `Events are ${SUBSCRIPTION_EVENTS.join(', ')}` })).min(1, 'Choose at least one event'),
  secret: z.string().min(32, 'A secret needs at least 32 characters').max(200).optional(),
});

export function subscriptionView(row: subscriptions.SubscriptionRow) {
  return { id: row.id, url: row.url, events: row.events, createdAt: new Date(row.created_at).toISOString() };
}

export function deliveryView(row: subscriptions.DeliveryRow) {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: row.id, eventId: row.event_id, event: row.event, status: row.status, attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null, lastAttemptAt: iso(row.last_attempt_at), lastStatusCode: row.last_status_code, lastError: row.last_error,
    deliveredAt: iso(row.delivered_at), createdAt: iso(row.created_at)!,
  };
}

export function createSubscriptionsService({ useCases, production }: { useCases: UseCases; production: boolean }) {
  /** The caller's organisation's own subscriptions; an admin's covers every organisation's. */
  const owner = (actor: Actor) => (actor.role === 'admin' && !actor.scopes ? null : actor.organisationId);

  async function own(trx: Db, actor: Actor, id: string) {
    const row = isUuid(id) ? await subscriptions.findSubscription(trx, id, owner(actor)) : undefined;
    if (!row) throw new NotFoundError('subscription');
    return row;
  }

  return {
    async create(actor: Actor, input: unknown) {
      const data = parseInput(SubscriptionInput, input);
      const problem = webhookUrlProblem(data.url, production);
      if (problem) throw new ValidationError([{ field: 'url', message: problem }]);
      const id = randomUUID();
      const secret = data.secret ?? randomBytes(32).toString('base64url');
      return useCases.run(actor, { permission: 'subscriptions:manage', audit: { action: 'subscription.create', recordType: 'subscription', recordId: id, details: { events: data.events } } }, async ({ trx }) => {
        await subscriptions.insertSubscription(trx, {
          id, organisationId: actor.organisationId, scopeOrganisationCode: actor.role === 'admin' && !actor.scopes ? null : actor.organisationCode,
          url: data.url, events: [...new Set(data.events)], secret, createdBy: actor.userId,
        });
        return { ...subscriptionView((await subscriptions.findSubscription(trx, id, null))!), secret };
      });
    },

    list: (actor: Actor) =>
      useCases.run(actor, { permission: 'subscriptions:manage', audit: null }, async ({ trx }) => ({ items: (await subscriptions.listSubscriptions(trx, owner(actor))).map(subscriptionView), nextCursor: null })),

    get: (actor: Actor, id: string) => useCases.run(actor, { permission: 'subscriptions:manage', audit: null }, async ({ trx }) => subscriptionView(await own(trx, actor, id))),

    remove: (actor: Actor, id: string) =>
      useCases.run(actor, { permission: 'subscriptions:manage', audit: { action: 'subscription.delete', recordType: 'subscription', recordId: id } }, async ({ trx, now }) => {
        await own(trx, actor, id);
        await subscriptions.deleteSubscription(trx, id, now);
      }),

    /** The page of subscriptions: each with its latest deliveries (failures and retries first to the eye: pending ones say why and when next). */
    overview: (actor: Actor) =>
      useCases.run(actor, { permission: 'subscriptions:manage', audit: null }, async ({ trx }) => {
        const rows = await subscriptions.listSubscriptions(trx, owner(actor));
        return Promise.all(rows.map(async (row) => ({ ...subscriptionView(row), deliveries: (await subscriptions.listDeliveries(trx, row.id, null, 25)).map(deliveryView) })));
      }),

    /** The subscription's deliveries, newest first, with their attempts, failures and next retry. */
    deliveries: (actor: Actor, id: string, query: unknown) =>
      useCases.run(actor, { permission: 'subscriptions:manage', audit: null }, async ({ trx }) => {
        await own(trx, actor, id);
        const page = parseInput(PageQuery, query ?? {});
        const cursor = decodeCursor(page.cursor, ['instant', 'uuid']);
        const after = cursor ? { at: new Date(cursor[0]!), id: cursor[1]! } : null;
        const rows = await subscriptions.listDeliveries(trx, id, after, page.limit + 1);
        const { page: items, nextCursor } = pageOf(rows, page.limit, (r) => [new Date(r.created_at).toISOString(), r.id]);
        return { items: items.map(deliveryView), nextCursor };
      }),
  };
}

export type SubscriptionsService = ReturnType<typeof createSubscriptionsService>;
