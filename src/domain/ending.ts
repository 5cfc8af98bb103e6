// Ending and reinstating aftercare (END-1 to END-7, MHA25-2). Complaints are in complaints.ts.
// Pure functions: the services record proposals, approvals and notices; these rules decide what they mean.

import type { Episode } from './aftercare.ts';
import { addDays, compareDates, formatDate, type IsoDate } from './dates.ts';

import type { Violation } from './violations.ts';
import { BODIES, type Body } from './bodies.ts';

export type { Violation };

// ---------------------------------------------------------------------------------------------
// END-3: reasons that must not be used. Each says, in plain English, why it is not lawful.

export const LAWFUL_REASON = 'no-longer-needed' as const;

export const FORBIDDEN_REASONS = {
  'discharged-from-cmht': {
    label: 'They have been discharged from the community mental health team or specialist services',
    why: 'Being discharged from specialist mental health services does not mean their aftercare needs have ended. Aftercare may still be needed from other services.',
  },
  'time-elapsed': {
    label: 'A period of time has passed since they left hospital',
    why: 'Aftercare does not lapse with time. It lasts for as long as the person needs it.',
  },
  'readmitted-informally': {
    label: 'They were readmitted to hospital informally',
    why: 'An informal admission does not end aftercare (ELIG-8a). Only a new detention under a qualifying section does, automatically (END-5).',
  },
  'readmitted-section-2': {
    label: 'They were readmitted to hospital under section 2',
    why: 'A section 2 admission does not end aftercare (ELIG-8a). Only a new detention under a qualifying section does, automatically (END-5).',
  },
  'cto-ended': {
    label: 'Their community treatment order ended',
    why: 'The end of a community treatment order does not end aftercare. Their needs must be reassessed.',
  },
  'leave-ended': {
    label: 'Their section 17 leave ended',
    why: 'The end of section 17 leave says nothing about whether aftercare is still needed.',
  },
  'refused-services': {
    label: 'They refuse services',
    why: 'A refusal shows that services are not being accepted, not that the need has ended. Keep the entitlement, record the refusal and keep the offer open.',
  },
  'deprivation-of-liberty': {
    label: 'They are deprived of their liberty under the Mental Capacity Act',
    why: 'A deprivation of liberty authorisation does not end aftercare. The care that meets their mental health needs may still be aftercare.',
  },
  'moved-area': {
    label: 'They moved to another area or changed GP',
    why: 'A move or a change of GP does not end aftercare. The responsible bodies stay responsible (RESP-2, RESP-5).',
  },
  'budget': {
    label: 'Budget pressure',
    why: 'Aftercare cannot be ended to save money. It may end only when the person no longer needs it.',
  },
} as const satisfies Record<string, { label: string; why: string }>;

export type ForbiddenReason = keyof typeof FORBIDDEN_REASONS;
export const FORBIDDEN_REASON_CODES = Object.keys(FORBIDDEN_REASONS) as ForbiddenReason[];
export const REASON_CODES = [LAWFUL_REASON, ...FORBIDDEN_REASON_CODES] as const;
export type ReasonCode = typeof LAWFUL_REASON | ForbiddenReason;

export const LAWFUL_REASON_TEXT = {
  label: 'They no longer need aftercare services',
  why: 'Aftercare may end only when the local authority and the ICB, after reassessing the person’s needs with them, are both satisfied that no need arising from their mental disorder remains (END-1, END-4).',
} as const;

export function isForbiddenReason(code: string): code is ForbiddenReason {
  return Object.hasOwn(FORBIDDEN_REASONS, code);
}

/** The label and explanation of a reason code, lawful or not. */
export function reasonText(code: string): { label: string; why: string } {
  if (code === LAWFUL_REASON) return LAWFUL_REASON_TEXT;
  return isForbiddenReason(code) ? FORBIDDEN_REASONS[code] : { label: code, why: '' };
}

// ---------------------------------------------------------------------------------------------
// Validating a proposal (END-1, END-2, END-3, END-4, END-7).

export type EndingEpisode = Pick<Episode, 'id' | 'status' | 'leftHospitalOn' | 'endedOn' | 'communityTreatmentOrder' | 'conditionallyDischarged'> & {
  localAuthority: { code: string | null };
  icb: { code: string | null };
};

export interface EndingProposalInput {
  reasonCode: string;
  reasons: string;
  reassessedOn?: IsoDate | null;
  personInvolved: boolean;
  personNotInvolvedReason?: string | null;
  involved?: readonly string[];
  continuingOutsideS117?: string | null;
  override?: { reason: string } | null;
}

/** END-1, END-7: which episodes can be ended at all. Null when it can. */
export function episodeCannotEnd(episode: EndingEpisode): Violation | null {
  const field = 'episodeId';
  switch (episode.status) {
    case 'active':
    case 'in-custody':
      return null;
    case 'planning':
    case 'entitled-pending-discharge':
      return { field, rule: 'END-1', message: 'Aftercare has not started yet: they have not left hospital. There is nothing to end.' };
    case 'ended':
      return { field, rule: 'END-1', message: `Aftercare for this episode already ended by a joint decision${episode.endedOn ? ` on ${formatDate(episode.endedOn)}` : ''}. It cannot be ended again; it can be reinstated (END-6).` };
    case 'superseded':
      return { field, rule: 'END-7', message: 'This episode already ended automatically when a new qualifying detention began (END-5). Propose ending the current episode instead.' };
    case 'deceased':
      return { field, rule: 'END-7', message: 'Aftercare ended when the person died. There is nothing to end.' };
  }
  return null;
}

/** END-1: both responsible bodies must be known before they can decide together. */
export function bodiesUnknown(episode: EndingEpisode): Violation | null {
  const missing = [episode.localAuthority.code ? null : 'local authority', episode.icb.code ? null : 'ICB'].filter(Boolean);
  if (missing.length === 0) return null;
  return { field: 'episodeId', rule: 'END-1', message: `The responsible ${missing.join(' and ')} is not known. Confirm responsibility first: aftercare can end only by a joint decision of both bodies.` };
}

/** Checks a proposal to end an episode's aftercare. An empty list means it may go to the approvers. */
export function validateEndingProposal(episode: EndingEpisode, input: EndingProposalInput, today: IsoDate): Violation[] {
  const violations: Violation[] = [];
  const status = episodeCannotEnd(episode);
  if (status) return [status];
  const unknown = bodiesUnknown(episode);
  if (unknown) violations.push(unknown);

  // END-2: a CTO is a statutory bar; a conditional discharge is blocked unless overridden with reasons.
  if (episode.communityTreatmentOrder) {
    violations.push({ field: 'episodeId', rule: 'END-2', message: 'They are on a community treatment order. Aftercare cannot be ended while a community treatment order is in force (section 117(2)).' });
  }
  if (episode.conditionallyDischarged && !input.override?.reason?.trim()) {
    violations.push({
      field: 'override.reason', rule: 'END-2',
      message: 'They are conditionally discharged. Continuing restrictions are usually evidence of a continuing need. Give the reason for ending aftercare anyway, or do not propose it.',
    });
  }

  // END-3
  if (isForbiddenReason(input.reasonCode)) {
    const reason = FORBIDDEN_REASONS[input.reasonCode];
    violations.push({ field: 'reasonCode', rule: 'END-3', message: `“${reason.label}” is not a lawful reason to end aftercare. ${reason.why}` });
  } else if (input.reasonCode !== LAWFUL_REASON) {
    violations.push({ field: 'reasonCode', message: 'Choose a reason from the list' });
  }

  // END-4: reassessment first, and the person involved.
  const reassessed = input.reassessedOn ?? null;
  if (reassessed === null || reassessed === '') {
    violations.push({ field: 'reassessedOn', rule: 'END-4', message: 'Enter the date their needs were reassessed. Aftercare cannot end without a reassessment of how they will manage without it.' });
  } else if (compareDates(reassessed, today) > 0) {
    violations.push({ field: 'reassessedOn', rule: 'END-4', message: 'The reassessment date must be today or in the past' });
  } else if (episode.leftHospitalOn && compareDates(reassessed, episode.leftHospitalOn) < 0) {
    violations.push({ field: 'reassessedOn', rule: 'END-4', message: `The reassessment must be after aftercare started on ${formatDate(episode.leftHospitalOn)}` });
  }
  if (!input.personInvolved && !input.personNotInvolvedReason?.trim()) {
    violations.push({ field: 'personNotInvolvedReason', rule: 'END-4', message: 'The person should be involved in the decision. If they were not, say why.' });
  }
  if (!input.reasons.trim()) {
    violations.push({ field: 'reasons', rule: 'END-4', message: 'Explain why they no longer need aftercare' });
  }
  return violations;
}

// ---------------------------------------------------------------------------------------------
// END-1: who approves, and when the decision takes effect.

/**
 * A proposal to end, or a reinstatement: waiting for both bodies, approved by both, or withdrawn; a
 * proposal to end may also be refused, or sent back for reassessment, by either body's approver.
 */
export const DECISION_STATUSES = ['pending', 'approved', 'withdrawn', 'refused', 'sent-back'] as const;
export type DecisionStatus = (typeof DECISION_STATUSES)[number];

/** END-4: each body approves for its own side. */
export type ApprovalSide = Body;
export const APPROVAL_SIDES: readonly ApprovalSide[] = BODIES;

/** Which body an approver signs for: the episode's responsible local authority or ICB, or neither. */
export function approvalSide(approverOrgCode: string, episode: Pick<EndingEpisode, 'localAuthority' | 'icb'>): ApprovalSide | null {
  if (episode.localAuthority.code && approverOrgCode === episode.localAuthority.code) return 'local-authority';
  if (episode.icb.code && approverOrgCode === episode.icb.code) return 'icb';
  return null;
}

export interface Approval { side: ApprovalSide; approvedOn: IsoDate }

export interface JointOutcome {
  /** Both bodies have approved (END-1). */
  agreed: boolean;
  /** The date the second body first approved: the date of the joint decision. */
  agreedOn: IsoDate | null;
  /** The sides that have not approved yet. */
  awaiting: ApprovalSide[];
  /** The first approval of each side. */
  firstApprovals: Partial<Record<ApprovalSide, IsoDate>>;
}

/** END-1 (and END-6): one approval from each side makes a joint decision; repeats change nothing. */
export function jointOutcome(approvals: readonly Approval[]): JointOutcome {
  const firstApprovals: Partial<Record<ApprovalSide, IsoDate>> = {};
  for (const a of approvals) {
    const current = firstApprovals[a.side];
    if (current === undefined || compareDates(a.approvedOn, current) < 0) firstApprovals[a.side] = a.approvedOn;
  }
  const awaiting = APPROVAL_SIDES.filter((s) => firstApprovals[s] === undefined);
  const dates = APPROVAL_SIDES.map((s) => firstApprovals[s]).filter((d): d is IsoDate => d !== undefined).sort(compareDates);
  const agreed = awaiting.length === 0;
  return { agreed, agreedOn: agreed ? (dates.at(-1) ?? null) : null, awaiting, firstApprovals };
}

export interface EndingSettings {
  /** MHA25-2 (Mental Health Act 2025 s46(2)): a joint written notice is needed before the duty ends. Off until commenced. */
  jointNoticeRequired: boolean;
}

export interface EndingOutcome extends JointOutcome {
  /** Aftercare ends. */
  ends: boolean;
  endedOn: IsoDate | null;
  /** MHA25-2: both approved, waiting for the joint written notice to be recorded. */
  awaitingNotice: boolean;
}

/**
 * END-1: aftercare ends on the date the second body approves. MHA25-2 (behind a setting): it ends
 * only once the joint written notice is sent, on the date of the notice.
 */
export function endingOutcome(approvals: readonly Approval[], settings: EndingSettings, noticeSentOn: IsoDate | null = null): EndingOutcome {
  const joint = jointOutcome(approvals);
  if (!joint.agreed) return { ...joint, ends: false, endedOn: null, awaitingNotice: false };
  if (!settings.jointNoticeRequired) return { ...joint, ends: true, endedOn: joint.agreedOn, awaitingNotice: false };
  if (noticeSentOn === null) return { ...joint, ends: false, endedOn: null, awaitingNotice: true };
  return { ...joint, ends: true, endedOn: noticeSentOn, awaitingNotice: false };
}

/** MHA25-2: the joint notice can be recorded once both bodies have decided, dated on or after the decision. */
export function validateNotice(approvals: readonly Approval[], sentOn: IsoDate, today: IsoDate): Violation[] {
  const joint = jointOutcome(approvals);
  if (!joint.agreed) return [{ field: 'sentOn', rule: 'MHA25-2', message: 'Both the local authority and the ICB must approve the decision before the joint written notice is sent' }];
  if (compareDates(sentOn, today) > 0) return [{ field: 'sentOn', rule: 'MHA25-2', message: 'The date the notice was sent must be today or in the past' }];
  if (joint.agreedOn && compareDates(sentOn, joint.agreedOn) < 0) {
    return [{ field: 'sentOn', rule: 'MHA25-2', message: `The notice cannot be sent before the joint decision on ${formatDate(joint.agreedOn)}` }];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------
// END-6 (CONTESTED): reinstatement of an episode that was ended jointly.

/** END-6: only aftercare ended by a joint decision can be reinstated. */
export function canBeReinstated(episode: { status: Episode['status']; endReason: Episode['endReason'] }): boolean {
  return episode.status === 'ended' && episode.endReason === 'joint-decision';
}

/** END-1: a pending decision waits for this side's approval if that side has not yet given it. */
export function awaitsApprovalFrom(side: ApprovalSide | null, decision: { status: string; approvals: readonly { side: ApprovalSide }[] }): boolean {
  return side !== null && decision.status === 'pending' && !decision.approvals.some((a) => a.side === side);
}

export function validateReinstatement(episode: Pick<EndingEpisode, 'status' | 'endedOn'> & { endReason: Episode['endReason'] }, input: { reasons: string }): Violation[] {
  const violations: Violation[] = [];
  if (!canBeReinstated(episode)) {
    violations.push({
      field: 'episodeId', rule: 'END-6',
      message: episode.status === 'superseded'
        ? 'This episode was replaced by a new qualifying detention, which has its own aftercare. There is nothing to reinstate.'
        : 'Only aftercare that was ended by a joint decision can be reinstated.',
    });
  }
  if (!input.reasons.trim()) violations.push({ field: 'reasons', rule: 'END-6', message: 'Explain why aftercare should be put back in place, for example how their mental health has got worse' });
  return violations;
}

// ---------------------------------------------------------------------------------------------
// END-1, END-4, END-7 (issue 9 item 3): what the record says against a proposal to end, shown to the
// approver before they approve; and what happens to the s117 services when aftercare ends.

export interface EndingContext {
  reassessedOn: IsoDate;
  /** outcome null: a review imported from a previous register with its date only (0116), which says nothing either way. */
  latestReview: { heldOn: IsoDate; outcome: 'continue' | 'change' | 'propose-ending' | null } | null;
  /** The person's s117 services not ended (on or after today). */
  liveS117Services: readonly { id: string; description: string }[];
  continuingServiceIds: readonly string[];
  /** The plan's needs met under s117. */
  s117Needs: readonly { description: string }[];
}

export interface Contradiction { rule: string; heading: string; text: string }

/** Where the record contradicts a proposal to end aftercare: each a warning for the approver, never a block. */
export function endingContradictions(c: EndingContext): Contradiction[] {
  const out: Contradiction[] = [];
  if (c.latestReview && c.latestReview.outcome !== null && c.latestReview.outcome !== 'propose-ending' && compareDates(c.latestReview.heldOn, c.reassessedOn) >= 0) {
    const said = c.latestReview.outcome === 'continue' ? 'to carry on with aftercare as it is' : 'to change the services, not to end aftercare';
    out.push({ rule: 'END-4', heading: 'The latest review did not propose ending', text: `The review on ${formatDate(c.latestReview.heldOn)}, on or after the reassessment, decided ${said}.` });
  }
  const ending = c.liveS117Services.filter((s) => !c.continuingServiceIds.includes(s.id));
  if (ending.length > 0) {
    out.push({
      rule: 'END-7',
      heading: `${ending.length === 1 ? 'An s117 service is' : `${ending.length} s117 services are`} still in place`,
      text: `${ending.map((s) => s.description).join('; ')}. ${ending.length === 1 ? 'It ends' : 'They end'} with aftercare, unless the proposal says ${ending.length === 1 ? 'it carries' : 'they carry'} on outside section 117.`,
    });
  }
  if (c.s117Needs.length > 0) {
    out.push({
      rule: 'END-1',
      heading: `The plan still records ${c.s117Needs.length === 1 ? 'a need' : `${c.s117Needs.length} needs`} met under section 117`,
      text: `${c.s117Needs.map((n) => n.description).join('; ')}. Aftercare ends only when no such need remains: check the reasons say why.`,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// END-6 (issue 9 item 2): what the record says against a request to reinstate aftercare, shown to
// the approver before they decide, as endingContradictions is for an ending. Warnings, never blocks:
// reinstatement is contested in law and decided by both bodies.

export interface ReinstatementContext {
  /** The day the joint decision ended this aftercare (null: none recorded). */
  endedOn: IsoDate | null;
  latestReview: EndingContext['latestReview'];
  /** The plan's needs met under s117. */
  s117Needs: readonly { description: string }[];
  /** The start of a hospital stay not yet ended (null: the person is in the community). */
  inHospitalSince: IsoDate | null;
  /** The start of a later episode, opened by a new qualifying detention (END-5). */
  laterEpisodeFrom: IsoDate | null;
  dateOfDeath: IsoDate | null;
}

/** Where the record contradicts a request to put ended aftercare back in place (END-6). */
export function reinstatementContradictions(c: ReinstatementContext): Contradiction[] {
  const out: Contradiction[] = [];
  if (c.dateOfDeath) {
    out.push({ rule: 'END-7', heading: 'The person’s death is recorded', text: `They died on ${formatDate(c.dateOfDeath)}. Aftercare ends on death and cannot be put back in place.` });
  }
  if (c.laterEpisodeFrom) {
    out.push({ rule: 'END-5', heading: 'A new qualifying detention has started new aftercare', text: `A detention from ${formatDate(c.laterEpisodeFrom)} opened a new episode: the person’s aftercare is planned under it, so this ended aftercare need not be put back in place.` });
  } else if (c.inHospitalSince) {
    out.push({ rule: 'REV-4', heading: 'The person is in hospital, not in the community', text: `They have been in hospital since ${formatDate(c.inHospitalSince)}. Aftercare is for after leaving hospital: if it is put back in place, plan it again before they leave.` });
  }
  const review = c.latestReview;
  if (review?.outcome === 'propose-ending') {
    const after = c.endedOn !== null && compareDates(review.heldOn, c.endedOn) >= 0;
    out.push({
      rule: 'REV-3',
      heading: after ? 'A review since the ending said aftercare is no longer needed' : 'The latest review proposed ending aftercare',
      text: `The review on ${formatDate(review.heldOn)}${after ? ', after aftercare ended,' : ''} found no remaining need. Check the reasons say what has changed since.`,
    });
  }
  if (c.s117Needs.length === 0) {
    out.push({ rule: 'END-7', heading: 'The plan records no need met under section 117', text: 'Aftercare continues only while an aftercare need remains. Check the reasons name the need, and record it in the plan.' });
  }
  return out;
}

/**
 * END-7: when aftercare ends on `endedOn`, each s117 service still in place ends that day; one the
 * proposal says carries on outside section 117 also ends as an s117 service that day, and carries on
 * from the next day as a service outside s117 (which may then be charged for, CHG).
 */
export function servicesAtEnding(
  services: readonly { id: string; s117: boolean; startDate: IsoDate; endDate: IsoDate | null }[],
  continuingServiceIds: readonly string[],
  endedOn: IsoDate,
): { id: string; endDate: IsoDate; continuesFrom: IsoDate | null }[] {
  return services
    .filter((s) => s.s117 && (s.endDate === null || compareDates(s.endDate, endedOn) > 0))
    .map((s) => {
      // A service not yet started when aftercare ends never runs as s117: it ends on its first day.
      const endDate = compareDates(s.startDate, endedOn) > 0 ? s.startDate : endedOn;
      return { id: s.id, endDate, continuesFrom: continuingServiceIds.includes(s.id) ? addDays(endedOn, 1) : null };
    });
}
