// Planning aftercare: planning starts at detention (PLAN-1), who is invited to a planning meeting
// (PLAN-2), and the named keyworker (PLAN-3). Rules in docs/domain-rules.md. Pure functions: no I/O.

import type { Episode } from './aftercare.ts';
import type { IsoDate } from './dates.ts';
import { daysBetween, formatDate } from './dates.ts';
import type { SectionCode } from './sections.ts';
import { canAllocateKeyworker, KEYWORKER_ROLES, type Role, type Viewer } from './access.ts';
import type { RuleViolation } from './violations.ts';

// ---------------------------------------------------------------------------------------------
// PLAN-1: planning from the day of a qualifying detention until a planning meeting is held.

export interface MeetingFact { episodeId: string | null; heldOn: IsoDate | null }

export interface PlanningStatus {
  needed: boolean;
  /** The day planning started: the day of the qualifying detention. */
  since: IsoDate | null;
  /** The day the first planning meeting for the episode was held, if one was. */
  meetingHeldOn: IsoDate | null;
  /** Days planning has been open (when needed and `today` is given). */
  daysOpen: number | null;
  reason: string;
  rule: 'PLAN-1';
}

const CLOSED: ReadonlySet<Episode['status']> = new Set(['ended', 'superseded', 'deceased']);

/**
 * PLAN-1: a qualifying detention opens planning for its episode; it stays open until a planning
 * meeting for that episode is held. An ended, superseded or deceased episode needs none.
 */
export function planningStatus(
  episode: Pick<Episode, 'id' | 'status' | 'qualifyingFrom'> | null | undefined,
  meetings: readonly MeetingFact[],
  today?: IsoDate,
): PlanningStatus {
  if (!episode) {
    return { needed: false, since: null, meetingHeldOn: null, daysOpen: null, rule: 'PLAN-1', reason: 'No qualifying detention is recorded, so there is no aftercare to plan yet.' };
  }
  const held = meetings
    .filter((m) => m.episodeId === episode.id && m.heldOn !== null && m.heldOn >= episode.qualifyingFrom)
    .map((m) => m.heldOn as IsoDate)
    .sort();
  const heldOn = held[0] ?? null;
  const since = episode.qualifyingFrom;
  if (CLOSED.has(episode.status)) {
    return { needed: false, since, meetingHeldOn: heldOn, daysOpen: null, rule: 'PLAN-1', reason: `The episode from ${formatDate(since)} is ${episode.status}, so no planning is needed for it.` };
  }
  if (heldOn) {
    return { needed: false, since, meetingHeldOn: heldOn, daysOpen: null, rule: 'PLAN-1', reason: `A planning meeting was held on ${formatDate(heldOn)} for the detention from ${formatDate(since)}.` };
  }
  const daysOpen = today ? Math.max(0, daysBetween(since, today)) : null;
  const left = episode.status === 'active' || episode.status === 'in-custody';
  return {
    needed: true,
    since,
    meetingHeldOn: null,
    daysOpen,
    rule: 'PLAN-1',
    reason: left
      ? `No planning meeting has been held for the detention from ${formatDate(since)}, and aftercare has already started: hold one now.`
      : `Aftercare planning started with the qualifying detention on ${formatDate(since)}. Hold a section 117 planning meeting well before discharge.`,
  };
}

// ---------------------------------------------------------------------------------------------
// PLAN-2: the planning meeting.

export const MEETING_TRIGGERS = ['admission', 'tribunal', 'managers-hearing', 'cto', 'conditional-discharge', 'review', 'other'] as const;
export type MeetingTrigger = (typeof MEETING_TRIGGERS)[number];

export const TRIGGER_LABELS: Record<MeetingTrigger, string> = {
  'admission': 'Planning from admission (before discharge)',
  'tribunal': 'After a tribunal hearing',
  'managers-hearing': 'After a hospital managers’ hearing',
  'cto': 'A community treatment order',
  'conditional-discharge': 'A conditional discharge',
  'review': 'A review',
  'other': 'Other',
};

export const INVITEE_ROLES = [
  'person', 'carer-family', 'advocate-imha', 'ward-team-rc', 'keyworker', 'la-social-worker-amhp',
  'icb-commissioner', 'cmht', 'gp', 'provider', 'housing', 'probation-mappa',
] as const;
export type InviteeRole = (typeof INVITEE_ROLES)[number];

export const INVITEE_RESPONSES = ['attended', 'apologies', 'did-not-attend'] as const;
export type InviteeResponse = (typeof INVITEE_RESPONSES)[number];

export const ROLE_LABELS: Record<InviteeRole, string> = {
  'person': 'The person',
  'carer-family': 'Carer or family member',
  'advocate-imha': 'Advocate or IMHA',
  'ward-team-rc': 'Ward team and responsible clinician',
  'keyworker': 'Keyworker or named practitioner',
  'la-social-worker-amhp': 'Local authority social worker or AMHP',
  'icb-commissioner': 'ICB or commissioner representative',
  'cmht': 'Community mental health team',
  'gp': 'GP',
  'provider': 'Service providers',
  'housing': 'Housing',
  'probation-mappa': 'Probation or MAPPA',
};

/** Offender-patients (PLAN-2): detained through the courts or transferred from prison. */
const OFFENDER_SECTIONS: ReadonlySet<SectionCode> = new Set<SectionCode>(['37', '37/41', '45A', '47', '47/49', '48', '48/49']);

export function isOffenderPatient(qualifyingSection: SectionCode | null | undefined): boolean {
  return qualifyingSection !== null && qualifyingSection !== undefined && OFFENDER_SECTIONS.has(qualifyingSection);
}

export interface InviteeExpectation {
  role: InviteeRole;
  label: string;
  /** Whether PLAN-2 expects this role to be invited for this person. */
  expected: boolean;
  /** When the role is invited: always, if the person wants, as relevant, for offender-patients. */
  when: 'always' | 'if-the-person-wants' | 'as-relevant' | 'offender-patients';
  rule: 'PLAN-2';
}

/**
 * PLAN-2: whom to invite to a section 117 planning meeting. A carer or family member only if the
 * person wants them; probation or MAPPA for offender-patients; CMHT, GP, providers and housing as relevant.
 */
export function expectedInvitees(input: { qualifyingSection: SectionCode | null; personWantsCarerOrFamily: boolean }): InviteeExpectation[] {
  const offender = isOffenderPatient(input.qualifyingSection);
  const when: Record<InviteeRole, InviteeExpectation['when']> = {
    'person': 'always',
    'carer-family': 'if-the-person-wants',
    'advocate-imha': 'always',
    'ward-team-rc': 'always',
    'keyworker': 'always',
    'la-social-worker-amhp': 'always',
    'icb-commissioner': 'always',
    'cmht': 'as-relevant',
    'gp': 'as-relevant',
    'provider': 'as-relevant',
    'housing': 'as-relevant',
    'probation-mappa': 'offender-patients',
  };
  return INVITEE_ROLES.map((role) => {
    const w = when[role];
    const expected = w === 'always' || (w === 'if-the-person-wants' && input.personWantsCarerOrFamily) || (w === 'offender-patients' && offender);
    return { role, label: ROLE_LABELS[role], expected, when: w, rule: 'PLAN-2' };
  });
}

/** PLAN-2: expected roles not invited to a meeting (a warning, never a refusal). */
export function missingInvitees(expected: readonly InviteeExpectation[], invitedRoles: readonly string[]): InviteeExpectation[] {
  return expected.filter((e) => e.expected && !invitedRoles.includes(e.role));
}

// ---------------------------------------------------------------------------------------------
// PLAN-3: a named keyworker before discharge.

export interface KeyworkerWarning { rule: 'PLAN-3'; level: 'before-discharge' | 'overdue'; text: string }

/**
 * PLAN-3: a named keyworker (care co-ordinator, named practitioner) must be allocated before the
 * person leaves hospital. null when one is allocated or the episode needs none.
 */
export function keyworkerWarning(
  episode: Pick<Episode, 'status' | 'leftHospitalOn'> | null | undefined,
  keyworker: { userId: string } | null | undefined,
): KeyworkerWarning | null {
  if (!episode || keyworker || CLOSED.has(episode.status)) return null;
  if (episode.status === 'planning' || episode.status === 'entitled-pending-discharge') {
    return { rule: 'PLAN-3', level: 'before-discharge', text: 'No keyworker is allocated. Allocate a named keyworker, with contact details, before they leave hospital.' };
  }
  const left = episode.leftHospitalOn ? ` They left hospital on ${formatDate(episode.leftHospitalOn)}.` : '';
  return { rule: 'PLAN-3', level: 'overdue', text: `No keyworker is allocated, and aftercare has started.${left} Allocate a named keyworker now.` };
}

// ---------------------------------------------------------------------------------------------
// The refusals a planning meeting or a keyworker allocation meets. Each names its rule.

/**
 * PLAN-1: a meeting that plans for an episode cannot be held before the qualifying detention that
 * opened the planning (a meeting without a known episode is not checked).
 */
export function meetingHeldOnViolations(heldOn: IsoDate | null | undefined, episode: Pick<Episode, 'qualifyingFrom'> | null | undefined): RuleViolation[] {
  if (!heldOn || !episode || heldOn >= episode.qualifyingFrom) return [];
  return [{ field: 'heldOn', message: 'A planning meeting for this episode cannot be held before the detention began', rule: 'PLAN-1' }];
}

/** PLAN-1: how many days planning has been open on `today` (never negative). */
export function planningDaysOpen(since: IsoDate, today: IsoDate): number {
  return Math.max(0, daysBetween(since, today));
}

/**
 * PLAN-2: the roles invited when the caller names none: every role PLAN-2 expects for this person
 * (a carer or family member only if the person wants them, probation for offender-patients).
 */
export function defaultInviteeRoles(input: { qualifyingSection: SectionCode | null; personWantsCarerOrFamily: boolean }): InviteeRole[] {
  return expectedInvitees(input).filter((e) => e.expected).map((e) => e.role);
}

/** PLAN-2: a carer or family member is invited only if the person wants them. `field` names the list of invitees. */
export function carerInvitationViolations(roles: readonly string[], personWantsCarerOrFamily: boolean, field: string): RuleViolation[] {
  const at = roles.indexOf('carer-family');
  if (at < 0 || personWantsCarerOrFamily) return [];
  return [{ field: `${field}.${at}.role`, message: 'Invite a carer or family member only if the person wants them (set personWantsCarerOrFamily)', rule: 'PLAN-2' }];
}

/**
 * PLAN-2: recording that the person does not want a carer or family member while one is already
 * invited is refused until the invitation is removed (or the person's wish recorded the other way).
 */
export function carerWishViolations(personWantsCarerOrFamily: boolean | undefined, invitedRoles: readonly string[]): RuleViolation[] {
  if (personWantsCarerOrFamily !== false || !invitedRoles.includes('carer-family')) return [];
  return [{ field: 'personWantsCarerOrFamily', message: 'A carer or family member is invited: remove the invitation first, or record that the person wants them', rule: 'PLAN-2' }];
}

/**
 * PLAN-3: who may be a named keyworker: a user of the register with a role that holds a caseload
 * (practitioner, approver or admin). `candidate` undefined: no user has the id given.
 */
export function keyworkerCandidateViolations(candidate: { role: Role } | undefined): RuleViolation[] {
  if (!candidate) return [{ field: 'userId', message: 'There is no user of the register with that id', rule: 'PLAN-3' }];
  if (!KEYWORKER_ROLES.includes(candidate.role)) {
    return [{ field: 'userId', message: `A ${candidate.role} cannot be a keyworker: choose a practitioner, approver or admin`, rule: 'PLAN-3' }];
  }
  return [];
}

/**
 * PLAN-3: the keyworker's organisation gains sight of the person, so an allocation is refused
 * (a permission refusal, not an input one) unless the keyworker works for the allocating user's
 * organisation or one that already sees the person. null: allowed.
 */
export function keyworkerAllocationRefusal(actor: Viewer, keyworkerOrganisationCode: string, organisationsWithSightOfPerson: readonly string[]): string | null {
  return canAllocateKeyworker(actor, keyworkerOrganisationCode, organisationsWithSightOfPerson)
    ? null
    : 'The keyworker must work for your organisation or one already responsible for this person';
}
