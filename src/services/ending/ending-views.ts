// What the ending use cases answer: a proposal to end aftercare and a reinstatement, each with its
// approvals and the sides still awaited (END-1, END-6, MHA25-2), and an episode's state after them.
import type { Episode } from '../../domain/aftercare.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { endingOutcome, jointOutcome, type Approval, type ApprovalSide, type EndingSettings } from '../../domain/ending.ts';
import type { EndingApprovalRow, EndingProposalRow, ReinstatementApprovalRow, ReinstatementRow, ReviewRow } from '../../data/schema.ts';

export interface EpisodeState { id: string; status: Episode['status']; endedOn: IsoDate | null; endReason: Episode['endReason'] }

export const toApprovals = (rows: readonly { side: ApprovalSide; approved_on: string }[]): Approval[] => rows.map((r) => ({ side: r.side, approvedOn: r.approved_on }));

function approvalView(row: EndingApprovalRow | ReinstatementApprovalRow) {
  return { side: row.side, organisationCode: row.organisation_code, approverId: row.approver_id, approvedAt: new Date(row.approved_at).toISOString(), approvedOn: row.approved_on, comment: row.comment ?? null };
}

/** Issue 9 items 3 and 9: who refused or sent back a proposal or a reinstatement, when, for which body, why. */
function decisionView(row: EndingProposalRow | ReinstatementRow) {
  if (!row.decided_by || (row.status !== 'refused' && row.status !== 'sent-back')) return null;
  return { outcome: row.status, side: row.decision_side, decidedBy: row.decided_by, decidedAt: row.decided_at ? new Date(row.decided_at).toISOString() : null, reasons: row.decision_reasons };
}

/** The latest review held by today, as the approval pages show it and weigh the decision against it. */
export function latestReviewHeld(rows: readonly ReviewRow[], today: IsoDate) {
  const latest = rows.filter((r) => r.held_on <= today).sort((a, b) => (a.held_on < b.held_on ? -1 : 1)).at(-1);
  return latest ? { heldOn: latest.held_on, outcome: latest.outcome as 'continue' | 'change' | 'propose-ending' | null, notes: latest.notes } : null;
}

export function episodeState(episode: Episode): EpisodeState {
  return { id: episode.id, status: episode.status, endedOn: episode.endedOn, endReason: episode.endReason };
}

export function proposalView(row: EndingProposalRow, approvals: EndingApprovalRow[], settings: EndingSettings) {
  const outcome = endingOutcome(toApprovals(approvals), settings, row.notice_sent_on);
  return {
    id: row.id,
    version: row.version,
    personId: row.person_id,
    episodeId: row.episode_id,
    reasonCode: row.reason_code,
    reasons: row.reasons,
    reassessedOn: row.reassessed_on,
    personInvolved: row.person_involved,
    personNotInvolvedReason: row.person_not_involved_reason,
    involved: row.involved,
    continuingOutsideS117: row.continuing_outside_s117,
    override: row.override_reason ? { reason: row.override_reason } : null,
    proposedBy: row.proposed_by,
    proposedAt: new Date(row.proposed_at).toISOString(),
    status: row.status,
    approvals: approvals.map(approvalView),
    awaiting: row.status === 'pending' ? outcome.awaiting : [],
    jointNoticeRequired: settings.jointNoticeRequired,
    awaitingNotice: row.status === 'pending' && outcome.awaitingNotice,
    noticeSentOn: row.notice_sent_on,
    endedOn: row.ended_on,
    decision: decisionView(row),
  };
}

export function reinstatementView(row: ReinstatementRow, approvals: ReinstatementApprovalRow[]) {
  const outcome = jointOutcome(toApprovals(approvals));
  return {
    id: row.id,
    version: row.version,
    personId: row.person_id,
    episodeId: row.episode_id,
    reasons: row.reasons,
    requestedBy: row.requested_by,
    requestedAt: new Date(row.requested_at).toISOString(),
    status: row.status,
    approvals: approvals.map(approvalView),
    awaiting: row.status === 'pending' ? outcome.awaiting : [],
    reinstatedOn: row.reinstated_on,
    decision: decisionView(row),
  };
}
