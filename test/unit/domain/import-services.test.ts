// Moving in (issue 10): the service on a register row as a care service candidate.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serviceViolations } from '../../../src/domain/care-services.ts';
import { importedService, importFieldOf, UNNAMED_PROVIDER } from '../../../src/domain/import-services.ts';
import type { ServiceLine } from '../../../src/domain/import-rows.ts';

const line: ServiceLine = { name: 'Day centre', provider: 'Acme Care', weeklyCostPence: 12000, laShare: 100, icbShare: 0, chargePence: null };

describe('moving in: a row’s service', () => {
  test('SCOPE-1: a service dated from leaving hospital, with its provider, cost, split and the sheet’s s117', () => {
    const { service, problems } = importedService(line, true, '2024-03-01');
    assert.deepEqual(problems, []);
    assert.equal(service?.provider, 'Acme Care');
    assert.deepEqual([service?.candidate.startDate, service?.candidate.s117, service?.candidate.weeklyCostPence], ['2024-03-01', true, 12000]);
    assert.deepEqual(service?.candidate.funding, { localAuthorityPercent: 100, icbPercent: 0 });
    assert.deepEqual(serviceViolations(service!.candidate), []);
  });

  test('RESP-1: one share given takes the rest for the other body; none given is a problem, never a guess', () => {
    assert.deepEqual(importedService({ ...line, laShare: null, icbShare: 30 }, false, '2024-03-01').service?.candidate.funding, { localAuthorityPercent: 70, icbPercent: 30 });
    const none = importedService({ ...line, laShare: null, icbShare: null }, false, '2024-03-01');
    assert.equal(none.service, null);
    assert.deepEqual(none.problems.map((p) => [p.key, p.rule]), [['laShare', 'RESP-1']]);
  });

  test('REG-1: no start date or no weekly cost is a problem; no provider is recorded as not named', () => {
    const missing = importedService({ ...line, weeklyCostPence: null }, false, null);
    assert.deepEqual(missing.problems.map((p) => p.key), ['leftHospitalOn', 'weeklyCost']);
    assert.equal(importedService({ ...line, provider: null }, false, '2024-03-01').service?.provider, UNNAMED_PROVIDER);
  });

  test('CHG-1: a charge on an s117 service is refused by the service rules, on the charge column', () => {
    const { service } = importedService({ ...line, chargePence: 2500 }, true, '2024-03-01');
    const violations = serviceViolations(service!.candidate);
    assert.deepEqual(violations.map((v) => [importFieldOf(v.field), v.rule]), [['charge', 'CHG-1']]);
    assert.deepEqual(serviceViolations(importedService({ ...line, chargePence: 2500 }, false, '2024-03-01').service!.candidate), []);
  });
});
