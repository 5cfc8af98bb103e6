// RESP-7: a split that raises a body's share above the joint policy's applies only once that body's
// s117 lead approves it. services.la_percent/icb_percent hold the effective split (what recharges,
// spend and shares use); the recorded split and its approval are kept beside it (migration 0075).
import { sameSplit, type Split } from '../../domain/funding.ts';
import { bodyWhoseShareRises, splitApprovalRefusal, splitDecision, type FundingBody } from '../../domain/split-approval.ts';
import type { Db } from '../../data/database.ts';
import type { FundingPolicyRow, ServiceRow } from '../../data/schema.ts';
import { findPolicy } from '../funding-policies/policy-in-effect.ts';
import type { Actor } from '../kernel/actor.ts';
import { ForbiddenError, ValidationError } from '../kernel/errors.ts';

/** The split the practitioner recorded: the proposal while it is kept, else the effective split. */
export function proposedSplitOf(row: ServiceRow): Split {
  return row.proposed_la_percent !== null && row.proposed_icb_percent !== null
    ? { localAuthorityPercent: row.proposed_la_percent, icbPercent: row.proposed_icb_percent }
    : { localAuthorityPercent: row.la_percent, icbPercent: row.icb_percent };
}

/**
 * The columns of a decided split: the effective split and, where it raises a body's share, the
 * proposal and whose approval it awaits. `kept`: the stored service when the decision is unchanged
 * (same policy, category and split), whose approval then still stands.
 */
export function splitColumns(proposed: Split, policyDefault: Split | null, kept: ServiceRow | null = null) {
  const approvedBody = kept?.split_approved_body ?? null;
  const decision = splitDecision(proposed, policyDefault, approvedBody);
  const rises = bodyWhoseShareRises(proposed, policyDefault);
  const approved = rises !== null && approvedBody === rises;
  return {
    la_percent: decision.effective.localAuthorityPercent,
    icb_percent: decision.effective.icbPercent,
    proposed_la_percent: rises ? proposed.localAuthorityPercent : null,
    proposed_icb_percent: rises ? proposed.icbPercent : null,
    split_awaiting: decision.awaiting,
    split_approved_body: approved ? approvedBody : null,
    split_approved_by: approved ? (kept?.split_approved_by ?? null) : null,
    split_approved_at: approved ? (kept?.split_approved_at ?? null) : null,
  };
}

/** Whether a reopened funding decision came out as it was (same policy, category and split), so an approval stands. */
export function sameDecision(row: ServiceRow, policyId: string | null, category: string, proposed: Split): boolean {
  return policyId === row.policy_id && category === row.category && sameSplit(proposed, proposedSplitOf(row));
}

/** The columns of a split kept as it was decided (a change that does not reopen the funding decision). */
export function keptSplitColumns(row: ServiceRow) {
  return { la_percent: row.la_percent, icb_percent: row.icb_percent };
}

/** RESP-7 as the service's view shows it: the recorded and effective splits and whose approval is awaited. */
export function splitApprovalView(row: ServiceRow, policy: FundingPolicyRow | null) {
  const awaiting = row.split_awaiting;
  return {
    proposed: proposedSplitOf(row),
    effective: { localAuthorityPercent: row.la_percent, icbPercent: row.icb_percent },
    awaiting,
    awaitingOrganisation: awaiting && policy ? (awaiting === 'icb' ? policy.icb_code : policy.local_authority_code) : null,
    approved: row.split_approved_body && row.split_approved_by && row.split_approved_at ? { body: row.split_approved_body, by: row.split_approved_by, at: new Date(row.split_approved_at).toISOString() } : null,
  };
}

/**
 * RESP-7: the approval of the body whose share rises. 403 for anyone but an approver of that body's
 * organisation; 422 when nothing awaits approval. Returns the columns to write.
 */
export async function approvalColumns(trx: Db, actor: Actor, row: ServiceRow, now: Date) {
  const policy = await findPolicy(trx, row.policy_id);
  const refusal = splitApprovalRefusal(actor, row.split_awaiting, policy ? { localAuthority: policy.local_authority_code, icb: policy.icb_code } : null);
  if (refusal && 'forbidden' in refusal) throw new ForbiddenError(refusal.forbidden);
  if (refusal) throw new ValidationError([refusal.invalid]);
  const proposed = proposedSplitOf(row);
  const body = row.split_awaiting as FundingBody;
  return {
    policy,
    body,
    columns: { la_percent: proposed.localAuthorityPercent, icb_percent: proposed.icbPercent, split_awaiting: null, split_approved_body: body, split_approved_by: actor.userId, split_approved_at: now },
  };
}
