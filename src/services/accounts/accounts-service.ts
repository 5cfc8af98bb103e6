// Organisations, users, API tokens and web sign-in.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ORGANISATION_TYPES, ROLES } from '../../domain/access.ts';
import * as accounts from '../../data/accounts-repository.ts';
import type { UserWithOrganisation } from '../../data/accounts-repository.ts';
import { appendAuditEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import { actorFromUser, type Actor } from '../kernel/actor.ts';
import { ConflictError, ThrottledError, UnauthenticatedError, ValidationError } from '../kernel/errors.ts';
import { hashPassword, hashToken, newToken, verifyPassword } from './passwords.ts';
import { parseInput } from '../kernel/validation.ts';
import type { IdentityCache } from '../kernel/identity-cache.ts';
import { passwordProblems } from './password-policy.ts';

export const ORGANISATION_CODE = /^[A-Z0-9]{3,9}$/;

const blankIsNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v);
/**
 * LTR-1 (issue 9 item 10): an organisation's contact details that letters give: its section 117
 * team's telephone number and email, each optional (empty means none).
 */
export function organisationContactShape() {
  return {
    telephone: z.preprocess(blankIsNull, z.string().trim().max(40, 'Enter a telephone number of at most 40 characters').regex(/^\+?[0-9][0-9 ()-]{5,}$/, 'Enter a telephone number, like 01632 960117').nullable()).optional(),
    email: z.preprocess(blankIsNull, z.string().trim().toLowerCase().email('Enter an email address, like s117@council.example').max(254).nullable()).optional(),
  };
}
/** Attempts a window allows for one account, and from one source address (a ward's shared address). */
const MAX_ACCOUNT_ATTEMPTS = 5;
const MAX_ADDRESS_ATTEMPTS = 20;
export const FAILURE_WINDOW_MINUTES = 15;
/** API tokens last 90 days unless made for fewer (issue 15, probe 12). */
export const TOKEN_DAYS = 90;

const OrganisationInput = z.object({
  code: z.string().trim().toUpperCase().regex(ORGANISATION_CODE, 'Enter an ONS or ODS code of 3 to 9 letters and digits'),
  name: z.string().trim().min(1, 'Enter the organisation name').max(200),
  type: z.enum(ORGANISATION_TYPES, { message: 'Type must be local-authority, icb or provider' }),
  ...organisationContactShape(),
});

const UserInput = z.object({
  email: z.string().trim().toLowerCase().email('Enter a valid email address').max(254),
  name: z.string().trim().min(1, 'Enter the user’s name').max(200),
  role: z.enum(ROLES, { message: `Role must be one of ${ROLES.join(', ')}` }),
  organisationCode: z.string().trim().toUpperCase(),
  password: z
    .string()
    .max(1024)
    .superRefine((password, ctx) => {
      for (const problem of passwordProblems(password, 'password')) ctx.addIssue({ code: 'custom', message: problem.message });
    })
    .optional(),
});

const TokenOptions = z.object({
  days: z.coerce.number({ message: 'Days must be a whole number from 1 to 366' }).int('Days must be a whole number from 1 to 366').min(1, 'Days must be a whole number from 1 to 366').max(366, 'Days must be a whole number from 1 to 366').default(TOKEN_DAYS),
});

export interface AccountServiceOptions {
  clock: () => Date;
  sessionHours: number;
  /** Remembers "who is asking" for a few seconds (kernel/identity-cache.ts); none: every request asks the database. */
  identityCache?: IdentityCache | undefined;
}

export function createAccountService(db: Db, { clock, sessionHours, identityCache }: AccountServiceOptions) {
  /** The user behind a credential, from the cache or the database (then kept, when the cache may keep it). */
  async function userFor(key: string, find: () => Promise<UserWithOrganisation | undefined>): Promise<UserWithOrganisation | undefined> {
    if (!identityCache) return find();
    const cached = identityCache.get(key, clock());
    if (cached) return cached;
    const generation = identityCache.generation();
    const user = await find();
    if (user?.credential_expires_at) identityCache.set(key, user, new Date(user.credential_expires_at), generation);
    return user;
  }
  /** This process drops what it holds for the user at once; the others hear of it from the database (migration 0090). */
  const forget = (userId: string) => identityCache?.changed(`user:${userId}`);
  let organisationsVersion = 0;
  identityCache?.onOrganisationsChanged(() => {
    organisationsVersion += 1;
  });

  return {
    async addOrganisation(input: unknown) {
      const org = parseInput(OrganisationInput, input);
      if (await accounts.findOrganisationByCode(db, org.code)) throw new ConflictError(`Organisation ${org.code} already exists`);
      const id = randomUUID();
      await db.transaction().execute(async (trx) => {
        await accounts.insertOrganisation(trx, { id, ...org, telephone: org.telephone ?? null, email: org.email ?? null });
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

    /** A new API token for the user, valid for `days` (default 90, at most 366); refused for a disabled user. */
    async createToken(email: string, options: { days?: number | string } = {}): Promise<string> {
      const { days } = parseInput(TokenOptions, options);
      const user = await accounts.findUserByEmail(db, email.trim());
      if (!user) throw new ValidationError([{ field: 'email', message: 'No user has that email' }]);
      if (user.disabled_at) throw new ValidationError([{ field: 'email', message: 'That user is disabled' }]);
      const token = newToken('s117');
      const id = randomUUID();
      const now = clock();
      const expiresAt = new Date(now.getTime() + days * 86_400_000);
      await db.transaction().execute(async (trx) => {
        await accounts.insertApiToken(trx, { id, userId: user.id, tokenHash: hashToken(token), expiresAt });
        await appendAuditEvent(trx, { userId: user.id, organisationId: user.organisation_id, action: 'token.create', recordType: 'api-token', recordId: id, details: { days } }, now);
      });
      return token;
    },

    /**
     * Revokes API tokens: every live token of the user with `email`, or the one `token` (whoever holds
     * it). Answers how many were revoked; each revocation is audited by the token's id.
     */
    async revokeTokens(target: { email?: string | undefined; token?: string | undefined }): Promise<number> {
      const now = clock();
      let userId: string | undefined;
      let tokenHash: string | undefined;
      if (target.token) {
        tokenHash = hashToken(target.token.trim());
        userId = (await accounts.findTokenOwner(db, tokenHash))?.user_id;
        if (!userId) throw new ValidationError([{ field: 'token', message: 'No API token is that one' }]);
      } else {
        userId = target.email ? (await accounts.findUserByEmail(db, target.email.trim()))?.id : undefined;
        if (!userId) throw new ValidationError([{ field: 'email', message: 'No user has that email' }]);
      }
      const user = (await accounts.findUserById(db, userId))!;
      return db.transaction().execute(async (trx) => {
        const ids = await accounts.revokeApiTokens(trx, userId, now, tokenHash);
        for (const id of ids) await appendAuditEvent(trx, { userId: null, organisationId: user.organisation_id, action: 'token.revoke', recordType: 'api-token', recordId: id, details: { user: user.id } }, now);
        return ids.length;
      }).finally(() => forget(userId));
    },

    /** Disables a user: their sessions end, their tokens are revoked and they cannot sign in. */
    async disableUser(email: string): Promise<{ tokensRevoked: number }> {
      const user = await accounts.findUserByEmail(db, (email ?? '').trim());
      if (!user) throw new ValidationError([{ field: 'email', message: 'No user has that email' }]);
      const now = clock();
      return db.transaction().execute(async (trx) => {
        if (!(await accounts.disableUser(trx, user.id, now))) throw new ConflictError('That user is already disabled');
        const ids = await accounts.revokeApiTokens(trx, user.id, now);
        await appendAuditEvent(trx, { userId: null, organisationId: user.organisation_id, action: 'user.disable', recordType: 'user', recordId: user.id, details: { tokensRevoked: ids.length } }, now);
        return { tokensRevoked: ids.length };
      }).finally(() => forget(user.id));
    },

    async actorForToken(token: string, requestId: string | null): Promise<Actor> {
      const tokenHash = hashToken(token);
      const user = await userFor(`token:${tokenHash}`, () => accounts.findUserByTokenHash(db, tokenHash, clock()));
      if (!user) throw new UnauthenticatedError('The API token is not valid');
      return actorFromUser(user, requestId);
    },

    async actorForSession(sessionToken: string, requestId: string | null): Promise<Actor | null> {
      const tokenHash = hashToken(sessionToken);
      const user = await userFor(`session:${tokenHash}`, () => accounts.findUserBySessionHash(db, tokenHash, clock()));
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
      // A disabled user is checked like anyone else and answered like a wrong password.
      const valid = (await verifyPassword(password, user?.password_hash ?? null)) && !user?.disabled_at;
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
      if (actor) forget(actor.userId);
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

    /**
     * A count that moves whenever organisations may have changed (announced by the database, or the
     * announcements lost): the pages' directory of names reads them again then. Stays 0 without a cache.
     */
    organisationsVersion: () => organisationsVersion,
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
