// The FHIR R4 (UK Core) mapping: every table of codes, and every resource type the server produces
// validated against the R4 base specification with a real validator (@medplum/core).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Episode } from '../../src/domain/aftercare.ts';
import { EPISODE_STATUSES } from '../../src/domain/aftercare.ts';
import { EPISODE_OF_CARE_STATUSES, EPISODE_STATUS_TO_FHIR, episodeStatusesFor, LEGAL_STATUS_CLASSIFICATION, sectionForClassification, UK_CORE } from '../../src/domain/fhir.ts';
import { emptyPlan } from '../../src/domain/plans.ts';
import { SECTION_CODES } from '../../src/domain/sections.ts';
import { carePlanResource, encounterResource, episodeOfCareResource, organizationResource, patientResource, searchBundle, type OrganisationInfo } from '../../src/services/fhir/fhir-resources.ts';
import { assertValidR4, r4Problems } from '../support/fhir-validator.ts';

const UPDATED = new Date('2025-06-01T10:00:00Z');
const PERSON = '0b8f6c0e-2d5e-4a4f-9a0e-6c1f2b3a4d5e';

const patient = patientResource({ id: PERSON, nhsNumber: '9990000018', localId: 'L-1', givenName: 'Alex', familyName: 'Testperson', dateOfBirth: '1980-05-17', dateOfDeath: null, addressLine1: '1 High Street', postcode: 'NB1 1AA', gpPracticeCode: 'F84003', lastUpdated: UPDATED });

function episode(overrides: Partial<Episode> = {}): Episode {
  return {
    id: '5a4c2b1e-0000-4000-8000-000000000001', status: 'active', qualifyingSection: '3', qualifyingFrom: '2025-01-01', detentionFrom: '2025-01-01', sectionEndedOn: '2025-03-01', leftHospitalOn: '2025-03-01',
    endedOn: null, endReason: null, localAuthority: { code: 'E09000099', basis: 'residence', confirmed: true }, icb: { code: 'QZZ', basis: 'GP', confirmed: false },
    communityTreatmentOrder: false, conditionallyDischarged: false, decisionsNeeded: [], explanation: [], ...overrides,
  };
}
const orgs = (code: string, type: 'local-authority' | 'icb'): OrganisationInfo => ({ id: code === 'QZZ' ? '7f000000-0000-4000-8000-000000000002' : null, code, name: code === 'QZZ' ? 'NHS Northbridge ICB' : null, type });

describe('mapping tables', () => {
  test('every contract section code has a row; the UK Core LegalStatusClassificationEngland codes are distinct two-digit codes', () => {
    assert.deepEqual(Object.keys(LEGAL_STATUS_CLASSIFICATION).sort(), [...SECTION_CODES].sort());
    const codes = Object.values(LEGAL_STATUS_CLASSIFICATION).filter((c) => c !== null).map((c) => c.code);
    assert.equal(new Set(codes).size, codes.length);
    for (const code of codes) assert.match(code, /^\d\d$/);
  });

  test('the named classification codes: s2 02, s3 03, s37 10, s37/41 09, s45A 37, s47 16, s47/49 15, s48 18, s48/49 17, informal 01, guardianship 35', () => {
    const expected = { '2': '02', '3': '03', '37': '10', '37/41': '09', '45A': '37', '47': '16', '47/49': '15', '48': '18', '48/49': '17', informal: '01', '7': '35', '136': '20' } as const;
    for (const [section, code] of Object.entries(expected)) assert.equal(LEGAL_STATUS_CLASSIFICATION[section as keyof typeof LEGAL_STATUS_CLASSIFICATION]?.code, code, section);
  });

  test('CTO, conditional discharge and return to prison have no classification code (carried by the register’s own code only)', () => {
    assert.equal(LEGAL_STATUS_CLASSIFICATION['17A'], null);
    assert.equal(LEGAL_STATUS_CLASSIFICATION.CD, null);
    assert.equal(LEGAL_STATUS_CLASSIFICATION.custody, null);
  });

  test('a classification code reads back as its section; an unknown code or one the register does not record reads as null', () => {
    for (const section of SECTION_CODES) {
      const coding = LEGAL_STATUS_CLASSIFICATION[section];
      if (coding) assert.equal(sectionForClassification(coding.code), section);
    }
    assert.equal(sectionForClassification('13'), null); // section 44: not a status the register records
    assert.equal(sectionForClassification('XX'), null);
  });

  test('every episode status maps to an EpisodeOfCare status, and a status search finds exactly the episodes mapped to it', () => {
    for (const status of EPISODE_STATUSES) assert.ok(EPISODE_OF_CARE_STATUSES.includes(EPISODE_STATUS_TO_FHIR[status]), status);
    assert.deepEqual(episodeStatusesFor('planned'), ['planning', 'entitled-pending-discharge']);
    assert.deepEqual(episodeStatusesFor('active'), ['active']);
    assert.deepEqual(episodeStatusesFor('onhold'), ['in-custody']);
    assert.deepEqual(episodeStatusesFor('finished'), ['ended', 'superseded', 'deceased']);
    assert.deepEqual(episodeStatusesFor('cancelled'), []);
  });
});

describe('resources validate against FHIR R4 and claim their UK Core profiles', () => {
  test('Patient: NHS number with its verification status, name, birth date, address, GP', () => {
    assertValidR4(patient);
    assert.deepEqual(patient.meta?.profile, [UK_CORE.patient]);
    const nhs = patient.identifier?.find((i) => i.system === 'https://fhir.nhs.uk/Id/nhs-number');
    assert.equal(nhs?.value, '9990000018');
    assert.equal(nhs?.extension?.[0]?.url, UK_CORE.nhsNumberVerificationExtension);
    assert.equal(patient.birthDate, '1980-05-17');
    assert.equal(patient.address?.[0]?.postalCode, 'NB1 1AA');
    assert.equal(patient.generalPractitioner?.[0]?.identifier?.value, 'F84003');
  });

  test('the validator is real: a broken Patient fails', () => {
    assert.ok(r4Problems({ ...patient, birthDate: '17/05/1980' }).length > 0);
    assert.ok(r4Problems({ ...patient, favouriteColour: 'blue' } as never).length > 0);
    assert.ok(r4Problems({ resourceType: 'Encounter', status: 'finished' } as never).length > 0, 'Encounter.class is required');
  });

  test('Encounter: a hospital stay with the UK Core legal status extension (s2 then s3)', () => {
    const encounter = encounterResource({
      id: '1e000000-0000-4000-8000-000000000003', personId: PERSON, hospital: 'Northbridge Hospital', admittedOn: '2025-01-01', dischargedOn: '2025-03-01', lastUpdated: UPDATED,
      provider: { id: null, code: 'RZZ', name: 'Northbridge Mental Health Trust', type: 'provider' },
      legalStatuses: [{ id: 'a', section: '2', startDate: '2025-01-01', endDate: '2025-01-20' }, { id: 'b', section: '3', startDate: '2025-01-20', endDate: '2025-03-01' }, { id: 'c', section: '17A', startDate: '2025-03-01', endDate: null }],
    });
    assertValidR4(encounter);
    assert.deepEqual(encounter.meta?.profile, [UK_CORE.encounter]);
    const uk = encounter.extension?.filter((e) => e.url === UK_CORE.legalStatusExtension) ?? [];
    assert.deepEqual(uk.map((e) => e.extension?.[0]?.valueCodeableConcept?.coding?.[0]?.code), ['02', '03']);
    assert.equal(encounter.status, 'finished');
    assert.equal(encounter.serviceProvider?.identifier?.value, 'RZZ');
  });

  test('EpisodeOfCare: status mapped, "Section 117 aftercare", managing local authority and the ICB with ONS/ODS codes', () => {
    for (const status of EPISODE_STATUSES) {
      const resource = episodeOfCareResource(PERSON, episode({ status, ...(status === 'ended' && { endedOn: '2025-05-01', endReason: 'joint-decision' }) }), orgs, UPDATED);
      assertValidR4(resource);
      assert.equal(resource.status, EPISODE_STATUS_TO_FHIR[status]);
    }
    const resource = episodeOfCareResource(PERSON, episode(), orgs, UPDATED);
    assert.deepEqual(resource.meta?.profile, [UK_CORE.episodeOfCare]);
    assert.equal(resource.type?.[0]?.text, 'Section 117 aftercare');
    assert.deepEqual(resource.managingOrganization?.identifier, { system: 'http://statistics.data.gov.uk/id/statistical-geography', value: 'E09000099' });
    const icb = resource.extension?.[1]?.extension?.[0]?.valueReference;
    assert.equal(icb?.reference, 'Organization/7f000000-0000-4000-8000-000000000002');
    assert.deepEqual(icb?.identifier, { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'QZZ' });
  });

  test('CarePlan: each service an activity marked s117 or not, with the contingency plan', () => {
    const content = { ...emptyPlan(), goals: 'Live independently', contingency: { ...emptyPlan().contingency, triggers: 'Loss of housing', crisisContacts: 'Crisis team 0100 000 0000' } };
    const plan = carePlanResource({
      id: '2e000000-0000-4000-8000-000000000004', personId: PERSON, number: 1, finalisedAt: UPDATED, content, lastUpdated: UPDATED,
      services: [{ id: 's1', description: 'Supported living', s117: true, startDate: '2025-03-01', endDate: null }, { id: 's2', description: 'Gym membership', s117: false, startDate: '2025-03-01', endDate: '2025-04-01' }],
    }, '5a4c2b1e-0000-4000-8000-000000000001');
    assertValidR4(plan);
    assert.deepEqual(plan.meta?.profile, [UK_CORE.carePlan]);
    assert.deepEqual(plan.activity?.map((a) => a.detail?.code?.coding?.[0]?.code), ['s117', 'not-s117']);
    assert.match(plan.note?.[0]?.text ?? '', /Triggers: Loss of housing/);
  });

  test('Organization and a searchset Bundle with paging links', () => {
    const org = organizationResource({ id: '7f000000-0000-4000-8000-000000000002', code: 'QZZ', name: 'NHS Northbridge ICB', type: 'icb' }, UPDATED);
    assertValidR4(org);
    assert.deepEqual(org.meta?.profile, [UK_CORE.organization]);
    const bundle = searchBundle('http://localhost/fhir/R4', [patient, org], { self: 'http://localhost/fhir/R4/Patient?_count=2', next: 'http://localhost/fhir/R4/Patient?_count=2&_cursor=x' });
    assertValidR4(bundle);
    assert.equal(bundle.link?.find((l) => l.relation === 'next')?.url, 'http://localhost/fhir/R4/Patient?_count=2&_cursor=x');
  });
});
