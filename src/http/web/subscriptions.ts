// The change notifications page (issue 12): each subscription of the organisation with its latest
// deliveries, their attempts, failures and next retry. Subscriptions are made through the API by the
// receiving systems; this page is for the people who look after them.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services/index.ts';
import { requireSignIn } from '../auth/index.ts';
import { signedIn } from './request.ts';

export function registerSubscriptionPages(web: FastifyInstance, services: Services): void {
  web.get('/subscriptions', { schema: { hide: true }, preHandler: requireSignIn }, async (request, reply) => {
    const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString('en-GB', { timeZone: 'Europe/London', dateStyle: 'medium', timeStyle: 'short' }) : null);
    const items = (await services.subscriptions.overview(signedIn(request))).map((s) => ({
      ...s,
      createdAt: when(s.createdAt),
      deliveries: s.deliveries.map((d) => ({ ...d, deliveredAt: when(d.deliveredAt), nextAttemptAt: when(d.nextAttemptAt) })),
    }));
    return reply.render('pages/subscriptions.njk', { title: 'Change notifications', width: 'full', items });
  });
}
