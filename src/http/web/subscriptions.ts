// The change notifications page (issue 12): each subscription of the organisation with its latest
// deliveries, their attempts, failures and next retry. Subscriptions are made through the API by the
// receiving systems; this page is for the people who look after them, who can also stop one (the
// API's DELETE /subscriptions/{id}; issue 15, "every feature has its page"), after a confirmation.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../../services/index.ts';
import { requireSignIn } from '../auth/index.ts';
import { signedIn } from './request.ts';
import { flashSuccess } from './success.ts';

export function registerSubscriptionPages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };
  const form = { ...page, preValidation: web.csrfProtection };
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

  web.get('/subscriptions', page, async (request, reply) => {
    const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString('en-GB', { timeZone: 'Europe/London', dateStyle: 'medium', timeStyle: 'short' }) : null);
    const items = (await services.subscriptions.overview(signedIn(request))).map((s) => ({
      ...s,
      createdAt: when(s.createdAt),
      deliveries: s.deliveries.map((d) => ({ ...d, deliveredAt: when(d.deliveredAt), nextAttemptAt: when(d.nextAttemptAt) })),
    }));
    return reply.render('pages/subscriptions.njk', { title: 'Change notifications', width: 'full', items });
  });

  // Stopping a subscription: the service finds the organisation's own (404 otherwise) and checks the role.
  web.get('/subscriptions/:id/stop', page, async (request, reply) => {
    const subscription = await services.subscriptions.get(signedIn(request), idOf(request));
    return reply.render('pages/subscription-stop.njk', { title: 'Stop change notifications', subscription, back: { href: '/subscriptions' } });
  });

  web.post('/subscriptions/:id/stop', form, async (request, reply) => {
    await services.subscriptions.remove(signedIn(request), idOf(request));
    flashSuccess(reply, 'subscription-stopped');
    return reply.redirect('/subscriptions', 303);
  });
}
