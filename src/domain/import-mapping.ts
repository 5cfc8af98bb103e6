// Moving in (issue 10): the fields an imported register or detentions extract can fill, and the
// mapping of a file's headers onto them. Councils name their columns differently, so the register
// suggests a mapping from the headers (case, spacing, punctuation and common synonyms ignored) and a
// person confirms or changes it. Pure: no I/O.

export const IMPORT_KINDS = ['register', 'detentions'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export interface ImportField {
  key: string;
  label: string;
  required: boolean;
  synonyms: readonly string[];
}

const field = (key: string, label: string, required: boolean, synonyms: readonly string[]): ImportField => ({ key, label, required, synonyms });

/** The columns councils keep in an s117 spreadsheet register (one row a person). */
export const REGISTER_FIELDS: readonly ImportField[] = [
  field('nhsNumber', 'NHS number', false, ['nhs number', 'nhs no', 'nhs', 'nhsnumber', 'nhs num']),
  field('localId', 'Local id', false, ['local id', 'client id', 'person id', 'mosaic id', 'liquidlogic id', 'lcs id', 'swift id', 'case id', 'client number', 'local patient id']),
  field('name', 'Full name', false, ['name', 'full name', 'client name', 'service user', 'service user name', 'patient name']),
  field('givenName', 'Given name', false, ['given name', 'first name', 'forename', 'forenames', 'firstname']),
  field('familyName', 'Family name', false, ['family name', 'surname', 'last name', 'lastname']),
  field('dateOfBirth', 'Date of birth', true, ['date of birth', 'dob', 'd.o.b', 'birth date', 'birthdate']),
  field('address', 'Address', false, ['address', 'address line 1', 'address1', 'home address']),
  field('postcode', 'Postcode', false, ['postcode', 'post code', 'postal code']),
  field('section', 'Qualifying section', false, ['section', 'qualifying section', 'mha section', 'legal status', 'detained under', 'section of mha']),
  field('detainedOn', 'Detention date', false, ['detention date', 'date detained', 'detained on', 'date of detention', 'section start', 'section start date', 'admission date', 'date admitted']),
  field('leftHospitalOn', 'Date left hospital', false, ['discharge date', 'date of discharge', 'date discharged', 'left hospital', 'leaving hospital date', 'date left hospital', 'discharged on']),
  field('hospital', 'Hospital', false, ['hospital', 'ward', 'hospital name', 'unit']),
  field('localAuthority', 'Responsible local authority', false, ['responsible la', 'responsible local authority', 'local authority', 'la', 'council', 'la code', 'responsible council']),
  field('icb', 'Responsible ICB', false, ['responsible icb', 'icb', 'icb code', 'ccg', 'responsible ccg', 'health body']),
  field('keyworker', 'Keyworker', false, ['keyworker', 'key worker', 'care coordinator', 'care co-ordinator', 'allocated worker', 'worker']),
  field('lastReview', 'Last review date', false, ['last review', 'last review date', 'date of last review', 'reviewed on']),
  field('nextReview', 'Next review date', false, ['next review', 'next review date', 'review due', 'date of next review', 'next review due']),
  field('s117', 's117 (yes/no)', false, ['s117', 's117 yes no', 's117 y n', 'section 117', 'entitled', 's117 eligible', 'eligible for s117', 'on s117']),
  field('service', 'Service', false, ['service', 'service type', 'services', 'care service', 'package']),
  field('provider', 'Provider', false, ['provider', 'service provider', 'care provider']),
  field('weeklyCost', 'Weekly cost', false, ['weekly cost', 'cost per week', 'weekly amount', 'cost pw', 'weekly rate', 'cost']),
  field('laShare', 'LA share (%)', false, ['la share', 'la split', 'la %', 'la percent', 'la contribution', 'council share']),
  field('icbShare', 'ICB share (%)', false, ['icb share', 'icb split', 'icb %', 'icb percent', 'icb contribution', 'health share', 'ccg share']),
  field('charge', 'Charge to the person', false, ['charge', 'client contribution', 'charged', 'assessed charge', 'contribution', 'weekly charge']),
  field('endDate', 'End date', false, ['end date', 'date ended', 's117 end date', 'ended on', 'closure date', 'date closed']),
  field('endReason', 'End reason', false, ['end reason', 'reason ended', 'closure reason', 'reason for ending', 'reason closed']),
  // Ordinary residence and GP (RESP-2, RESP-5): with them the rules can propose the responsible bodies.
  field('residenceLocalAuthority', 'Ordinary residence (local authority)', false, ['ordinary residence', 'ordinarily resident', 'ordinarily resident in', 'or la', 'la of residence', 'residence la', 'local authority of residence', 'place of ordinary residence']),
  field('residenceSince', 'Resident there since', false, ['resident since', 'residence since', 'ordinarily resident since', 'or since', 'date of residence', 'residence start date', 'moved in']),
  field('gpPractice', 'GP practice (ODS code)', false, ['gp practice', 'gp practice code', 'gp code', 'practice code', 'gp ods code', 'practice ods code', 'gp']),
  field('gpIcb', 'GP practice’s ICB', false, ['gp icb', 'icb of gp', 'gp ccg', 'registered icb', 'gp icb code', 'icb of registration']),
  field('gpSince', 'Registered with the GP since', false, ['gp since', 'registered since', 'gp registration date', 'date registered with gp', 'registered with gp since']),
];

/** An MHSDS-shaped extract: MHS401 legal status periods and MHS501 hospital provider spells, one row each. */
export const DETENTION_FIELDS: readonly ImportField[] = [
  field('nhsNumber', 'NHS number', false, ['nhs number', 'nhsnumber', 'nhs no', 'nhs']),
  field('localId', 'Local patient id', false, ['local patient id', 'localpatientid', 'local id', 'patient id', 'mrn', 'hospital number']),
  field('givenName', 'Given name', false, ['given name', 'first name', 'forename', 'person given name']),
  field('familyName', 'Family name', false, ['family name', 'surname', 'last name', 'person family name']),
  field('dateOfBirth', 'Date of birth', false, ['date of birth', 'dob', 'person birth date', 'persbirthdate', 'birth date']),
  field('legalStatusCode', 'Legal status code (MHS401)', false, ['legal status code', 'legalstatuscode', 'mental health act legal status classification code', 'legal status', 'mha legal status code']),
  field('startDate', 'Legal status start date (MHS401)', false, ['start date mha legal status class period', 'startdatemhalegalstatusclass', 'legal status start date', 'start date', 'section start date']),
  field('endDate', 'Legal status end date (MHS401)', false, ['end date mha legal status class period', 'expirydatemhalegalstatusclass', 'enddatemhalegalstatusclass', 'legal status end date', 'end date', 'section end date', 'expiry date']),
  field('admittedOn', 'Admission date (MHS501)', false, ['start date hospital provider spell', 'startdatehospprovspell', 'admission date', 'date admitted', 'admitted on']),
  field('dischargedOn', 'Discharge date (MHS501)', false, ['discharge date hospital provider spell', 'dischdatehospprovspell', 'discharge date', 'date discharged', 'discharged on']),
  field('hospital', 'Hospital', false, ['hospital', 'site', 'site code of treatment', 'sitecodetreat', 'ward']),
];

export function fieldsFor(kind: ImportKind): readonly ImportField[] {
  return kind === 'register' ? REGISTER_FIELDS : DETENTION_FIELDS;
}

/** A mapping: each field's key to the header it is read from (or absent). */
export type ColumnMapping = Record<string, string>;

/** Lower case, letters and digits only: "D.O.B" and "dob", "NHS No." and "nhs no" compare equal. */
export function normaliseHeader(header: string): string {
  return header.toLowerCase().replace(/[^a-z0-9%]+/g, '');
}

/**
 * The mapping suggested from a file's headers: a header whose normalised form equals a field's key,
 * label or one of its synonyms maps to that field; each header and each field is used once, in field
 * order.
 */
export function suggestMapping(kind: ImportKind, headers: readonly string[]): ColumnMapping {
  const mapping: ColumnMapping = {};
  const taken = new Set<string>();
  for (const f of fieldsFor(kind)) {
    const names = new Set([f.key, f.label, ...f.synonyms].map(normaliseHeader));
    const header = headers.find((h) => !taken.has(h) && h.trim() !== '' && names.has(normaliseHeader(h)));
    if (header !== undefined) {
      mapping[f.key] = header;
      taken.add(header);
    }
  }
  return mapping;
}

export interface MappingProblem { field: string; message: string }

/**
 * What a mapping lacks before rows can be read: required fields, a way to name the person, a way to
 * find them again (NHS number or local id), and headers that are not in the file.
 */
export function mappingProblems(kind: ImportKind, mapping: ColumnMapping, headers: readonly string[]): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const fields = fieldsFor(kind);
  for (const [key, header] of Object.entries(mapping)) {
    if (!fields.some((f) => f.key === key)) problems.push({ field: key, message: `${key} is not a field of a ${kind} import` });
    else if (!headers.includes(header)) problems.push({ field: key, message: `The file has no column headed "${header}"` });
  }
  for (const f of fields) if (f.required && !mapping[f.key]) problems.push({ field: f.key, message: `Choose the column that holds the ${f.label.toLowerCase()}` });
  if (!mapping['nhsNumber'] && !mapping['localId']) problems.push({ field: 'nhsNumber', message: 'Choose the column that holds the NHS number or the local id: each row is matched by one of them' });
  if (kind === 'register' && !mapping['name'] && !(mapping['givenName'] && mapping['familyName'])) {
    problems.push({ field: 'name', message: 'Choose the column that holds the full name, or the columns with the given name and the family name' });
  }
  if (kind === 'detentions' && !mapping['legalStatusCode'] && !mapping['admittedOn']) {
    problems.push({ field: 'legalStatusCode', message: 'Choose the column with the legal status code (MHS401) or the admission date (MHS501)' });
  }
  return problems;
}
