// RESP-7: the version of the partnership's joint funding policy that a service takes its split from.
import { partnershipOn, policyInEffect, type FundingPolicy, type PartnershipFacts } from '../../domain/funding.ts';
import type { IsoDate } from '../../domain/dates.ts';
import type { Db } from '../../data/database.ts';
import * as repo from '../../data/funding-policies-repository.ts';
import type { FundingPolicyRow } from '../../data/schema.ts';

export function policyFromRow(row: FundingPolicyRow): FundingPolicy {
  return { id: row.id, localAuthority: row.local_authority_code, icb: row.icb_code, version: row.version, effectiveFrom: row.effective_from, splits: row.splits as FundingPolicy['splits'] };
}

/** The policy in effect on that date for the person's partnership; null where the partnership or its policy is unknown. */
export async function findPolicyInEffect(db: Db, facts: PartnershipFacts, on: IsoDate): Promise<FundingPolicyRow | null> {
  const partnership = partnershipOn(facts, on);
  if (!partnership.localAuthority || !partnership.icb) return null;
  const rows = await repo.listFundingPolicies(db, { localAuthority: partnership.localAuthority, icb: partnership.icb });
  const found = policyInEffect(rows.map(policyFromRow), partnership, on);
  return found ? rows.find((r) => r.id === found.id)! : null;
}

/** The policy version a service recorded, if any. */
export async function findPolicy(db: Db, id: string | null): Promise<FundingPolicyRow | null> {
  return id ? ((await repo.findFundingPolicy(db, id)) ?? null) : null;
}
