// The partnerships' joint funding policies (RESP-7), in versions that never change once made.
import { sql, type Insertable } from 'kysely';
import type { Db } from './database.ts';
import { withInstants, type Json, type ReadModelPart } from './read-model-parts.ts';
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

/** A policy's row as JSON carries it (a read model's) back into findFundingPolicy's, its instant a Date. */
export function fundingPolicyRowOf(json: Json): FundingPolicyRow {
  return withInstants(json, ['created_at']) as unknown as FundingPolicyRow;
}

/**
 * The policies a service form may offer, in the person's read-model statement (issue 14 item 3):
 * those of every partnership of a local authority the person has lived in or of their GPs' ICBs
 * (every policy when they have neither), in listFundingPolicies' order. The form keeps the current
 * partnership's (fundingPoliciesOf), as listFundingPolicies' filter does: the current residence and GP
 * are chosen where the person's heading chooses them, not again here.
 */
export const PERSON_PARTNERSHIPS_POLICIES_PART: ReadModelPart<FundingPolicyRow[]> = {
  columns: sql`(SELECT coalesce(json_agg(f ORDER BY f.local_authority_code, f.icb_code, f.version), '[]'::json) FROM funding_policies f
      WHERE f.local_authority_code IN (SELECT upper(r.local_authority_code) FROM residences r WHERE r.person_id = p.id)
         OR f.icb_code IN (SELECT upper(g.icb_code) FROM gp_registrations g WHERE g.person_id = p.id)
         OR (NOT EXISTS (SELECT 1 FROM residences r WHERE r.person_id = p.id) AND NOT EXISTS (SELECT 1 FROM gp_registrations g WHERE g.person_id = p.id))) AS fp_policies`,
  aliases: ['fp_policies'],
  decode: (columns) => (columns.fp_policies as Json[]).map(fundingPolicyRowOf),
};
