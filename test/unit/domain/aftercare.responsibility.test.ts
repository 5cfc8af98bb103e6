// Who is responsible: the proposed local authority and ICB and their confirmation (RESP-2 to RESP-5, ELIG-8c).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { computeAftercare } from '../../../src/domain/aftercare.ts';
import type { AftercareResult, Episode, PersonFacts } from '../../../src/domain/aftercare.ts';
import { HOME_ICB, HOME_LA, OTHER_ICB, OTHER_LA, person, stay, status } from './aftercare-fixtures.ts';

const TODAY = '2026-04-01';
const rules = (lines: { rule: string }[]): string[] => lines.map((l) => l.rule);

function episode(result: AftercareResult, index: number): Episode {
  const found = result.episodes[index];
  assert.ok(found, `no episode ${index}`);
  return found;
}

/** s136 then s2 then s3 without a break, in one stay. */
function continuousDetention(overrides: Partial<PersonFacts> = {}): PersonFacts {
  return person({
    residences: [{ localAuthority: HOME_LA, since: '2019-03-01' }, { localAuthority: OTHER_LA, since: '2024-01-20' }],
    admissions: [stay('stay-1', '2024-01-10', '2024-06-01')],
    legalStatuses: [
      status('s136', '136', '2024-01-10', '2024-01-11'),
      status('s2', '2', '2024-01-11', '2024-02-05', 'stay-1'),
      status('s3', '3', '2024-02-05', '2024-06-01', 'stay-1'),
    ],
    ...overrides,
  });
}

/** Two qualifying detentions: the first discharged in 2023, the second from November 2025. */
function redetained(overrides: Partial<PersonFacts> = {}): PersonFacts {
  return person({
    admissions: [stay('stay-1', '2023-01-10', '2023-05-01'), stay('stay-2', '2025-11-01')],
    legalStatuses: [status('first', '3', '2023-01-10', '2023-05-01', 'stay-1'), status('second', '3', '2025-11-01', null, 'stay-2')],
    ...overrides,
  });
}

describe('RESP-2 and RESP-4: the responsible local authority', () => {
  test('RESP-2: the local authority is where they were ordinarily resident when detention began', () => {
    const facts = person({
      residences: [{ localAuthority: HOME_LA, since: '2019-03-01' }],
      admissions: [stay('stay-1', '2024-01-10', '2024-03-04')],
      legalStatuses: [status('s3', '3', '2024-01-10', '2024-03-04', 'stay-1')],
    });
    const ep = episode(computeAftercare(facts, TODAY), 0);
    assert.deepEqual(ep.localAuthority, {
      code: HOME_LA, confirmed: false,
      basis: 'Proposed: ordinarily resident in E09000007 (since 1 March 2019) when detention began on 10 January 2024 (RESP-2). To be confirmed.',
    });
  });

  test('RESP-4: s136 then s2 then s3 without a break: detention began with the s136, and the residence then decides', () => {
    const ep = episode(computeAftercare(continuousDetention(), TODAY), 0);
    assert.equal(ep.detentionFrom, '2024-01-10');
    assert.equal(ep.qualifyingFrom, '2024-02-05');
    assert.equal(ep.localAuthority.code, HOME_LA);
    assert.equal(ep.localAuthority.basis,
      'Proposed: ordinarily resident in E09000007 (since 1 March 2019) when detention began on 10 January 2024 (RESP-2, RESP-4). To be confirmed.');
    assert.ok(rules(ep.explanation).includes('RESP-4'));
  });

  test('RESP-2: a move recorded during the detention does not change the responsible authority', () => {
    const ep = episode(computeAftercare(continuousDetention(), TODAY), 0);
    assert.equal(ep.localAuthority.code, HOME_LA);
    assert.ok(ep.explanation.some((l) => l.rule === 'RESP-2' && l.text.includes('They moved to E08000025 on 20 January 2024, after detention began')));
  });

  test('RESP-4: an informal stay between the s2 and the s3 breaks the chain', () => {
    const facts = continuousDetention({
      legalStatuses: [
        status('s136', '136', '2024-01-10', '2024-01-11'),
        status('s2', '2', '2024-01-11', '2024-01-25', 'stay-1'),
        status('inf', 'informal', '2024-01-25', '2024-02-05', 'stay-1'),
        status('s3', '3', '2024-02-05', '2024-06-01', 'stay-1'),
      ],
    });
    const ep = episode(computeAftercare(facts, TODAY), 0);
    assert.equal(ep.detentionFrom, '2024-02-05');
    assert.equal(ep.localAuthority.code, OTHER_LA, 'the proposal follows the residence recorded before the s3');
    assert.ok(rules(ep.decisionsNeeded).includes('RESP-4'));
  });

  test('RESP-4: an informal stay before the s3 asks a person to confirm the authority (Sunderland)', () => {
    const facts = person({
      admissions: [stay('stay-1', '2024-01-02', '2024-06-01')],
      legalStatuses: [status('inf', 'informal', '2024-01-02', '2024-02-05', 'stay-1'), status('s3', '3', '2024-02-05', '2024-06-01', 'stay-1')],
    });
    const ep = episode(computeAftercare(facts, TODAY), 0);
    assert.equal(ep.detentionFrom, '2024-02-05');
    const decision = ep.decisionsNeeded.find((d) => d.rule === 'RESP-4');
    assert.ok(decision);
    assert.match(decision.text, /already in hospital as an informal patient from 2 January 2024, before detention began on 5 February 2024/);
  });

  test('RESP-4: detention that began on admission needs no such decision', () => {
    const ep = episode(computeAftercare(continuousDetention(), TODAY), 0);
    assert.deepEqual(ep.decisionsNeeded, []);
  });

  test('RESP-2: with no residence recorded before detention the authority is left to a person under s117(3)(c)', () => {
    const facts = continuousDetention({ residences: [{ localAuthority: OTHER_LA, since: '2024-01-20' }] });
    const ep = episode(computeAftercare(facts, TODAY), 0);
    assert.equal(ep.localAuthority.code, null);
    assert.match(ep.localAuthority.basis, /no ordinary residence is recorded before detention began on 10 January 2024.*117\(3\)\(c\)/);
    assert.ok(rules(ep.decisionsNeeded).includes('RESP-2'));
  });

  test('RESP-3: a new qualifying detention re-determines the authority from where they lived when it began', () => {
    const facts = redetained({ residences: [{ localAuthority: HOME_LA, since: '2015-01-01' }, { localAuthority: OTHER_LA, since: '2024-03-01' }] });
    const result = computeAftercare(facts, TODAY);
    assert.equal(episode(result, 0).localAuthority.code, HOME_LA);
    assert.equal(episode(result, 1).localAuthority.code, OTHER_LA);
    assert.ok(rules(episode(result, 1).explanation).includes('RESP-3'));
  });

  test('RESP-3: moving area without a new detention does not change the responsible authority', () => {
    const facts = person({
      residences: [{ localAuthority: HOME_LA, since: '2015-01-01' }, { localAuthority: OTHER_LA, since: '2024-03-01' }],
      admissions: [stay('stay-1', '2023-01-10', '2023-05-01')],
      legalStatuses: [status('first', '3', '2023-01-10', '2023-05-01', 'stay-1')],
    });
    assert.equal(episode(computeAftercare(facts, TODAY), 0).localAuthority.code, HOME_LA);
  });
});

describe('RESP-5: the responsible ICB', () => {
  test('RESP-5: the ICB is that of the GP practice they were registered with when detention began', () => {
    const facts = continuousDetention({ gpRegistrations: [{ practiceCode: 'F83004', icb: HOME_ICB, since: '2018-01-01' }, { practiceCode: 'M85001', icb: OTHER_ICB, since: '2024-02-01' }] });
    const ep = episode(computeAftercare(facts, TODAY), 0);
    assert.equal(ep.icb.code, HOME_ICB);
    assert.equal(ep.icb.basis, 'Proposed: QMJ, the ICB of their GP practice F83004 (registered since 1 January 2018) when detention began on 10 January 2024 (RESP-5). To be confirmed.');
  });

  test('RESP-5: a superseding episode keeps the first ICB even though the GP changed', () => {
    const facts = redetained({ gpRegistrations: [{ practiceCode: 'F83004', icb: HOME_ICB, since: '2015-01-01' }, { practiceCode: 'M85001', icb: OTHER_ICB, since: '2024-03-01' }] });
    const result = computeAftercare(facts, TODAY);
    assert.equal(episode(result, 0).status, 'superseded');
    const second = episode(result, 1);
    assert.equal(second.icb.code, HOME_ICB);
    assert.match(second.icb.basis, /originating ICB even though they are now registered with a GP in QHL \(RESP-5\)/);
  });

  test('RESP-5: the originating ICB carries the confirmed ICB of the earlier episode, not its proposal', () => {
    const facts = redetained({
      responsibilityDecisions: [{ episodeId: 'first', localAuthority: { code: HOME_LA, basis: 'Agreed' }, icb: { code: 'QWE', basis: 'Agreed at panel' }, decidedAt: '2023-06-01T09:00:00Z' }],
    });
    assert.equal(episode(computeAftercare(facts, TODAY), 1).icb.code, 'QWE');
  });

  test('RESP-5: after aftercare was ended jointly, a new detention takes the ICB from the GP again', () => {
    const facts = redetained({
      gpRegistrations: [{ practiceCode: 'F83004', icb: HOME_ICB, since: '2015-01-01' }, { practiceCode: 'M85001', icb: OTHER_ICB, since: '2024-03-01' }],
      jointEndings: [{ episodeId: 'first', endedOn: '2024-01-31' }],
    });
    assert.equal(episode(computeAftercare(facts, TODAY), 1).icb.code, OTHER_ICB);
  });

  test('RESP-5: with no GP registration before detention the ICB is left to a person (usual residence, Who Pays?)', () => {
    const facts = continuousDetention({ gpRegistrations: [] });
    const ep = episode(computeAftercare(facts, TODAY), 0);
    assert.equal(ep.icb.code, null);
    assert.match(ep.icb.basis, /Who Pays\?/);
    assert.ok(rules(ep.decisionsNeeded).includes('RESP-5'));
  });
});

describe('RESP-2 to RESP-5: confirmation', () => {
  const decision = (episodeId: string, la: string, icb: string, decidedAt: string): PersonFacts['responsibilityDecisions'][number] =>
    ({ episodeId, localAuthority: { code: la, basis: `LA ${la} agreed` }, icb: { code: icb, basis: `ICB ${icb} agreed` }, decidedAt });

  test('RESP-2: a confirmation replaces both proposals, and the latest confirmation wins whatever order they are given in', () => {
    const decisions = [decision('s3', 'E06000047', 'QWE', '2024-07-01T10:00:00Z'), decision('s3', OTHER_LA, OTHER_ICB, '2024-03-01T10:00:00Z')];
    for (const order of [decisions, [...decisions].reverse()]) {
      const ep = episode(computeAftercare(continuousDetention({ responsibilityDecisions: order }), TODAY), 0);
      assert.deepEqual(ep.localAuthority, { code: 'E06000047', basis: 'LA E06000047 agreed', confirmed: true });
      assert.deepEqual(ep.icb, { code: 'QWE', basis: 'ICB QWE agreed', confirmed: true });
    }
  });

  test('RESP-2 to RESP-6 (issue 9 item 2): each body confirms its own part; the other stays proposed until its own body confirms it', () => {
    const laOnly = { ...decision('s3', 'E06000047', 'QWE', '2024-07-01T10:00:00Z'), parts: { localAuthority: true, icb: false }, decidedBy: { name: 'Council Lead', organisation: 'Council' } };
    const proposed = episode(computeAftercare(continuousDetention(), TODAY), 0);
    const ep = episode(computeAftercare(continuousDetention({ responsibilityDecisions: [laOnly] }), TODAY), 0);
    assert.deepEqual(ep.localAuthority, { code: 'E06000047', basis: 'LA E06000047 agreed', confirmed: true, confirmedBy: { name: 'Council Lead', organisation: 'Council' }, confirmedAt: '2024-07-01T10:00:00Z' });
    assert.deepEqual(ep.icb, proposed.icb, 'the ICB’s part is untouched by the council’s decision');
    assert.equal(ep.icb.confirmed, false);
    assert.ok(rules(ep.explanation).includes('RESP-5'), 'the ICB’s proposed working is still explained');
    // The ICB's lead confirms later; an earlier decision of the council is not overwritten by it.
    const icbOnly = { ...decision('s3', 'E06000047', 'QRT', '2024-08-01T10:00:00Z'), parts: { localAuthority: false, icb: true } };
    const both = episode(computeAftercare(continuousDetention({ responsibilityDecisions: [icbOnly, laOnly] }), TODAY), 0);
    assert.equal(both.localAuthority.basis, 'LA E06000047 agreed');
    assert.deepEqual(both.icb, { code: 'QRT', basis: 'ICB QRT agreed', confirmed: true });
  });

  test('RESP-4: a confirmation settles the RESP-4 question', () => {
    const facts = person({
      admissions: [stay('stay-1', '2024-01-02', '2024-06-01')],
      legalStatuses: [status('inf', 'informal', '2024-01-02', '2024-02-05', 'stay-1'), status('s3', '3', '2024-02-05', '2024-06-01', 'stay-1')],
      responsibilityDecisions: [decision('s3', HOME_LA, HOME_ICB, '2024-06-10T10:00:00Z')],
    });
    assert.deepEqual(episode(computeAftercare(facts, TODAY), 0).decisionsNeeded, []);
  });

  test('ELIG-8c: on recall the new episode proposes the earlier episode\'s confirmed authority', () => {
    const facts = person({
      admissions: [stay('stay-1', '2023-01-10', '2023-05-01'), stay('stay-2', '2025-10-01')],
      legalStatuses: [
        status('s3', '3', '2023-01-10', '2023-05-01', 'stay-1'),
        status('cto', '17A', '2023-05-01', '2025-10-01'),
        status('recall', '3', '2025-10-01', null, 'stay-2'),
      ],
      responsibilityDecisions: [decision('s3', 'E06000047', HOME_ICB, '2023-04-01T10:00:00Z')],
    });
    const second = episode(computeAftercare(facts, TODAY), 1);
    assert.equal(second.localAuthority.code, 'E06000047');
    assert.match(second.localAuthority.basis, /ELIG-8c/);
  });

  test('RESP-2: a confirmation for a different episode or dated after today is ignored', () => {
    const facts = continuousDetention({
      responsibilityDecisions: [decision('another', OTHER_LA, OTHER_ICB, '2024-07-01T10:00:00Z'), decision('s3', OTHER_LA, OTHER_ICB, '2026-05-01T10:00:00Z')],
    });
    const ep = episode(computeAftercare(facts, TODAY), 0);
    assert.equal(ep.localAuthority.confirmed, false);
    assert.equal(ep.localAuthority.code, HOME_LA);
  });
});
