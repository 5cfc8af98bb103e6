// RESP-7: a split different from the joint policy's is recorded with a reason by any practitioner, but
// it takes effect only when the body whose share it raises agrees (an approval by an s117 lead, role
// approver, of that body's organisation). Until then the policy's split applies: recharges and spend
// follow the effective split. A split that raises nobody's share needs no approval. Pure.
import { sameSplit, type Split } from './funding.ts';
import type { Violation } from './violations.ts';

export const FUNDING_BODIES = ['local-authority', 'icb'] as const;
export type FundingBody = (typeof FUNDING_BODIES)[number];

/** RESP-7: the body whose share the proposed split raises above the policy's, or null (none, or no policy default). */
export function bodyWhoseShareRises(proposed: Split, policyDefault: Split | null): FundingBody | null {
  if (!policyDefault || sameSplit(proposed, policyDefault)) return null;
  if (proposed.icbPercent > policyDefault.icbPercent) return 'icb';
  if (proposed.localAuthorityPercent > policyDefault.localAuthorityPercent) return 'local-authority';
  return null;
}

export interface SplitDecision {
  /** The split the practitioner recorded. */
  proposed: Split;
  /** The split that applies now (recharges, spend, shares). */
  effective: Split;
  /** The body whose approval is awaited, or null when none is (approved, or none needed). */
  awaiting: FundingBody | null;
}

/**
 * RESP-7: the effective split. A proposed split that raises a body's share above the policy's applies
 * only once that body has approved it; until then the policy's split applies.
 */
export function splitDecision(proposed: Split, policyDefault: Split | null, approvedBy: FundingBody | null): SplitDecision {
  const rises = bodyWhoseShareRises(proposed, policyDefault);
  if (!rises || approvedBy === rises || !policyDefault) return { proposed, effective: proposed, awaiting: null };
  return { proposed, effective: policyDefault, awaiting: rises };
}

/** The organisations of the partnership whose policy set the default. */
export interface PartnershipCodes { localAuthority: string; icb: string }

/**
 * RESP-7: who may approve a split: an approver of the organisation of the body whose share rises, and
 * only while that approval is awaited. Returns why not (403 for the wrong body or role, 422 when
 * nothing awaits approval), or null when the approval may be recorded.
 */
export function splitApprovalRefusal(actor: { role: string; organisationCode: string }, awaiting: FundingBody | null, partnership: PartnershipCodes | null): { forbidden: string } | { invalid: Violation } | null {
  if (!awaiting || !partnership) return { invalid: { field: 'serviceId', message: 'This service’s split awaits nobody’s approval', rule: 'RESP-7' } };
  if (actor.role !== 'approver') return { forbidden: 'Only an s117 lead (approver) of the body whose share rises may approve the split (RESP-7)' };
  const code = awaiting === 'icb' ? partnership.icb : partnership.localAuthority;
  if (actor.organisationCode !== code) return { forbidden: `Only the ${awaiting === 'icb' ? 'ICB' : 'local authority'} whose share rises may approve the split (RESP-7)` };
  return null;
}
