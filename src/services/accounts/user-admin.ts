// The admins' users page (issue 15, probe 12): every user with their organisation and API tokens, and
// the three things an admin does there that `npx s117 token revoke` and `user disable` also do:
// revoke one API token, disable a user (their sessions end and their tokens are revoked) and enable
// them again. Each is a use case of its own: permission users:manage (admins), one transaction, one
// audit event naming the admin who did it.
import * as accounts from '../../data/accounts-repository.ts';
import { requirePermission, type Actor } from '../kernel/actor.ts';
import { ConflictError, NotFoundError, ValidationError } from '../kernel/errors.ts';
import { isUuid } from '../kernel/person-record.ts';
import { parseInput } from '../kernel/validation.ts';
import { z } from 'zod';
import { organisationContactShape } from './accounts-service.ts';

const OrganisationContactInput = z.object(organisationContactShape());
import type { Context, UseCases } from '../kernel/use-case.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function createUserAdmin({ useCases }: { useCases: UseCases }) {
  async function userOf(trx: Context['trx'], userId: string) {
    const user = isUuid(userId) ? await accounts.findUserById(trx, userId) : undefined;
    if (!user) throw new NotFoundError('user');
    return user;
  }

  return {
    /** Every user (email, name, role, organisation, disabled or not) with their tokens' dates (never a token itself). */
    async usersPage(actor: Actor) {
      requirePermission(actor, 'users:manage');
      return useCases.run(actor, { permission: 'users:manage', audit: (r: { users: unknown[] }) => ({ action: 'users.list', recordType: 'user', recordId: null, details: { users: r.users.length } }) }, async ({ trx, now }) => {
        const [users, tokens] = await Promise.all([accounts.listUsers(trx), accounts.listApiTokens(trx)]);
        return {
          users: users.map((u) => ({
            id: u.id,
            email: u.email,
            name: u.name,
            role: u.role,
            organisationCode: u.organisation_code,
            organisationName: u.organisation_name,
            disabledAt: iso(u.disabled_at),
            self: u.id === actor.userId,
            tokens: tokens
              .filter((t) => t.user_id === u.id)
              .map((t) => ({ id: t.id, createdAt: iso(t.created_at)!, expiresAt: iso(t.expires_at)!, revokedAt: iso(t.revoked_at), live: t.revoked_at === null && new Date(t.expires_at) > now })),
          })),
        };
      });
    },

    /** LTR-1: every organisation with the contact details its letters give (telephone, email). */
    async organisationsPage(actor: Actor) {
      requirePermission(actor, 'users:manage');
      return useCases.run(actor, { permission: 'users:manage', audit: (r: { organisations: unknown[] }) => ({ action: 'organisations.list', recordType: 'organisation', recordId: null, details: { organisations: r.organisations.length } }) }, async ({ trx }) => ({
        organisations: (await accounts.listOrganisations(trx)).map((o) => ({ id: o.id, code: o.code, name: o.name, type: o.type, telephone: o.telephone, email: o.email })),
      }));
    },

    /** LTR-1: records an organisation's telephone and email for its letters (404 for an unknown code); empty clears one. */
    async setOrganisationContact(actor: Actor, code: string, input: unknown) {
      requirePermission(actor, 'users:manage');
      const data = parseInput(OrganisationContactInput, input);
      return useCases.run(actor, { permission: 'users:manage', audit: (r: { id: string }) => ({ action: 'organisation.contact.update', recordType: 'organisation', recordId: r.id, details: { code: code.toUpperCase(), telephone: data.telephone !== undefined, email: data.email !== undefined } }) }, async ({ trx }) => {
        const org = await accounts.findOrganisationByCode(trx, code.toUpperCase());
        if (!org) throw new NotFoundError('organisation');
        await accounts.updateOrganisationContact(trx, org.id, { telephone: data.telephone ?? null, email: data.email ?? null });
        return { id: org.id, code: org.code };
      });
    },

    /** Revokes one API token by its id (404 when there is no such token, 409 when already revoked). */
    async revokeToken(actor: Actor, tokenId: string) {
      requirePermission(actor, 'users:manage');
      if (!isUuid(tokenId)) throw new NotFoundError('token');
      return useCases.run(actor, { permission: 'users:manage', audit: (r: { userId: string }) => ({ action: 'token.revoke', recordType: 'api-token', recordId: tokenId, details: { user: r.userId } }) }, async ({ trx, now }) => {
        const userId = await accounts.revokeApiTokenById(trx, tokenId, now);
        if (!userId) {
          const exists = (await accounts.listApiTokens(trx)).some((t) => t.id === tokenId);
          if (!exists) throw new NotFoundError('token');
          throw new ConflictError('That token is already revoked');
        }
        return { userId };
      });
    },

    /** Disables a user: no sign-in, session or token works after it; their tokens are revoked. An admin cannot disable themselves. */
    async disableUser(actor: Actor, userId: string) {
      requirePermission(actor, 'users:manage');
      return useCases.run(actor, { permission: 'users:manage', audit: (r: { id: string; tokensRevoked: number }) => ({ action: 'user.disable', recordType: 'user', recordId: r.id, details: { tokensRevoked: r.tokensRevoked } }) }, async ({ trx, now }) => {
        const user = await userOf(trx, userId);
        if (user.id === actor.userId) throw new ValidationError([{ field: 'user', message: 'You cannot disable your own account: ask another admin' }]);
        if (!(await accounts.disableUser(trx, user.id, now))) throw new ConflictError('That user is already disabled');
        const revoked = await accounts.revokeApiTokens(trx, user.id, now);
        return { id: user.id, tokensRevoked: revoked.length };
      });
    },

    /** Enables a disabled user: they may sign in again (their revoked tokens stay revoked). */
    async enableUser(actor: Actor, userId: string) {
      requirePermission(actor, 'users:manage');
      return useCases.run(actor, { permission: 'users:manage', audit: (r: { id: string }) => ({ action: 'user.enable', recordType: 'user', recordId: r.id, details: {} }) }, async ({ trx }) => {
        const user = await userOf(trx, userId);
        if (!(await accounts.enableUser(trx, user.id))) throw new ConflictError('That user is not disabled');
        return { id: user.id };
      });
    },
  };
}

export type UserAdmin = ReturnType<typeof createUserAdmin>;
