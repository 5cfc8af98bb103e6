// Reference data that holds no personal data (migration 0123): the local authority of a postcode
// and the ICB of a GP practice, for proposing a person's responsible bodies (issue 9 item 1).
import type { Db } from './database.ts';

/** The local authority of the longest of the keys (full postcode, sector, district) that is listed. */
export async function localAuthorityForPostcode(db: Db, keys: readonly string[]): Promise<{ prefix: string; code: string } | undefined> {
  if (keys.length === 0) return undefined;
  const rows = await db.selectFrom('postcode_areas').select(['prefix', 'local_authority_code']).where('prefix', 'in', [...keys]).execute();
  const best = rows.sort((a, b) => b.prefix.length - a.prefix.length)[0];
  return best && { prefix: best.prefix, code: best.local_authority_code };
}

/**
 * The ICB of a GP practice: from the reference list, else the ICB most recently recorded with that
 * practice for anyone (the practice and its ICB, never who was registered there).
 */
export async function icbForPractice(db: Db, practiceCode: string): Promise<{ code: string; source: 'reference' | 'history' } | undefined> {
  const listed = await db.selectFrom('gp_practices').select('icb_code').where('code', '=', practiceCode).executeTakeFirst();
  if (listed) return { code: listed.icb_code, source: 'reference' };
  const seen = await db
    .selectFrom('gp_registrations')
    .select('icb_code')
    .where((eb) => eb(eb.fn('upper', ['practice_code']), '=', practiceCode))
    .orderBy('recorded_at', 'desc')
    .orderBy('since', 'desc')
    .limit(1)
    .executeTakeFirst();
  return seen && { code: seen.icb_code, source: 'history' };
}
