// Moving in (issue 10): the reconciliation of an imported register with what the register's own
// engine derives from the detentions (aftercare.ts). Entitlement is never copied from a sheet's
// "s117 yes/no": every place the sheet and the rules disagree is listed with the rule that decided,
// for the s117 leads' first joint meeting. Pure: no I/O.
import type { AftercareResult } from './aftercare.ts';
import { compareDates, formatDate, type IsoDate } from './dates.ts';
import type { DetentionRecord, RegisterRecord } from './import-rows.ts';
import type { ReviewSettings } from './reviews.ts';
import { isQualifyingSection, sectionShortName } from './sections.ts';

export const DISAGREEMENTS = [
  'marked-s117-not-detained',
  'detained-not-marked-s117',
  'detained-missing-from-register',
  'ended-without-joint-decision',
  'responsible-la-differs',
  'responsible-icb-differs',
  'review-overdue',
  'review-date-differs',
  's117-service-charged',
] as const;
export type Disagreement = (typeof DISAGREEMENTS)[number];

export interface ReconciliationItem {
  row: number;
  personId: string | null;
  kind: Disagreement;
  rule: string;
  /** What the sheet says and what the rules decide, in a sentence; no names. */
  detail: string;
}

/** One imported register row against the aftercare the engine derives for that person. */
export function reconcileRegisterRow(record: RegisterRecord, personId: string, aftercare: AftercareResult, today: IsoDate): ReconciliationItem[] {
  const items: ReconciliationItem[] = [];
  const add = (kind: Disagreement, rule: string, detail: string) => items.push({ row: record.row, personId, kind, rule, detail });
  const entitled = aftercare.episodes.length > 0;
  const latest = aftercare.episodes.at(-1);
  if (record.s117 === true && !entitled) {
    add('marked-s117-not-detained', 'ELIG-1', 'The sheet marks the person as s117, but no detention under section 3, 37, 45A, 47 or 48 is recorded: they are not entitled on the facts the register holds. Find the qualifying detention, or correct the sheet.');
  }
  if (record.s117 === false && latest) {
    add('detained-not-marked-s117', 'ELIG-1', `The sheet says not s117, but the person was detained under ${sectionShortName(latest.qualifyingSection)} from ${formatDate(latest.detentionFrom)}: they are entitled to s117 aftercare.`);
  }
  if ((record.endDate || record.endReason) && latest && latest.endReason !== 'joint-decision') {
    add('ended-without-joint-decision', 'END-1', `The sheet records aftercare as ended${record.endDate ? ` on ${formatDate(record.endDate)}` : ''}, but no joint decision of the local authority and the ICB is recorded: the duty continues until both decide it has ended.`);
  }
  if (latest && record.localAuthority && latest.localAuthority.code !== record.localAuthority) {
    add('responsible-la-differs', 'RESP-2', latest.localAuthority.code
      ? `The sheet names ${record.localAuthority} as the responsible local authority; the rules propose ${latest.localAuthority.code} (${latest.localAuthority.basis}).`
      : `The sheet names ${record.localAuthority} as the responsible local authority; the rules cannot propose one: no ordinary residence immediately before the detention is recorded.`);
  }
  if (latest && record.icb && latest.icb.code !== record.icb) {
    add('responsible-icb-differs', 'RESP-5', latest.icb.code
      ? `The sheet names ${record.icb} as the responsible ICB; the rules propose ${latest.icb.code} (${latest.icb.basis}).`
      : `The sheet names ${record.icb} as the responsible ICB; the rules cannot propose one: no GP registration immediately before the detention is recorded.`);
  }
  if (entitled && record.nextReview && compareDates(record.nextReview, today) < 0 && latest?.status !== 'ended') {
    add('review-overdue', 'REV-1', `The sheet’s next review was due on ${formatDate(record.nextReview)} and is overdue.`);
  }
  if (entitled && record.service && (record.service.chargePence ?? 0) > 0) {
    add('s117-service-charged', 'CHG-1', `The person is entitled to s117 aftercare and is charged for "${record.service.name}": no charge may be made for an s117 service. Stop the charge and refund it with interest.`);
  }
  return items;
}

/** A detention row for someone the register does not hold: a qualifying one means the register is missing an entitled person. */
export function reconcileMissingPerson(record: DetentionRecord): ReconciliationItem | null {
  if (!record.section || !isQualifyingSection(record.section)) return null;
  return {
    row: record.row,
    personId: null,
    kind: 'detained-missing-from-register',
    rule: 'ELIG-1',
    detail: `Detained under ${sectionShortName(record.section)} from ${record.startDate ? formatDate(record.startDate) : 'an unknown date'}, but not on the register: add the person, then import the detentions again.`,
  };
}

/**
 * REV-1: the sheet's next review date against the review the register expects (its own timetable,
 * derived from leaving hospital, the reviews held, the last review the import brought among them, and
 * the requests). `expected` null: no review is due (no aftercare running): nothing to compare.
 */
export function reconcileNextReview(record: RegisterRecord, personId: string, expected: IsoDate | null, settings: ReviewSettings): ReconciliationItem | null {
  if (!record.nextReview || !expected || compareDates(record.nextReview, expected) === 0) return null;
  return {
    row: record.row,
    personId,
    kind: 'review-date-differs',
    rule: 'REV-1',
    detail: `The sheet expects the next review on ${formatDate(record.nextReview)}; by the register’s timetable (the first review ${settings.firstReviewDays} days after leaving hospital, then ${settings.reviewIntervalMonths} months after the last review held, sooner when one is requested) it is due on ${formatDate(expected)}. The register follows its timetable: hold or arrange the review by then.`,
  };
}
