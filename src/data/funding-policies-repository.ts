// The partnerships' joint funding policies (RESP-7), in versions that never change once made.
import { sql, type Insertable } from 'kysely';
import type { Db } from './database.ts';
import type { FundingPoliciesTable, FundingPolicyRow } from './schema.ts';

export function listFundingPolicies(db: Db, filter: { localAuthority?: string; icb?: string } = {}): Promise<FundingPolicyRow[]> {
  let q = db.selectFrom('funding_policies').selectAll();
  if (filter.localAuthority) q = q.where('local_authority_code', '=', filter.localAuthority);
  if (filter.icb) q = q.where('icb_code', '=', filter.icb);
  return q.orderBy('local_authority_code').orderBy('icb_code').orderBy('version').execute();
}

export async function latestPolicyVersion(db: Db, localAuthority: string, icb: string): Promise<number> {
  const row = await db
    .selectFrom('funding_policies')
    .select(sql<number>`coalesce(max(version), 0)::int`.as('v'))
    .where('local_authority_code', '=', localAuthority)
    .where('icb_code', '=', icb)
    .executeTakeFirst();
  return row?.v ?? 0;
}

/** Serialises new versions of one partnership's policy (transaction-scoped advisory lock). */
export async function lockPartnershipPolicies(db: Db, localAuthority: string, icb: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`funding-policy:${localAuthority}:${icb}`}))`.execute(db);
}

export async function insertFundingPolicy(db: Db, row: Omit<Insertable<FundingPoliciesTable>, 'splits'> & { splits: object }): Promise<void> {
  await db.insertInto('funding_policies').values({ ...row, splits: JSON.stringify(row.splits) }).execute();
}

export function findFundingPolicy(db: Db, id: string): Promise<FundingPolicyRow | undefined> {
  return db.selectFrom('funding_policies').selectAll().where('id', '=', id).executeTakeFirst();
}
