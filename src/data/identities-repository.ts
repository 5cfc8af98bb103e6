// Sign-in with OpenID Connect (migration 0040): staff and person identities at identity providers,
// and the person's own sessions, kept apart from staff sessions.
import type { Db } from './database.ts';
import type { PersonRow } from './schema.ts';

export async function findUserIdForIdentity(db: Db, issuer: string, subject: string): Promise<string | undefined> {
  return (await db.selectFrom('user_identities').select('user_id').where('issuer', '=', issuer).where('subject', '=', subject).executeTakeFirst())?.user_id;
}

export async function linkUserIdentity(db: Db, link: { issuer: string; subject: string; userId: string }): Promise<void> {
  await db.insertInto('user_identities').values({ issuer: link.issuer, subject: link.subject, user_id: link.userId }).onConflict((oc) => oc.doNothing()).execute();
}

export async function findPersonIdForIdentity(db: Db, issuer: string, subject: string): Promise<string | undefined> {
  return (await db.selectFrom('person_identities').select('person_id').where('issuer', '=', issuer).where('subject', '=', subject).executeTakeFirst())?.person_id;
}

export async function linkPersonIdentity(db: Db, link: { issuer: string; subject: string; personId: string }): Promise<void> {
  await db.insertInto('person_identities').values({ issuer: link.issuer, subject: link.subject, person_id: link.personId }).onConflict((oc) => oc.doNothing()).execute();
}

export async function insertPersonSession(db: Db, session: { tokenHash: string; personId: string; expiresAt: Date }): Promise<void> {
  await db.insertInto('person_sessions').values({ token_hash: session.tokenHash, person_id: session.personId, expires_at: session.expiresAt }).execute();
}

export function findPersonBySessionHash(db: Db, tokenHash: string, now: Date): Promise<PersonRow | undefined> {
  return db
    .selectFrom('person_sessions')
    .innerJoin('people', 'people.id', 'person_sessions.person_id')
    .selectAll('people')
    .where('person_sessions.token_hash', '=', tokenHash)
    .where('person_sessions.expires_at', '>', now)
    .executeTakeFirst();
}

export async function deletePersonSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('person_sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteExpiredPersonSessions(db: Db, now: Date): Promise<void> {
  await db.deleteFrom('person_sessions').where('expires_at', '<=', now).execute();
}

/** Removes expired person sessions; answers how many (the scheduled sweep). */
export async function deleteExpiredPersonSessionsCounted(db: Db, now: Date): Promise<number> {
  const result = await db.deleteFrom('person_sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
