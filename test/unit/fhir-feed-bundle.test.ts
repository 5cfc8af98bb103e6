// Reading a trust's transaction Bundle: what the register's own Encounters say reads back the same
// (s2 converted to s3 within one stay), and each kind of bad input is named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encounterResource } from '../../src/services/fhir/fhir-resources.ts';
import { readFeedBundle } from '../../src/services/fhir/feed-bundle.ts';

const patient = { resourceType: 'Patient', identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000018' }], name: [{ family: 'Fed', given: ['Sam'] }], birthDate: '1975-02-03' };

function bundleWith(encounter: object, patientResource: object = patient) {
  return { resourceType: 'Bundle', type: 'transaction', entry: [{ fullUrl: 'urn:uuid:p', resource: patientResource }, { fullUrl: 'urn:uuid:e', resource: encounter }] };
}

test('an Encounter as the register writes it reads back with each legal status and its period (s2 then s3 in one stay)', () => {
  const written = encounterResource({
    id: 'x', personId: 'p', hospital: 'Northbridge Hospital', admittedOn: '2025-01-01', dischargedOn: '2025-03-01', provider: null, lastUpdated: new Date(),
    legalStatuses: [{ id: 'a', section: '2', startDate: '2025-01-01', endDate: '2025-01-20' }, { id: 'b', section: '3', startDate: '2025-01-20', endDate: '2025-03-01' }],
  });
  const reading = readFeedBundle(bundleWith({ ...written, identifier: [{ system: 'urn:trust', value: 'spell-1' }], subject: { reference: 'urn:uuid:p' } }), 'RZZ');
  assert.ok(reading.ok, JSON.stringify(reading));
  assert.deepEqual(reading.encounters[0]?.legalStatuses, [{ section: '2', startDate: '2025-01-01', endDate: '2025-01-20' }, { section: '3', startDate: '2025-01-20', endDate: '2025-03-01' }]);
  assert.equal(reading.patients[0]?.nhsNumber, '9990000018');
});

test('bad input is named: not a Bundle (400), an invalid NHS number, no identifier, no legal status, a subject not in the Bundle (422)', () => {
  const reading = readFeedBundle({ resourceType: 'Patient' }, 'RZZ');
  assert.equal(reading.ok || reading.status, 400);
  const bad = readFeedBundle(bundleWith({ resourceType: 'Encounter', subject: { reference: 'urn:uuid:elsewhere' }, period: { start: '2025-01-01' }, location: [{ location: { display: 'H' } }] }, { ...patient, identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000019' }] }), 'RZZ');
  assert.equal(bad.ok, false);
  const messages = bad.ok ? '' : bad.errors.map((e) => `${e.field}: ${e.message}`).join('\n');
  assert.match(messages, /entry\[0\]\.resource\.identifier: The NHS number is not valid/);
  assert.match(messages, /entry\[1\]\.resource\.identifier: An Encounter needs the sending system/);
  assert.match(messages, /entry\[1\]\.resource\.extension: An Encounter needs its legal status/);
});
