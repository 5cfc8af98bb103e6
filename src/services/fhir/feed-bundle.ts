// Reads a trust's transaction Bundle of Patient and Encounter resources into the hospital stays and
// legal statuses it describes, or the reasons it cannot be taken. Pure: no database.
import type { Bundle, Encounter, Extension, Patient } from '@medplum/fhirtypes';
import { IDENTIFIER_SYSTEMS, sectionForClassification, UK_CORE } from '../../domain/fhir.ts';
import { isValidNhsNumber } from '../../domain/nhs-number.ts';
import { isSectionCode, type SectionCode } from '../../domain/sections.ts';
import type { FieldError } from '../kernel/errors.ts';
import { REGISTER_LEGAL_STATUS_EXTENSION } from './fhir-resources.ts';

export const MAX_FEED_ENTRIES = 1000;

export interface FedPatient {
  entry: number;
  fullUrl: string | null;
  nhsNumber: string;
  givenName: string | null;
  familyName: string | null;
  birthDate: string | null;
  addressLine1: string | null;
  postcode: string | null;
}

export interface FedLegalStatus { section: SectionCode; startDate: string; endDate: string | null }

export interface FedEncounter {
  entry: number;
  identifiers: { system: string; value: string }[];
  /** The fullUrl of a Patient in the bundle, or a register id (Patient/{id}). */
  subject: { fullUrl: string } | { personId: string };
  hospital: string;
  admittedOn: string;
  dischargedOn: string | null;
  legalStatuses: FedLegalStatus[];
}

export type FeedReading = { ok: true; patients: FedPatient[]; encounters: FedEncounter[] } | { ok: false; status: 400 | 422; errors: FieldError[] };

const dateOf = (value: string | undefined): string | null => (value && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null);

/** The sender's own organisation must run the hospital: serviceProvider names it by ODS code, when given. */
export function readFeedBundle(body: unknown, senderOdsCode: string): FeedReading {
  const bundle = body as Bundle | null;
  if (!bundle || typeof bundle !== 'object' || Array.isArray(bundle) || bundle.resourceType !== 'Bundle') {
    return { ok: false, status: 400, errors: [{ field: 'resourceType', message: 'Send a FHIR Bundle (resourceType "Bundle")' }] };
  }
  if (bundle.type !== 'transaction') return { ok: false, status: 422, errors: [{ field: 'type', message: 'The Bundle must be a transaction' }] };
  if (!Array.isArray(bundle.entry) || bundle.entry.length === 0) return { ok: false, status: 422, errors: [{ field: 'entry', message: 'The Bundle has no entries' }] };
  if (bundle.entry.length > MAX_FEED_ENTRIES) return { ok: false, status: 422, errors: [{ field: 'entry', message: `Send at most ${MAX_FEED_ENTRIES} entries in one Bundle` }] };

  const errors: FieldError[] = [];
  const patients: FedPatient[] = [];
  const encounters: FedEncounter[] = [];
  bundle.entry.forEach((entry, i) => {
    const at = `entry[${i}]`;
    const resource = entry?.resource as Patient | Encounter | undefined;
    if (!resource || typeof resource !== 'object') errors.push({ field: `${at}.resource`, message: 'Each entry needs a resource' });
    else if (resource.resourceType === 'Patient') {
      const patient = readPatient(resource, i, entry.fullUrl ?? null, errors);
      if (patient) patients.push(patient);
    } else if (resource.resourceType === 'Encounter') {
      const encounter = readEncounter(resource, i, senderOdsCode, errors);
      if (encounter) encounters.push(encounter);
    } else errors.push({ field: `${at}.resource.resourceType`, message: 'Only Patient and Encounter resources are taken' });
  });

  // A duplicate identifier in one bundle: two Patients with one NHS number, two Encounters with one identifier.
  const seenNhs = new Set<string>();
  for (const p of patients) {
    if (seenNhs.has(p.nhsNumber)) errors.push({ field: `entry[${p.entry}].resource.identifier`, message: 'Two Patients in the Bundle have the same NHS number' });
    seenNhs.add(p.nhsNumber);
  }
  const seenIds = new Set<string>();
  for (const e of encounters) {
    for (const id of e.identifiers) {
      const key = `${id.system}|${id.value}`;
      if (seenIds.has(key)) errors.push({ field: `entry[${e.entry}].resource.identifier`, message: 'Two Encounters in the Bundle have the same identifier' });
      seenIds.add(key);
    }
    if ('fullUrl' in e.subject) {
      const url = e.subject.fullUrl;
      if (!patients.some((p) => p.fullUrl === url)) errors.push({ field: `entry[${e.entry}].resource.subject`, message: 'The subject must be a Patient in the Bundle (its fullUrl) or Patient/{id}' });
    }
  }
  return errors.length > 0 ? { ok: false, status: 422, errors } : { ok: true, patients, encounters };
}

function readPatient(patient: Patient, entry: number, fullUrl: string | null, errors: FieldError[]): FedPatient | null {
  const at = `entry[${entry}].resource`;
  const nhs = (patient.identifier ?? []).find((i) => i?.system === IDENTIFIER_SYSTEMS.nhsNumber)?.value?.replace(/\s/g, '');
  if (!nhs) {
    errors.push({ field: `${at}.identifier`, message: `A Patient needs an NHS number (${IDENTIFIER_SYSTEMS.nhsNumber})` });
    return null;
  }
  if (!isValidNhsNumber(nhs)) {
    errors.push({ field: `${at}.identifier`, message: 'The NHS number is not valid (10 digits with a Modulus 11 check digit)' });
    return null;
  }
  const name = patient.name?.find((n) => n?.use === 'official') ?? patient.name?.[0];
  const birthDate = patient.birthDate ?? null;
  if (birthDate !== null && !/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) errors.push({ field: `${at}.birthDate`, message: 'birthDate must be a full date, YYYY-MM-DD' });
  const address = patient.address?.[0];
  return {
    entry,
    fullUrl,
    nhsNumber: nhs,
    givenName: name?.given?.[0]?.trim() || null,
    familyName: name?.family?.trim() || null,
    birthDate,
    addressLine1: address?.line?.[0]?.trim() || null,
    postcode: address?.postalCode?.trim() || null,
  };
}

function readEncounter(encounter: Encounter, entry: number, senderOdsCode: string, errors: FieldError[]): FedEncounter | null {
  const at = `entry[${entry}].resource`;
  const before = errors.length;
  const identifiers = (encounter.identifier ?? []).filter((i) => i?.system && i.value).map((i) => ({ system: i.system!, value: i.value! }));
  if (identifiers.length === 0) errors.push({ field: `${at}.identifier`, message: 'An Encounter needs the sending system’s identifier (system and value)' });
  const reference = encounter.subject?.reference ?? '';
  const registerId = /^Patient\/([0-9a-f-]{36})$/i.exec(reference)?.[1];
  const subject = registerId ? { personId: registerId } : reference ? { fullUrl: reference } : null;
  if (!subject) errors.push({ field: `${at}.subject`, message: 'An Encounter needs its subject: a Patient in the Bundle or Patient/{id}' });
  const provider = encounter.serviceProvider?.identifier;
  if (provider && (provider.system !== IDENTIFIER_SYSTEMS.odsOrganisation || provider.value?.toUpperCase() !== senderOdsCode)) {
    errors.push({ field: `${at}.serviceProvider`, message: 'An organisation may send only the stays in its own hospitals' });
  }
  const admittedOn = dateOf(encounter.period?.start);
  if (!admittedOn) errors.push({ field: `${at}.period.start`, message: 'An Encounter needs the date of admission (period.start)' });
  const dischargedOn = encounter.period?.end ? dateOf(encounter.period.end) : null;
  if (encounter.period?.end && !dischargedOn) errors.push({ field: `${at}.period.end`, message: 'period.end must be a date' });
  const hospital = encounter.location?.[0]?.location?.display?.trim() || encounter.serviceProvider?.display?.trim();
  if (!hospital) errors.push({ field: `${at}.location`, message: 'Name the hospital (location[0].location.display)' });
  const legalStatuses = readLegalStatuses(encounter.extension ?? [], admittedOn, dischargedOn, at, errors);
  if (errors.length > before || !subject || !admittedOn || !hospital) return null;
  return { entry, identifiers, subject, hospital, admittedOn, dischargedOn, legalStatuses };
}

/** The section of a coding list: the register's own code, else a UK Core classification code. Unknown: null. */
function sectionOf(codings: readonly { system?: string; code?: string }[]): SectionCode | 'unknown' | null {
  const own = codings.find((c) => c.system === IDENTIFIER_SYSTEMS.registerSection)?.code;
  if (own !== undefined) return isSectionCode(own) ? own : 'unknown';
  const uk = codings.find((c) => c.system === UK_CORE.legalStatusSystem)?.code;
  if (uk !== undefined) return sectionForClassification(uk) ?? 'unknown';
  return null;
}

function readLegalStatuses(extensions: readonly Extension[], admittedOn: string | null, dischargedOn: string | null, at: string, errors: FieldError[]): FedLegalStatus[] {
  const unknown = () => errors.push({ field: `${at}.extension`, message: 'Unknown legal status code: use the UK Core LegalStatusClassificationEngland codes' });
  // The register's own extension carries each status's period; it wins where given.
  const own = extensions.filter((e) => e?.url === REGISTER_LEGAL_STATUS_EXTENSION);
  if (own.length > 0) {
    const statuses: FedLegalStatus[] = [];
    for (const ext of own) {
      const section = sectionOf(ext.extension?.find((x) => x.url === 'section')?.valueCodeableConcept?.coding ?? []);
      const period = ext.extension?.find((x) => x.url === 'period')?.valuePeriod;
      const startDate = dateOf(period?.start);
      if (section === null || section === 'unknown') unknown();
      else if (!startDate) errors.push({ field: `${at}.extension`, message: 'Each legal status needs the date it began (period.start)' });
      else statuses.push({ section, startDate, endDate: dateOf(period?.end) });
    }
    return statuses;
  }
  const uk = extensions.filter((e) => e?.url === UK_CORE.legalStatusExtension);
  if (uk.length === 0) {
    errors.push({ field: `${at}.extension`, message: 'An Encounter needs its legal status (Extension-UKCore-LegalStatus)' });
    return [];
  }
  if (uk.length > 1) {
    errors.push({ field: `${at}.extension`, message: `Send the period of each legal status with ${REGISTER_LEGAL_STATUS_EXTENSION} when a stay has more than one` });
    return [];
  }
  const section = sectionOf(uk[0]!.extension?.find((x) => x.url === 'legalStatusClassification')?.valueCodeableConcept?.coding ?? []);
  if (section === null || section === 'unknown') {
    unknown();
    return [];
  }
  // One status for the whole stay: from admission to discharge.
  return admittedOn ? [{ section, startDate: admittedOn, endDate: dischargedOn }] : [];
}
