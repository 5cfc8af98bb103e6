// The register's read models as FHIR R4 resources (UK Core): pure functions, unit-tested in
// test/unit/fhir-resources.test.ts, validated there against the R4 base specification.
import type { Bundle, BundleEntry, CarePlan, CarePlanActivity, Encounter, EpisodeOfCare, Extension, Meta, Organization, Patient, Reference, Resource } from '@medplum/fhirtypes';
import type { Episode } from '../../domain/aftercare.ts';
import { EPISODE_STATUS_TO_FHIR, IDENTIFIER_SYSTEMS, LEGAL_STATUS_CLASSIFICATION, organisationIdentifierSystem, UK_CORE } from '../../domain/fhir.ts';
import type { PlanContent } from '../../domain/plans.ts';
import { sectionLabel, type SectionCode } from '../../domain/sections.ts';

export const REGISTER_LEGAL_STATUS_EXTENSION = 'https://s117-register.org.uk/StructureDefinition/Extension-S117-LegalStatus';

export interface OrganisationInfo { id: string | null; code: string; name: string | null; type: 'local-authority' | 'icb' | 'provider' }

export interface PatientModel {
  id: string;
  nhsNumber: string | null;
  localId: string | null;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  dateOfDeath: string | null;
  addressLine1: string | null;
  postcode: string | null;
  gpPracticeCode: string | null;
  lastUpdated: Date;
}

export interface LegalStatusModel { id: string; section: SectionCode; startDate: string; endDate: string | null }
export interface StayModel { id: string; personId: string; hospital: string; admittedOn: string; dischargedOn: string | null; provider: OrganisationInfo | null; legalStatuses: LegalStatusModel[]; lastUpdated: Date }
export interface CarePlanModel { id: string; personId: string; number: number; finalisedAt: Date; content: PlanContent; services: { id: string; description: string; s117: boolean; startDate: string; endDate: string | null }[]; lastUpdated: Date }

const meta = (profile: string, lastUpdated: Date): Meta => ({ profile: [profile], lastUpdated: lastUpdated.toISOString() });
const patientRef = (id: string): Reference<Patient> => ({ reference: `Patient/${id}` });

/** A reference to an organisation: by id where the register knows it, always with its ONS or ODS code. */
export function organisationReference(org: OrganisationInfo): Reference<Organization> {
  return {
    ...(org.id && { reference: `Organization/${org.id}` }),
    identifier: { system: organisationIdentifierSystem(org.type), value: org.code },
    ...(org.name && { display: org.name }),
  };
}

/** UKCore-Patient. The register checks an NHS number's check digit but does not trace it with PDS: "02 Number present but not traced". */
export function patientResource(p: PatientModel): Patient {
  return {
    resourceType: 'Patient',
    id: p.id,
    meta: meta(UK_CORE.patient, p.lastUpdated),
    identifier: [
      ...(p.nhsNumber
        ? [{
            system: IDENTIFIER_SYSTEMS.nhsNumber,
            value: p.nhsNumber,
            extension: [{ url: UK_CORE.nhsNumberVerificationExtension, valueCodeableConcept: { coding: [{ system: UK_CORE.nhsNumberVerificationSystem, code: '02', display: 'Number present but not traced' }] } }],
          }]
        : []),
      ...(p.localId ? [{ system: 'https://s117-register.org.uk/Id/local-id', value: p.localId }] : []),
    ],
    name: [{ use: 'official', family: p.familyName, given: [p.givenName] }],
    birthDate: p.dateOfBirth,
    ...(p.dateOfDeath && { deceasedDateTime: p.dateOfDeath }),
    ...((p.addressLine1 || p.postcode) && { address: [{ use: 'home', ...(p.addressLine1 && { line: [p.addressLine1] }), ...(p.postcode && { postalCode: p.postcode }) }] }),
    ...(p.gpPracticeCode && { generalPractitioner: [{ identifier: { system: IDENTIFIER_SYSTEMS.odsOrganisation, value: p.gpPracticeCode } }] }),
  };
}

/** The UK Core legal status extension of one legal status, and the register's own with its section and period. */
export function legalStatusExtensions(status: LegalStatusModel): Extension[] {
  const classification = LEGAL_STATUS_CLASSIFICATION[status.section];
  const registerCoding = { system: IDENTIFIER_SYSTEMS.registerSection, code: status.section, display: sectionLabel(status.section) };
  const codings = classification ? [{ system: UK_CORE.legalStatusSystem, code: classification.code, display: classification.display }, registerCoding] : [registerCoding];
  return [
    ...(classification ? [{ url: UK_CORE.legalStatusExtension, extension: [{ url: 'legalStatusClassification', valueCodeableConcept: { coding: codings } }] }] : []),
    {
      url: REGISTER_LEGAL_STATUS_EXTENSION,
      extension: [
        { url: 'section', valueCodeableConcept: { coding: codings } },
        { url: 'period', valuePeriod: { start: status.startDate, ...(status.endDate && { end: status.endDate }) } },
      ],
    },
  ];
}

/** A hospital stay as a UKCore-Encounter with its legal statuses. */
export function encounterResource(stay: StayModel): Encounter {
  return {
    resourceType: 'Encounter',
    id: stay.id,
    meta: meta(UK_CORE.encounter, stay.lastUpdated),
    extension: stay.legalStatuses.flatMap(legalStatusExtensions),
    status: stay.dischargedOn ? 'finished' : 'in-progress',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP', display: 'inpatient encounter' },
    subject: patientRef(stay.personId),
    period: { start: stay.admittedOn, ...(stay.dischargedOn && { end: stay.dischargedOn }) },
    location: [{ location: { display: stay.hospital } }],
    ...(stay.provider && { serviceProvider: organisationReference(stay.provider) }),
  };
}

/** An aftercare episode as a UKCore-EpisodeOfCare: "Section 117 aftercare", managed by the responsible local authority, with the ICB as a team. */
export function episodeOfCareResource(personId: string, episode: Episode, orgs: (code: string, type: 'local-authority' | 'icb') => OrganisationInfo, lastUpdated: Date): EpisodeOfCare {
  const la = episode.localAuthority.code ? orgs(episode.localAuthority.code, 'local-authority') : null;
  const icb = episode.icb.code ? orgs(episode.icb.code, 'icb') : null;
  const start = episode.leftHospitalOn ?? episode.qualifyingFrom;
  return {
    resourceType: 'EpisodeOfCare',
    id: episode.id,
    meta: meta(UK_CORE.episodeOfCare, lastUpdated),
    status: EPISODE_STATUS_TO_FHIR[episode.status],
    type: [
      {
        coding: [{ system: IDENTIFIER_SYSTEMS.registerEpisodeStatus, code: episode.status }],
        text: 'Section 117 aftercare',
      },
    ],
    patient: patientRef(personId),
    ...(la && { managingOrganization: organisationReference(la) }),
    period: { start, ...(episode.endedOn && { end: episode.endedOn }) },
    // The responsible bodies (RESP-2 to RESP-5): the local authority manages, the ICB shares the duty.
    ...((la || icb) && {
      extension: [la, icb].filter((o): o is OrganisationInfo => o !== null).map((o) => ({
        url: 'https://s117-register.org.uk/StructureDefinition/Extension-S117-ResponsibleBody',
        extension: [
          { url: 'organization', valueReference: organisationReference(o) },
          { url: 'confirmed', valueBoolean: (o === la ? episode.localAuthority : episode.icb).confirmed },
        ],
      })),
    }),
  };
}

/** The latest final care and support plan as a UKCore-CarePlan: each service an activity marked s117 or not, and the contingency plan. */
export function carePlanResource(plan: CarePlanModel, episodeId: string | null): CarePlan {
  const c = plan.content.contingency;
  const contingency = [
    ['Triggers', c.triggers],
    ['Early warning signs', c.earlyWarningSigns],
    ['Actions', c.actions],
    ['What helps', c.whatHelps],
    ['Crisis contacts', c.crisisContacts],
    ['On admission', c.onAdmission],
  ].filter(([, text]) => text);
  const activity: CarePlanActivity[] = plan.services.map((s) => ({
    detail: {
      kind: 'ServiceRequest',
      code: { coding: [{ system: IDENTIFIER_SYSTEMS.registerServiceScope, code: s.s117 ? 's117' : 'not-s117', display: s.s117 ? 'Provided under section 117 (free of charge)' : 'Not provided under section 117' }], text: s.description },
      status: s.endDate ? 'completed' : 'in-progress',
      doNotPerform: false,
      scheduledPeriod: { start: s.startDate, ...(s.endDate && { end: s.endDate }) },
      description: s.description,
    },
  }));
  return {
    resourceType: 'CarePlan',
    id: plan.id,
    meta: meta(UK_CORE.carePlan, plan.lastUpdated),
    status: 'active',
    intent: 'plan',
    title: 'Section 117 care and support plan',
    subject: patientRef(plan.personId),
    created: plan.finalisedAt.toISOString(),
    ...(episodeId && { supportingInfo: [{ reference: `EpisodeOfCare/${episodeId}` }] }),
    ...(plan.content.goals && { description: plan.content.goals }),
    ...(activity.length > 0 && { activity }),
    ...(contingency.length > 0 && { note: [{ text: `Contingency plan\n${contingency.map(([label, text]) => `${label}: ${text}`).join('\n')}` }] }),
  };
}

export function organizationResource(org: OrganisationInfo & { id: string }, lastUpdated: Date): Organization {
  return {
    resourceType: 'Organization',
    id: org.id,
    meta: meta(UK_CORE.organization, lastUpdated),
    identifier: [{ system: organisationIdentifierSystem(org.type), value: org.code }],
    active: true,
    type: [{ coding: [{ system: 'https://s117-register.org.uk/CodeSystem/organisation-type', code: org.type }] }],
    ...(org.name && { name: org.name }),
  };
}

/** A searchset Bundle with its paging links. */
export function searchBundle(base: string, resources: Resource[], links: { self: string; next: string | null }, total?: number): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(total !== undefined && { total }),
    link: [{ relation: 'self', url: links.self }, ...(links.next ? [{ relation: 'next', url: links.next }] : [])],
    entry: resources.map((resource): BundleEntry => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'match' } })),
  };
}
