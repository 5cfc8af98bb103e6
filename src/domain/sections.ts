// Legal statuses a person can be recorded under: Mental Health Act 1983 sections, plus informal
// (voluntary) admission, community statuses and return to prison. Codes are the API's codes.

export const SECTION_CODES = [
  'informal', '2', '3', '4', '5(2)', '5(4)', '35', '36', '37', '37/41', '38', '45A',
  '47', '47/49', '48', '48/49', '135', '136', '7', '17A', 'CD', 'custody',
] as const;
export type SectionCode = typeof SECTION_CODES[number];

// ELIG-1: only these detentions give a right to s117 aftercare; restrictions (s41, s49) do not matter.
const QUALIFYING: ReadonlySet<string> = new Set<SectionCode>(['3', '37', '37/41', '45A', '47', '47/49', '48', '48/49']);

// Liable to be detained in a hospital or a place of safety (qualifying or not).
const HOSPITAL_DETENTION: ReadonlySet<string> = new Set<SectionCode>([
  '2', '3', '4', '5(2)', '5(4)', '35', '36', '37', '37/41', '38', '45A', '47', '47/49', '48', '48/49', '135', '136',
]);

const COMMUNITY: ReadonlySet<string> = new Set<SectionCode>(['17A', 'CD']);

const LABELS: Record<SectionCode, string> = {
  'informal': 'informal (voluntary) patient',
  '2': 'section 2 (admission for assessment)',
  '3': 'section 3 (admission for treatment)',
  '4': 'section 4 (emergency admission for assessment)',
  '5(2)': "section 5(2) (doctor's holding power)",
  '5(4)': "section 5(4) (nurse's holding power)",
  '35': 'section 35 (remand to hospital for a report)',
  '36': 'section 36 (remand to hospital for treatment)',
  '37': 'section 37 (hospital order)',
  '37/41': 'section 37/41 (hospital order with restrictions)',
  '38': 'section 38 (interim hospital order)',
  '45A': 'section 45A (hospital and limitation direction)',
  '47': 'section 47 (transfer of a sentenced prisoner to hospital)',
  '47/49': 'section 47/49 (transfer of a sentenced prisoner to hospital, with restrictions)',
  '48': 'section 48 (transfer of an unsentenced prisoner to hospital)',
  '48/49': 'section 48/49 (transfer of an unsentenced prisoner to hospital, with restrictions)',
  '135': 'section 135 (warrant to remove to a place of safety)',
  '136': 'section 136 (removal to a place of safety by the police)',
  '7': 'guardianship (section 7)',
  '17A': 'community treatment order (section 17A)',
  'CD': 'conditional discharge',
  'custody': 'returned to prison',
};

// Short forms for use inside a sentence ("Section 2 and section 136 do not ...").
const SHORT_NAMES: Partial<Record<SectionCode, string>> = {
  'informal': 'an informal (voluntary) admission',
  '7': 'guardianship (section 7)',
  '17A': 'a community treatment order',
  'CD': 'a conditional discharge',
  'custody': 'a return to prison',
};

export function isSectionCode(s: string): s is SectionCode {
  return (SECTION_CODES as readonly string[]).includes(s);
}

/** ELIG-1: s3, s37, s45A, s47 or s48, with or without restrictions. */
export function isQualifyingSection(s: string): boolean {
  return QUALIFYING.has(s);
}

export function isHospitalDetention(s: string): boolean {
  return HOSPITAL_DETENTION.has(s);
}

/** A community treatment order (s17A) or a conditional discharge. */
export function isCommunityStatus(s: string): boolean {
  return COMMUNITY.has(s);
}

/** Plain English, e.g. "section 3 (admission for treatment)". */
export function sectionLabel(s: SectionCode): string {
  return LABELS[s];
}

/** The name used inside a sentence, e.g. "section 3", "a community treatment order". */
export function sectionShortName(s: SectionCode): string {
  return SHORT_NAMES[s] ?? `section ${s}`;
}
