// What counts as aftercare and what may be charged: the two-limb test (SCOPE-1), health or social
// care (SCOPE-3), accommodation (SCOPE-4, SCOPE-5), prescriptions (SCOPE-7), no charging for s117
// (CHG-1, CHG-4), and which body a budget belongs to (DP-3). Pure: money is integer pence.
import { compareDates, type IsoDate } from './dates.ts';
import { splitViolations, type ServiceCategory, type Split } from './funding.ts';
import type { Violation } from './violations.ts';

export const CARE_TYPES = ['health', 'social', 'mixed'] as const;
export type CareType = (typeof CARE_TYPES)[number];

export const ACCOMMODATION_TYPES = ['ordinary', 'enhanced-specialised', 'care-home', 'supported-living', 'shared-lives', 'other'] as const;
export type AccommodationType = (typeof ACCOMMODATION_TYPES)[number];

export const ENHANCED_FEATURES = ['24-hour-staff', 'cctv', 'welfare-checks', 'organised-activities', 'on-site-support', 'other'] as const;
export type EnhancedFeature = (typeof ENHANCED_FEATURES)[number];

export const BUDGET_KINDS = ['direct-payment', 'personal-health-budget'] as const;
export type BudgetKind = (typeof BUDGET_KINDS)[number];

/** SCOPE-5: what was decided about rent and service charges of accommodation provided as s117. */
export const RENT_DECISIONS = ['included-in-aftercare', 'housing-benefit-expected', 'person-pays'] as const;
export type RentDecisionCode = (typeof RENT_DECISIONS)[number];

export interface ScopeAnswers { arisesFromMentalDisorder: boolean; reducesRiskOfDeterioration: boolean; rationale: string }
/** SCOPE-5: a decision record: what, why, when, and who (the user id, stamped by the service). */
export interface RentDecision { decision: RentDecisionCode; reason: string; decidedOn: IsoDate; decidedBy?: string | null }
export interface Accommodation {
  type: AccommodationType;
  enhancedFeatures: EnhancedFeature[];
  /** Why the accommodation is (or is not) aftercare: needed for s117 accommodation without a listed feature. */
  reason?: string | null;
  /** SCOPE-4(c): Afework's involuntariness limb, recorded as a consideration only, never required. */
  involuntaryPlacement?: boolean | null;
  rentDecision?: RentDecision | null;
}

export interface ServiceCandidate {
  description: string;
  category: ServiceCategory;
  careType: CareType;
  s117: boolean;
  scope: ScopeAnswers | null;
  funding: Split;
  weeklyCostPence: number;
  personContributionPence: number;
  startDate: IsoDate;
  endDate: IsoDate | null;
  accommodation: Accommodation | null;
  budget: BudgetKind | null;
}

/**
 * PLAN-7: where a service stands: planned until it is confirmed as in place, and ended once its
 * end date has passed (a service ending today is still in place today).
 */
export const SERVICE_STATUSES = ['planned', 'confirmed', 'ended'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

export function serviceStatus(s: { endDate: IsoDate | null; confirmedOn: IsoDate | null }, today: IsoDate): ServiceStatus {
  if (s.endDate && compareDates(s.endDate, today) < 0) return 'ended';
  return s.confirmedOn ? 'confirmed' : 'planned';
}

/** SCOPE-3: the care type a category has unless the service says otherwise. */
export function defaultCareType(category: ServiceCategory): CareType {
  if (category === 'healthcare' || category === 'medication') return 'health';
  if (category === 'other') return 'mixed';
  return 'social';
}

/** SCOPE-4(b): accommodation types that can be aftercare when enhanced or specialised. */
const ENHANCED_TYPES: readonly AccommodationType[] = ['enhanced-specialised', 'care-home', 'supported-living', 'shared-lives', 'other'];

/** Every rule a service breaks, each naming its field and (where a rule refuses it) the rule. */
export function serviceViolations(s: ServiceCandidate): Violation[] {
  const out: Violation[] = [];

  // SCOPE-1: a service is aftercare only when it has both purposes; the answers, when given, must say so.
  if (s.s117 && s.scope && !(s.scope.arisesFromMentalDisorder && s.scope.reducesRiskOfDeterioration)) {
    const field = s.scope.arisesFromMentalDisorder ? 'scope.reducesRiskOfDeterioration' : 'scope.arisesFromMentalDisorder';
    out.push({ field, message: 'A service is section 117 aftercare only when it meets a need arising from the mental disorder and reduces the risk of the person’s condition getting worse', rule: 'SCOPE-1' });
  }

  // RESP-1: the split adds up to 100.
  out.push(...splitViolations(s.funding));

  // SCOPE-3: a local authority cannot be given a share of a health service's cost (seed 004).
  if (s.careType === 'health' && s.funding.localAuthorityPercent > 0) {
    out.push({ field: 'funding.localAuthorityPercent', message: 'A local authority cannot pay for a health service: the ICB commissions health care', rule: 'SCOPE-3' });
  }

  // Money: whole pence, never negative.
  if (!Number.isInteger(s.weeklyCostPence) || s.weeklyCostPence < 0) out.push({ field: 'weeklyCostPence', message: 'The weekly cost must be a whole number of pence, 0 or more' });
  if (!Number.isInteger(s.personContributionPence) || s.personContributionPence < 0) {
    out.push({ field: 'personContributionPence', message: 'The person’s contribution must be a whole number of pence, 0 or more' });
  } else if (s.s117 && s.personContributionPence > 0) {
    // CHG-1: no charge for s117 aftercare, whatever the person's means or any compensation award.
    out.push({ field: 'personContributionPence', message: 'Section 117 aftercare is free: the person cannot be charged for it, whatever their means or any compensation award', rule: 'CHG-1' });
  } else if (Number.isInteger(s.weeklyCostPence) && s.weeklyCostPence >= 0 && s.personContributionPence > s.weeklyCostPence) {
    // CHG-4: a non-s117 service may carry a charge, but not more than it costs.
    out.push({ field: 'personContributionPence', message: 'The person’s contribution cannot be more than the weekly cost' });
  }

  if (s.endDate && compareDates(s.endDate, s.startDate) < 0) out.push({ field: 'endDate', message: 'The end date must be on or after the start date' });

  if (s.accommodation) out.push(...accommodationViolations(s.s117, s.accommodation));

  // DP-3: a direct payment belongs to the local authority, a personal health budget to the ICB.
  if (s.budget === 'direct-payment' && s.funding.localAuthorityPercent === 0) {
    out.push({ field: 'budget', message: 'A direct payment belongs to the local authority: the local authority must pay a share of this service', rule: 'DP-3' });
  }
  if (s.budget === 'personal-health-budget' && s.funding.icbPercent === 0) {
    out.push({ field: 'budget', message: 'A personal health budget belongs to the ICB: the ICB must pay a share of this service', rule: 'DP-3' });
  }
  return out;
}

/** SCOPE-4: ordinary housing is never aftercare; other accommodation is when it is enhanced for the mental condition. */
export function accommodationViolations(s117: boolean, a: Accommodation): Violation[] {
  const out: Violation[] = [];
  if (!s117) return out;
  if (a.type === 'ordinary') {
    out.push({ field: 'accommodation.type', message: 'Ordinary housing (a roof over one’s head) is not section 117 aftercare', rule: 'SCOPE-4' });
  } else if (ENHANCED_TYPES.includes(a.type) && a.enhancedFeatures.length === 0 && !(a.reason && a.reason.trim())) {
    out.push({ field: 'accommodation.enhancedFeatures', message: 'Accommodation is section 117 aftercare only when it is enhanced for the mental condition: tick its enhanced features or record why it is aftercare', rule: 'SCOPE-4' });
  }
  if (a.rentDecision && (!a.rentDecision.reason || !a.rentDecision.reason.trim())) {
    out.push({ field: 'accommodation.rentDecision.reason', message: 'Give the reason for the decision on rent and service charges', rule: 'SCOPE-5' });
  }
  return out;
}

export interface DecisionNeeded { rule: string; text: string }

/** Points a person still has to decide for this service (shown on the page; nothing is refused). */
export function serviceDecisionsNeeded(s: Pick<ServiceCandidate, 's117' | 'accommodation' | 'scope'>): DecisionNeeded[] {
  const out: DecisionNeeded[] = [];
  if (s.s117 && !s.scope) out.push({ rule: 'SCOPE-1', text: 'Record whether the service meets a need arising from the mental disorder and reduces the risk of deterioration, and why' });
  if (s.s117 && s.accommodation && s.accommodation.type !== 'ordinary' && !s.accommodation.rentDecision) {
    out.push({ rule: 'SCOPE-5', text: 'Rent and service charges of this s117 accommodation must not be billed to the person: record the decision on them' });
  }
  return out;
}

/**
 * SCOPE-5 and CHG-1: whether the person may be billed for the rent and service charges of the
 * accommodation. Never for s117 accommodation without a recorded decision that they pay.
 */
export function rentMayBeBilled(s117: boolean, accommodation: Accommodation | null): boolean {
  if (!accommodation) return false;
  if (!s117) return true;
  return accommodation.rentDecision?.decision === 'person-pays';
}

/**
 * CHG-1 with SCOPE-5: what finance is told about an s117 service. It is never charged for; s117
 * accommodation whose rent the person was not decided to pay is not billed for rent and service
 * charges either.
 */
export function noChargeInstruction(accommodation: Accommodation | null): string {
  return accommodation && !rentMayBeBilled(true, accommodation) ? 'must not be charged, including rent and service charges' : 'must not be charged';
}

/**
 * SCOPE-7 (UNVERIFIED/CONTESTED, for legal sign-off): what to say about prescription charges for
 * medication. The setting S117_FREE_PRESCRIPTIONS (off by default) only changes these words.
 */
export function prescriptionWording(category: ServiceCategory, s117: boolean, freePrescriptions: boolean): string | null {
  if (category !== 'medication') return null;
  if (!s117) return 'Prescription charges follow the usual NHS rules.';
  return freePrescriptions
    ? 'Prescriptions for this mental health medication are free as section 117 aftercare (local policy, awaiting legal sign-off: SCOPE-7).'
    : 'The medication is section 117 aftercare; prescription charges follow the usual NHS rules and exemptions (no s117 exemption has been confirmed: SCOPE-7).';
}

// ---------------------------------------------------------------------------------------------
// Changes to a service, as a pure merge: the property tests replay sequences of these.

export type ServiceChange = Partial<Omit<ServiceCandidate, 'careType'>> & { careType?: CareType };

/** The service as it would be after the change; validate it with serviceViolations before saving. */
export function applyServiceChange(current: ServiceCandidate, change: ServiceChange): ServiceCandidate {
  const next: ServiceCandidate = { ...current };
  for (const [key, value] of Object.entries(change)) {
    if (value !== undefined) (next as unknown as Record<string, unknown>)[key] = value;
  }
  // A category change without a care type takes the new category's default.
  if (change.category && !change.careType) next.careType = defaultCareType(change.category);
  return next;
}

/**
 * Issue 9 ("the same service can be added twice without a warning"): the services in place that a
 * service being added looks like (the same description and provider, ignoring case and spacing, not
 * ended before it starts), so that the page asks before recording it again. A warning, never a block:
 * a person may have two services of the same kind (SCOPE-6 itemises each).
 */
export function sameServicesInPlace<T extends { description: string; provider: string; endDate: IsoDate | null }>(
  services: readonly T[],
  candidate: { description: string; provider: string; startDate: IsoDate },
): T[] {
  const words = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
  return services.filter(
    (s) => words(s.description) === words(candidate.description) && words(s.provider) === words(candidate.provider) && (s.endDate === null || compareDates(s.endDate, candidate.startDate) >= 0),
  );
}
