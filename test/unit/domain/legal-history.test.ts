// Validation of hospital stays, legal statuses and leave before they are stored.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { PersonFacts } from '../../../src/domain/aftercare.ts';
import { validateAdmission, validateLeave, validateLegalStatus } from '../../../src/domain/legal-history.ts';
import type { Violation } from '../../../src/domain/legal-history.ts';
import { historyArbitrary, leave, person, stay, status } from './aftercare-fixtures.ts';

const TODAY = '2026-04-01';
const fields = (violations: Violation[]): string[] => violations.map((v) => v.field);

/** A person detained under s2 then s3 in one stay, now discharged. */
const history: PersonFacts = person({
  admissions: [stay('a1', '2024-01-10', '2024-06-01')],
  legalStatuses: [status('s2', '2', '2024-01-10', '2024-02-05', 'a1'), status('s3', '3', '2024-02-05', '2024-06-01', 'a1')],
});

describe('hospital stays', () => {
  test('ELIG-3: a stay with real dates that does not overlap another is accepted', () => {
    assert.deepEqual(validateAdmission(history, stay('a2', '2025-01-01', '2025-02-01'), TODAY), []);
  });

  test('ELIG-3: impossible and future dates are refused on the field that holds them', () => {
    assert.deepEqual(fields(validateAdmission(history, stay('a2', '2025-02-30', null), TODAY)), ['admittedOn']);
    const future = validateAdmission(history, stay('a2', '2025-01-01', '2026-04-02'), TODAY);
    assert.deepEqual(fields(future), ['dischargedOn']);
    assert.match(future[0]?.message ?? '', /2 April 2026\) is in the future/);
  });

  test('ELIG-3: a discharge before the admission is refused on dischargedOn', () => {
    const violations = validateAdmission(history, stay('a2', '2025-03-01', '2025-02-01'), TODAY);
    assert.deepEqual(violations, [{ field: 'dischargedOn', message: 'The discharge date (1 February 2025) is before the admission date (1 March 2025).' }]);
  });

  test('ELIG-3: the hospital must be named', () => {
    assert.deepEqual(fields(validateAdmission(history, stay('a2', '2025-01-01', null, ' '), TODAY)), ['hospital']);
  });

  test('ELIG-3: stays may not overlap, except a same-day transfer', () => {
    assert.deepEqual(validateAdmission(history, stay('a2', '2024-06-01', '2024-07-01', 'Chase Farm'), TODAY), [], 'transfer on the day of discharge');
    assert.deepEqual(fields(validateAdmission(history, stay('a2', '2024-05-01', '2024-07-01'), TODAY)), ['admittedOn']);
    assert.deepEqual(fields(validateAdmission(history, stay('a2', '2023-12-01', '2024-01-20'), TODAY)), ['dischargedOn']);
    assert.deepEqual(fields(validateAdmission(history, stay('a2', '2023-12-01', null), TODAY)), ['dischargedOn']);
  });

  test('ELIG-3: a new stay after one with no discharge date asks for that discharge first', () => {
    const open = person({ admissions: [stay('a1', '2024-01-10', null)] });
    const violations = validateAdmission(open, stay('a2', '2025-01-01', null), TODAY);
    assert.deepEqual(fields(violations), ['admittedOn']);
    assert.match(violations[0]?.message ?? '', /The stay at .* from 10 January 2024 has no discharge date\. Record its discharge date first/);
  });

  test('ELIG-3: editing a stay replaces it, but it must still hold the legal statuses recorded in it', () => {
    assert.deepEqual(validateAdmission(history, stay('a1', '2024-01-10', '2024-07-01'), TODAY), []);
    const shrunk = validateAdmission(history, stay('a1', '2024-01-20', '2024-06-01'), TODAY);
    assert.deepEqual(fields(shrunk), ['admittedOn']);
  });
});

describe('legal statuses', () => {
  test('ELIG-1: an unknown section code is refused', () => {
    assert.deepEqual(fields(validateLegalStatus(history, { ...status('x', '3', '2025-01-01'), section: '41' }, TODAY)), ['section']);
  });

  test('ELIG-3: an end before the start, or a date in the future, is refused', () => {
    assert.deepEqual(fields(validateLegalStatus(history, status('x', '3', '2025-03-01', '2025-02-01'), TODAY)), ['endDate']);
    assert.deepEqual(fields(validateLegalStatus(history, status('x', '3', '2026-05-01'), TODAY)), ['startDate']);
    assert.deepEqual(fields(validateLegalStatus(history, status('x', '3', '2025-13-01'), TODAY)), ['startDate']);
  });

  test('RESP-4: hospital detentions may overlap only on the changeover day', () => {
    assert.deepEqual(validateLegalStatus(history, status('s37', '37', '2024-06-01', null), TODAY), [], 's3 ends the day s37 starts');
    const overlap = validateLegalStatus(history, status('s37', '37', '2024-05-01', null), TODAY);
    assert.deepEqual(fields(overlap), ['startDate']);
    assert.match(overlap[0]?.message ?? '', /Section 37 from 1 May 2024 overlaps section 3 from 5 February 2024 to 1 June 2024/);
    assert.deepEqual(fields(validateLegalStatus(history, status('s136', '136', '2024-01-01', '2024-01-11'), TODAY)), ['endDate']);
  });

  test('RESP-4: an earlier detention with no end date is reported on startDate, asking for its end first', () => {
    const open = person({ legalStatuses: [status('s2', '2', '2024-01-10', null)] });
    const violations = validateLegalStatus(open, status('s3', '3', '2024-02-05', null), TODAY);
    assert.deepEqual(fields(violations), ['startDate']);
    assert.match(violations[0]?.message ?? '', /Section 2 from 10 January 2024 has no end date\. Record its end date first, before adding section 3 from 5 February 2024/);
  });

  test('RESP-4: statuses that are not detentions (informal, CTO, guardianship) may overlap detentions', () => {
    assert.deepEqual(validateLegalStatus(history, status('inf', 'informal', '2024-01-01', '2024-03-01'), TODAY), []);
    assert.deepEqual(validateLegalStatus(history, status('cto', '17A', '2024-05-01', null), TODAY), []);
  });

  test('ELIG-9: a return to prison may not overlap a hospital detention except on the changeover day', () => {
    assert.deepEqual(validateLegalStatus(history, status('p', 'custody', '2024-06-01', null), TODAY), []);
    assert.deepEqual(fields(validateLegalStatus(history, status('p', 'custody', '2024-05-01', null), TODAY)), ['startDate']);
    const inPrison = person({ legalStatuses: [status('p', 'custody', '2023-01-01', '2024-03-01')] });
    assert.deepEqual(fields(validateLegalStatus(inPrison, status('s47', '47', '2024-02-01', null), TODAY)), ['startDate']);
    assert.deepEqual(validateLegalStatus(inPrison, status('s47', '47', '2024-03-01', null), TODAY), []);
  });

  test('ELIG-3: a status must belong to one of the person\'s stays and start within it', () => {
    assert.deepEqual(fields(validateLegalStatus(history, status('s37', '37', '2024-06-01', null, 'nope'), TODAY)), ['admissionId']);
    const outside = validateLegalStatus(history, status('s37', '37', '2024-06-02', null, 'a1'), TODAY);
    assert.deepEqual(fields(outside), ['startDate']);
    assert.match(outside[0]?.message ?? '', /outside the stay at .* from 10 January 2024 to 1 June 2024/);
  });

  test('RESP-4: editing a status replaces the stored one instead of overlapping it', () => {
    assert.deepEqual(validateLegalStatus(history, status('s3', '3', '2024-02-05', '2024-05-20', 'a1'), TODAY), []);
  });
});

describe('section 17 leave', () => {
  test('ELIG-4: leave inside a detention, with a reason, is accepted', () => {
    assert.deepEqual(validateLeave(history, leave('l1', '2024-03-01', '2024-03-02', 'escorted', false), TODAY), []);
  });

  test('ELIG-4: leave can only be recorded while the person is detained', () => {
    const violations = validateLeave(history, leave('l1', '2024-07-01', null, 'unescorted', false), TODAY);
    assert.deepEqual(violations.map((v) => [v.field, v.message]), [['from', 'Section 17 leave can only be recorded while the person is detained']]);
  });

  test('ELIG-4: the decision whether leave starts aftercare must give a reason', () => {
    const violations = validateLeave(history, leave('l1', '2024-03-01', null, 'trial-placement', true, ''), TODAY);
    assert.deepEqual(violations.map((v) => [v.field, v.rule]), [['reason', 'ELIG-4']]);
  });

  test('ELIG-4: leave may run through a changeover (s2 to s3) but not past the end of the detention', () => {
    assert.deepEqual(validateLeave(history, leave('l1', '2024-02-01', '2024-02-20', 'unescorted', false), TODAY), []);
    assert.deepEqual(fields(validateLeave(history, leave('l1', '2024-05-01', '2024-06-10', 'trial-placement', true), TODAY)), ['to']);
  });

  test('ELIG-4: leave dates must be real, in order and not in the future', () => {
    assert.deepEqual(fields(validateLeave(history, leave('l1', '2024-03-05', '2024-03-01', 'escorted', false), TODAY)), ['to']);
    assert.deepEqual(fields(validateLeave(history, leave('l1', '2026-05-01', null, 'escorted', false), TODAY)), ['from']);
    assert.deepEqual(fields(validateLeave(history, { ...leave('l1', '2024-03-01', null, 'escorted', false), kind: 'weekend' }, TODAY)), ['kind']);
  });
});

describe('properties', () => {
  test('RESP-4: property: every fact of a realistic generated history passes validation against the others', () => {
    const histories = historyArbitrary({ qualifying: true, nonQualifying: true, allowOpen: true, decisions: false });
    fc.assert(fc.property(histories, ({ facts, today }) => {
      for (const a of facts.admissions) assert.deepEqual(validateAdmission(facts, a, today), [], `stay ${JSON.stringify(a)}`);
      for (const s of facts.legalStatuses) assert.deepEqual(validateLegalStatus(facts, s, today), [], `status ${JSON.stringify(s)}`);
      for (const l of facts.leaves) assert.deepEqual(validateLeave(facts, l, today), [], `leave ${JSON.stringify(l)}`);
    }), { numRuns: 300 });
  });
});
