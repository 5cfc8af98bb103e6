// System accounts (issue 12): API clients for other systems, not people, scoped to one organisation
// and to the operations they need. A system account is a user without a password (so its tokens,
// audit events and sight of people work as any user's), whose scopes alone decide what it may do
// (kernel/actor.ts). It gets tokens with `s117 token create` or with the OAuth 2.0
// client-credentials grant (POST /oauth/token), whose tokens expire after an hour.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { scopeProblem, SYSTEM_SCOPES } from '../../domain/system-accounts.ts';
import * as accounts from '../../data/accounts-repository.ts';
import { appendAuditEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import * as systems from '../../data/system-accounts-repository.ts';
import { hashToken, newToken } from '../accounts/passwords.ts';
import { ConflictError, UnauthenticatedError, ValidationError } from '../kernel/errors.ts';
import { parseInput } from '../kernel/validation.ts';

export const TOKEN_LIFETIME_SECONDS = 3600;

const SystemAccountInput = z.object({
  name: z.string().trim().min(1, 'Name the system').max(200),
  organisationCode: z.string().trim().toUpperCase(),
  scopes: z.array(z.enum(SYSTEM_SCOPES, { message: `Scopes are ${SYSTEM_SCOPES.join(', ')}` })).min(1, 'Give at least one scope'),
});

const TokenRequest = z.object({
  grant_type: z.literal('client_credentials', { message: 'grant_type must be client_credentials' }),
  client_id: z.string().min(1).max(200),
  client_secret: z.string().min(1).max(500),
  scope: z.string().max(200).optional(),
});

export function createSystemAccountService(db: Db, { clock }: { clock: () => Date }) {
  return {
    /** Creates the account; answers the client id and secret once (only the secret's hash is kept). */
    async create(input: unknown): Promise<{ email: string; clientId: string; clientSecret: string; scopes: string[]; organisationCode: string }> {
      const data = parseInput(SystemAccountInput, input);
      const org = await accounts.findOrganisationByCode(db, data.organisationCode);
      if (!org) throw new ValidationError([{ field: 'org', message: `No organisation has the code ${data.organisationCode}` }]);
      const problem = scopeProblem(data.scopes, org.type);
      if (problem) throw new ValidationError([{ field: 'scopes', message: problem }]);
      const userId = randomUUID();
      const clientId = `s117-system-${userId.slice(0, 8)}`;
      const email = `${clientId}@system.s117.invalid`;
      if (await accounts.findUserByEmail(db, email)) throw new ConflictError('Try again');
      const clientSecret = newToken('s117cs');
      await db.transaction().execute(async (trx) => {
        // Role practitioner: never admin (who sees everyone); the scopes decide what it may do.
        await accounts.insertUser(trx, { id: userId, email, name: data.name, role: 'practitioner', organisation_id: org.id, password_hash: null });
        await systems.insertSystemAccount(trx, { userId, clientId, clientSecretHash: hashToken(clientSecret), scopes: [...new Set(data.scopes)] });
        await appendAuditEvent(trx, { userId: null, organisationId: org.id, action: 'system-account.create', recordType: 'user', recordId: userId, details: { scopes: data.scopes } }, clock());
      });
      return { email, clientId, clientSecret, scopes: data.scopes, organisationCode: org.code };
    },

    /** OAuth 2.0 client credentials (RFC 6749 section 4.4): a bearer token for an hour. */
    async token(input: unknown): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number; scope: string }> {
      const request = parseInput(TokenRequest, input);
      const account = await systems.findSystemAccountByClientId(db, request.client_id);
      const given = Buffer.from(hashToken(request.client_secret));
      if (!account || !timingSafeEqual(given, Buffer.from(account.client_secret_hash))) throw new UnauthenticatedError('The client id or secret is not right');
      const token = newToken('s117');
      const id = randomUUID();
      const now = clock();
      await db.transaction().execute(async (trx) => {
        await systems.insertExpiringToken(trx, { id, userId: account.user_id, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_SECONDS * 1000) });
        await appendAuditEvent(trx, { userId: account.user_id, organisationId: account.organisation_id, action: 'token.create', recordType: 'api-token', recordId: id, details: { grant: 'client_credentials' } }, now);
      });
      return { access_token: token, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS, scope: account.scopes.join(' ') };
    },

    list: () => systems.listSystemAccounts(db),

    /** Stops a system account: its client credentials and every token it holds stop working. */
    async revoke(clientId: string): Promise<void> {
      const now = clock();
      await db.transaction().execute(async (trx) => {
        const userId = await systems.revokeSystemAccount(trx, clientId, now);
        if (!userId) throw new ValidationError([{ field: 'client-id', message: 'No live system account has that client id' }]);
        await appendAuditEvent(trx, { userId: null, organisationId: null, action: 'system-account.revoke', recordType: 'user', recordId: userId }, now);
      });
    },
  };
}
