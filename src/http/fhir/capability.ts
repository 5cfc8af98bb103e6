// GET /fhir/R4/metadata: what this server does, as a CapabilityStatement.
import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { UK_CORE } from '../../domain/fhir.ts';

const search = (name: string, type: 'token' | 'reference' | 'date', documentation: string) => ({ name, type, documentation });
const LAST_UPDATED = search('_lastUpdated', 'date', 'When the person’s record last changed (ge, gt, le, lt)');

const RESOURCES: CapabilityStatementRestResource[] = [
  { type: 'Patient', profile: UK_CORE.patient, interaction: [{ code: 'read' }, { code: 'search-type' }], searchParam: [search('identifier', 'token', 'https://fhir.nhs.uk/Id/nhs-number|NNNNNNNNNN'), LAST_UPDATED], operation: [{ name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' }] },
  { type: 'Encounter', profile: UK_CORE.encounter, interaction: [{ code: 'read' }, { code: 'search-type' }], searchParam: [search('patient', 'reference', 'The patient (required)'), LAST_UPDATED] },
  { type: 'EpisodeOfCare', profile: UK_CORE.episodeOfCare, interaction: [{ code: 'read' }, { code: 'search-type' }], searchParam: [search('patient', 'reference', 'The patient (required)'), search('status', 'token', 'planned | active | onhold | finished'), LAST_UPDATED] },
  { type: 'CarePlan', profile: UK_CORE.carePlan, interaction: [{ code: 'read' }, { code: 'search-type' }], searchParam: [search('patient', 'reference', 'The patient (required)'), LAST_UPDATED] },
  { type: 'Organization', profile: UK_CORE.organization, interaction: [{ code: 'read' }] },
];

export function capabilityStatement(baseUrl: string, date: string): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date,
    publisher: 'Section 117 Aftercare Register',
    kind: 'instance',
    software: { name: 'Section 117 Aftercare Register' },
    implementation: { description: 'Section 117 aftercare: people entitled, their detentions, aftercare episodes and care plans', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    rest: [
      {
        mode: 'server',
        documentation: 'Read and search as the register’s API does: the same bearer tokens, the same rule of who sees whom. A provider’s system account (scope feed-detentions) may POST a transaction Bundle of Patient and Encounter resources.',
        security: { service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'OAuth' }] }], description: 'Authorization: Bearer <token>; system accounts get one from POST /oauth/token (client credentials).' },
        resource: RESOURCES,
        interaction: [{ code: 'transaction', documentation: 'Detentions fed in by a provider’s system: Patient and Encounter with Extension-UKCore-LegalStatus' }],
      },
    ],
  };
}
