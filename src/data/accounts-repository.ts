// Organisations, users, API tokens, sessions and failed sign-ins.
import type { Db } from './database.ts';
import type { OrganisationRow, UserRow } from './schema.ts';

export interface UserWithOrganisation extends UserRow {
  organisation_code: string;
  organisation_name: string;
  organisation_type: OrganisationRow['type'];
  /** A system account's scopes (migration 0030); absent or null for a person. */
  scopes?: string[] | null;
  /** When the token or session it was found by expires (the lookups by token and by session). */
  credential_expires_at?: Date;
}

export async function insertOrganisation(db: Db, org: Pick<OrganisationRow, 'id' | 'code' | 'name' | 'type'> & Partial<Pick<OrganisationRow, 'telephone' | 'email'>>): Promise<void> {
  await db.insertInto('organisations').values(org).execute();
}

/** An organisation's contact details for letters (migration 0122); the number of rows changed. */
export async function updateOrganisationContact(db: Db, id: string, contact: Pick<OrganisationRow, 'telephone' | 'email'>): Promise<number> {
  const result = await db.updateTable('organisations').set(contact).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export function findOrganisationByCode(db: Db, code: string): Promise<OrganisationRow | undefined> {
  return db.selectFrom('organisations').selectAll().where('code', '=', code).executeTakeFirst();
}

export function listOrganisations(db: Db): Promise<OrganisationRow[]> {
  return db.selectFrom('organisations').selectAll().orderBy('name').execute();
}

export async function insertUser(db: Db, user: Pick<UserRow, 'id' | 'email' | 'name' | 'role' | 'organisation_id' | 'password_hash'>): Promise<void> {
  await db.insertInto('users').values(user).execute();
}

export async function setPasswordHash(db: Db, userId: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
}

function usersWithOrganisation(db: Db) {
  return db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .selectAll('users')
    .select(['organisations.code as organisation_code', 'organisations.name as organisation_name', 'organisations.type as organisation_type']);
}

export function findUserByEmail(db: Db, email: string): Promise<UserWithOrganisation | undefined> {
  return usersWithOrganisation(db).where('users.email', '=', email.toLowerCase()).executeTakeFirst();
}

export function findUserById(db: Db, id: string): Promise<UserWithOrganisation | undefined> {
  return usersWithOrganisation(db).where('users.id', '=', id).executeTakeFirst();
}

export function listUsers(db: Db): Promise<UserWithOrganisation[]> {
  return usersWithOrganisation(db).orderBy('users.email').execute();
}

export async function insertApiToken(db: Db, token: { id: string; userId: string; tokenHash: string; expiresAt: Date }): Promise<void> {
  await db.insertInto('api_tokens').values({ id: token.id, user_id: token.userId, token_hash: token.tokenHash, expires_at: token.expiresAt }).execute();
}

/**
 * The user of a token that is neither revoked nor expired, when the user is not disabled, with a
 * system account's scopes; not once the system account is revoked.
 */
export async function findUserByTokenHash(db: Db, tokenHash: string, now: Date): Promise<UserWithOrganisation | undefined> {
  return usersWithOrganisation(db)
    .innerJoin('api_tokens', 'api_tokens.user_id', 'users.id')
    .leftJoin('system_accounts', 'system_accounts.user_id', 'users.id')
    .select(['system_accounts.scopes', 'api_tokens.expires_at as credential_expires_at'])
    .where('api_tokens.token_hash', '=', tokenHash)
    .where('api_tokens.revoked_at', 'is', null)
    .where('api_tokens.expires_at', '>', now)
    .where('users.disabled_at', 'is', null)
    .where('system_accounts.revoked_at', 'is', null)
    .executeTakeFirst();
}

/** Revokes a user's tokens that are still live (all, or the one with this hash); the ids revoked. */
export async function revokeApiTokens(db: Db, userId: string, now: Date, tokenHash?: string): Promise<string[]> {
  let q = db.updateTable('api_tokens').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (tokenHash !== undefined) q = q.where('token_hash', '=', tokenHash);
  return (await q.returning('id').execute()).map((r) => r.id);
}

/** The user a token (live or not) belongs to. */
export function findTokenOwner(db: Db, tokenHash: string): Promise<{ user_id: string } | undefined> {
  return db.selectFrom('api_tokens').select('user_id').where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Disables a user and ends their sessions; false when already disabled. */
export async function disableUser(db: Db, userId: string, now: Date): Promise<boolean> {
  const result = await db.updateTable('users').set({ disabled_at: now }).where('id', '=', userId).where('disabled_at', 'is', null).executeTakeFirst();
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertSession(db: Db, session: { tokenHash: string; userId: string; expiresAt: Date }): Promise<void> {
  await db.insertInto('sessions').values({ token_hash: session.tokenHash, user_id: session.userId, expires_at: session.expiresAt }).execute();
}

export async function findUserBySessionHash(db: Db, tokenHash: string, now: Date): Promise<UserWithOrganisation | undefined> {
  return usersWithOrganisation(db)
    .innerJoin('sessions', 'sessions.user_id', 'users.id')
    .select('sessions.expires_at as credential_expires_at')
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.expires_at', '>', now)
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteExpiredSessions(db: Db, now: Date): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
}

/**
 * Takes an attempt's place in the count for `key` atomically and returns its number in the window
 * (1 for the first). A window older than `windowStart` starts again at 1.
 */
export async function takeSignInAttempt(db: Db, key: string, now: Date, windowStart: Date): Promise<number> {
  const row = await db
    .insertInto('sign_in_throttle')
    .values({ key, attempts: 1, window_start: now })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        attempts: eb.case().when('sign_in_throttle.window_start', '<=', windowStart).then(1).else(eb('sign_in_throttle.attempts', '+', 1)).end(),
        window_start: eb.case().when('sign_in_throttle.window_start', '<=', windowStart).then(now).else(eb.ref('sign_in_throttle.window_start')).end(),
      })),
    )
    .returning('attempts')
    .executeTakeFirstOrThrow();
  return row.attempts;
}

/** Gives an attempt's place back (a successful sign-in from a shared address). */
export async function releaseSignInAttempt(db: Db, key: string): Promise<void> {
  await db.updateTable('sign_in_throttle').set((eb) => ({ attempts: eb('attempts', '-', 1) })).where('key', '=', key).where('attempts', '>', 0).execute();
}

/** Starts the count for `key` again (a successful sign-in to the account). */
export async function clearSignInAttempts(db: Db, key: string): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where('key', '=', key).execute();
}

/** Removes throttle counts whose window began before `windowStart` (the next attempt starts at 1 anyway). */
export async function deleteEndedSignInAttempts(db: Db, windowStart: Date): Promise<number> {
  const result = await db.deleteFrom('sign_in_throttle').where('window_start', '<=', windowStart).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Removes expired sessions; answers how many (the scheduled sweep). */
export async function deleteExpiredSessionsCounted(db: Db, now: Date): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Every API token (never its hash), newest first, for the admins' users page (issue 15, accounts). */
export function listApiTokens(db: Db): Promise<{ id: string; user_id: string; created_at: Date | string; expires_at: Date | string; revoked_at: Date | string | null }[]> {
  return db.selectFrom('api_tokens').select(['id', 'user_id', 'created_at', 'expires_at', 'revoked_at']).orderBy('created_at', 'desc').orderBy('id').execute();
}

/** Revokes one token by its id when still live; the user it belonged to, or undefined when there was nothing to revoke. */
export async function revokeApiTokenById(db: Db, id: string, now: Date): Promise<string | undefined> {
  const row = await db.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).returning('user_id').executeTakeFirst();
  return row?.user_id;
}

/** Enables a disabled user again; false when the user was not disabled. */
export async function enableUser(db: Db, userId: string): Promise<boolean> {
  const result = await db.updateTable('users').set({ disabled_at: null }).where('id', '=', userId).where('disabled_at', 'is not', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
