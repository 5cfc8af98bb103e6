// RESP-7: each partnership (a local authority and an ICB) keeps a joint funding policy of default
// splits by service category, in versions that never change once made.
import { randomUUID } from 'node:crypto';
import { canManageFundingPolicy } from '../../domain/access.ts';
import { policyViolations } from '../../domain/funding.ts';
import type { Db } from '../../data/database.ts';
import type { FundingPolicyRow } from '../../data/schema.ts';
import * as repo from '../../data/funding-policies-repository.ts';
import { requirePermission, type Actor } from '../kernel/actor.ts';
import { ForbiddenError } from '../kernel/errors.ts';
import type { UseCases } from '../kernel/use-case.ts';
import { FundingPolicyInput, FundingPolicyQuery } from './funding-policies-inputs.ts';
import { parseInput, refuse } from '../kernel/validation.ts';

export function fundingPolicyView(row: FundingPolicyRow) {
  return {
    id: row.id,
    version: row.version,
    partnershipName: row.partnership_name,
    localAuthority: row.local_authority_code,
    icb: row.icb_code,
    effectiveFrom: row.effective_from,
    splits: row.splits,
    notes: row.notes,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** A partnership (either code may be left out) as the policies are filtered by it. */
type Partnership = { localAuthority?: string | undefined; icb?: string | undefined };
const codesOf = (filter: Partnership) => ({ localAuthority: filter.localAuthority?.toUpperCase(), icb: filter.icb?.toUpperCase() });
const policiesView = (rows: FundingPolicyRow[]) => ({ items: rows.map(fundingPolicyView), nextCursor: null });

/** The policies of a partnership (either code may be left out), read in the caller's transaction. */
export async function fundingPoliciesPart(trx: Db, filter: Partnership) {
  return policiesView(await repo.listFundingPolicies(trx, codesOf(filter)));
}

/**
 * fundingPoliciesPart from policies already read (a read model's, in listFundingPolicies' order and
 * perhaps more than the partnership's): the ones listFundingPolicies' filter keeps. No query.
 */
export function fundingPoliciesOf(rows: FundingPolicyRow[], filter: Partnership) {
  const { localAuthority, icb } = codesOf(filter);
  return policiesView(rows.filter((r) => (!localAuthority || r.local_authority_code === localAuthority) && (!icb || r.icb_code === icb)));
}

export function createFundingPolicyService({ useCases }: { useCases: UseCases }) {
  return {
    /** Every version of every partnership's policy; policies hold no personal data, so any signed-in user may read them, unaudited. */
    async list(actor: Actor, query: unknown = {}) {
      requirePermission(actor, 'person:read');
      const filter = parseInput(FundingPolicyQuery, query ?? {});
      return useCases.run(actor, { permission: 'person:read', audit: null }, ({ trx }) => fundingPoliciesPart(trx, filter));
    },

    /** A new version of a partnership's policy, by an admin or an s117 lead of its local authority or ICB. */
    async create(actor: Actor, input: unknown) {
      requirePermission(actor, 'funding-policy:manage');
      const data = parseInput(FundingPolicyInput, input);
      if (!canManageFundingPolicy(actor, { localAuthority: data.localAuthority, icb: data.icb })) {
        throw new ForbiddenError('Only an s117 lead of the partnership’s local authority or ICB can change its funding policy');
      }
      refuse(policyViolations(data.splits));
      const id = randomUUID();
      const audit = ({ version, today }: { version: number; today: string }) => ({
        action: 'funding-policy.create',
        recordType: 'funding-policy',
        recordId: id,
        details: { localAuthority: data.localAuthority, icb: data.icb, version, effectiveFrom: data.effectiveFrom, splits: data.splits, today },
      });
      const created = await useCases.run(actor, { permission: 'funding-policy:manage', audit }, async ({ trx, today }) => {
        // Two leads saving at once: the second waits for the first, then takes the next version.
        await repo.lockPartnershipPolicies(trx, data.localAuthority, data.icb);
        const version = (await repo.latestPolicyVersion(trx, data.localAuthority, data.icb)) + 1;
        await repo.insertFundingPolicy(trx, {
          id,
          partnership_name: data.partnershipName,
          local_authority_code: data.localAuthority,
          icb_code: data.icb,
          version,
          effective_from: data.effectiveFrom,
          splits: data.splits,
          notes: data.notes ?? null,
          created_by: actor.userId,
        });
        return { version, today, view: fundingPolicyView((await repo.findFundingPolicy(trx, id))!) };
      });
      return created.view;
    },
  };
}

export type FundingPolicyService = ReturnType<typeof createFundingPolicyService>;
