// REG-1: the register's reports for s117 leads, commissioners and boards. Every figure is worked out
// AS OF a date from the recorded facts, by the same derivation the person pages use
// (computeAftercare, REV-1's episodeReviewDue, RESP-6's disputeDeadlines), so a month's figures depend
// only on what had happened by that month's end: later events never change them. Each person and
// each episode is counted for the local authority and ICB responsible at that time (confirmed, or
// proposed while unconfirmed, RESP-2 to RESP-5), not the ones responsible today. Pure: the services
// load the facts.
import { canSeeMoney, type Viewer } from './access.ts';
import { budgetReviewDueWithTriggers, type BudgetClock } from './budgets.ts';
import { ombudsmanWindow } from './complaints.ts';
import { AFTERCARE_STATUSES, END_REASONS, computeAftercare, type AftercareStatus, type EndReason, type Episode, type PersonFacts } from './aftercare.ts';
import { addDays, addMonths, compareDates, daysBetween, type IsoDate } from './dates.ts';
import { disputeDeadlines, type Dispute } from './disputes.ts';
import { rechargeStatement, spendReport, type Body, type RechargeLine, type RechargeService, type ServicePayment } from './recharges.ts';
import { episodeHasReviews, episodeReviewDue, nextReviewDue, type ReviewSettings } from './reviews.ts';
import { SECTION_CODES, isQualifyingSection, type SectionCode } from './sections.ts';

/** Everything the reports need about one person the caller may see. */
export interface ReportPerson {
  id: string;
  facts: PersonFacts;
  reviewsHeld: readonly { episodeId: string; heldOn: IsoDate }[];
  reviewRequests: readonly { episodeId: string; requestedOn: IsoDate }[];
  disputes: readonly Dispute[];
  /** PLAN-3: keyworker allocations, with the day each began and ended (null: still allocated). */
  keyworkers: readonly { userId: string; team: string; from: IsoDate; to: IsoDate | null }[];
  /** PLAN-4 to PLAN-7: each finalised version of the plan, the day it was finalised and what it held. */
  planVersions: readonly { finalisedOn: IsoDate; contingency: boolean; signedOrReason: boolean }[];
  /** CMP-1: complaints, with the day the person knew of the problem and the day of the outcome. */
  complaints: readonly { receivedOn: IsoDate; awareOn: IsoDate; outcomeOn: IsoDate | null }[];
  /** CHG-1: charges the person paid for an s117 service (there should be none). */
  s117Charges: readonly { paidOn: IsoDate; amountPence: number }[];
  /** CHG-2: refunds, with when each was calculated and paid. */
  refunds: readonly { calculatedOn: IsoDate; paidOn: IsoDate | null; totalPence: number }[];
  /** RESP-1, RESP-7: the person's services and what each body paid for them. */
  services: readonly RechargeService[];
  payments: readonly ServicePayment[];
  /** DP-1(d), DP-2: direct payments and personal health budgets, with their reviews and review triggers. */
  budgets: readonly (BudgetClock & { reviewsHeldOn: readonly IsoDate[]; triggersOn: readonly IsoDate[] })[];
}

/** RPT-15: one body's agreed share and payments for a category of service in the period. */
export interface SpendFigure { body: Body; code: string | null; category: string; agreedPence: number; paidPence: number }
/** RPT-15: what the ICB owes the council (negative: the other way) on what was paid in the period. */
export interface BalanceFigure { localAuthority: string | null; icb: string | null; icbOwesLocalAuthorityPence: number }

/**
 * Which bodies' people a report covers (null for any), and who reads it: money (RPT-14) is counted
 * only for people whose money the reader may see (access.ts canSeeMoney, by every episode's bodies).
 */
export interface ReportFilter {
  localAuthority: string | null;
  icb: string | null;
  viewer?: Viewer;
  /** The summaries (report-summaries.ts): null means "no body" (not "any"), so each pair of bodies is counted apart. */
  exact?: boolean;
}

/** REV-1: how long an overdue review has been overdue, in days (the last band has no end). */
export const OVERDUE_BANDS = [
  { id: '1-30-days', from: 1, to: 30 },
  { id: '31-90-days', from: 31, to: 90 },
  { id: '91-180-days', from: 91, to: 180 },
  { id: 'over-180-days', from: 181, to: null },
] as const;
export type OverdueBand = (typeof OVERDUE_BANDS)[number]['id'];

/** RPT-*: every measure's id and its definition, shown one click away from the figure. */
export const MEASURES = {
  byStatus: { rule: 'RPT-1', text: 'Each person counted once, by the status of their latest aftercare episode at the end of the day (REG-1, ELIG-*), for the local authority and ICB responsible for that episode at that date (confirmed, or proposed while not yet confirmed). A person with no qualifying detention is "not entitled" and counted for where they lived and their GP\'s ICB at that date.' },
  newEntitlements: { rule: 'RPT-2', text: 'Episodes whose aftercare duty started in the period: the day the person left hospital, or the community order or leave that started the duty (ELIG-3 to ELIG-7), as the facts stood at the end of the period.' },
  endings: { rule: 'RPT-3', text: 'Episodes that ended in the period by a joint decision of the local authority and the ICB (END-1) or by death (END-5), by reason, as the facts stood at the end of the period. An episode ended and later reinstated (END-6) still counts as an ending in the month it ended.' },
  superseded: { rule: 'RPT-4', text: 'Episodes replaced in the period by a new qualifying detention (END-5, ELIG-8b): not an ending of the right, which carries on under the new episode.' },
  reinstated: { rule: 'RPT-5', text: 'Jointly ended episodes reinstated in the period (END-6).' },
  reviewsInDate: { rule: 'RPT-6', text: 'People whose aftercare is running (active, or in custody) on the date whose next review (REV-1: six weeks after leaving hospital, then twelve months after the last review held, sooner when a review was requested) is not yet past.' },
  reviewsOverdue: { rule: 'RPT-7', text: 'People whose aftercare is running on the date and whose next review date (REV-1) has passed, banded by how many days it is overdue, and by their keyworker and the keyworker\'s team at that date.' },
  reviewsHeld: { rule: 'RPT-8', text: 'Reviews held in the period, and how many of them were held on or before the date REV-1 had set for them.' },
  outOfArea: { rule: 'RPT-9', text: 'People whose aftercare is running or about to start on the date, whose responsible local authority is not the council of where they lived on that date (an out-of-area placement; RESP-2: a later move does not change responsibility).' },
  plansFinalBeforeLeaving: { rule: 'RPT-11', text: 'Of the episodes whose duty started in the period (RPT-2), those with a care and support plan finalised after detention began and on or before the day the person left hospital (PLAN-7: the plan is final before discharge).' },
  plans: { rule: 'RPT-12', text: 'People whose aftercare is running on the date with a final care and support plan, and of those, the latest final version with a complete contingency plan (PLAN-5) and signed with a copy given, or the reason it was not signed recorded (PLAN-6).' },
  complaints: { rule: 'RPT-13', text: 'Complaints received in the period, and complaints open on the date (received, no outcome yet), with how many of those are still within the Ombudsman\'s 12-month window from the day the person knew of the problem (CMP-1).' },
  spend: { rule: 'RPT-15', text: 'Each body\'s agreed share of the cost of each service in the period (weekly cost by days, split by the agreed percentages, RESP-7) and what it recorded paying, by service category, for the local authority and ICB responsible for the person at the end of the period; and the balance between each council and ICB on what was paid (RESP-1), as the recharge statement works it out. Each day is costed at the weekly cost in force on that day (the service\'s cost history), not today\'s. Only for people whose money you may see.' },
  budgets: { rule: 'RPT-16', text: 'Direct payments and personal health budgets running on the date, by kind, and how many of them have their review overdue on the date (DP-1(d): first within 6 months of a direct payment starting, DP-2: 3 months for a personal health budget, then at least every 12 months, and at once after a suspected breach or a change in capacity).' },
  money: { rule: 'RPT-14', text: 'Charges paid in the period for a service recorded as s117 aftercare, which must be none (CHG-1), and refunds (CHG-2): calculated by the date, paid by the date, and outstanding (calculated, not yet paid), in pence with interest. Only for people whose money you may see.' },
  disputes: { rule: 'RPT-10', text: 'Disputes about the people counted, open (not resolved) on the date, by age from the day raised. An ordinary-residence dispute between local authorities must be referred to the Secretary of State after 4 months (RESP-6): these are shown as past the 4-month clock when unreferred after that.' },
} as const;
export type MeasureId = keyof typeof MEASURES;

export interface KeyworkerCount { userId: string | null; team: string | null; inDate: number; overdue: number }

export interface PeriodFigures {
  /** The first and last day the period covers (the last is the "as of" date). */
  from: IsoDate;
  asOf: IsoDate;
  byStatus: Record<AftercareStatus, number>;
  newEntitlements: number;
  newEntitlementsBySection: Partial<Record<SectionCode, number>>;
  endings: number;
  endingsByReason: Record<Exclude<EndReason, 'new-qualifying-detention'>, number>;
  superseded: number;
  reinstated: number;
  reviewsInDate: number;
  reviewsOverdue: number;
  overdueBy: Record<OverdueBand, number>;
  reviewsByKeyworker: KeyworkerCount[];
  reviewsHeld: number;
  reviewsHeldOnTime: number;
  outOfArea: number;
  plansFinalBeforeLeaving: number;
  plansFinal: number;
  plansWithContingency: number;
  plansSignedOrReason: number;
  complaintsReceived: number;
  complaintsOpen: number;
  complaintsOpenWithinOmbudsmanWindow: number;
  s117ChargesPaid: number;
  s117ChargesPence: number;
  refundsOwedPence: number;
  refundsPaidPence: number;
  refundsOutstandingPence: number;
  spend: SpendFigure[];
  balances: BalanceFigure[];
  directPayments: number;
  personalHealthBudgets: number;
  budgetReviewsOverdue: number;
  disputesOpen: number;
  disputesPastFourMonths: number;
  /** Open disputes by age in whole months from the day raised (0, 1, 2, 3, 4+). */
  disputesByAgeMonths: Record<'0' | '1' | '2' | '3' | '4+', number>;
}

export interface RegisterReport extends PeriodFigures {
  filter: ReportFilter;
  /** The same figures at each month's end (the last month ends on asOf), earliest first. */
  months: PeriodFigures[];
}

/** The first day of the month of `d`. */
export function monthStart(d: IsoDate): IsoDate {
  return `${d.slice(0, 8)}01`;
}

/** The last day of the month of `d`. */
export function monthEnd(d: IsoDate): IsoDate {
  return addDays(addMonths(monthStart(d), 1), -1);
}

/** The periods of a monthly report: each whole month before asOf's month, then asOf's month up to asOf. */
export function monthlyPeriods(asOf: IsoDate, months: number): { from: IsoDate; asOf: IsoDate }[] {
  const periods: { from: IsoDate; asOf: IsoDate }[] = [];
  for (let back = months - 1; back >= 1; back--) {
    const from = addMonths(monthStart(asOf), -back);
    periods.push({ from, asOf: monthEnd(from) });
  }
  periods.push({ from: monthStart(asOf), asOf });
  return periods;
}

/** The episode's bodies at the date of the derivation match the filter (RPT-1: attribution at the time). */
function bodiesMatch(localAuthority: string | null, icb: string | null, filter: ReportFilter): boolean {
  if (filter.exact) return localAuthority === filter.localAuthority && icb === filter.icb;
  return (filter.localAuthority === null || localAuthority === filter.localAuthority) && (filter.icb === null || icb === filter.icb);
}

const episodeMatches = (e: Episode, filter: ReportFilter) => bodiesMatch(e.localAuthority.code, e.icb.code, filter);

function latestSince<T extends { since: IsoDate }>(rows: readonly T[], on: IsoDate): T | undefined {
  return rows.filter((r) => r.since <= on).sort((a, b) => compareDates(a.since, b.since)).at(-1);
}

export function emptyFigures(from: IsoDate, asOf: IsoDate): PeriodFigures {
  return {
    from, asOf,
    byStatus: Object.fromEntries(AFTERCARE_STATUSES.map((s) => [s, 0])) as Record<AftercareStatus, number>,
    newEntitlements: 0,
    newEntitlementsBySection: {},
    endings: 0,
    endingsByReason: { 'joint-decision': 0, death: 0 },
    superseded: 0,
    reinstated: 0,
    reviewsInDate: 0,
    reviewsOverdue: 0,
    overdueBy: Object.fromEntries(OVERDUE_BANDS.map((b) => [b.id, 0])) as Record<OverdueBand, number>,
    reviewsByKeyworker: [],
    reviewsHeld: 0,
    reviewsHeldOnTime: 0,
    outOfArea: 0,
    plansFinalBeforeLeaving: 0,
    plansFinal: 0,
    plansWithContingency: 0,
    plansSignedOrReason: 0,
    complaintsReceived: 0,
    complaintsOpen: 0,
    complaintsOpenWithinOmbudsmanWindow: 0,
    s117ChargesPaid: 0,
    s117ChargesPence: 0,
    refundsOwedPence: 0,
    refundsPaidPence: 0,
    refundsOutstandingPence: 0,
    spend: [],
    balances: [],
    directPayments: 0,
    personalHealthBudgets: 0,
    budgetReviewsOverdue: 0,
    disputesOpen: 0,
    disputesPastFourMonths: 0,
    disputesByAgeMonths: { '0': 0, '1': 0, '2': 0, '3': 0, '4+': 0 },
  };
}

/** RPT-7: the overdue band of a review `days` days overdue. */
export function overdueBand(days: number): OverdueBand {
  return (OVERDUE_BANDS.find((b) => days >= b.from && (b.to === null || days <= b.to)) ?? OVERDUE_BANDS[0]).id;
}

/** Whole months from `from` to `to` (0 within the first month). */
export function wholeMonthsBetween(from: IsoDate, to: IsoDate): number {
  let months = 0;
  while (compareDates(addMonths(from, months + 1), to) <= 0) months++;
  return months;
}

/** What computeAftercare derives for someone with no qualifying detention by the date (ELIG-1, ELIG-2). */
const NOT_DETAINED = { status: 'not-entitled' as const, episodes: [] as Episode[] };

/** What the reports need of computeAftercare's answer. */
export interface DerivedAftercare { status: AftercareStatus; episodes: readonly Episode[] }

/** The person's aftercare as of the date, as the person page derives it. */
export function aftercareAsOf(person: ReportPerson, asOf: IsoDate): DerivedAftercare {
  // Before any qualifying detention there is no episode: the derivation would say not entitled, so it is skipped.
  const detained = person.facts.legalStatuses.some((s) => s.startDate <= asOf && isQualifyingSection(s.section));
  return detained ? computeAftercare(person.facts, asOf) : NOT_DETAINED;
}

/** The local authority and ICB a person is counted for at the date (RPT-1): their latest episode's, or where they lived and their GP's ICB. */
export function countedBodies(person: ReportPerson, aftercare: DerivedAftercare, asOf: IsoDate): { localAuthority: string | null; icb: string | null } {
  const latest = aftercare.episodes.at(-1);
  if (latest) return { localAuthority: latest.localAuthority.code, icb: latest.icb.code };
  return { localAuthority: latestSince(person.facts.residences, asOf)?.localAuthority ?? null, icb: latestSince(person.facts.gpRegistrations, asOf)?.icb ?? null };
}

/** New entitlements by section in the sections' own order, so that every way of adding them up lists them alike. */
export function inSectionOrder(bySection: PeriodFigures['newEntitlementsBySection']): PeriodFigures['newEntitlementsBySection'] {
  return Object.fromEntries(SECTION_CODES.filter((code) => bySection[code] !== undefined).map((code) => [code, bySection[code]]));
}

const within = (d: IsoDate | null, from: IsoDate, to: IsoDate): d is IsoDate => d !== null && d >= from && d <= to;

/** What one person adds to one period's figures, from their facts as they stood at the period's end. */
export function personFigures(person: ReportPerson, period: { from: IsoDate; asOf: IsoDate }, filter: ReportFilter, settings: ReviewSettings, into: PeriodFigures, keyworkers: Map<string, KeyworkerCount>, derived?: DerivedAftercare): void {
  const { from, asOf } = period;
  const aftercare = derived ?? aftercareAsOf(person, asOf);
  const latest = aftercare.episodes.at(-1);
  const residence = latestSince(person.facts.residences, asOf)?.localAuthority ?? null;
  const gpIcb = latestSince(person.facts.gpRegistrations, asOf)?.icb ?? null;
  // RPT-1: the person by their latest episode's status; no episode: the bodies-to-be (access.ts's sight rule).
  const counted = latest ? episodeMatches(latest, filter) : bodiesMatch(residence, gpIcb, filter);
  if (counted) into.byStatus[aftercare.status]++;

  for (const episode of aftercare.episodes) {
    if (!episodeMatches(episode, filter)) continue;
    // RPT-2: the duty started in the period.
    if (within(episode.leftHospitalOn, from, asOf)) {
      into.newEntitlements++;
      into.newEntitlementsBySection[episode.qualifyingSection] = (into.newEntitlementsBySection[episode.qualifyingSection] ?? 0) + 1;
      // RPT-11: a plan final before they left hospital.
      const left = episode.leftHospitalOn;
      if (person.planVersions.some((v) => v.finalisedOn >= episode.detentionFrom && v.finalisedOn <= left)) into.plansFinalBeforeLeaving++;
    }
    // RPT-3, RPT-4: ended in the period.
    if (within(episode.endedOn, from, asOf) && episode.endReason) {
      if (episode.endReason === 'new-qualifying-detention') into.superseded++;
      else {
        into.endings++;
        into.endingsByReason[episode.endReason]++;
      }
    }
    // RPT-5: reinstated in the period.
    into.reinstated += (person.facts.reinstatements ?? []).filter((r) => r.episodeId === episode.id && within(r.reinstatedOn, from, asOf)).length;
    // RPT-8: reviews held in the period, and whether on time by the date set before each.
    const held = person.reviewsHeld.filter((r) => r.episodeId === episode.id && r.heldOn <= asOf).map((r) => r.heldOn);
    const requested = person.reviewRequests.filter((r) => r.episodeId === episode.id && r.requestedOn <= asOf).map((r) => r.requestedOn);
    for (const heldOn of held.filter((d) => d >= from)) {
      into.reviewsHeld++;
      const due = nextReviewDue({ leftHospitalOn: episode.leftHospitalOn, reviewsHeldOn: held.filter((d) => d < heldOn), requestedOn: requested.filter((d) => d < heldOn) }, settings);
      if (due === null || heldOn <= due) into.reviewsHeldOnTime++;
    }
  }

  if (!latest || !counted) return;
  // RPT-6, RPT-7: the latest episode's review clock on the date.
  if (episodeHasReviews(latest.status)) {
    const held = person.reviewsHeld.filter((r) => r.episodeId === latest.id && r.heldOn <= asOf).map((r) => r.heldOn);
    const requested = person.reviewRequests.filter((r) => r.episodeId === latest.id && r.requestedOn <= asOf).map((r) => r.requestedOn);
    const due = episodeReviewDue(latest, held, requested, settings);
    if (due !== null) {
      const overdue = compareDates(due, asOf) < 0;
      if (overdue) {
        into.reviewsOverdue++;
        into.overdueBy[overdueBand(daysBetween(due, asOf))]++;
      } else into.reviewsInDate++;
      const keyworker = person.keyworkers.filter((k) => k.from <= asOf && (k.to === null || k.to > asOf)).sort((a, b) => compareDates(a.from, b.from)).at(-1);
      const key = keyworker ? keyworker.userId : '';
      const row = keyworkers.get(key) ?? { userId: keyworker?.userId ?? null, team: keyworker?.team ?? null, inDate: 0, overdue: 0 };
      if (overdue) row.overdue++;
      else row.inDate++;
      keyworkers.set(key, row);
    }
  }
  // RPT-12: the latest final plan of someone whose aftercare runs.
  if (episodeHasReviews(latest.status)) {
    const plan = person.planVersions.filter((v) => v.finalisedOn <= asOf).sort((a, b) => compareDates(a.finalisedOn, b.finalisedOn)).at(-1);
    if (plan) {
      into.plansFinal++;
      if (plan.contingency) into.plansWithContingency++;
      if (plan.signedOrReason) into.plansSignedOrReason++;
    }
  }
  // RPT-9: out of area while aftercare runs or is about to.
  const running = ['active', 'in-custody', 'entitled-pending-discharge'].includes(latest.status);
  if (running && latest.localAuthority.code !== null && residence !== null && residence !== latest.localAuthority.code) into.outOfArea++;
  // RPT-13: complaints.
  for (const c of person.complaints) {
    if (within(c.receivedOn, from, asOf)) into.complaintsReceived++;
    if (c.receivedOn <= asOf && (c.outcomeOn === null || c.outcomeOn > asOf)) {
      into.complaintsOpen++;
      if (ombudsmanWindow(c.awareOn, asOf).within) into.complaintsOpenWithinOmbudsmanWindow++;
    }
  }
  // RPT-14: money, where the reader may see it.
  if (!filter.viewer || canSeeMoney(filter.viewer, aftercare.episodes.flatMap((e) => [e.localAuthority.code, e.icb.code]))) {
    for (const c of person.s117Charges.filter((x) => within(x.paidOn, from, asOf))) {
      into.s117ChargesPaid++;
      into.s117ChargesPence += c.amountPence;
    }
    if (latest && counted) addSpend(into, latest, rechargeStatement(person.services, person.payments, { from, to: asOf }).lines);
    for (const r of person.refunds.filter((x) => x.calculatedOn <= asOf)) {
      into.refundsOwedPence += r.totalPence;
      if (r.paidOn !== null && r.paidOn <= asOf) into.refundsPaidPence += r.totalPence;
      else into.refundsOutstandingPence += r.totalPence;
    }
  }
  // RPT-16: budgets running on the date and their review clocks.
  for (const b of person.budgets.filter((x) => x.startDate <= asOf && (x.endDate === null || x.endDate > asOf))) {
    if (b.kind === 'direct-payment') into.directPayments++;
    else into.personalHealthBudgets++;
    const due = budgetReviewDueWithTriggers(b, b.reviewsHeldOn.filter((d) => d <= asOf), b.triggersOn.filter((d) => d <= asOf), asOf);
    if (due !== null && compareDates(due, asOf) < 0) into.budgetReviewsOverdue++;
  }
  // RPT-10: disputes open on the date.
  for (const dispute of person.disputes) {
    if (dispute.raisedOn > asOf || (dispute.resolvedOn !== null && dispute.resolvedOn <= asOf)) continue;
    const asAt = { ...dispute, referredOn: dispute.referredOn !== null && dispute.referredOn <= asOf ? dispute.referredOn : null, resolvedOn: null };
    into.disputesOpen++;
    if (disputeDeadlines(asAt, asOf).referralOverdue) into.disputesPastFourMonths++;
    const months = wholeMonthsBetween(dispute.raisedOn, asOf);
    into.disputesByAgeMonths[months >= 4 ? '4+' : (String(months) as '0' | '1' | '2' | '3')]++;
  }
}

/** RPT-15: the person's recharge lines for the period, for the bodies of their latest episode at its end. */
function addSpend(into: PeriodFigures, episode: Episode, lines: readonly RechargeLine[]): void {
  const la = episode.localAuthority.code;
  const icb = episode.icb.code;
  for (const row of spendReport(lines)) mergeSpend(into.spend, { body: row.body, code: row.body === 'local-authority' ? la : icb, category: row.category, agreedPence: row.agreedPence, paidPence: row.paidPence });
  const owed = lines.reduce((sum, l) => sum + l.icbOwesLocalAuthority, 0);
  if (lines.length > 0) mergeBalance(into.balances, { localAuthority: la, icb, icbOwesLocalAuthorityPence: owed });
}

function mergeSpend(rows: SpendFigure[], row: SpendFigure): void {
  const same = rows.find((r) => r.body === row.body && r.code === row.code && r.category === row.category);
  if (same) {
    same.agreedPence += row.agreedPence;
    same.paidPence += row.paidPence;
  } else rows.push({ ...row });
  rows.sort((a, b) => a.body.localeCompare(b.body) || (a.code ?? '').localeCompare(b.code ?? '') || a.category.localeCompare(b.category));
}

function mergeBalance(rows: BalanceFigure[], row: BalanceFigure): void {
  const same = rows.find((r) => r.localAuthority === row.localAuthority && r.icb === row.icb);
  if (same) same.icbOwesLocalAuthorityPence += row.icbOwesLocalAuthorityPence;
  else rows.push({ ...row });
  rows.sort((a, b) => (a.localAuthority ?? '').localeCompare(b.localAuthority ?? '') || (a.icb ?? '').localeCompare(b.icb ?? ''));
}

/** One period's figures over everyone given. */
export function periodFigures(people: readonly ReportPerson[], period: { from: IsoDate; asOf: IsoDate }, filter: ReportFilter, settings: ReviewSettings): PeriodFigures {
  const figures = emptyFigures(period.from, period.asOf);
  const keyworkers = new Map<string, KeyworkerCount>();
  for (const person of people) personFigures(person, period, filter, settings, figures, keyworkers);
  figures.reviewsByKeyworker = sortKeyworkers(keyworkers);
  return figures;
}

export function sortKeyworkers(rows: Map<string, KeyworkerCount>): KeyworkerCount[] {
  return [...rows.values()].sort((a, b) => b.overdue - a.overdue || (a.team ?? '').localeCompare(b.team ?? '') || (a.userId ?? '').localeCompare(b.userId ?? ''));
}

/** Adds one period's figures into another (the reports read people in pages). */
export function addFigures(into: PeriodFigures, more: PeriodFigures): void {
  for (const s of AFTERCARE_STATUSES) into.byStatus[s] += more.byStatus[s];
  for (const code of SECTION_CODES) {
    const n = more.newEntitlementsBySection[code];
    if (n) into.newEntitlementsBySection[code] = (into.newEntitlementsBySection[code] ?? 0) + n;
  }
  for (const r of END_REASONS) if (r !== 'new-qualifying-detention') into.endingsByReason[r] += more.endingsByReason[r];
  for (const b of OVERDUE_BANDS) into.overdueBy[b.id] += more.overdueBy[b.id];
  for (const k of Object.keys(into.disputesByAgeMonths) as (keyof PeriodFigures['disputesByAgeMonths'])[]) into.disputesByAgeMonths[k] += more.disputesByAgeMonths[k];
  const counts = ['newEntitlements', 'endings', 'superseded', 'reinstated', 'reviewsInDate', 'reviewsOverdue', 'reviewsHeld', 'reviewsHeldOnTime', 'outOfArea', 'plansFinalBeforeLeaving', 'plansFinal', 'plansWithContingency', 'plansSignedOrReason', 'complaintsReceived', 'complaintsOpen', 'complaintsOpenWithinOmbudsmanWindow', 's117ChargesPaid', 's117ChargesPence', 'refundsOwedPence', 'refundsPaidPence', 'refundsOutstandingPence', 'directPayments', 'personalHealthBudgets', 'budgetReviewsOverdue', 'disputesOpen', 'disputesPastFourMonths'] as const;
  for (const c of counts) into[c] += more[c];
  for (const row of more.spend) mergeSpend(into.spend, row);
  for (const row of more.balances) mergeBalance(into.balances, row);
  const keyworkers = new Map(into.reviewsByKeyworker.map((k) => [k.userId ?? '', { ...k }]));
  for (const k of more.reviewsByKeyworker) {
    const row = keyworkers.get(k.userId ?? '') ?? { userId: k.userId, team: k.team, inDate: 0, overdue: 0 };
    row.inDate += k.inDate;
    row.overdue += k.overdue;
    keyworkers.set(k.userId ?? '', row);
  }
  into.reviewsByKeyworker = sortKeyworkers(keyworkers);
}

/** A report accumulated page by page: `add` each page of people, then `result`. */
export function registerReportBuilder(asOf: IsoDate, filter: ReportFilter, settings: ReviewSettings, months = 12) {
  const periods = monthlyPeriods(asOf, months);
  const totals = periods.map((p) => emptyFigures(p.from, p.asOf));
  return {
    add(people: readonly ReportPerson[]): void {
      periods.forEach((p, i) => addFigures(totals[i]!, periodFigures(people, p, filter, settings)));
    },
    result(): RegisterReport {
      for (const t of totals) t.newEntitlementsBySection = inSectionOrder(t.newEntitlementsBySection);
      const current = totals.at(-1)!;
      return { ...current, filter: { localAuthority: filter.localAuthority, icb: filter.icb }, months: totals };
    },
  };
}

/** The whole report over everyone given (the unit tests' and the one-by-one check's way in). */
export function registerReport(people: readonly ReportPerson[], asOf: IsoDate, filter: ReportFilter, settings: ReviewSettings, months = 12): RegisterReport {
  const builder = registerReportBuilder(asOf, filter, settings, months);
  builder.add(people);
  return builder.result();
}
