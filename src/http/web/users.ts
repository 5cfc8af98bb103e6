// The admins' users page (issue 15, probe 12): revoke an API token, disable a user and enable them
// again, as `npx s117 token revoke` and `user disable` do on the command line. Forms with CSRF; the
// use cases check users:manage and audit (services/accounts/user-admin.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services/index.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../services/kernel/errors.ts';
import { requireSignIn } from '../auth/index.ts';
import { signedIn } from './request.ts';
import { formBody, submit } from './forms.ts';
import { flashSuccess } from './success.ts';

const DONE: Record<string, string> = {
  revoked: 'The API token was revoked: it no longer works.',
  disabled: 'The user was disabled: they are signed out, their API tokens are revoked and they cannot sign in.',
  enabled: 'The user was enabled: they may sign in again. Their revoked tokens stay revoked.',
};

export function registerUserPages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };
  const form = { ...page, preValidation: web.csrfProtection };
  const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString('en-GB', { timeZone: 'Europe/London', dateStyle: 'medium', timeStyle: 'short' }) : null);

  async function render(request: FastifyRequest, reply: FastifyReply, extra: { done?: string | null; problem?: string | null } = {}) {
    const { users } = await services.userAdmin.usersPage(signedIn(request));
    const shown = users.map((u) => ({ ...u, disabledAt: when(u.disabledAt), tokens: u.tokens.map((t) => ({ ...t, createdAt: when(t.createdAt), expiresAt: when(t.expiresAt), revokedAt: when(t.revokedAt) })) }));
    return reply.status(extra.problem ? 422 : 200).render('pages/users.njk', { title: 'Users and API tokens', width: 'full', users: shown, done: extra.done ?? null, problem: extra.problem ?? null });
  }

  web.get('/users', page, async (request, reply) => {
    const done = (request.query as { done?: unknown }).done;
    return render(request, reply, { done: typeof done === 'string' ? (DONE[done] ?? null) : null });
  });

  /** Runs the change, then back to the list (303); a refusal (409, 422) is shown on the list. */
  async function act(request: FastifyRequest, reply: FastifyReply, done: string, change: () => Promise<unknown>) {
    try {
      await change();
    } catch (error) {
      if (error instanceof ConflictError) return render(request, reply, { problem: error.message });
      if (error instanceof ValidationError) return render(request, reply, { problem: error.errors.map((e) => e.message).join(' ') });
      throw error;
    }
    return reply.redirect(`/users?done=${done}`, 303);
  }

  const param = (request: FastifyRequest, name: string) => String((request.params as Record<string, unknown>)[name] ?? '');
  web.post('/users/tokens/:tokenId/revoke', form, async (request, reply) => act(request, reply, 'revoked', () => services.userAdmin.revokeToken(signedIn(request), param(request, 'tokenId'))));
  web.post('/users/:userId/disable', form, async (request, reply) => act(request, reply, 'disabled', () => services.userAdmin.disableUser(signedIn(request), param(request, 'userId'))));
  // LTR-1 (issue 9 item 10): each organisation's telephone and email, which its letters give when
  // the keyworker has none of their own or no keyworker is allocated.
  web.get('/organisations', page, async (request, reply) => {
    const { organisations } = await services.userAdmin.organisationsPage(signedIn(request));
    return reply.render('pages/organisations.njk', { title: 'Organisations and their contact details', width: 'full', organisations });
  });

  async function organisationOf(request: FastifyRequest) {
    const { organisations } = await services.userAdmin.organisationsPage(signedIn(request));
    const code = param(request, 'code').toUpperCase();
    const organisation = organisations.find((o) => o.code === code);
    if (!organisation) throw new NotFoundError('organisation');
    return organisation;
  }
  const contactContext = async (request: FastifyRequest) => {
    const organisation = await organisationOf(request);
    return { title: `Contact details of ${organisation.name}`, organisation, back: { href: '/organisations' } };
  };

  web.get('/organisations/:code/contact', page, async (request, reply) => {
    const context = await contactContext(request);
    return reply.render('pages/organisation-contact.njk', { ...context, values: { telephone: context.organisation.telephone ?? '', email: context.organisation.email ?? '' } });
  });

  web.post('/organisations/:code/contact', form, async (request, reply) => {
    const body = formBody(request);
    const words = { labels: { telephone: 'telephone number', email: 'email address' } };
    return submit({ reply, body, template: 'pages/organisation-contact.njk', context: () => contactContext(request), words }, async () => {
      await services.userAdmin.setOrganisationContact(signedIn(request), param(request, 'code'), { telephone: body.telephone ?? '', email: body.email ?? '' });
      flashSuccess(reply, 'organisation-contact-saved');
      return '/organisations';
    });
  });

  web.post('/users/:userId/enable', form, async (request, reply) => act(request, reply, 'enabled', () => services.userAdmin.enableUser(signedIn(request), param(request, 'userId'))));
}
