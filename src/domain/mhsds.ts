// Moving in (issue 10): the Mental Health Services Data Set's legal status codes (MHS401, "Mental
// Health Act Legal Status Classification Code") and the register's section code for each. Every code
// is listed; a code with no register section is refused with the reason, and a code not in the table
// is refused by name. docs/mhsds-legal-status-codes.md is the same table for people.
import type { SectionCode } from './sections.ts';

export interface MhsdsLegalStatus {
  code: string;
  description: string;
  /** The register's section code, or null when the status cannot be recorded as one (with why). */
  section: SectionCode | null;
  refusal?: string;
}

const by = (code: string, description: string, section: SectionCode): MhsdsLegalStatus => ({ code, description, section });
const none = (code: string, description: string, refusal: string): MhsdsLegalStatus => ({ code, description, section: null, refusal });

export const MHSDS_LEGAL_STATUSES: readonly MhsdsLegalStatus[] = [
  by('01', 'Informal', 'informal'),
  by('02', 'Formally detained under Mental Health Act Section 2', '2'),
  by('03', 'Formally detained under Mental Health Act Section 3', '3'),
  by('04', 'Formally detained under Mental Health Act Section 4', '4'),
  by('05', 'Formally detained under Mental Health Act Section 5(2)', '5(2)'),
  by('06', 'Formally detained under Mental Health Act Section 5(4)', '5(4)'),
  by('07', 'Formally detained under Mental Health Act Section 35', '35'),
  by('08', 'Formally detained under Mental Health Act Section 36', '36'),
  by('09', 'Formally detained under Mental Health Act Section 37 with Section 41 restrictions', '37/41'),
  by('10', 'Formally detained under Mental Health Act Section 37 excluding Section 37(4)', '37'),
  by('12', 'Formally detained under Mental Health Act Section 38', '38'),
  none('13', 'Formally detained under Mental Health Act Section 44', 'Section 44 (committal to hospital pending a restriction order) has no register section: record the person’s status by hand once the court decides'),
  none('14', 'Formally detained under Mental Health Act Section 46', 'Section 46 (repealed: armed forces) has no register section: record the status by hand'),
  by('15', 'Formally detained under Mental Health Act Section 47 with Section 49 restrictions', '47/49'),
  by('16', 'Formally detained under Mental Health Act Section 47', '47'),
  by('17', 'Formally detained under Mental Health Act Section 48 with Section 49 restrictions', '48/49'),
  by('18', 'Formally detained under Mental Health Act Section 48', '48'),
  by('19', 'Formally detained under Mental Health Act Section 135', '135'),
  by('20', 'Formally detained under Mental Health Act Section 136', '136'),
  none('31', 'Formally detained under Criminal Procedure (Insanity) Act 1964 as amended by the Criminal Procedures (Insanity and Unfitness to Plead) Act 1991', 'A hospital order under the Criminal Procedure (Insanity) Act 1964 has the effect of a section 37 order, with or without restrictions: the court order says which, so record it by hand'),
  none('32', 'Formally detained under other Acts', 'Detention under another Act is not a Mental Health Act section: record it by hand if it matters'),
  by('35', 'Subject to guardianship under Mental Health Act Section 7', '7'),
  none('36', 'Subject to guardianship under Mental Health Act Section 37', 'Guardianship ordered by a court under section 37 has no register section (it never gives a right to s117): record it by hand'),
  by('37', 'Formally detained under Mental Health Act Section 45A (Limitation direction)', '45A'),
  by('38', 'Formally detained under Mental Health Act Section 45A (Hospital direction)', '45A'),
  none('98', 'Not applicable', 'Code 98 (not applicable) is not a legal status'),
  none('99', 'Not known', 'Code 99 (not known) is not a legal status: find the section in the Mental Health Act office’s records'),
];

const BY_CODE = new Map(MHSDS_LEGAL_STATUSES.map((s) => [s.code, s]));

export type MhsdsReading = { ok: true; status: MhsdsLegalStatus; section: SectionCode } | { ok: false; problem: string };

/** A legal status code as written ("3", "03", " 03 "): its section, or the reason it is refused. */
export function readMhsdsLegalStatus(raw: string): MhsdsReading {
  const trimmed = raw.trim();
  const code = /^\d$/.test(trimmed) ? `0${trimmed}` : trimmed;
  const status = BY_CODE.get(code);
  if (!status) return { ok: false, problem: `"${trimmed}" is not an MHSDS legal status code (see docs/mhsds-legal-status-codes.md)` };
  if (!status.section) return { ok: false, problem: `Code ${code} (${status.description}): ${status.refusal}` };
  return { ok: true, status, section: status.section };
}
