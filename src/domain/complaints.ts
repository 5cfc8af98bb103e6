// Complaints and challenge (CMP-1, CMP-2): the routes, the bodies, the common faults, the
// Ombudsman's window, and what a complaint record may say. Pure functions: the complaints service
// records complaints; these rules decide whether what it is given makes sense.
import { addMonths, compareDates, formatDate, type IsoDate } from './dates.ts';
import type { Violation } from './violations.ts';

/** CMP-1: the body a complaint is against: the local authority, the NHS (ICB or trust), or both jointly. */
export const COMPLAINT_AGAINST = ['local-authority', 'nhs', 'both'] as const;
/** CMP-1: the routes a complaint can take, from the keyworker to the courts. */
export const COMPLAINT_ROUTES = ['keyworker', 'pals', 'formal', 'lgsco', 'phso', 'cqc', 'legal'] as const;
export type ComplaintRoute = (typeof COMPLAINT_ROUTES)[number];

export const COMPLAINT_ROUTE_LABELS: Record<ComplaintRoute, string> = {
  keyworker: 'Informally, to the keyworker or named practitioner',
  pals: 'Patient Advice and Liaison Service (PALS)',
  formal: 'Formal complaint to the council and/or NHS body',
  lgsco: 'Local Government and Social Care Ombudsman',
  phso: 'Parliamentary and Health Service Ombudsman',
  cqc: 'Care Quality Commission (use of Mental Health Act powers)',
  legal: 'Legal advice or judicial review',
};

/** Months the LGSCO normally allows from when the person knew of the problem (CMP-1). */
export const OMBUDSMAN_MONTHS = 12;

/**
 * CMP-1: the Ombudsman normally expects a complaint within 12 months of the person knowing of the
 * problem. The PHSO's limit is unverified; the same 12 months is shown for both.
 */
export function ombudsmanWindow(awareOn: IsoDate, today: IsoDate): { until: IsoDate; within: boolean; text: string } {
  const until = addMonths(awareOn, OMBUDSMAN_MONTHS);
  const within = compareDates(today, until) <= 0;
  const text = within
    ? `Within the Ombudsman’s 12-month window until ${formatDate(until)}`
    : `The Ombudsman’s 12-month window closed on ${formatDate(until)}. The Ombudsman may still look at it if there is a good reason for the delay.`;
  return { until, within, text };
}

/** CMP-2: the common faults the Ombudsmen find, which a complaint can be tagged with. */
export const COMPLAINT_FAULTS = ['charging', 'delay', 'no-owner', 'no-contingency', 'ending-without-reassessment', 'unclear-plan', 'flawed-policy', 'poor-cost-communication'] as const;
export type ComplaintFault = (typeof COMPLAINT_FAULTS)[number];

export interface ComplaintDates { receivedOn: IsoDate; awareOn: IsoDate; outcomeOn: IsoDate | null }

/**
 * CMP-1: the dates of a complaint in order and not in the future. The person knew of the problem
 * (awareOn, where the Ombudsman's 12 months start) on or before the complaint was received, and an
 * outcome comes on or after it. Empty when they are in order.
 */
export function validateComplaintDates(d: ComplaintDates, today: IsoDate): Violation[] {
  const violations: Violation[] = [];
  if (compareDates(d.receivedOn, today) > 0) violations.push({ field: 'receivedOn', message: 'receivedOn must be today or in the past' });
  if (compareDates(d.awareOn, d.receivedOn) > 0) violations.push({ field: 'awareOn', message: 'awareOn must be on or before the date the complaint was received', rule: 'CMP-1' });
  if (d.outcomeOn && compareDates(d.outcomeOn, d.receivedOn) < 0) violations.push({ field: 'outcomeOn', message: 'outcomeOn must be on or after the date the complaint was received' });
  if (d.outcomeOn && compareDates(d.outcomeOn, today) > 0) violations.push({ field: 'outcomeOn', message: 'outcomeOn must be today or in the past' });
  return violations;
}

/**
 * CMP-1: a complaint links to the decisions it is about, and only to decisions recorded for the same
 * person. `own` is the subset of `linked` that are this person's decisions. Null when all are.
 */
export function linksToOthersDecisions(linked: readonly string[], own: ReadonlySet<string>): Violation | null {
  const foreign = linked.filter((id) => !own.has(id));
  if (foreign.length === 0) return null;
  return { field: 'linkedDecisionIds', message: `Link only to this person’s own decisions: ${foreign.length} of the ids are not`, rule: 'CMP-1' };
}
