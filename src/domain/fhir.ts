// How the register's codes are said in FHIR R4 (UK Core): the one table from the contract's legal
// status codes to the UK Core LegalStatusClassification codes for England, and the one table from
// the contract's episode statuses to EpisodeOfCare.status (docs/fhir.md explains both).
import type { EpisodeStatus } from './aftercare.ts';
import type { SectionCode } from './sections.ts';

export const UK_CORE = {
  patient: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient',
  encounter: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Encounter',
  episodeOfCare: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-EpisodeOfCare',
  carePlan: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-CarePlan',
  organization: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Organization',
  legalStatusExtension: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-LegalStatus',
  nhsNumberVerificationExtension: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus',
  nhsNumberVerificationSystem: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland',
  legalStatusSystem: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-LegalStatusClassificationEngland',
  legalStatusContextSystem: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-LegalStatusContext',
} as const;

export const IDENTIFIER_SYSTEMS = {
  nhsNumber: 'https://fhir.nhs.uk/Id/nhs-number',
  odsOrganisation: 'https://fhir.nhs.uk/Id/ods-organization-code',
  /** ONS codes of local authorities (E06..., E07..., E08..., E09...). */
  onsLocalAuthority: 'http://statistics.data.gov.uk/id/statistical-geography',
  /** The register's own code systems, for what UK Core has no code for. */
  registerSection: 'https://s117-register.org.uk/CodeSystem/legal-status-section',
  registerEpisodeStatus: 'https://s117-register.org.uk/CodeSystem/aftercare-episode-status',
  registerServiceScope: 'https://s117-register.org.uk/CodeSystem/service-s117',
} as const;

export interface LegalStatusCoding { code: string; display: string }

/**
 * The contract's section codes → UK Core LegalStatusClassificationEngland (the NHS Data Dictionary's
 * "Mental Health Act Legal Status Classification Code"). A code that is null has no classification
 * code in England: a community treatment order and a conditional discharge are recorded by the
 * Mental Health Services Data Set in tables of their own, and a return to prison is not a legal status
 * under the Act; those are carried with the register's own code system only.
 */
export const LEGAL_STATUS_CLASSIFICATION: Record<SectionCode, LegalStatusCoding | null> = {
  informal: { code: '01', display: 'Informal' },
  '2': { code: '02', display: 'Formally detained under Mental Health Act Section 2' },
  '3': { code: '03', display: 'Formally detained under Mental Health Act Section 3' },
  '4': { code: '04', display: 'Formally detained under Mental Health Act Section 4' },
  '5(2)': { code: '05', display: 'Formally detained under Mental Health Act Section 5(2)' },
  '5(4)': { code: '06', display: 'Formally detained under Mental Health Act Section 5(4)' },
  '35': { code: '07', display: 'Formally detained under Mental Health Act Section 35' },
  '36': { code: '08', display: 'Formally detained under Mental Health Act Section 36' },
  '37/41': { code: '09', display: 'Formally detained under Mental Health Act Section 37 with section 41 restrictions' },
  '37': { code: '10', display: 'Formally detained under Mental Health Act Section 37 excluding section 41 restrictions' },
  '38': { code: '12', display: 'Formally detained under Mental Health Act Section 38' },
  '47/49': { code: '15', display: 'Formally detained under Mental Health Act Section 47 with section 49 restrictions' },
  '47': { code: '16', display: 'Formally detained under Mental Health Act Section 47' },
  '48/49': { code: '17', display: 'Formally detained under Mental Health Act Section 48 with section 49 restrictions' },
  '48': { code: '18', display: 'Formally detained under Mental Health Act Section 48' },
  '135': { code: '19', display: 'Formally detained under Mental Health Act Section 135' },
  '136': { code: '20', display: 'Formally detained under Mental Health Act Section 136' },
  '7': { code: '35', display: 'Subject to guardianship under Mental Health Act Section 7' },
  '45A': { code: '37', display: 'Formally detained under Mental Health Act Section 45A' },
  '17A': null,
  CD: null,
  custody: null,
};

/** The section a UK Core LegalStatusClassificationEngland code stands for, or null when the register records no such status. */
export function sectionForClassification(code: string): SectionCode | null {
  const entry = Object.entries(LEGAL_STATUS_CLASSIFICATION).find(([, coding]) => coding?.code === code);
  return entry ? (entry[0] as SectionCode) : null;
}

/** FHIR R4 EpisodeOfCare.status codes. */
export const EPISODE_OF_CARE_STATUSES = ['planned', 'waitlist', 'active', 'onhold', 'finished', 'cancelled', 'entered-in-error'] as const;
export type EpisodeOfCareStatus = (typeof EPISODE_OF_CARE_STATUSES)[number];

/**
 * The contract's episode statuses → EpisodeOfCare.status. Planning and entitled-pending-discharge are
 * "planned": the right exists (ELIG-1) but the aftercare has not begun (ELIG-3); in custody the
 * aftercare is suspended, not ended (ELIG-9): "onhold". Every way an episode ends is "finished"; the
 * register's own status goes with it as a second coding of EpisodeOfCare.type, so nothing is lost.
 */
export const EPISODE_STATUS_TO_FHIR: Record<EpisodeStatus, EpisodeOfCareStatus> = {
  planning: 'planned',
  'entitled-pending-discharge': 'planned',
  active: 'active',
  'in-custody': 'onhold',
  ended: 'finished',
  superseded: 'finished',
  deceased: 'finished',
};

/** The register's episode statuses an EpisodeOfCare?status= search asks for. */
export function episodeStatusesFor(fhirStatus: string): EpisodeStatus[] {
  return (Object.entries(EPISODE_STATUS_TO_FHIR) as [EpisodeStatus, EpisodeOfCareStatus][]).filter(([, s]) => s === fhirStatus).map(([e]) => e);
}

/** The organisation code's identifier system: a local authority's ONS code, otherwise an ODS code. */
export function organisationIdentifierSystem(type: 'local-authority' | 'icb' | 'provider'): string {
  return type === 'local-authority' ? IDENTIFIER_SYSTEMS.onsLocalAuthority : IDENTIFIER_SYSTEMS.odsOrganisation;
}
