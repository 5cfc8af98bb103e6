// A service as the API, the pages and the plan show it, and the mapping between its row and the
// domain's ServiceCandidate (the shape the rules check).
import { serviceStatus, prescriptionWording, rentMayBeBilled, serviceDecisionsNeeded, type Accommodation, type ServiceCandidate, type ServiceStatus } from '../../domain/care-services.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { weeklyShares, type ServiceCategory } from '../../domain/funding.ts';
import type { Db } from '../../data/database.ts';
import * as repo from '../../data/care-services-repository.ts';
import type { FundingPolicyRow, ServiceRow } from '../../data/schema.ts';
import { splitApprovalView } from './split-approval.ts';

export function candidateFromRow(row: ServiceRow): ServiceCandidate {
  return {
    description: row.description,
    category: row.category as ServiceCategory,
    careType: row.care_type,
    s117: row.s117,
    scope:
      row.arises_from_mental_disorder === null || row.reduces_risk_of_deterioration === null
        ? null
        : { arisesFromMentalDisorder: row.arises_from_mental_disorder, reducesRiskOfDeterioration: row.reduces_risk_of_deterioration, rationale: row.scope_rationale ?? '' },
    funding: { localAuthorityPercent: row.la_percent, icbPercent: row.icb_percent },
    weeklyCostPence: row.weekly_cost_pence,
    personContributionPence: row.person_contribution_pence,
    startDate: row.start_date,
    endDate: row.end_date,
    accommodation: accommodationFromRow(row),
    budget: row.budget,
  };
}

export function accommodationFromRow(row: ServiceRow): Accommodation | null {
  if (!row.accommodation_type) return null;
  return {
    type: row.accommodation_type as Accommodation['type'],
    enhancedFeatures: (row.enhanced_features ?? []) as Accommodation['enhancedFeatures'],
    reason: row.accommodation_reason,
    involuntaryPlacement: row.involuntary_placement,
    rentDecision: (row.rent_decision as Accommodation['rentDecision']) ?? null,
  };
}

export function candidateColumns(s: ServiceCandidate) {
  return {
    description: s.description,
    category: s.category,
    care_type: s.careType,
    s117: s.s117,
    arises_from_mental_disorder: s.scope?.arisesFromMentalDisorder ?? null,
    reduces_risk_of_deterioration: s.scope?.reducesRiskOfDeterioration ?? null,
    scope_rationale: s.scope?.rationale ?? null,
    la_percent: s.funding.localAuthorityPercent,
    icb_percent: s.funding.icbPercent,
    weekly_cost_pence: s.weeklyCostPence,
    person_contribution_pence: s.personContributionPence,
    start_date: s.startDate,
    end_date: s.endDate,
    accommodation_type: s.accommodation?.type ?? null,
    enhanced_features: s.accommodation ? [...s.accommodation.enhancedFeatures] : null,
    accommodation_reason: s.accommodation?.reason ?? null,
    involuntary_placement: s.accommodation?.involuntaryPlacement ?? null,
    rent_decision: s.accommodation?.rentDecision ?? null,
    budget: s.budget,
  };
}

/** PLAN-7 for a stored service. */
export function statusOf(row: Pick<ServiceRow, 'end_date' | 'confirmed_on'>, today: IsoDate): ServiceStatus {
  return serviceStatus({ endDate: row.end_date, confirmedOn: row.confirmed_on }, today);
}

/** A service as the API and pages show it; amounts are null for someone who may not see money. */
export function serviceView(row: ServiceRow, policy: FundingPolicyRow | null, money: boolean, freePrescriptions: boolean, today: IsoDate) {
  const s = candidateFromRow(row);
  const shares = weeklyShares(s.weeklyCostPence, s.funding);
  return {
    id: row.id,
    personId: row.person_id,
    version: row.version,
    episodeId: row.episode_id,
    description: row.description,
    category: s.category,
    careType: s.careType,
    s117: s.s117,
    scope: s.scope,
    needId: row.need_id,
    provider: row.provider,
    funding: { localAuthorityPercent: s.funding.localAuthorityPercent, icbPercent: s.funding.icbPercent },
    fundingPolicy: policy ? { id: policy.id, version: policy.version, partnershipName: policy.partnership_name } : null,
    fundingOverrideReason: row.funding_override_reason,
    splitApproval: splitApprovalView(row, policy),
    moneyVisible: money,
    weeklyCostPence: money ? s.weeklyCostPence : null,
    weeklyShares: money ? shares : null,
    personContributionPence: money ? s.personContributionPence : null,
    startDate: row.start_date,
    endDate: row.end_date,
    confirmedOn: row.confirmed_on,
    status: statusOf(row, today),
    accommodation: s.accommodation,
    rentMayBeBilled: rentMayBeBilled(s.s117, s.accommodation),
    budget: s.budget,
    prescriptions: prescriptionWording(s.category, s.s117, freePrescriptions),
    decisionsNeeded: serviceDecisionsNeeded(s),
  };
}
export type ServiceView = ReturnType<typeof serviceView>;

/** A service as the plan shows it under the need it meets; the weekly cost only for someone who may see money. */
export interface LinkedService {
  id: string;
  description: string;
  s117: boolean;
  provider: string;
  confirmedOn: IsoDate | null;
  endDate: IsoDate | null;
  status: ServiceStatus;
  weeklyCostPence: number | null;
}

/**
 * The person's services by the plan need they meet (need id, lower case), for the plan and the
 * person's copy. `money`: whether the caller may see money (canSeeMoney with moneyContext).
 */
export async function servicesByNeed(db: Db, personId: string, money: boolean, today: IsoDate): Promise<Map<string, LinkedService[]>> {
  return servicesByNeedOf(await repo.listServices(db, personId), money, today);
}

/** servicesByNeed from the services' rows already read (listServices', or the person read model's), in that order. */
export function servicesByNeedOf(rows: readonly Pick<ServiceRow, 'id' | 'need_id' | 'description' | 's117' | 'provider' | 'confirmed_on' | 'end_date' | 'weekly_cost_pence'>[], money: boolean, today: IsoDate): Map<string, LinkedService[]> {
  const byNeed = new Map<string, LinkedService[]>();
  for (const row of rows) {
    if (!row.need_id) continue;
    const key = row.need_id.toLowerCase();
    const item: LinkedService = { id: row.id, description: row.description, s117: row.s117, provider: row.provider, confirmedOn: row.confirmed_on, endDate: row.end_date, status: statusOf(row, today), weeklyCostPence: money ? row.weekly_cost_pence : null };
    byNeed.set(key, [...(byNeed.get(key) ?? []), item]);
  }
  return byNeed;
}

/** What the audit event of a change to a service records about its money (ids and amounts, no personal data). */
export function moneyDetails(s: ServiceCandidate, policy: FundingPolicyRow | null) {
  return {
    s117: s.s117,
    category: s.category,
    careType: s.careType,
    laPercent: s.funding.localAuthorityPercent,
    icbPercent: s.funding.icbPercent,
    weeklyCostPence: s.weeklyCostPence,
    personContributionPence: s.personContributionPence,
    policyId: policy?.id ?? null,
    policyVersion: policy?.version ?? null,
  };
}
