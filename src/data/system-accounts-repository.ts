// System accounts (migration 0030): their client credentials and scopes, and the expiring tokens of
// the client-credentials grant (in api_tokens, as every API token is).
import type { Db } from './database.ts';
import type { UserWithOrganisation } from './accounts-repository.ts';

export async function insertSystemAccount(db: Db, row: { userId: string; clientId: string; clientSecretHash: string; scopes: string[] }): Promise<void> {
  await db.insertInto('system_accounts').values({ user_id: row.userId, client_id: row.clientId, client_secret_hash: row.clientSecretHash, scopes: row.scopes }).execute();
}

export interface SystemAccountRow { user_id: string; client_secret_hash: string; scopes: string[]; organisation_id: string }

/** A live system account by its client id. */
export function findSystemAccountByClientId(db: Db, clientId: string): Promise<SystemAccountRow | undefined> {
  return db
    .selectFrom('system_accounts')
    .innerJoin('users', 'users.id', 'system_accounts.user_id')
    .select(['system_accounts.user_id', 'system_accounts.client_secret_hash', 'system_accounts.scopes', 'users.organisation_id'])
    .where('system_accounts.client_id', '=', clientId)
    .where('system_accounts.revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function insertExpiringToken(db: Db, token: { id: string; userId: string; tokenHash: string; expiresAt: Date }): Promise<void> {
  await db.insertInto('api_tokens').values({ id: token.id, user_id: token.userId, token_hash: token.tokenHash, expires_at: token.expiresAt }).execute();
}

export function listSystemAccounts(db: Db): Promise<(Pick<UserWithOrganisation, 'email' | 'name'> & { client_id: string; scopes: string[]; organisation_code: string; revoked_at: Date | null })[]> {
  return db
    .selectFrom('system_accounts')
    .innerJoin('users', 'users.id', 'system_accounts.user_id')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select(['users.email', 'users.name', 'system_accounts.client_id', 'system_accounts.scopes', 'organisations.code as organisation_code', 'system_accounts.revoked_at'])
    .orderBy('users.email')
    .execute();
}

/** Revokes a system account: its tokens stop working at once (findUserByTokenHash checks revoked_at). */
export async function revokeSystemAccount(db: Db, clientId: string, now: Date): Promise<string | null> {
  const row = await db.updateTable('system_accounts').set({ revoked_at: now }).where('client_id', '=', clientId).where('revoked_at', 'is', null).returning('user_id').executeTakeFirst();
  return row?.user_id ?? null;
}
