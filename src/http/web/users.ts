// The admins' users page (issue 15, probe 12): revoke an API token, disable a user and enable them
// again, as `npx s117 token revoke` and `user disable` do on the command line. Forms with CSRF; the
// use cases check users:manage and audit (services/accounts/user-admin.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services/index.ts';
import { ConflictError, ValidationError } from '../../services/kernel/errors.ts';
import { requireSignIn } from '../auth/index.ts';
import { signedIn } from './request.ts';

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
  web.post('/users/:userId/enable', form, async (request, reply) => act(request, reply, 'enabled', () => services.userAdmin.enableUser(signedIn(request), param(request, 'userId'))));
}
