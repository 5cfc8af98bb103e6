// The status explained in plain words (issue 9 item 4): each status and the facts it rests on.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { statusSummary } from '../../../src/domain/status-summary.ts';
import { computeAftercare } from '../../../src/domain/aftercare.ts';
import { detainedAndDischarged, leave, person, stay, status } from './aftercare-fixtures.ts';

const TODAY = '2026-04-01';
const RULE_ID = /\b[A-Z][A-Z0-9]*-\d+/;

function summaryOf(facts: Parameters<typeof statusSummary>[0]) {
  const s = statusSummary(facts, TODAY, 'Alex');
  // The status is the one the same facts derive, and the words name no rule (they are in the legal basis).
  assert.equal(s.status, computeAftercare(facts, TODAY).status);
  assert.doesNotMatch(s.text, RULE_ID);
  if (s.nextStep) assert.doesNotMatch(s.nextStep, RULE_ID);
  assert.ok(s.rules.length > 0);
  return s;
}

describe('status summary', () => {
  test('ELIG-1: no qualifying detention recorded: not entitled, and says why', () => {
    const s = summaryOf(person());
    assert.equal(s.status, 'not-entitled');
    assert.match(s.text, /No detention under section 3, 37, 45A, 47 or 48 is recorded for Alex/);
    assert.deepEqual(s.rules, ['ELIG-1']);
  });

  test('ELIG-2: detained only under section 2: names the power that does not give the right', () => {
    const s = summaryOf(person({ admissions: [stay('a', '2026-03-01')], legalStatuses: [status('s2', '2', '2026-03-01', null, 'a')] }));
    assert.match(s.text, /Alex has been detained only under section 2, which does not give a right/);
    assert.match(s.text, /If they are then detained under section 3/);
    assert.ok(s.rules.includes('ELIG-2'));
  });

  test('PLAN-1, ELIG-3: detained under section 3: since when, and aftercare starts on leaving hospital', () => {
    const s = summaryOf(person({ admissions: [stay('a', '2026-03-01')], legalStatuses: [status('s3', '3', '2026-03-01', null, 'a')] }));
    assert.equal(s.status, 'planning');
    assert.match(s.text, /^Alex has been detained under section 3 since 1 March 2026\. Aftercare starts when they leave hospital/);
    assert.equal(s.nextStep, null);
    assert.deepEqual(s.rules, ['ELIG-1', 'ELIG-3', 'PLAN-1']);
  });

  test('ELIG-3: leaving hospital recorded while section 3 is in force: says why it is still planning, and what to record', () => {
    const s = summaryOf(person({ admissions: [stay('a', '2026-03-01', '2026-03-20')], legalStatuses: [status('s3', '3', '2026-03-01', null, 'a')] }));
    assert.equal(s.status, 'planning');
    assert.match(s.text, /Leaving hospital on 20 March 2026 is recorded, but section 3 is still recorded as in force, so aftercare has not started/);
    assert.match(s.nextStep ?? '', /Record the date section 3 ended, or record section 17 leave/);
    assert.ok(s.rules.includes('ELIG-3'));
  });

  test('ELIG-4: on section 17 leave recorded as not starting aftercare: still detained', () => {
    const s = summaryOf(person({
      admissions: [stay('a', '2026-03-01')],
      legalStatuses: [status('s3', '3', '2026-03-01', null, 'a')],
      leaves: [leave('l', '2026-03-25', null, 'escorted', false)],
    }));
    assert.equal(s.status, 'planning');
    assert.match(s.text, /on section 17 leave from 25 March 2026, recorded as not starting aftercare/);
    assert.ok(s.rules.includes('ELIG-4'));
  });

  test('ELIG-4: section 17 leave recorded as starting aftercare: active from the first day of leave', () => {
    const s = summaryOf(person({
      admissions: [stay('a', '2026-01-01')],
      legalStatuses: [status('s3', '3', '2026-01-01', null, 'a')],
      leaves: [leave('l', '2026-02-10', null, 'trial-placement', true)],
    }));
    assert.equal(s.status, 'active');
    assert.match(s.text, /went on section 17 leave on 10 February 2026, and the team recorded that this meant they had left hospital/);
    assert.ok(s.rules.includes('ELIG-4'));
  });

  test('ELIG-7: section ended, still in hospital: entitled, starts on leaving', () => {
    const s = summaryOf(person({ admissions: [stay('a', '2026-01-01')], legalStatuses: [status('s3', '3', '2026-01-01', '2026-03-01', 'a')] }));
    assert.equal(s.status, 'entitled-pending-discharge');
    assert.match(s.text, /Alex’s section 3 ended on 1 March 2026 and they are staying in hospital informally/);
    assert.match(s.nextStep ?? '', /Record the day they leave hospital/);
    assert.deepEqual(s.rules, ['ELIG-7', 'ELIG-3']);
  });

  test('ELIG-3: section ended with no hospital stay recorded: asks for the stay', () => {
    const s = summaryOf(person({ legalStatuses: [status('s3', '3', '2026-01-01', '2026-03-01')] }));
    assert.equal(s.status, 'entitled-pending-discharge');
    assert.match(s.nextStep ?? '', /Record the hospital stay/);
  });

  test('ELIG-3, ELIG-12: left hospital after the section ended: entitled from that day, until both bodies decide', () => {
    const s = summaryOf(detainedAndDischarged('3', '2025-11-01', '2026-02-02', '2026-02-02'));
    assert.equal(s.status, 'active');
    assert.match(s.text, /^Alex left hospital on 2 February 2026 after their section 3 ended, so aftercare started that day\./);
    assert.match(s.text, /continues until the local authority and the ICB both decide/);
    assert.ok(s.rules.includes('ELIG-3') && s.rules.includes('ELIG-12'));
  });

  test('ELIG-5, END-2: on a community treatment order: cannot end while it lasts', () => {
    const s = summaryOf(person({
      admissions: [stay('a', '2025-11-01', '2026-01-15')],
      legalStatuses: [status('s3', '3', '2025-11-01', '2026-01-15', 'a'), status('cto', '17A', '2026-01-15')],
    }));
    assert.equal(s.status, 'active');
    assert.match(s.text, /on a community treatment order since 15 January 2026/);
    assert.match(s.text, /cannot be ended while the order is in force/);
    assert.ok(s.rules.includes('ELIG-5') && s.rules.includes('END-2'));
  });

  test('ELIG-6, END-2: conditionally discharged: ending needs an override', () => {
    const s = summaryOf(person({
      admissions: [stay('a', '2025-06-01', '2026-01-15')],
      legalStatuses: [status('s37', '37/41', '2025-06-01', null, 'a'), status('cd', 'CD', '2026-01-15')],
    }));
    assert.equal(s.status, 'active');
    assert.match(s.text, /conditionally discharged since 15 January 2026/);
    assert.ok(s.rules.includes('ELIG-6'));
  });

  test('ELIG-8a: readmitted informally: still active, and says so', () => {
    const s = summaryOf(person({
      admissions: [stay('a', '2025-11-01', '2026-01-15'), stay('b', '2026-03-10')],
      legalStatuses: [status('s3', '3', '2025-11-01', '2026-01-15', 'a'), status('inf', 'informal', '2026-03-10', null, 'b')],
    }));
    assert.equal(s.status, 'active');
    assert.match(s.text, /back in hospital since 10 March 2026, informally; that does not end aftercare/);
    assert.ok(s.rules.includes('ELIG-8a'));
  });

  test('ELIG-9: returned to prison: in custody, entitlement kept, decision asked for', () => {
    const s = summaryOf(person({
      admissions: [stay('a', '2025-06-01', '2026-02-01')],
      legalStatuses: [status('s47', '47', '2025-06-01', '2026-02-01', 'a'), status('p', 'custody', '2026-02-01')],
    }));
    assert.equal(s.status, 'in-custody');
    assert.match(s.text, /in prison since 1 February 2026/);
    assert.ok(s.nextStep);
    assert.deepEqual(s.rules, ['ELIG-9']);
  });

  test('END-1: jointly ended: both bodies agreed, on which day', () => {
    const s = summaryOf(detainedAndDischarged('3', '2025-01-01', '2025-03-01', '2025-03-01', { jointEndings: [{ episodeId: 'q-1', endedOn: '2026-02-20' }] }));
    assert.equal(s.status, 'ended');
    assert.match(s.text, /The local authority and the ICB both agreed that Alex no longer needs aftercare, and it ended on 20 February 2026/);
    assert.ok(s.rules.includes('END-1'));
  });

  test('END-6: reinstated: active again, and says it was reinstated', () => {
    const s = summaryOf(detainedAndDischarged('3', '2025-01-01', '2025-03-01', '2025-03-01', {
      jointEndings: [{ episodeId: 'q-1', endedOn: '2025-10-01' }],
      reinstatements: [{ episodeId: 'q-1', reinstatedOn: '2026-01-05' }],
    }));
    assert.equal(s.status, 'active');
    assert.match(s.text, /reinstated by both bodies on 5 January 2026/);
    assert.ok(s.rules.includes('END-6'));
  });

  test('END-7: died: aftercare ended that day', () => {
    const s = summaryOf(detainedAndDischarged('3', '2025-01-01', '2025-03-01', '2025-03-01', { dateOfDeath: '2026-03-03' }));
    assert.equal(s.status, 'deceased');
    assert.match(s.text, /Alex died on 3 March 2026, so aftercare ended that day/);
  });

  test('ELIG-12: the summary is the one of the derivation it is given (no second derivation)', () => {
    const facts = detainedAndDischarged('3', '2025-11-01', '2026-02-02', '2026-02-02');
    const derived = computeAftercare(facts, TODAY);
    assert.deepEqual(statusSummary(facts, TODAY, 'Alex', derived), statusSummary(facts, TODAY, 'Alex'));
  });
});
