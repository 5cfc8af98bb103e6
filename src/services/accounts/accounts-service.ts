// Organisations, users, API tokens and web sign-in.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ORGANISATION_TYPES, ROLES } from '../../domain/access.ts';
import * as accounts from '../../data/accounts-repository.ts';
import { appendAuditEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import { actorFromUser, type Actor } from '../kernel/actor.ts';
import { ConflictError, ThrottledError, UnauthenticatedError, ValidationError } from '../kernel/errors.ts';
import { hashPassword, hashToken, newToken, verifyPassword } from './passwords.ts';
import { parseInput } from '../kernel/validation.ts';

export const ORGANISATION_CODE = /^[A-Z0-9]{3,9}$/;
/** Attempts a window allows for one account, and from one source address (a ward's shared address). */
const MAX_ACCOUNT_ATTEMPTS = 5;
const MAX_ADDRESS_ATTEMPTS = 20;
const FAILURE_WINDOW_MINUTES = 15;
export const MIN_PASSWORD_LENGTH = 12;

const OrganisationInput = z.object({
  code: z.string().trim().toUpperCase().regex(ORGANISATION_CODE, 'Enter an ONS or ODS code of 3 to 9 letters and digits'),
  name: z.string().trim().min(1, 'Enter the organisation name').max(200),
  type: z.enum(ORGANISATION_TYPES, { message: 'Type must be local-authority, icb or provider' }),
});

const UserInput = z.object({
  email: z.string().trim().toLowerCase().email('Enter a valid email address').max(254),
  name: z.string().trim().min(1, 'Enter the user’s name').max(200),
  role: z.enum(ROLES, { message: `Role must be one of ${ROLES.join(', ')}` }),
  organisationCode: z.string().trim().toUpperCase(),
  password: z.string().min(MIN_PASSWORD_LENGTH, `A password needs at least ${MIN_PASSWORD_LENGTH} characters`).max(1024).optional(),
});

export interface AccountServiceOptions { clock: () => Date; sessionHours: number }

export function createAccountService(db: Db, { clock, sessionHours }: AccountServiceOptions) {
  return {
    async addOrganisation(input: unknown) {
      const org = parseInput(OrganisationInput, input);
      if (await accounts.findOrganisationByCode(db, org.code)) throw new ConflictError(`Organisation ${org.code} already exists`);
      const id = randomUUID();
      await db.transaction().execute(async (trx) => {
        await accounts.insertOrganisation(trx, { id, ...org });
        await appendAuditEvent(trx, { userId: null, organisationId: id, action: 'organisation.create', recordType: 'organisation', recordId: id, details: { code: org.code, type: org.type } }, clock());
      });
      return { id, ...org };
    },

    async addUser(input: unknown) {
      const user = parseInput(UserInput, input);
      const org = await accounts.findOrganisationByCode(db, user.organisationCode);
      if (!org) throw new ValidationError([{ field: 'org', message: `No organisation has the code ${user.organisationCode}` }]);
      if (await accounts.findUserByEmail(db, user.email)) throw new ConflictError('A user with that email already exists');
      const id = randomUUID();
      const passwordHash = user.password ? await hashPassword(user.password) : null;
      await db.transaction().execute(async (trx) => {
        await accounts.insertUser(trx, { id, email: user.email, name: user.name, role: user.role, organisation_id: org.id, password_hash: passwordHash });
        await appendAuditEvent(trx, { userId: null, organisationId: org.id, action: 'user.create', recordType: 'user', recordId: id, details: { role: user.role } }, clock());
      });
      return { id, email: user.email, role: user.role, organisationCode: org.code };
    },

    async createToken(email: string): Promise<string> {
      const user = await accounts.findUserByEmail(db, email.trim());
      if (!user) throw new ValidationError([{ field: 'email', message: 'No user has that email' }]);
      const token = newToken('s117');
      const id = randomUUID();
      await db.transaction().execute(async (trx) => {
        await accounts.insertApiToken(trx, { id, userId: user.id, tokenHash: hashToken(token) });
        await appendAuditEvent(trx, { userId: user.id, organisationId: user.organisation_id, action: 'token.create', recordType: 'api-token', recordId: id }, clock());
      });
      return token;
    },

    async actorForToken(token: string, requestId: string | null): Promise<Actor> {
      const user = await accounts.findUserByTokenHash(db, hashToken(token));
      if (!user) throw new UnauthenticatedError('The API token is not valid');
      return actorFromUser(user, requestId);
    },

    async actorForSession(sessionToken: string, requestId: string | null): Promise<Actor | null> {
      const user = await accounts.findUserBySessionHash(db, hashToken(sessionToken), clock());
      return user ? actorFromUser(user, requestId) : null;
    },

    /**
     * Checks the password and opens a session. Each attempt first takes its place in the count of its
     * account and of its source address, atomically (each is one statement, committed at once), so
     * concurrent attempts cannot all be checked: over the limit it is refused without a check (429).
     * A success starts the account's count again and gives the address its place back. An unknown
     * email is counted, checked (against a dummy hash, taking the same time) and answered the same.
     */
    async signIn(emailInput: string, password: string, requestId: string | null, sourceAddress: string | null = null): Promise<{ sessionToken: string; actor: Actor; expiresAt: Date }> {
      const email = emailInput.trim().toLowerCase();
      const now = clock();
      const windowStart = new Date(now.getTime() - FAILURE_WINDOW_MINUTES * 60_000);
      const accountKey = `account:${email}`;
      const addressKey = sourceAddress ? `address:${sourceAddress}` : null;
      const accountAttempt = await accounts.takeSignInAttempt(db, accountKey, now, windowStart);
      const addressAttempt = addressKey ? await accounts.takeSignInAttempt(db, addressKey, now, windowStart) : 0;
      if (accountAttempt > MAX_ACCOUNT_ATTEMPTS || addressAttempt > MAX_ADDRESS_ATTEMPTS) {
        throw new ThrottledError(`Too many failed attempts. Try again in ${FAILURE_WINDOW_MINUTES} minutes.`);
      }
      const user = await accounts.findUserByEmail(db, email);
      const valid = await verifyPassword(password, user?.password_hash ?? null);
      if (!user || !valid) {
        await db.transaction().execute(async (trx) => {
          await appendAuditEvent(trx, { userId: user?.id ?? null, organisationId: user?.organisation_id ?? null, action: 'sign-in.failed', requestId }, now);
        });
        throw new UnauthenticatedError('The email address or password is not right');
      }
      const sessionToken = newToken('sess');
      const expiresAt = new Date(now.getTime() + sessionHours * 3_600_000);
      await db.transaction().execute(async (trx) => {
        await accounts.clearSignInAttempts(trx, accountKey);
        if (addressKey) await accounts.releaseSignInAttempt(trx, addressKey);
        await accounts.deleteExpiredSessions(trx, now);
        await accounts.insertSession(trx, { tokenHash: hashToken(sessionToken), userId: user.id, expiresAt });
        await appendAuditEvent(trx, { userId: user.id, organisationId: user.organisation_id, action: 'sign-in', requestId }, now);
      });
      return { sessionToken, actor: actorFromUser(user, requestId), expiresAt };
    },

    async signOut(sessionToken: string, actor: Actor | null): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await accounts.deleteSession(trx, hashToken(sessionToken));
        if (actor) await appendAuditEvent(trx, { userId: actor.userId, organisationId: actor.organisationId, action: 'sign-out', requestId: actor.requestId }, clock());
      });
    },

    /** The user with this email as an actor, or null: for work done as a named user outside a request (the demonstration data). */
    async actorForEmail(email: string, requestId: string | null): Promise<Actor | null> {
      const user = await accounts.findUserByEmail(db, email.trim().toLowerCase());
      return user ? actorFromUser(user, requestId) : null;
    },

    async hasOrganisation(code: string): Promise<boolean> {
      return Boolean(await accounts.findOrganisationByCode(db, code));
    },

    listOrganisations: () => accounts.listOrganisations(db),
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
