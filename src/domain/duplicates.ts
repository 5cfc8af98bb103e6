// REG-1, REG-2 (issue 15, task B): one record per person on the register. Registering an NHS number
// held only by records the caller may not see makes a later record pointing at the person already
// registered (people.duplicate_of, 0110), so that the answer never tells a stranger someone is on the
// register. An s117 lead or admin who sees the person registered first decides, with a recorded reason,
// whether the two are the same person (merge) or not (keep separate). Who sees a pair: access.ts,
// canSeeDuplicateRegistration.

/** How the later record came to be made. */
export const DUPLICATE_ROUTES = ['registration', 'nhs-number-change', 'import', 'fhir-feed', 'unknown'] as const;
export type DuplicateRoute = (typeof DUPLICATE_ROUTES)[number];

export const DUPLICATE_DECISIONS = ['merged', 'not-the-same'] as const;
export type DuplicateDecision = (typeof DUPLICATE_DECISIONS)[number];

/** The route in words, for the list and the audit trail's readers. */
export const DUPLICATE_ROUTE_LABELS: Record<DuplicateRoute, string> = {
  registration: 'Added as a new person',
  'nhs-number-change': 'NHS number changed on another record',
  import: 'Imported from a register spreadsheet or detentions extract',
  'fhir-feed': 'Sent by a trust’s system (FHIR)',
  unknown: 'Not recorded',
};

/** What one record holds that cannot be held twice by one person. */
export interface SingleFacts { plan: boolean; keyworker: boolean }

/**
 * REG-1 (merge): what of the later record moves into the person registered first. Every fact moves
 * (history, stays, statuses, leave, decisions, services, money, reviews, meetings, complaints...), except
 * what a person holds only once: the care and support plan (with its versions) moves only when the
 * person registered first has none, because two plans cannot be one draft and their versions one
 * numbering; otherwise it stays with the closed record, in the audit trail, for the keyworker to carry
 * over by hand. Of two current keyworkers the person registered first keeps theirs and the other
 * allocation ends (its organisation keeps the sight its other facts give it).
 */
export function mergePlan(registered: SingleFacts, later: SingleFacts): { movePlan: boolean; planLeftBehind: boolean; endLaterKeyworker: boolean } {
  const movePlan = later.plan && !registered.plan;
  return { movePlan, planLeftBehind: later.plan && registered.plan, endLaterKeyworker: later.keyworker && registered.keyworker };
}

/** REG-2: keeping two records of one NHS number separate is a decision with its reason. */
export function decisionViolations(decision: DuplicateDecision, reason: string | null | undefined): { field: string; message: string; rule: string }[] {
  if (decision === 'not-the-same' && !reason?.trim()) return [{ field: 'reason', message: 'Enter why these are not the same person', rule: 'REG-2' }];
  return [];
}
