// Eligibility, when the duty starts, and how it ends (ELIG-1 to ELIG-12, END-1, END-5, END-7, PLAN-1).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { computeAftercare } from '../../../src/domain/aftercare.ts';
import type { AftercareResult, Episode, PersonFacts } from '../../../src/domain/aftercare.ts';
import type { SectionCode } from '../../../src/domain/sections.ts';
import { detainedAndDischarged, leave, person, stay, status } from './aftercare-fixtures.ts';

const TODAY = '2026-04-01';

function only(result: AftercareResult): Episode {
  assert.equal(result.episodes.length, 1, `expected one episode, got ${result.episodes.length}`);
  return result.episodes[0] as Episode;
}

function episode(result: AftercareResult, index: number): Episode {
  const found = result.episodes[index];
  assert.ok(found, `no episode ${index}`);
  return found;
}

const rules = (lines: { rule: string }[]): string[] => lines.map((l) => l.rule);
const texts = (lines: { text: string }[]): string => lines.map((l) => l.text).join('\n');

describe('ELIG-1: qualifying detentions', () => {
  test('ELIG-1: every qualifying section opens an episode and gives aftercare once they leave hospital', () => {
    for (const section of ['3', '37', '37/41', '45A', '47', '47/49', '48', '48/49'] as SectionCode[]) {
      const result = computeAftercare(detainedAndDischarged(section, '2024-01-10', '2024-03-04', '2024-03-04'), TODAY);
      const ep = only(result);
      assert.equal(result.status, 'active', section);
      assert.equal(ep.qualifyingSection, section);
      assert.equal(ep.qualifyingFrom, '2024-01-10');
      assert.equal(ep.id, 'q-1');
      assert.ok(rules(ep.explanation).includes('ELIG-1'));
    }
  });

  test('ELIG-1: section 37 after an interim section 38 qualifies from the section 37 date', () => {
    const facts = person({
      admissions: [stay('stay-1', '2024-01-10', '2024-09-01')],
      legalStatuses: [status('s38', '38', '2024-01-10', '2024-03-01', 'stay-1'), status('s37', '37', '2024-03-01', '2024-09-01', 'stay-1')],
    });
    const ep = only(computeAftercare(facts, TODAY));
    assert.equal(ep.id, 's37');
    assert.equal(ep.qualifyingSection, '37');
    assert.equal(ep.qualifyingFrom, '2024-03-01');
    assert.equal(ep.detentionFrom, '2024-01-10');
    assert.match(texts(ep.explanation), /interim hospital order \(section 38\) from 10 January 2024/);
  });

  test('ELIG-1: an interim section 38 alone, still in force, gives no entitlement', () => {
    const facts = person({ admissions: [stay('stay-1', '2024-01-10')], legalStatuses: [status('s38', '38', '2024-01-10', null, 'stay-1')] });
    assert.equal(computeAftercare(facts, TODAY).status, 'not-entitled');
  });

  test('ELIG-1: a section 47 transfer from prison qualifies on its own (a notional section 37)', () => {
    const facts = person({
      admissions: [stay('stay-1', '2023-05-02', '2024-02-01')],
      legalStatuses: [status('prison', 'custody', '2022-11-01', '2023-05-02'), status('s47', '47', '2023-05-02', '2024-02-01', 'stay-1')],
    });
    const result = computeAftercare(facts, TODAY);
    assert.equal(result.status, 'active');
    assert.equal(only(result).qualifyingSection, '47');
  });

  test('ELIG-1: restricted status makes no difference to the outcome', () => {
    const plain = only(computeAftercare(detainedAndDischarged('37', '2024-01-10', '2024-06-01', '2024-06-01'), TODAY));
    const restricted = only(computeAftercare(detainedAndDischarged('37/41', '2024-01-10', '2024-06-01', '2024-06-01'), TODAY));
    assert.equal(restricted.status, plain.status);
    assert.equal(restricted.leftHospitalOn, plain.leftHospitalOn);
    assert.match(texts(restricted.explanation), /Restrictions \(section 41 or 49\) make no difference/);
  });

  test('ELIG-1: section 47 followed on the same day by section 47/49 is one episode', () => {
    const facts = person({
      admissions: [stay('stay-1', '2023-05-02', '2024-02-01')],
      legalStatuses: [status('s47', '47', '2023-05-02', '2023-06-10', 'stay-1'), status('s4749', '47/49', '2023-06-10', '2024-02-01', 'stay-1')],
    });
    const ep = only(computeAftercare(facts, TODAY));
    assert.equal(ep.qualifyingSection, '47');
    assert.equal(ep.sectionEndedOn, '2024-02-01');
    assert.equal(ep.status, 'active');
    assert.match(texts(ep.explanation), /Section 47\/49 .* from 10 June 2023 followed on without a break/);
  });

  test('ELIG-1: section 3 then section 37 while still detained is one episode', () => {
    const facts = person({
      admissions: [stay('stay-1', '2024-01-10')],
      legalStatuses: [status('s3', '3', '2024-01-10', '2024-04-01', 'stay-1'), status('s37', '37', '2024-04-02', null, 'stay-1')],
    });
    const ep = only(computeAftercare(facts, TODAY));
    assert.equal(ep.id, 's3');
    assert.equal(ep.qualifyingSection, '3');
    assert.equal(ep.status, 'planning');
    assert.equal(ep.sectionEndedOn, null);
  });

  test('ELIG-1: with no detention recorded at all the person is not entitled and the reason names ELIG-1', () => {
    const result = computeAftercare(person({ admissions: [stay('stay-1', '2024-01-10', '2024-02-01')] }), TODAY);
    assert.equal(result.status, 'not-entitled');
    assert.deepEqual(result.episodes, []);
    assert.deepEqual(result.explanation, [{ rule: 'ELIG-1', text: 'No detention under section 3, 37, 45A, 47 or 48 is recorded (ELIG-1).' }]);
  });
});

describe('ELIG-2: non-qualifying powers', () => {
  test('ELIG-2: sections 2, 4, 5(2), 5(4), 35, 36, 38, 135, 136, informal admission and guardianship never entitle', () => {
    for (const section of ['2', '4', '5(2)', '5(4)', '35', '36', '38', '135', '136', 'informal', '7'] as SectionCode[]) {
      const result = computeAftercare(detainedAndDischarged(section, '2024-01-10', '2024-02-01', '2024-02-01'), TODAY);
      assert.equal(result.status, 'not-entitled', section);
      assert.deepEqual(result.episodes, []);
      assert.equal(result.explanation[0]?.rule, 'ELIG-2');
    }
  });

  test('ELIG-2: deprivation of liberty cannot be recorded as a detention; recorded as informal it gives no entitlement', () => {
    const result = computeAftercare(detainedAndDischarged('informal', '2024-01-10', null, null), TODAY);
    assert.equal(result.status, 'not-entitled');
    assert.match(result.explanation[0]?.text ?? '', /An informal \(voluntary\) admission does not give a right to section 117 aftercare \(ELIG-2\)/);
  });

  test('ELIG-2: the explanation names the powers that were used', () => {
    const facts = person({
      admissions: [stay('stay-1', '2024-01-10', '2024-02-07')],
      legalStatuses: [status('a', '136', '2024-01-10', '2024-01-11'), status('b', '2', '2024-01-11', '2024-02-07', 'stay-1')],
    });
    assert.deepEqual(computeAftercare(facts, TODAY).explanation, [
      { rule: 'ELIG-2', text: 'Section 2 and section 136 do not give a right to section 117 aftercare (ELIG-2).' },
    ]);
  });
});

describe('ELIG-3 and ELIG-7: when the duty starts', () => {
  test('ELIG-3: the duty starts when they leave hospital, after the section has ended', () => {
    const ep = only(computeAftercare(detainedAndDischarged('3', '2024-01-10', '2024-03-04', '2024-03-10'), TODAY));
    assert.equal(ep.status, 'active');
    assert.equal(ep.sectionEndedOn, '2024-03-04');
    assert.equal(ep.leftHospitalOn, '2024-03-10');
    assert.deepEqual(ep.explanation.find((l) => l.rule === 'ELIG-3'), {
      rule: 'ELIG-3',
      text: 'Section 3 ended on 4 March 2024 and they left hospital on 10 March 2024, so aftercare started on 10 March 2024.',
    });
    assert.ok(rules(ep.explanation).includes('ELIG-7'), 'stayed on informally for six days');
  });

  test('ELIG-3: leaving hospital on the day the section ends starts the duty that day, with no ELIG-7 line', () => {
    const ep = only(computeAftercare(detainedAndDischarged('3', '2024-01-10', '2024-03-04', '2024-03-04'), TODAY));
    assert.equal(ep.leftHospitalOn, '2024-03-04');
    assert.ok(!rules(ep.explanation).includes('ELIG-7'));
  });

  test('ELIG-3: someone who had already left hospital (on leave) when the section ended is entitled from the day it ended', () => {
    const ep = only(computeAftercare(detainedAndDischarged('3', '2024-01-10', '2024-03-04', '2024-02-20'), TODAY));
    assert.equal(ep.status, 'active');
    assert.equal(ep.leftHospitalOn, '2024-03-04');
  });

  test('ELIG-3: a same-day transfer to another hospital is not leaving hospital', () => {
    const facts = person({
      admissions: [stay('a1', '2024-01-10', '2024-02-15', 'Hospital A'), stay('a2', '2024-02-15', '2024-04-20', 'Hospital B')],
      legalStatuses: [status('s3', '3', '2024-01-10', '2024-04-01', 'a1')],
    });
    const ep = only(computeAftercare(facts, TODAY));
    assert.equal(ep.leftHospitalOn, '2024-04-20');
    assert.equal(ep.status, 'active');
  });

  test('ELIG-3: a same-day transfer after the section ended is not leaving hospital either', () => {
    const facts = person({
      admissions: [stay('a1', '2024-01-10', '2024-04-10', 'Hospital A'), stay('a2', '2024-04-10', '2024-04-20', 'Hospital B')],
      legalStatuses: [status('s3', '3', '2024-01-10', '2024-04-01', 'a1')],
    });
    const ep = only(computeAftercare(facts, TODAY));
    assert.equal(ep.leftHospitalOn, '2024-04-20');
  });

  test('ELIG-1: a transfer between hospitals while detained does not split section 3 and a following section 37', () => {
    const facts = person({
      admissions: [stay('a1', '2024-01-10', '2024-02-15', 'Hospital A'), stay('a2', '2024-02-15', '2024-09-01', 'Hospital B')],
      legalStatuses: [status('s3', '3', '2024-01-10', '2024-03-01', 'a1'), status('s37', '37', '2024-03-01', '2024-09-01', 'a2')],
    });
    const ep = only(computeAftercare(facts, TODAY));
    assert.equal(ep.qualifyingSection, '3');
    assert.equal(ep.leftHospitalOn, '2024-09-01');
  });

  test('ELIG-3: with no hospital stay recorded the person waits as entitled-pending-discharge and the record asks for it', () => {
    const facts = person({ legalStatuses: [status('s3', '3', '2024-01-10', '2024-03-04')] });
    const ep = only(computeAftercare(facts, TODAY));
    assert.equal(ep.status, 'entitled-pending-discharge');
    assert.match(texts(ep.explanation), /no hospital stay is recorded/);
  });

  test('ELIG-7: a section that ends while they stay on informally gives entitled-pending-discharge', () => {
    const facts = person({
      admissions: [stay('stay-1', '2024-01-10')],
      legalStatuses: [status('s3', '3', '2024-01-10', '2024-03-04', 'stay-1'), status('inf', 'informal', '2024-03-04', null, 'stay-1')],
    });
    const result = computeAftercare(facts, TODAY);
    assert.equal(result.status, 'entitled-pending-discharge');
    assert.equal(only(result).leftHospitalOn, null);
    assert.ok(rules(only(result).explanation).includes('ELIG-7'));
  });

  test('ELIG-3: a section ending on a later date than today is not ended yet', () => {
    const ep = only(computeAftercare(detainedAndDischarged('3', '2024-01-10', '2026-05-01', '2026-05-01'), TODAY));
    assert.equal(ep.status, 'planning');
    assert.equal(ep.sectionEndedOn, null);
  });
});

describe('PLAN-1: planning while detained', () => {
  test('PLAN-1: a person still detained under section 3 has an episode in planning', () => {
    const result = computeAftercare(detainedAndDischarged('3', '2026-02-01', null, null), TODAY);
    assert.equal(result.status, 'planning');
    assert.equal(only(result).leftHospitalOn, null);
    assert.ok(rules(result.explanation).includes('PLAN-1'));
  });
});

describe('ELIG-4: section 17 leave', () => {
  const onLeave = (l: ReturnType<typeof leave>): PersonFacts => detainedAndDischarged('3', '2025-06-01', null, null, { leaves: [l] });

  test('ELIG-4: escorted leave recorded as not starting aftercare leaves the person in planning', () => {
    const ep = only(computeAftercare(onLeave(leave('l1', '2025-09-01', '2025-09-01', 'escorted', false, 'Escorted walk in the grounds')), TODAY));
    assert.equal(ep.status, 'planning');
    assert.match(texts(ep.explanation), /Section 17 leave \(escorted\) from 1 September 2025 to 1 September 2025 was recorded as not starting aftercare: "Escorted walk in the grounds"/);
    assert.match(texts(ep.explanation), /CXF/);
  });

  test('ELIG-4: a trial placement recorded as starting aftercare makes it active from the first day of leave', () => {
    const ep = only(computeAftercare(onLeave(leave('l1', '2025-09-01', null, 'trial-placement', true, 'Living at Elm House on trial')), TODAY));
    assert.equal(ep.status, 'active');
    assert.equal(ep.leftHospitalOn, '2025-09-01');
    assert.match(texts(ep.explanation), /Living at Elm House on trial/);
  });

  test('ELIG-4: leave has no default of yes: the same trial placement recorded as not starting aftercare stays in planning', () => {
    const ep = only(computeAftercare(onLeave(leave('l1', '2025-09-01', null, 'trial-placement', false, 'Still under the ward team')), TODAY));
    assert.equal(ep.status, 'planning');
    assert.equal(ep.leftHospitalOn, null);
  });

  test('ELIG-4: a leave decision without a recorded reason is listed as a decision needed', () => {
    const ep = only(computeAftercare(onLeave(leave('l1', '2025-09-01', null, 'unescorted', false, '  ')), TODAY));
    assert.deepEqual(rules(ep.decisionsNeeded), ['ELIG-4']);
  });
});

describe('ELIG-5 and ELIG-6: CTO and conditional discharge', () => {
  test('ELIG-5: discharge onto a CTO makes aftercare active from the start of the CTO', () => {
    const facts = detainedAndDischarged('3', '2024-01-10', '2024-05-01', '2024-05-01', {
      legalStatuses: [status('q-1', '3', '2024-01-10', '2024-05-01', 'stay-1'), status('cto', '17A', '2024-05-01')],
    });
    const ep = only(computeAftercare(facts, TODAY));
    assert.equal(ep.status, 'active');
    assert.equal(ep.leftHospitalOn, '2024-05-01');
    assert.equal(ep.communityTreatmentOrder, true);
    assert.ok(rules(ep.explanation).includes('ELIG-5'));
  });

  test('ELIG-5: a CTO starts the duty even when the section 3 was left without an end date', () => {
    const facts = person({
      admissions: [stay('stay-1', '2024-01-10', '2024-05-01')],
      legalStatuses: [status('q-1', '3', '2024-01-10', null, 'stay-1'), status('cto', '17A', '2024-05-01')],
    });
    const ep = only(computeAftercare(facts, TODAY));
    assert.equal(ep.status, 'active');
    assert.equal(ep.leftHospitalOn, '2024-05-01');
  });

  test('ELIG-6: conditional discharge of a restricted patient makes aftercare active', () => {
    const facts = detainedAndDischarged('37/41', '2022-01-10', '2024-05-01', '2024-05-01', {
      legalStatuses: [status('q-1', '37/41', '2022-01-10', '2024-05-01', 'stay-1'), status('cd', 'CD', '2024-05-01')],
    });
    const ep = only(computeAftercare(facts, TODAY));
    assert.equal(ep.status, 'active');
    assert.equal(ep.conditionallyDischarged, true);
    assert.equal(ep.communityTreatmentOrder, false);
    assert.ok(rules(ep.explanation).includes('ELIG-6'));
  });
});

describe('ELIG-8: readmission', () => {
  const discharged = detainedAndDischarged('3', '2023-01-10', '2023-05-01', '2023-05-01');

  test('ELIG-8a: an informal readmission does not end the duty', () => {
    const facts: PersonFacts = {
      ...discharged,
      admissions: [...discharged.admissions, stay('stay-2', '2024-02-01', '2024-03-01', 'Chase Farm')],
      legalStatuses: [...discharged.legalStatuses, status('inf', 'informal', '2024-02-01', '2024-03-01', 'stay-2')],
    };
    const ep = only(computeAftercare(facts, TODAY));
    assert.equal(ep.status, 'active');
    assert.match(texts(ep.explanation), /readmitted to Chase Farm on 1 February 2024 informally\. That does not end aftercare/);
  });

  test('ELIG-8a: a section 2 readmission does not end the duty, even while it is in force', () => {
    const facts: PersonFacts = {
      ...discharged,
      admissions: [...discharged.admissions, stay('stay-2', '2026-03-01')],
      legalStatuses: [...discharged.legalStatuses, status('s2', '2', '2026-03-01', null, 'stay-2')],
    };
    const ep = only(computeAftercare(facts, TODAY));
    assert.equal(ep.status, 'active');
    assert.match(texts(ep.explanation), /readmitted to .* on 1 March 2026 under section 2\. That does not end aftercare/);
  });

  test('ELIG-8b: a new section 3 supersedes the old episode and opens a new one (END-5)', () => {
    const facts: PersonFacts = {
      ...discharged,
      admissions: [...discharged.admissions, stay('stay-2', '2025-11-01')],
      legalStatuses: [...discharged.legalStatuses, status('s3-again', '3', '2025-11-01', null, 'stay-2')],
    };
    const result = computeAftercare(facts, TODAY);
    assert.equal(result.episodes.length, 2);
    const [first, second] = [episode(result, 0), episode(result, 1)];
    assert.equal(first.status, 'superseded');
    assert.equal(first.endedOn, '2025-11-01');
    assert.equal(first.endReason, 'new-qualifying-detention');
    assert.equal(first.leftHospitalOn, '2023-05-01');
    assert.ok(rules(first.explanation).includes('END-5'));
    assert.equal(second.id, 's3-again');
    assert.equal(second.status, 'planning');
    assert.equal(result.status, 'planning');
  });

  test('ELIG-8c: recall from a CTO supersedes the old episode, keeps its local authority and asks for a decision', () => {
    const facts = person({
      residences: [{ localAuthority: 'E09000007', since: '2015-01-01' }, { localAuthority: 'E08000025', since: '2025-01-01' }],
      admissions: [stay('stay-1', '2023-01-10', '2023-05-01'), stay('stay-2', '2025-10-01')],
      legalStatuses: [
        status('s3', '3', '2023-01-10', '2023-05-01', 'stay-1'),
        status('cto', '17A', '2023-05-01', '2025-10-01'),
        status('s3-revoked', '3', '2025-10-01', null, 'stay-2'),
      ],
    });
    const result = computeAftercare(facts, TODAY);
    const [first, second] = [episode(result, 0), episode(result, 1)];
    assert.equal(first.status, 'superseded');
    assert.equal(first.communityTreatmentOrder, false);
    assert.equal(second.localAuthority.code, 'E09000007', 'the previous episode\'s authority, not the new residence');
    assert.equal(second.localAuthority.confirmed, false);
    assert.ok(rules(second.decisionsNeeded).includes('ELIG-8c'));
  });

  test('ELIG-8c: recall from conditional discharge is treated the same way', () => {
    const facts = person({
      residences: [{ localAuthority: 'E09000007', since: '2015-01-01' }, { localAuthority: 'E08000025', since: '2025-01-01' }],
      admissions: [stay('stay-1', '2020-01-10', '2023-05-01'), stay('stay-2', '2025-10-01')],
      legalStatuses: [
        status('s37', '37/41', '2020-01-10', '2023-05-01', 'stay-1'),
        status('cd', 'CD', '2023-05-01'),
        status('recall', '37/41', '2025-10-01', null, 'stay-2'),
      ],
    });
    const second = episode(computeAftercare(facts, TODAY), 1);
    assert.equal(second.localAuthority.code, 'E09000007');
    assert.ok(rules(second.decisionsNeeded).includes('ELIG-8c'));
  });

  test('ELIG-8c: a new detention long after the CTO ended is not a recall', () => {
    const facts = person({
      admissions: [stay('stay-1', '2023-01-10', '2023-05-01'), stay('stay-2', '2025-10-01')],
      legalStatuses: [
        status('s3', '3', '2023-01-10', '2023-05-01', 'stay-1'),
        status('cto', '17A', '2023-05-01', '2024-05-01'),
        status('s3-again', '3', '2025-10-01', null, 'stay-2'),
      ],
    });
    const second = episode(computeAftercare(facts, TODAY), 1);
    assert.ok(!rules(second.decisionsNeeded).includes('ELIG-8c'));
  });
});

describe('ELIG-9: return to prison', () => {
  const remitted = (released: string | null): PersonFacts => person({
    admissions: [stay('stay-1', '2023-05-02', '2024-02-01')],
    legalStatuses: [
      status('prison-1', 'custody', '2022-11-01', '2023-05-02'),
      status('s47', '47', '2023-05-02', '2024-02-01', 'stay-1'),
      status('prison-2', 'custody', '2024-02-01', released),
    ],
  });

  test('ELIG-9: a transferred prisoner remitted to prison is in-custody, kept entitled, with a decision needed', () => {
    const result = computeAftercare(remitted(null), TODAY);
    const ep = only(result);
    assert.equal(result.status, 'in-custody');
    assert.equal(ep.leftHospitalOn, '2024-02-01');
    assert.equal(ep.endedOn, null);
    assert.deepEqual(rules(ep.decisionsNeeded), ['ELIG-9']);
  });

  test('ELIG-9: imprisonment never ends the entitlement automatically, however long it lasts', () => {
    assert.equal(computeAftercare(remitted(null), '2040-01-01').status, 'in-custody');
  });

  test('ELIG-9: someone already receiving aftercare who is later imprisoned is in-custody, not ended', () => {
    const facts = detainedAndDischarged('3', '2022-01-10', '2022-05-01', '2022-05-01', {
      legalStatuses: [status('q-1', '3', '2022-01-10', '2022-05-01', 'stay-1'), status('prison', 'custody', '2025-06-01')],
    });
    const ep = only(computeAftercare(facts, TODAY));
    assert.equal(ep.status, 'in-custody');
    assert.equal(ep.leftHospitalOn, '2022-05-01');
    assert.ok(rules(ep.explanation).includes('ELIG-9'));
    assert.deepEqual(rules(ep.decisionsNeeded), ['ELIG-9']);
  });

  test('ELIG-9: after release the episode is active again', () => {
    const ep = only(computeAftercare(remitted('2025-08-01'), TODAY));
    assert.equal(ep.status, 'active');
    assert.deepEqual(ep.decisionsNeeded, []);
    assert.match(texts(ep.explanation), /in prison from 1 February 2024 to 1 August 2025; the entitlement was kept/);
  });
});

describe('ELIG-10 to ELIG-12', () => {
  test('ELIG-10: a child detained under section 3 is entitled; there is no age limit', () => {
    const facts = detainedAndDischarged('3', '2024-01-10', '2024-03-04', '2024-03-04', { dateOfBirth: '2010-06-15' });
    const ep = only(computeAftercare(facts, TODAY));
    assert.equal(ep.status, 'active');
    assert.deepEqual(ep.explanation.find((l) => l.rule === 'ELIG-10'), {
      rule: 'ELIG-10', text: 'They were 13 when detained. There is no age limit: children and young people have the same right to aftercare.',
    });
  });

  test('ELIG-10: no age line for an adult', () => {
    const facts = detainedAndDischarged('3', '2024-01-10', '2024-03-04', '2024-03-04', { dateOfBirth: '2006-01-10' });
    assert.ok(!rules(only(computeAftercare(facts, TODAY)).explanation).includes('ELIG-10'));
  });

  test('ELIG-11: means, savings and immigration status are not facts the engine takes into account', () => {
    const plain = detainedAndDischarged('3', '2024-01-10', '2024-03-04', '2024-03-04');
    const withMeans = { ...plain, savingsPence: 50_000_000, immigrationStatus: 'no recourse to public funds' } as PersonFacts;
    assert.deepEqual(computeAftercare(withMeans, TODAY), computeAftercare(plain, TODAY));
  });

  test('ELIG-12: someone discharged in 1995 whose aftercare was never ended is still active today', () => {
    const ep = only(computeAftercare(detainedAndDischarged('3', '1994-11-01', '1995-02-01', '1995-02-14'), TODAY));
    assert.equal(ep.status, 'active');
    assert.equal(ep.leftHospitalOn, '1995-02-14');
    assert.match(texts(ep.explanation), /It does not lapse with time/);
  });

  test('END-7: the end of a CTO does not end aftercare', () => {
    const facts = detainedAndDischarged('3', '2024-01-10', '2024-05-01', '2024-05-01', {
      legalStatuses: [status('q-1', '3', '2024-01-10', '2024-05-01', 'stay-1'), status('cto', '17A', '2024-05-01', '2025-05-01')],
    });
    const ep = only(computeAftercare(facts, TODAY));
    assert.equal(ep.status, 'active');
    assert.equal(ep.communityTreatmentOrder, false);
    assert.match(texts(ep.explanation), /community treatment order \(section 17A\) ended on 1 May 2025\. That does not end aftercare/);
  });
});

describe('END-1, END-5 and death', () => {
  const discharged = detainedAndDischarged('3', '2023-01-10', '2023-05-01', '2023-05-01');

  test('END-1: a joint decision ends the episode on its date', () => {
    const ep = only(computeAftercare({ ...discharged, jointEndings: [{ episodeId: 'q-1', endedOn: '2025-06-30' }] }, TODAY));
    assert.equal(ep.status, 'ended');
    assert.equal(ep.endedOn, '2025-06-30');
    assert.equal(ep.endReason, 'joint-decision');
    assert.ok(rules(ep.explanation).includes('END-1'));
  });

  test('END-1: a joint ending for another episode, or dated after today, changes nothing', () => {
    const other = computeAftercare({ ...discharged, jointEndings: [{ episodeId: 'someone-else', endedOn: '2025-06-30' }] }, TODAY);
    assert.equal(other.status, 'active');
    const later = computeAftercare({ ...discharged, jointEndings: [{ episodeId: 'q-1', endedOn: '2026-06-30' }] }, TODAY);
    assert.equal(later.status, 'active');
  });

  test('END-5: an episode ended jointly before a new detention stays ended, not superseded', () => {
    const facts: PersonFacts = {
      ...discharged,
      admissions: [...discharged.admissions, stay('stay-2', '2025-11-01')],
      legalStatuses: [...discharged.legalStatuses, status('s3-again', '3', '2025-11-01', null, 'stay-2')],
      jointEndings: [{ episodeId: 'q-1', endedOn: '2024-06-30' }],
    };
    const first = episode(computeAftercare(facts, TODAY), 0);
    assert.equal(first.status, 'ended');
    assert.equal(first.endReason, 'joint-decision');
  });

  test('END-7: death ends aftercare: the open episode becomes deceased', () => {
    const result = computeAftercare({ ...discharged, dateOfDeath: '2025-12-24' }, TODAY);
    const ep = only(result);
    assert.equal(result.status, 'deceased');
    assert.equal(ep.endedOn, '2025-12-24');
    assert.equal(ep.endReason, 'death');
    assert.equal(ep.leftHospitalOn, '2023-05-01');
  });

  test('END-7: a person who dies while detained is deceased, and earlier superseded episodes stay superseded', () => {
    const facts: PersonFacts = {
      ...discharged,
      dateOfDeath: '2026-01-15',
      admissions: [...discharged.admissions, stay('stay-2', '2025-11-01')],
      legalStatuses: [...discharged.legalStatuses, status('s3-again', '3', '2025-11-01', null, 'stay-2')],
    };
    const result = computeAftercare(facts, TODAY);
    assert.equal(episode(result, 0).status, 'superseded');
    assert.equal(episode(result, 1).status, 'deceased');
    assert.equal(result.status, 'deceased');
  });
});

describe('END-6: reinstatement after a joint ending', () => {
  const discharged = detainedAndDischarged('3', '2023-01-10', '2023-05-01', '2023-05-01');
  const ended = { ...discharged, jointEndings: [{ episodeId: 'q-1', endedOn: '2025-01-31' }] };

  test('END-6: a reinstatement after the joint ending makes the episode active again, keeping the history', () => {
    const ep = only(computeAftercare({ ...ended, reinstatements: [{ episodeId: 'q-1', reinstatedOn: '2025-09-01' }] }, TODAY));
    assert.equal(ep.status, 'active');
    assert.equal(ep.endedOn, null);
    assert.equal(ep.endReason, null);
    assert.ok(rules(ep.explanation).includes('END-6'));
    assert.match(texts(ep.explanation), /ended aftercare on 31 January 2025, then both agreed to reinstate it on 1 September 2025/);
  });

  test('END-6: a reinstatement dated after today, for another episode, or before the ending changes nothing', () => {
    for (const r of [{ episodeId: 'q-1', reinstatedOn: '2026-06-01' }, { episodeId: 'other', reinstatedOn: '2025-09-01' }, { episodeId: 'q-1', reinstatedOn: '2024-09-01' }]) {
      const ep = only(computeAftercare({ ...ended, reinstatements: [r] }, TODAY));
      assert.equal(ep.status, 'ended');
      assert.equal(ep.endReason, 'joint-decision');
    }
  });

  test('END-1: a second joint ending after a reinstatement ends the episode again on its own date', () => {
    const facts: PersonFacts = {
      ...discharged,
      jointEndings: [{ episodeId: 'q-1', endedOn: '2025-01-31' }, { episodeId: 'q-1', endedOn: '2025-11-30' }],
      reinstatements: [{ episodeId: 'q-1', reinstatedOn: '2025-03-01' }],
    };
    const ep = only(computeAftercare(facts, TODAY));
    assert.equal(ep.status, 'ended');
    assert.equal(ep.endedOn, '2025-11-30');
    assert.ok(rules(ep.explanation).includes('END-6'));
    assert.ok(rules(ep.explanation).includes('END-1'));
  });

  test('END-1: without reinstatements the first joint ending stands', () => {
    const ep = only(computeAftercare({ ...discharged, jointEndings: [{ episodeId: 'q-1', endedOn: '2025-11-30' }, { episodeId: 'q-1', endedOn: '2025-01-31' }] }, TODAY));
    assert.equal(ep.endedOn, '2025-01-31');
  });
});
