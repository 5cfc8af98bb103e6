// Checks a hospital stay, legal status or period of leave before it is stored, against the person's
// other facts, so that the entitlement engine (aftercare.ts) only ever sees a coherent history.
// A candidate whose id is already recorded is an edit: it replaces that fact in the checks.

import type { PersonFacts } from './aftercare.ts';
import type { IsoDate } from './dates.ts';
import { addDays, formatDate, isIsoDate } from './dates.ts';
import { isHospitalDetention, isSectionCode, sectionShortName } from './sections.ts';
import type { SectionCode } from './sections.ts';

import type { Violation } from './violations.ts';

export type { Violation };

export type AdmissionCandidate = PersonFacts['admissions'][number];
export type LegalStatusCandidate = Omit<PersonFacts['legalStatuses'][number], 'section'> & { section: string };
export type LeaveCandidate = Omit<PersonFacts['leaves'][number], 'kind'> & { kind: string };

type LegalStatus = PersonFacts['legalStatuses'][number];

const LEAVE_KINDS: readonly string[] = ['escorted', 'unescorted', 'trial-placement'];

// ---------------------------------------------------------------------------------------------
// Dates

interface DateField { field: string; label: string; value: IsoDate | null }

/** Real dates, not in the future, and the end not before the start. */
function checkDates(start: DateField, end: DateField, today: IsoDate): Violation[] {
  const violations: Violation[] = [];
  for (const f of [start, end]) {
    if (f.value === null) continue;
    if (!isIsoDate(f.value)) violations.push({ field: f.field, message: `Enter the ${f.label} as a real date in the form YYYY-MM-DD, for example 2024-03-04.` });
    else if (f.value > today) violations.push({ field: f.field, message: `The ${f.label} (${formatDate(f.value)}) is in the future.` });
  }
  if (violations.length === 0 && start.value !== null && end.value !== null && end.value < start.value) {
    violations.push({ field: end.field, message: `The ${end.label} (${formatDate(end.value)}) is before the ${start.label} (${formatDate(start.value)}).` });
  }
  return violations;
}

// ---------------------------------------------------------------------------------------------
// Overlaps

interface Span { start: IsoDate; end: IsoDate | null; name: string }

/** Two periods may share only a changeover day: the day one ends is the day the other starts. */
function overlaps(a: Span, b: Span): boolean {
  const aEndsFirst = a.end !== null && a.end <= b.start;
  const bEndsFirst = b.end !== null && b.end <= a.start;
  return !aEndsFirst && !bEndsFirst;
}

const describe = (s: Span): string => `${s.name} from ${formatDate(s.start)}${s.end ? ` to ${formatDate(s.end)}` : ''}`;
const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Names the candidate's field that causes the overlap, and says what to do. */
function overlapViolation(candidate: Span, other: Span, fields: { start: string; end: string }, endWord: string): Violation {
  if (other.end === null && other.start < candidate.start) {
    return {
      field: fields.start,
      message: `${capitalise(describe(other))} has no ${endWord}. Record its ${endWord} first, before adding ${describe(candidate)}.`,
    };
  }
  if (other.start <= candidate.start) {
    return { field: fields.start, message: `${capitalise(describe(candidate))} overlaps ${describe(other)}.` };
  }
  const fix = candidate.end === null ? ` Record the ${endWord}: ${describe(other)} begins later.` : '';
  return { field: fields.end, message: `${capitalise(describe(candidate))} overlaps ${describe(other)}.${fix}` };
}

function overlapViolations(candidate: Span, others: Span[], fields: { start: string; end: string }, endWord: string): Violation[] {
  return others.filter((o) => overlaps(candidate, o)).map((o) => overlapViolation(candidate, o, fields, endWord));
}

const stayName = (hospital: string): string => `the stay at ${hospital}`;
const statusSpan = (s: { section: SectionCode; startDate: IsoDate; endDate: IsoDate | null }): Span =>
  ({ start: s.startDate, end: s.endDate, name: sectionShortName(s.section) });

// ---------------------------------------------------------------------------------------------
// Hospital stays

export function validateAdmission(existing: PersonFacts, candidate: AdmissionCandidate, today: IsoDate): Violation[] {
  const violations: Violation[] = [];
  if (candidate.hospital.trim() === '') violations.push({ field: 'hospital', message: 'Enter the name of the hospital.' });
  const dates = checkDates(
    { field: 'admittedOn', label: 'admission date', value: candidate.admittedOn },
    { field: 'dischargedOn', label: 'discharge date', value: candidate.dischargedOn },
    today,
  );
  if (dates.length > 0) return [...violations, ...dates];
  const span: Span = { start: candidate.admittedOn, end: candidate.dischargedOn, name: stayName(candidate.hospital) };
  const others = existing.admissions.filter((a) => a.id !== candidate.id).map((a) => ({ start: a.admittedOn, end: a.dischargedOn, name: stayName(a.hospital) }));
  return [
    ...violations,
    ...overlapViolations(span, others, { start: 'admittedOn', end: 'dischargedOn' }, 'discharge date'),
    ...linkedStatusesOutside(existing, candidate),
  ];
}

/** An edited stay must still contain the start of every legal status recorded against it. */
function linkedStatusesOutside(existing: PersonFacts, stay: AdmissionCandidate): Violation[] {
  return existing.legalStatuses.filter((s) => s.admissionId === stay.id).flatMap((s): Violation[] => {
    const name = `${capitalise(sectionShortName(s.section))} from ${formatDate(s.startDate)}`;
    if (s.startDate < stay.admittedOn) {
      return [{ field: 'admittedOn', message: `${name} is recorded in this stay, so the stay cannot start after ${formatDate(s.startDate)}.` }];
    }
    if (stay.dischargedOn !== null && s.startDate > stay.dischargedOn) {
      return [{ field: 'dischargedOn', message: `${name} is recorded in this stay, so the stay cannot end before ${formatDate(s.startDate)}.` }];
    }
    return [];
  });
}

// ---------------------------------------------------------------------------------------------
// Legal statuses

export function validateLegalStatus(existing: PersonFacts, candidate: LegalStatusCandidate, today: IsoDate): Violation[] {
  const section = candidate.section;
  if (!isSectionCode(section)) {
    return [{ field: 'section', message: `"${section}" is not a legal status the register knows. Choose one from the list.` }];
  }
  const dates = checkDates(
    { field: 'startDate', label: 'start date', value: candidate.startDate },
    { field: 'endDate', label: 'end date', value: candidate.endDate },
    today,
  );
  if (dates.length > 0) return dates;
  const status: LegalStatus = { ...candidate, section };
  const others = existing.legalStatuses.filter((s) => s.id !== candidate.id);
  return [...conflictingStatuses(status, others), ...admissionViolations(status, existing)];
}

/** Hospital detentions do not overlap one another, nor a return to prison, beyond a changeover day. */
function conflictingStatuses(status: LegalStatus, others: LegalStatus[]): Violation[] {
  const conflictsWith = (other: LegalStatus): boolean => {
    if (isHospitalDetention(status.section)) return isHospitalDetention(other.section) || other.section === 'custody';
    if (status.section === 'custody') return isHospitalDetention(other.section);
    return false;
  };
  const spans = others.filter(conflictsWith).map(statusSpan);
  return overlapViolations(statusSpan(status), spans, { start: 'startDate', end: 'endDate' }, 'end date');
}

/** The status must belong to one of the person's hospital stays and start within it. */
function admissionViolations(status: LegalStatus, existing: PersonFacts): Violation[] {
  if (status.admissionId === null) return [];
  const stay = existing.admissions.find((a) => a.id === status.admissionId);
  if (!stay) return [{ field: 'admissionId', message: 'That hospital stay is not recorded for this person.' }];
  const startsWithin = stay.admittedOn <= status.startDate && (stay.dischargedOn === null || status.startDate <= stay.dischargedOn);
  if (startsWithin) return [];
  const stayText = describe({ start: stay.admittedOn, end: stay.dischargedOn, name: stayName(stay.hospital) });
  return [{
    field: 'startDate',
    message: `${capitalise(sectionShortName(status.section))} starts on ${formatDate(status.startDate)}, which is outside ${stayText}.`,
  }];
}

// ---------------------------------------------------------------------------------------------
// Section 17 leave

export function validateLeave(existing: PersonFacts, candidate: LeaveCandidate, today: IsoDate): Violation[] {
  const violations: Violation[] = [];
  if (!LEAVE_KINDS.includes(candidate.kind)) violations.push({ field: 'kind', message: 'Choose escorted, unescorted or trial placement.' });
  if (candidate.reason.trim() === '') {
    violations.push({ field: 'reason', rule: 'ELIG-4', message: 'Record why this leave does or does not mean the person has left hospital.' });
  }
  const dates = checkDates(
    { field: 'from', label: 'start of leave', value: candidate.from },
    { field: 'to', label: 'end of leave', value: candidate.to },
    today,
  );
  if (dates.length > 0) return [...violations, ...dates];
  return [...violations, ...outsideDetention(existing, candidate)];
}

/** ELIG-4: leave is leave from a detention, so it must fall inside one. */
function outsideDetention(existing: PersonFacts, leave: LeaveCandidate): Violation[] {
  const detentions = existing.legalStatuses.filter((s) => isHospitalDetention(s.section));
  const covering = detentions.find((s) => s.startDate <= leave.from && (s.endDate === null || s.endDate >= leave.from));
  if (!covering) return [{ field: 'from', rule: 'ELIG-4', message: 'Section 17 leave can only be recorded while the person is detained' }];
  const detentionEnd = continuousDetentionEnd(covering, detentions);
  if (detentionEnd !== null && leave.to !== null && leave.to > detentionEnd) {
    return [{ field: 'to', rule: 'ELIG-4', message: `The leave cannot go on after the detention ended on ${formatDate(detentionEnd)}.` }];
  }
  return [];
}

/** Follows a detention through changeovers (s2 to s3, s47 to s47/49) to the day it finally ended. */
function continuousDetentionEnd(start: LegalStatus, detentions: LegalStatus[]): IsoDate | null {
  const seen = new Set([start.id]);
  let end = start.endDate;
  for (;;) {
    if (end === null) return null;
    const limit: IsoDate = addDays(end, 1);
    const next = detentions.find((s) => !seen.has(s.id) && s.startDate <= limit && (s.endDate === null || s.endDate > (end as IsoDate)));
    if (!next) return end;
    seen.add(next.id);
    end = next.endDate;
  }
}
