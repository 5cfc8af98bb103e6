// Properties of the entitlement engine over generated, realistic legal histories.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { computeAftercare } from '../../../src/domain/aftercare.ts';
import { historyArbitrary, shuffleFacts } from './aftercare-fixtures.ts';

const RUNS = 300;

describe('properties of computeAftercare', () => {
  test('ELIG-1: property: the result never depends on the order the facts were given in', () => {
    const histories = historyArbitrary({ qualifying: true, nonQualifying: true, allowOpen: true, decisions: true });
    fc.assert(fc.property(histories, fc.integer(), ({ facts, today }, seed) => {
      assert.deepEqual(computeAftercare(shuffleFacts(facts, seed), today), computeAftercare(facts, today));
    }), { numRuns: RUNS });
  });

  test('ELIG-2: property: a history of non-qualifying powers only never gives an entitlement', () => {
    const histories = historyArbitrary({ qualifying: false, nonQualifying: true, allowOpen: true, decisions: false });
    fc.assert(fc.property(histories, ({ facts, today }) => {
      const result = computeAftercare(facts, today);
      assert.equal(result.status, 'not-entitled');
      assert.deepEqual(result.episodes, []);
      assert.ok(['ELIG-1', 'ELIG-2'].includes(result.explanation[0]?.rule ?? ''));
    }), { numRuns: RUNS });
  });

  test('ELIG-3: property: once the qualifying section has ended and the discharge is recorded, the person is never in planning', () => {
    const histories = historyArbitrary({ qualifying: true, nonQualifying: true, allowOpen: false, decisions: true })
      .filter(({ facts }) => facts.legalStatuses.some((s) => ['3', '37', '37/41', '45A', '47', '47/49', '48', '48/49'].includes(s.section)));
    fc.assert(fc.property(histories, ({ facts, today }) => {
      const result = computeAftercare(facts, today);
      assert.notEqual(result.status, 'planning');
      for (const ep of result.episodes) assert.notEqual(ep.status, 'planning');
    }), { numRuns: RUNS });
  });

  test('ELIG-12: property: an episode has an end date exactly when it is ended, superseded or deceased', () => {
    const histories = historyArbitrary({ qualifying: true, nonQualifying: true, allowOpen: true, decisions: true });
    fc.assert(fc.property(histories, ({ facts, today }) => {
      const result = computeAftercare(facts, today);
      result.episodes.forEach((ep, i) => {
        const closed = ['ended', 'superseded', 'deceased'].includes(ep.status);
        assert.equal(ep.endedOn !== null, closed, ep.status);
        assert.equal(ep.endReason !== null, closed, ep.status);
        assert.ok(ep.detentionFrom <= ep.qualifyingFrom);
        if (i < result.episodes.length - 1) assert.ok(['ended', 'superseded'].includes(ep.status), `earlier episode ${ep.status}`);
        assert.ok(ep.explanation.length > 0);
      });
      assert.equal(result.status, result.episodes.at(-1)?.status ?? 'not-entitled');
    }), { numRuns: RUNS });
  });
});
