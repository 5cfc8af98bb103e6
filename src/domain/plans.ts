// The care and support plan: its needs and the two-limb test (SCOPE-1), the s117 / non-s117
// itemisation (SCOPE-6), owners for practical tasks (CMP-2), what must be in place before a plan is
// finalised (PLAN-5 contingency, PLAN-6 signature and copy), whether the person is ready to leave
// hospital (PLAN-7) and the legacy CPA attribute (PLAN-8). Pure functions; no I/O.
import type { EpisodeStatus } from './aftercare.ts';
import type { IsoDate } from './dates.ts';
import type { Violation } from './violations.ts';

/** PLAN-4: the Code of Practice chapter 33 domains a plan should cover; each need sits under one. */
export const NEED_DOMAINS = [
  { code: 'continuing-mental-health-care', label: 'Continuing mental health care' },
  { code: 'psychological', label: 'Psychological needs' },
  { code: 'physical-health', label: 'Physical health' },
  { code: 'daytime-activity-employment', label: 'Daytime activity or employment' },
  { code: 'accommodation', label: 'Accommodation' },
  { code: 'risk-and-safety', label: 'Risk and safety' },
  { code: 'co-existing-disability-autism', label: 'Co-existing disability or autism' },
  { code: 'substance-use', label: 'Substance use' },
  { code: 'parenting-caring', label: 'Parenting or caring roles' },
  { code: 'social-cultural-spiritual', label: 'Social, cultural and spiritual needs' },
  { code: 'money-benefits', label: 'Money and benefits' },
] as const;

export type NeedDomain = (typeof NEED_DOMAINS)[number]['code'];
export const NEED_DOMAIN_CODES = NEED_DOMAINS.map((d) => d.code) as unknown as readonly [NeedDomain, ...NeedDomain[]];

export function needDomainLabel(code: string): string {
  return NEED_DOMAINS.find((d) => d.code === code)?.label ?? code;
}

export interface PlanNeed {
  id: string;
  domain: NeedDomain;
  description: string;
  /** SCOPE-1 limb (a): the need arises from or is related to the person's mental disorder. */
  arisesFromMentalDisorder: boolean;
  /** SCOPE-1 limb (b): meeting it reduces the risk of the mental condition deteriorating. */
  reducesRiskOfDeterioration: boolean;
  /** Why the two answers were given (SCOPE-1). */
  rationale: string;
  /** How the need is met: the service, how often, a direct payment or personal health budget (PLAN-4). */
  howMet: string;
  /** Who meets it, the owner of the task (PLAN-4, CMP-2). */
  who: string;
  /** Provided under s117 (free, CHG-1) or not (SCOPE-6). */
  s117: boolean;
}

export interface Contingency {
  triggers: string | null;
  earlyWarningSigns: string | null;
  /** What the person, family, nominated others and the team will do. */
  actions: string | null;
  whatHelps: string | null;
  /** Crisis contact names and numbers, one a line. */
  crisisContacts: string | null;
  /** Who to contact on admission, and practical arrangements (pets, children). */
  onAdmission: string | null;
}

export interface Accommodation {
  /** Where the person will live and the accommodation decision. */
  details: string | null;
  /** The end date of a time-limited placement (PLAN-5). */
  endsOn: IsoDate | null;
  /** The move-on plan of a time-limited placement (PLAN-5). */
  moveOnPlan: string | null;
}

export interface Keyworker { name: string | null; contact: string | null }

export interface SharingConsent {
  name: string;
  relationship: string | null;
  /** The date the person agreed to share the plan with them; null: asked, no consent (PLAN-6). */
  consentedOn: IsoDate | null;
}

export interface PlanContent {
  needs: PlanNeed[];
  goals: string | null;
  personViews: string | null;
  carerViews: string | null;
  accommodation: Accommodation;
  keyworker: Keyworker;
  nextReviewOn: IsoDate | null;
  contingency: Contingency;
  signature: { signedOn: IsoDate | null; notSignedReason: string | null };
  copyGivenOn: IsoDate | null;
  sharing: SharingConsent[];
  /** PLAN-8: legacy CPA attribute; optional, never a precondition for anything. */
  cpa: boolean | null;
}

export function emptyPlan(): PlanContent {
  return {
    needs: [],
    goals: null,
    personViews: null,
    carerViews: null,
    accommodation: { details: null, endsOn: null, moveOnPlan: null },
    keyworker: { name: null, contact: null },
    nextReviewOn: null,
    contingency: { triggers: null, earlyWarningSigns: null, actions: null, whatHelps: null, crisisContacts: null, onAdmission: null },
    signature: { signedOn: null, notSignedReason: null },
    copyGivenOn: null,
    sharing: [],
    cpa: null,
  };
}

const filled = (value: string | null | undefined): boolean => typeof value === 'string' && value.trim() !== '';

/**
 * SCOPE-1: a need is after-care under s117 only when both limbs are yes, with a rationale.
 * Marking it s117 with either limb no is refused.
 */
export function scope1Violations(need: Pick<PlanNeed, 'arisesFromMentalDisorder' | 'reducesRiskOfDeterioration' | 'rationale' | 's117'>, field: string): Violation[] {
  const out: Violation[] = [];
  if (!filled(need.rationale)) out.push({ field: `${field}.rationale`, message: 'Give the reason for the answers to the two-limb test', rule: 'SCOPE-1' });
  if (need.s117 && !(need.arisesFromMentalDisorder && need.reducesRiskOfDeterioration)) {
    out.push({
      field: `${field}.s117`,
      message: 'A need can be met under section 117 only if it arises from the mental disorder and meeting it reduces the risk of deterioration (both limbs yes)',
      rule: 'SCOPE-1',
    });
  }
  return out;
}

/** SCOPE-1: whether a need passes the two-limb test. */
export function passesTwoLimbTest(need: Pick<PlanNeed, 'arisesFromMentalDisorder' | 'reducesRiskOfDeterioration'>): boolean {
  return need.arisesFromMentalDisorder && need.reducesRiskOfDeterioration;
}

/** The checks on a plan's content whenever it is saved: SCOPE-1 and CMP-2 on each need, unique need ids. */
export function validatePlan(plan: PlanContent): Violation[] {
  const out: Violation[] = [];
  const seen = new Set<string>();
  plan.needs.forEach((need, i) => {
    const field = `needs.${i}`;
    if (seen.has(need.id)) out.push({ field: `${field}.id`, message: 'Each need must have its own id' });
    seen.add(need.id);
    out.push(...scope1Violations(need, field));
    // CMP-2: no action in the plan without an owner (who does the benefits claim).
    if (!filled(need.who)) out.push({ field: `${field}.who`, message: 'Say who will meet this need: every action in the plan needs an owner', rule: 'CMP-2' });
    if (!filled(need.howMet)) out.push({ field: `${field}.howMet`, message: 'Say how this need will be met', rule: 'PLAN-4' });
  });
  return out;
}

/**
 * Points to check that do not block saving: a need that passes both limbs but is marked not s117
 * could end up charged for (CHG-1), so it is flagged for a person to look at again.
 */
export function planWarnings(plan: PlanContent): Violation[] {
  return plan.needs.flatMap((need, i) =>
    passesTwoLimbTest(need) && !need.s117
      ? [{ field: `needs.${i}.s117`, message: `“${need.description}” passes both limbs of the two-limb test but is marked as not section 117: check it, because section 117 aftercare must never be charged for`, rule: 'SCOPE-1' }]
      : [],
  );
}

/** SCOPE-6: which needs are met under s117 and which are not. */
export function itemiseNeeds<N extends Pick<PlanNeed, 's117'>>(needs: readonly N[]): { s117: N[]; notS117: N[] } {
  return { s117: needs.filter((n) => n.s117), notS117: needs.filter((n) => !n.s117) };
}

/** PLAN-5: the contingency plan has triggers or early warning signs, actions and crisis contacts. */
export function contingencyComplete(contingency: Contingency): boolean {
  return (filled(contingency.triggers) || filled(contingency.earlyWarningSigns)) && filled(contingency.actions) && filled(contingency.crisisContacts);
}

/** PLAN-6: signed with a copy given, or the reason it was not signed recorded. */
export function signatureComplete(plan: Pick<PlanContent, 'signature' | 'copyGivenOn'>): boolean {
  return (Boolean(plan.signature.signedOn) && Boolean(plan.copyGivenOn)) || filled(plan.signature.notSignedReason);
}

/**
 * What stops a draft being finalised. PLAN-4: at least one need; PLAN-5: a contingency plan (and
 * the move-on plan of a time-limited placement); PLAN-6: a signature and copy date, or the reason.
 */
export function finaliseProblems(plan: PlanContent): Violation[] {
  const out: Violation[] = [];
  if (plan.needs.length === 0) out.push({ field: 'needs', message: 'Add at least one need', rule: 'PLAN-4' });
  const c = plan.contingency;
  if (!filled(c.triggers) && !filled(c.earlyWarningSigns)) {
    out.push({ field: 'contingency.triggers', message: 'Add the triggers or early warning signs to the contingency plan', rule: 'PLAN-5' });
  }
  if (!filled(c.actions)) out.push({ field: 'contingency.actions', message: 'Add what the person, family and team will do to the contingency plan', rule: 'PLAN-5' });
  if (!filled(c.crisisContacts)) out.push({ field: 'contingency.crisisContacts', message: 'Add the crisis contacts to the contingency plan', rule: 'PLAN-5' });
  if (plan.accommodation.endsOn && !filled(plan.accommodation.moveOnPlan)) {
    out.push({ field: 'accommodation.moveOnPlan', message: 'The placement has an end date: add the move-on plan', rule: 'PLAN-5' });
  }
  if (!signatureComplete(plan)) {
    if (!plan.signature.signedOn) out.push({ field: 'signature.signedOn', message: 'Add the date the person signed the plan, or the reason it was not signed', rule: 'PLAN-6' });
    else out.push({ field: 'copyGivenOn', message: 'Add the date a copy was given to the person, or the reason it was not signed', rule: 'PLAN-6' });
  }
  return out;
}

/**
 * What the check page warns about before a plan is finalised (issue 9 item 3): gaps that do not stop
 * finalising but that the plan should not be made permanent with unnoticed. PLAN-3: a named keyworker
 * with contact details; PLAN-4 (5, 9): the review date, the person's views; SCOPE-6: at least one need
 * met under s117; SCOPE-1: needs passing the two-limb test marked as not s117 (planWarnings).
 */
export function finaliseWarnings(plan: PlanContent): Violation[] {
  const out: Violation[] = [];
  if (!filled(plan.keyworker.name)) out.push({ field: 'keyworker', message: 'No keyworker is allocated: the person will not know who to contact about their aftercare', rule: 'PLAN-3' });
  else if (!filled(plan.keyworker.contact)) out.push({ field: 'keyworker', message: 'The keyworker has no contact details', rule: 'PLAN-3' });
  if (!plan.nextReviewOn) out.push({ field: 'nextReviewOn', message: 'No review date is set in the plan', rule: 'PLAN-4' });
  if (!filled(plan.personViews)) out.push({ field: 'personViews', message: 'The person’s views are not recorded', rule: 'PLAN-4' });
  if (plan.needs.length > 0 && !plan.needs.some((n) => n.s117)) out.push({ field: 'needs', message: 'No need is met under section 117: check each need’s answers to the two-limb test', rule: 'SCOPE-6' });
  return [...out, ...planWarnings(plan)];
}

/** PLAN-6: the people the person agreed to share the plan with (only those with a consent date). */
export function sharedWith(sharing: readonly SharingConsent[]): SharingConsent[] {
  return sharing.filter((s) => Boolean(s.consentedOn));
}

export interface DischargeFacts {
  /** The latest episode's status and the day the person left hospital, if any. */
  episodeStatus: EpisodeStatus | null;
  leftHospitalOn: IsoDate | null;
  /** Whether a final version of the plan exists. */
  planFinal: boolean;
  /** Planned services not yet confirmed as in place. */
  unconfirmedServices: number;
}

export type DischargeReadiness = { level: 'ok' } | { level: 'warning'; reasons: string[] };

/**
 * PLAN-7: when the person has left hospital and the plan is not final or a planned service is not
 * confirmed, warn. It never blocks the discharge itself (RESP-6: a dispute must not hold it up).
 */
export function dischargeReadiness(facts: DischargeFacts): DischargeReadiness {
  if (facts.episodeStatus !== 'active' || !facts.leftHospitalOn) return { level: 'ok' };
  const reasons: string[] = [];
  if (!facts.planFinal) reasons.push('They have left hospital without a final care and support plan');
  if (facts.unconfirmedServices > 0) {
    reasons.push(`${facts.unconfirmedServices} planned ${facts.unconfirmedServices === 1 ? 'service is' : 'services are'} not confirmed as in place`);
  }
  return reasons.length > 0 ? { level: 'warning', reasons } : { level: 'ok' };
}

/** PLAN-1: planning starts at detention; it is needed while detained or awaiting discharge without a final plan. */
export function planningNeeded(latestEpisodeStatus: EpisodeStatus | null, planFinal: boolean): boolean {
  return (latestEpisodeStatus === 'planning' || latestEpisodeStatus === 'entitled-pending-discharge') && !planFinal;
}

/**
 * PLAN-1: a section 117 plan follows a qualifying detention, so a draft is finalised only when there
 * is one; then the contents PLAN-4 to PLAN-6 require (finaliseProblems).
 */
export function finaliseRefusals(plan: PlanContent, facts: { qualifyingDetention: boolean }): Violation[] {
  const problems = finaliseProblems(plan);
  if (!facts.qualifyingDetention) problems.unshift({ field: 'episode', message: 'There is no qualifying detention, so there is no section 117 aftercare to plan', rule: 'PLAN-1' });
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Changing one part of the draft. A form sends only its own fields; these apply them to the stored
// draft, so that what a page shows (derived warnings, linked services) never travels back as input.

/** The draft with the need added (a new id) or put in place of the need with the same id; `index` is where it sits. */
export function withNeed(plan: PlanContent, need: PlanNeed): { content: PlanContent; index: number } {
  const at = plan.needs.findIndex((n) => n.id === need.id);
  const needs = at >= 0 ? plan.needs.map((n, i) => (i === at ? need : n)) : [...plan.needs, need];
  return { content: { ...plan, needs }, index: at >= 0 ? at : needs.length - 1 };
}

/** The draft without the need. */
export function withoutNeed(plan: PlanContent, needId: string): PlanContent {
  return { ...plan, needs: plan.needs.filter((n) => n.id !== needId) };
}

/** Everything in a plan but its needs and the legacy CPA attribute: what the plan's details page holds. */
export type PlanDetails = Omit<PlanContent, 'needs' | 'cpa'>;

/** The draft with its details replaced; the needs and the CPA attribute are kept. */
export function withDetails(plan: PlanContent, details: PlanDetails): PlanContent {
  return { ...plan, ...details, needs: plan.needs, cpa: plan.cpa };
}
