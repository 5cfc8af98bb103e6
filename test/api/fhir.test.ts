// api-contract "FHIR R4": the read interface at /fhir/R4 with the API's access rules (a person the
// caller may not see does not exist), OperationOutcomes for errors, every resource valid R4 with its
// UK Core profile, and every read audited.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { createTestApp, ORGS, type TestApp, type UserKey } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { assertValidR4 } from '../support/fhir-validator.ts';
import { completePlanInput } from '../support/plans.ts';
import { call, createPerson, created, nextNhsNumber } from './helpers.ts';

function fhirGet(t: TestApp, url: string, as: UserKey | null = 'practitioner') {
  return t.app.inject({ method: 'GET', url, headers: as ? t.as(as) : {} });
}

function assertOutcome(res: LightMyRequestResponse, status: number, code?: string): OperationOutcome {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/fhir\+json/);
  const outcome = res.json() as OperationOutcome;
  assert.equal(outcome.resourceType, 'OperationOutcome');
  assertValidR4(outcome);
  if (code) assert.equal(outcome.issue[0]?.code, code);
  return outcome;
}

function bundleOf(res: LightMyRequestResponse): Bundle {
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers['content-type']), /^application\/fhir\+json/);
  const bundle = res.json() as Bundle;
  assertValidR4(bundle);
  return bundle;
}

const resources = (bundle: Bundle): Resource[] => (bundle.entry ?? []).map((e) => e.resource!);

for (const { engine, skip } of await testEngines()) {
  describe(`FHIR R4 read on ${engine}`, { skip }, () => {
    let t: TestApp;
    let personId: string;
    let nhsNumber: string;
    let admissionId: string;
    let episodeId: string;
    before(async () => {
      t = await createTestApp(engine);
      nhsNumber = nextNhsNumber();
      personId = (await createPerson(t, { nhsNumber, address: { line1: '1 High Street', postcode: 'NB1 1AA' } })).id;
      admissionId = (await created(t, `/api/v1/people/${personId}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2025-01-02', dischargedOn: '2025-03-01' })).id;
      await created(t, `/api/v1/people/${personId}/legal-statuses`, { section: '2', startDate: '2025-01-02', endDate: '2025-01-20', admissionId });
      episodeId = (await created(t, `/api/v1/people/${personId}/legal-statuses`, { section: '3', startDate: '2025-01-20', endDate: '2025-03-01', admissionId })).id;
    });
    after(() => t?.close());

    test('metadata is a CapabilityStatement anyone may read', async () => {
      const res = await fhirGet(t, '/fhir/R4/metadata', null);
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^application\/fhir\+json/);
      const statement = res.json();
      assertValidR4(statement);
      assert.equal(statement.fhirVersion, '4.0.1');
      assert.deepEqual(statement.rest[0].resource.map((r: { type: string }) => r.type), ['Patient', 'Encounter', 'EpisodeOfCare', 'CarePlan', 'Organization']);
    });

    test('the OpenAPI document describes the FHIR routes, the token endpoint and the subscriptions', async () => {
      const paths = Object.keys((await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json().paths);
      for (const path of ['/fhir/R4/metadata', '/fhir/R4/Patient/{id}', '/fhir/R4/Patient/{id}/$everything', '/fhir/R4/Encounter', '/fhir/R4/EpisodeOfCare', '/fhir/R4/CarePlan', '/oauth/token', '/api/v1/subscriptions', '/api/v1/subscriptions/{id}/deliveries']) {
        assert.ok(paths.includes(path), `${path} in ${paths.filter((p) => p.includes('fhir') || p.includes('subscri')).join(', ')}`);
      }
    });

    test('no token: 401 OperationOutcome; a person another organisation may not see: 404, as if they did not exist', async () => {
      assertOutcome(await fhirGet(t, `/fhir/R4/Patient/${personId}`, null), 401, 'login');
      assertOutcome(await fhirGet(t, `/fhir/R4/Patient/${personId}`, 'otherLaPractitioner'), 404, 'not-found');
      assertOutcome(await fhirGet(t, '/fhir/R4/Patient/00000000-0000-4000-8000-000000000000'), 404, 'not-found');
      assertOutcome(await fhirGet(t, '/fhir/R4/Patient/not-a-uuid'), 404, 'not-found');
      assertOutcome(await fhirGet(t, `/fhir/R4/Encounter/${admissionId}`, 'otherLaPractitioner'), 404);
      assertOutcome(await fhirGet(t, `/fhir/R4/EpisodeOfCare/${episodeId}`, 'otherLaPractitioner'), 404);
      assertOutcome(await fhirGet(t, '/fhir/R4/Nothing/here'), 404);
    });

    test('Patient read: UKCore-Patient with the NHS number, name, birth date and address; the read is audited', async () => {
      const res = await fhirGet(t, `/fhir/R4/Patient/${personId}`);
      assert.equal(res.statusCode, 200, res.body);
      const patient = res.json();
      assertValidR4(patient);
      assert.equal(patient.meta.profile[0], 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient');
      assert.equal(patient.identifier[0].value, nhsNumber);
      assert.equal(patient.address[0].postalCode, 'NB1 1AA');
      assert.equal(patient.generalPractitioner[0].identifier.value, 'F84003');
      const events = await t.database.db.selectFrom('audit_events').select(['action', 'person_id']).where('action', '=', 'fhir.patient.read').execute();
      assert.ok(events.some((e) => e.person_id === personId));
    });

    test('Patient search by NHS number: found by who may see them, an empty Bundle for anyone else; a bad identifier is a 400', async () => {
      const url = `/fhir/R4/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|${nhsNumber}`;
      assert.deepEqual(resources(bundleOf(await fhirGet(t, url))).map((r) => r.id), [personId]);
      assert.deepEqual(resources(bundleOf(await fhirGet(t, url, 'otherLaPractitioner'))), []);
      assertOutcome(await fhirGet(t, '/fhir/R4/Patient?identifier=http://example.org|123'), 400);
      assertOutcome(await fhirGet(t, '/fhir/R4/Patient?_count=none'), 400);
      assertOutcome(await fhirGet(t, '/fhir/R4/Patient?_lastUpdated=yesterday'), 400);
    });

    test('Patient search pages with Bundle next links, and _lastUpdated bounds the results', async () => {
      for (let i = 0; i < 2; i++) await createPerson(t, { nhsNumber: nextNhsNumber(), givenName: `Page${i}` });
      const first = bundleOf(await fhirGet(t, '/fhir/R4/Patient?_count=2'));
      assert.equal(first.entry?.length, 2);
      const next = first.link?.find((l) => l.relation === 'next')?.url;
      assert.ok(next);
      const second = bundleOf(await fhirGet(t, new URL(next).pathname + new URL(next).search));
      assert.equal(second.entry?.length, 1);
      assert.equal(second.link?.find((l) => l.relation === 'next'), undefined);
      const seen = [...resources(first), ...resources(second)].map((r) => r.id);
      assert.equal(new Set(seen).size, 3);
      assert.equal(bundleOf(await fhirGet(t, '/fhir/R4/Patient?_lastUpdated=gt2999-01-01')).entry?.length, 0);
      assert.equal(bundleOf(await fhirGet(t, '/fhir/R4/Patient?_lastUpdated=ge2000-01-01&_lastUpdated=lt2999-01-01')).entry?.length, 3);
    });

    test('Encounter: each hospital stay with the UK Core legal status extension (s2 02, s3 03); searched by patient; read by id', async () => {
      const bundle = bundleOf(await fhirGet(t, `/fhir/R4/Encounter?patient=${personId}`));
      const [encounter] = resources(bundle) as [Resource & { extension: { url: string; extension: { valueCodeableConcept: { coding: { code: string }[] } }[] }[] }];
      assert.equal(encounter.id, admissionId);
      const codes = encounter.extension.filter((e) => e.url === 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-LegalStatus').map((e) => e.extension[0]!.valueCodeableConcept.coding[0]!.code);
      assert.deepEqual(codes, ['02', '03']);
      const read = await fhirGet(t, `/fhir/R4/Encounter/${admissionId}`);
      assert.equal(read.json().id, admissionId);
      assert.deepEqual(resources(bundleOf(await fhirGet(t, `/fhir/R4/Encounter?patient=Patient/${personId}`, 'otherLaPractitioner'))), []);
      assertOutcome(await fhirGet(t, '/fhir/R4/Encounter'), 400);
    });

    test('EpisodeOfCare: "Section 117 aftercare" with the responsible local authority and ICB; searched by status', async () => {
      const all = resources(bundleOf(await fhirGet(t, `/fhir/R4/EpisodeOfCare?patient=${personId}`))) as (Resource & { status: string; type: { text: string }[]; managingOrganization: { identifier: { value: string } } })[];
      assert.equal(all.length, 1);
      assert.equal(all[0]!.id, episodeId);
      assert.equal(all[0]!.status, 'active');
      assert.equal(all[0]!.type[0]!.text, 'Section 117 aftercare');
      assert.equal(all[0]!.managingOrganization.identifier.value, ORGS.la.code);
      assert.equal(bundleOf(await fhirGet(t, `/fhir/R4/EpisodeOfCare?patient=${personId}&status=active`)).entry?.length, 1);
      assert.equal(bundleOf(await fhirGet(t, `/fhir/R4/EpisodeOfCare?patient=${personId}&status=finished`)).entry?.length, 0);
      assert.equal((await fhirGet(t, `/fhir/R4/EpisodeOfCare/${episodeId}`)).json().id, episodeId);
    });

    test('CarePlan of the final plan; $everything gives every resource, each valid R4 with its UK Core profile', async () => {
      assert.equal((await call(t, 'PUT', `/api/v1/people/${personId}/plan`, completePlanInput())).statusCode, 200);
      assert.equal((await call(t, 'POST', `/api/v1/people/${personId}/plan/finalise`)).statusCode, 201);
      const plans = resources(bundleOf(await fhirGet(t, `/fhir/R4/CarePlan?patient=${personId}`)));
      assert.equal(plans.length, 1);
      assert.equal((await fhirGet(t, `/fhir/R4/CarePlan/${plans[0]!.id}`)).json().resourceType, 'CarePlan');
      const everything = bundleOf(await fhirGet(t, `/fhir/R4/Patient/${personId}/$everything`));
      const types = resources(everything).map((r) => r.resourceType);
      for (const type of ['Patient', 'Encounter', 'EpisodeOfCare', 'CarePlan', 'Organization']) assert.ok(types.includes(type as never), `${type} in $everything`);
      for (const resource of resources(everything)) {
        assertValidR4(resource);
        assert.match(resource.meta?.profile?.[0] ?? '', /^https:\/\/fhir\.hl7\.org\.uk\/StructureDefinition\/UKCore-/);
      }
      const org = resources(everything).find((r) => r.resourceType === 'Organization')!;
      assert.equal((await fhirGet(t, `/fhir/R4/Organization/${org.id}`)).json().id, org.id);
      assertOutcome(await fhirGet(t, `/fhir/R4/Patient/${personId}/$everything`, 'otherLaPractitioner'), 404);
    });
  });
}
