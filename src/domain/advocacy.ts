// Advocacy: who qualifies for an independent mental health advocate (IMHA) on a given day, who must
// tell them, IMHA access to after-care records, the Care Act advocate and the IMCA.
// Rules ADV-1 to ADV-5 and MHA25-4 in docs/domain-rules.md. Pure functions: no I/O.

import type { PersonFacts } from './aftercare.ts';
import type { IsoDate } from './dates.ts';
import { formatDate } from './dates.ts';
import type { SectionCode } from './sections.ts';
import { isQualifyingSection, sectionLabel } from './sections.ts';
import type { RuleViolation } from './violations.ts';

export interface ImhaOptions {
  /** MHA25-4 (MHA 2025 s40, Sch 3): IMHAs for informal patients. Not in force: off by default. */
  informalPatientsIncluded?: boolean;
  /** ADV-1: a person not otherwise qualifying who is discussing s57 treatment (or s58A treatment when under 18). */
  discussingSection57Or58ATreatment?: boolean;
}

export interface ImhaEligibility {
  eligible: boolean;
  /** Plain English, for the person page and the API. */
  reason: string;
  /** ADV-1, or MHA25-4 when eligibility comes only from the Mental Health Act 2025 extension. */
  rule: 'ADV-1' | 'MHA25-4';
  /** The legal status that decided it, when one did. */
  section: SectionCode | null;
  /** ADV-2: who must take practicable steps to tell the person about IMHA help (partly UNVERIFIED). */
  toldBy: string | null;
}

// ADV-1: liable to be detained, except under these powers (s4 only until it is converted to s2).
const NOT_QUALIFYING_DETENTIONS: ReadonlySet<SectionCode> = new Set<SectionCode>(['4', '5(2)', '5(4)', '135', '136']);
const QUALIFYING_DETENTIONS: ReadonlySet<SectionCode> = new Set<SectionCode>([
  '2', '3', '35', '36', '37', '37/41', '38', '45A', '47', '47/49', '48', '48/49',
]);

// ADV-2 (s130D): the responsible person. The conditionally discharged mapping is partly UNVERIFIED.
const TOLD_BY: Partial<Record<SectionCode, string>> = {
  '7': 'the local social services authority (guardianship)',
  '17A': 'the managers of the responsible hospital (community treatment order)',
  'CD': 'the responsible clinician (conditional discharge; mapping partly unverified)',
};
const HOSPITAL_MANAGERS = 'the hospital managers (detained patient)';

type Status = Pick<PersonFacts['legalStatuses'][number], 'section' | 'startDate' | 'endDate'>;

export interface ImhaFacts {
  legalStatuses: readonly Status[];
  dateOfDeath?: IsoDate | null;
}

const inForceOn = (s: Status, on: IsoDate): boolean => s.startDate <= on && (s.endDate === null || s.endDate >= on);

/** The order statuses are tried in: detention first, then guardianship, a CTO, a conditional discharge. */
function qualifyingStatus(statuses: Status[]): Status | undefined {
  return statuses.find((s) => QUALIFYING_DETENTIONS.has(s.section))
    ?? statuses.find((s) => s.section === '7')
    ?? statuses.find((s) => s.section === '17A')
    ?? statuses.find((s) => s.section === 'CD');
}

/**
 * ADV-1 (MHA 1983 s130C(2)-(3)): a qualifying patient is liable to be detained (except under s4 not
 * yet converted, s5(2), s5(4), s135 or s136), subject to guardianship, a community patient, or
 * conditionally discharged (s130D). A person on s117 aftercare only is not eligible. MHA25-4 adds
 * informal patients once commenced (behind a setting, off by default).
 */
export function imhaEligibility(facts: ImhaFacts, on: IsoDate, options: ImhaOptions = {}): ImhaEligibility {
  const when = formatDate(on);
  if (facts.dateOfDeath && facts.dateOfDeath <= on) {
    return { eligible: false, rule: 'ADV-1', section: null, toldBy: null, reason: `They died on ${formatDate(facts.dateOfDeath)}.` };
  }
  const inForce = facts.legalStatuses.filter((s) => inForceOn(s, on));
  const found = qualifyingStatus(inForce);
  if (found) {
    const what = QUALIFYING_DETENTIONS.has(found.section) ? `liable to be detained under ${sectionLabel(found.section)}`
      : found.section === '7' ? 'subject to guardianship (section 7)'
        : found.section === '17A' ? 'a community patient (community treatment order, section 17A)'
          : 'a conditionally discharged restricted patient (section 130D covers them)';
    return {
      eligible: true,
      rule: 'ADV-1',
      section: found.section,
      toldBy: TOLD_BY[found.section] ?? HOSPITAL_MANAGERS,
      reason: `On ${when} they are ${what}, so they qualify for an independent mental health advocate (IMHA).`,
    };
  }
  if (options.discussingSection57Or58ATreatment) {
    return {
      eligible: true, rule: 'ADV-1', section: null, toldBy: null,
      reason: `On ${when} they are discussing treatment under section 57 (or section 58A, if under 18), so they qualify for an IMHA for that.`,
    };
  }
  const holding = inForce.filter((s) => NOT_QUALIFYING_DETENTIONS.has(s.section));
  const informal = inForce.find((s) => s.section === 'informal');
  if (informal && options.informalPatientsIncluded) {
    return {
      eligible: true, rule: 'MHA25-4', section: 'informal', toldBy: HOSPITAL_MANAGERS,
      reason: `On ${when} they are an informal patient. The Mental Health Act 2025 extends IMHAs to informal patients (MHA25-4; this setting is switched on).`,
    };
  }
  const general = 'Offer general advocacy instead, or a Care Act advocate where the person would have substantial difficulty taking part (ADV-4).';
  if (holding.length > 0) {
    const names = holding.map((s) => sectionLabel(s.section)).join(' and ');
    const converted = holding.some((s) => s.section === '4') ? ' (a section 4 gives a right to an IMHA only once it is converted to a section 2)' : '';
    return {
      eligible: false, rule: 'ADV-1', section: holding[0]!.section, toldBy: null,
      reason: `On ${when} they are held only under ${names}, which does not give a right to an IMHA${converted}. ${general}`,
    };
  }
  if (informal) {
    return {
      eligible: false, rule: 'ADV-1', section: 'informal', toldBy: null,
      reason: `On ${when} they are an informal patient. Informal patients do not qualify for an IMHA under current law (the Mental Health Act 2025 extension, MHA25-4, is not in force). ${general}`,
    };
  }
  const everQualified = facts.legalStatuses.some((s) => s.startDate <= on && isQualifyingSection(s.section));
  const why = everQualified
    ? `On ${when} they are not detained, under guardianship, on a community treatment order or conditionally discharged. Section 117 aftercare alone (for example after leaving a section 3 with no CTO, or after an absolute discharge) does not give a right to an IMHA.`
    : `On ${when} they are not detained, under guardianship, on a community treatment order or conditionally discharged, so they do not qualify for an IMHA.`;
  return { eligible: false, rule: 'ADV-1', section: null, toldBy: null, reason: `${why} ${general}` };
}

// ---------------------------------------------------------------------------------------------
// ADV-3: IMHA access to after-care records.

/** The recorded decision on an IMHA seeing the s117 and local authority records (stored as it is). */
export interface RecordsConsent {
  /** Does the person have capacity to consent to the IMHA seeing their records? */
  personHasCapacity: boolean;
  /** With capacity: did they consent? */
  consented: boolean | null;
  /** Without capacity: does the record-holder decide access is appropriate? */
  recordHolderAllows: boolean | null;
  /** Why (required when the record-holder decides). */
  reason: string | null;
  decidedOn: IsoDate;
}

type Violation = RuleViolation;

/** ADV-3 (s130B(3)-(4)): with capacity the person's consent decides; without it, the record-holder. */
export function validateRecordsConsent(c: RecordsConsent, field = 'consentToRecords'): Violation[] {
  const out: Violation[] = [];
  if (c.personHasCapacity) {
    if (c.consented === null) out.push({ field: `${field}.consented`, message: 'Say whether the person consents to the IMHA seeing their records', rule: 'ADV-3' });
    if (c.recordHolderAllows !== null) out.push({ field: `${field}.recordHolderAllows`, message: 'The person has capacity, so their consent decides, not the record-holder', rule: 'ADV-3' });
  } else {
    if (c.recordHolderAllows === null) out.push({ field: `${field}.recordHolderAllows`, message: 'The person lacks capacity: record whether the record-holder decides access is appropriate', rule: 'ADV-3' });
    if (!c.reason) out.push({ field: `${field}.reason`, message: 'Give the reason for the record-holder’s decision', rule: 'ADV-3' });
    if (c.consented !== null) out.push({ field: `${field}.consented`, message: 'The person lacks capacity to consent, so leave consent empty', rule: 'ADV-3' });
  }
  return out;
}

/** ADV-3: may the IMHA inspect the s117 after-care records under this decision? */
export function imhaRecordsAccess(c: RecordsConsent | null): { allowed: boolean; reason: string; rule: 'ADV-3' } {
  if (!c) return { allowed: false, rule: 'ADV-3', reason: 'No decision is recorded: ask the person for consent (or, if they lack capacity, the record-holder decides).' };
  if (c.personHasCapacity) {
    return c.consented
      ? { allowed: true, rule: 'ADV-3', reason: `The person consented on ${formatDate(c.decidedOn)}.` }
      : { allowed: false, rule: 'ADV-3', reason: `The person did not consent (${formatDate(c.decidedOn)}); with capacity, their decision stands.` };
  }
  return c.recordHolderAllows
    ? { allowed: true, rule: 'ADV-3', reason: `The person lacks capacity; the record-holder decided on ${formatDate(c.decidedOn)} that access is appropriate.` }
    : { allowed: false, rule: 'ADV-3', reason: `The person lacks capacity; the record-holder decided on ${formatDate(c.decidedOn)} that access is not appropriate.` };
}

// ---------------------------------------------------------------------------------------------
// ADV-4: the Care Act advocate.

export interface CareActAdvocateTest {
  /** Substantial difficulty understanding, retaining, using or weighing information, or communicating views. */
  substantialDifficulty: boolean;
  /** An appropriate individual (not paid or professional, acceptable to the person) can support them. */
  appropriateIndividual: boolean;
  /** An NHS hospital stay of 28 days or more is likely (UNVERIFIED against the regulations). */
  nhsStayOf28DaysLikely: boolean;
  /** A care home stay of 8 weeks or more is likely (UNVERIFIED against the regulations). */
  careHomeStayOf8WeeksLikely: boolean;
}

export interface CareActAdvocateResult {
  due: boolean;
  /** 'must' under Care Act s67 for Care Act processes; 'offer' for an s117-only process (CONTESTED, default offer). */
  duty: 'must' | 'offer' | 'none';
  contested: boolean;
  reason: string;
  rule: 'ADV-4';
}

/** ADV-4: the process the person is in: a Care Act assessment or planning, or s117 aftercare only. */
export const ADVOCACY_PROCESSES = ['care-act', 's117-only'] as const;
export type AdvocacyProcess = (typeof ADVOCACY_PROCESSES)[number];

/**
 * ADV-4 (Care Act s67): an advocate is due when the person would have substantial difficulty and
 * there is no appropriate individual, or regardless of one when a 28-day NHS stay or 8-week care home
 * stay is likely. s117 planning is not itself listed in s67 (CONTESTED): the default is to offer one.
 */
export function careActAdvocateDue(test: CareActAdvocateTest, process: AdvocacyProcess = 's117-only'): CareActAdvocateResult {
  if (!test.substantialDifficulty) {
    return { due: false, duty: 'none', contested: false, rule: 'ADV-4', reason: 'They would not have substantial difficulty taking part, so no Care Act advocate is due (they can still have general advocacy).' };
  }
  const stay = test.nhsStayOf28DaysLikely || test.careHomeStayOf8WeeksLikely;
  if (test.appropriateIndividual && !stay) {
    return { due: false, duty: 'none', contested: false, rule: 'ADV-4', reason: 'They would have substantial difficulty, but an appropriate individual can support them, so no Care Act advocate is due.' };
  }
  const because = test.appropriateIndividual
    ? `a ${test.nhsStayOf28DaysLikely ? 'hospital stay of 28 days or more' : 'care home stay of 8 weeks or more'} is likely, so an advocate is due even though an appropriate individual can support them`
    : 'they would have substantial difficulty and no appropriate individual can support them';
  if (process === 'care-act') {
    return { due: true, duty: 'must', contested: false, rule: 'ADV-4', reason: `The local authority must arrange an independent advocate (Care Act s67): ${because}.` };
  }
  return {
    due: true, duty: 'offer', contested: true, rule: 'ADV-4',
    reason: `Offer a Care Act advocate: ${because}. Section 117 planning is not itself listed in Care Act s67, so whether one must be provided is contested; the register's default is to offer.`,
  };
}

// ---------------------------------------------------------------------------------------------
// ADV-5: the IMCA (detail UNVERIFIED).

export function imcaMayBeNeeded(input: { lacksCapacityAboutAccommodation: boolean; longTermAccommodationMove: boolean; nobodyAppropriateToConsult: boolean }): { needed: boolean; reason: string; rule: 'ADV-5' } {
  const needed = input.lacksCapacityAboutAccommodation && input.longTermAccommodationMove && input.nobodyAppropriateToConsult;
  return {
    needed,
    rule: 'ADV-5',
    reason: needed
      ? 'They lack capacity about a long-term accommodation move and there is no one appropriate to consult: the duty to instruct an IMCA (Mental Capacity Act 2005 ss35-41) may apply alongside s117 planning.'
      : 'The conditions for instructing an IMCA about an accommodation move are not all met.',
  };
}

// ---------------------------------------------------------------------------------------------
// Advocacy referrals: which decisions belong to which kind of referral.

/** The kinds of advocacy a person can be referred to: an IMHA, a Care Act advocate, an IMCA, or general advocacy. */
export const REFERRAL_KINDS = ['imha', 'care-act', 'imca', 'general'] as const;
export type ReferralKind = (typeof REFERRAL_KINDS)[number];

/**
 * ADV-3 and ADV-4 on a referral: the records-access decision must be valid and is recorded only on
 * an IMHA referral; the Care Act advocate test only on a care-act referral.
 */
export function referralViolations(kind: ReferralKind, consent: RecordsConsent | null | undefined, careActTest: unknown): Violation[] {
  const out: Violation[] = consent ? validateRecordsConsent(consent, 'consentToRecords') : [];
  if (consent && kind !== 'imha') out.push({ field: 'consentToRecords', message: 'The records-access decision is for an IMHA referral', rule: 'ADV-3' });
  if (careActTest && kind !== 'care-act') out.push({ field: 'careActTest', message: 'The Care Act advocate test is for a care-act referral', rule: 'ADV-4' });
  return out;
}

/**
 * ADV-1 on a referral (issue 15): an IMHA referral is for a qualifying patient on the day of the
 * referral. Anyone else is refused, with the advocacy they can have instead (ADV-4: a Care Act
 * advocate where the test is met, or general advocacy).
 */
export function imhaReferralViolations(kind: ReferralKind, eligibility: Pick<ImhaEligibility, 'eligible' | 'reason' | 'rule'>): Violation[] {
  if (kind !== 'imha' || eligibility.eligible) return [];
  return [{
    field: 'kind',
    message: `They are not a qualifying patient for an Independent Mental Health Advocate on the day of the referral: ${eligibility.reason} Refer them for Care Act advocacy or general advocacy instead (ADV-4).`,
    rule: 'ADV-1',
  }];
}

// ---------------------------------------------------------------------------------------------
// MHA25-1: the tribunal's recommendation that the responsible after-care bodies make plans.

/** MHA25-1: the after-care bodies respond to a recommendation on or after the hearing that made it. */
export function tribunalResponseViolations(respondedOn: IsoDate, hearingOn: IsoDate): Violation[] {
  if (respondedOn >= hearingOn) return [];
  return [{ field: 'respondedOn', message: 'The response date must be on or after the hearing', rule: 'MHA25-1' }];
}
