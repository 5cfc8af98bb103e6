// Issue 15, money 1: each day of a service counts for the bodies of the episode responsible that day
// (RESP-1 to RESP-5), split to the penny.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { addDays } from '../../../src/domain/dates.ts';
import { attributedRechargeLines, attributedRechargeStatement, attributedSpendReport, rechargeLine, responsibilitySpans, type RechargeService, type ServicePayment } from '../../../src/domain/recharges.ts';

const episode = (id: string, qualifyingFrom: string, la: string | null, icb: string | null) => ({ id, qualifyingFrom, localAuthority: { code: la }, icb: { code: icb } });
const service: RechargeService = { serviceId: 's', personId: 'p', category: 'accommodation', provider: 'Home', weeklyCostPence: 70001, funding: { localAuthorityPercent: 60, icbPercent: 40 }, startDate: '2024-03-01', endDate: null };

describe('RESP-2/RESP-3/RESP-5 money by day', () => {
  test('RESP-3: each episode answers from its start to the day before the next; the first also before it', () => {
    assert.deepEqual(responsibilitySpans([episode('a', '2024-01-10', 'LA1', 'ICB1'), episode('b', '2024-09-01', 'LA2', 'ICB1')], { localAuthority: null, icb: null }), [
      { from: null, to: '2024-08-31', episodeId: 'a', localAuthorityCode: 'LA1', icbCode: 'ICB1' },
      { from: '2024-09-01', to: null, episodeId: 'b', localAuthorityCode: 'LA2', icbCode: 'ICB1' },
    ]);
    // Two starting the same day: the later answers (as episodeOn).
    assert.deepEqual(responsibilitySpans([episode('a', '2024-01-10', 'LA1', 'I'), episode('b', '2024-01-10', 'LA2', 'I'), episode('c', '2024-05-01', 'LA3', 'I')], { localAuthority: null, icb: null }).map((s) => s.episodeId), ['a', 'b', 'c']);
    // No episode: where they live.
    assert.deepEqual(responsibilitySpans([], { localAuthority: 'LA9', icb: 'ICB9' }), [{ from: null, to: null, episodeId: null, localAuthorityCode: 'LA9', icbCode: 'ICB9' }]);
  });

  test('RESP-3: a service across a re-detention is split between the councils by day', () => {
    const spans = responsibilitySpans([episode('a', '2024-01-10', 'LA1', 'ICB1'), episode('b', '2024-09-01', 'LA2', 'ICB1')], { localAuthority: null, icb: null });
    const payments: ServicePayment[] = [{ serviceId: 's', body: 'local-authority', periodFrom: '2024-08-01', periodTo: '2024-09-30', amountPence: 61_000 }];
    const lines = attributedRechargeLines(service, spans, payments, { from: '2024-07-01', to: '2024-12-31' });
    assert.deepEqual(lines.map((l) => [l.localAuthorityCode, l.responsibleFrom, l.responsibleTo, l.days, l.localAuthorityPaid]), [
      ['LA1', '2024-07-01', '2024-08-31', 62, 31_000],
      ['LA2', '2024-09-01', '2024-12-31', 122, 30_000],
    ]);
    const statement = attributedRechargeStatement([service], () => spans, payments, { from: '2024-07-01', to: '2024-12-31' }, 'LA2');
    assert.deepEqual(statement.lines.map((l) => l.localAuthorityCode), ['LA2']);
    assert.equal(statement.totals.costPence, lines[1]!.costPence);
    const spend = attributedSpendReport(lines);
    assert.deepEqual(spend.map((r) => [r.body, r.organisationCode]), [['icb', 'ICB1'], ['local-authority', 'LA1'], ['local-authority', 'LA2']]);
    assert.equal(spend.find((r) => r.body === 'icb')!.agreedPence, lines[0]!.icbShare + lines[1]!.icbShare);
  });

  test('RESP-1: however the days are split, the lines add up exactly to the whole period’s line', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 4 }),
        fc.integer({ min: 0, max: 5_000_000 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 200 }),
        fc.array(fc.tuple(fc.integer({ min: -100, max: 400 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 10_000_000 }), fc.boolean()), { maxLength: 4 }),
        (gaps, weekly, startOffset, length, pays) => {
          const base = '2024-01-01';
          let at = 0;
          const episodes = [episode('e0', base, 'LA0', 'I0'), ...gaps.map((g, i) => episode(`e${i + 1}`, addDays(base, (at += g)), `LA${i + 1}`, `I${(i + 1) % 2}`))];
          const s = { ...service, weeklyCostPence: weekly, startDate: addDays(base, startOffset) };
          const period = { from: addDays(base, 50), to: addDays(base, 50 + length) };
          const payments: ServicePayment[] = pays.map(([from, len, amountPence, la]) => ({ serviceId: 's', body: la ? 'local-authority' : 'icb', periodFrom: addDays(base, from), periodTo: addDays(base, from + len), amountPence }));
          const lines = attributedRechargeLines(s, responsibilitySpans(episodes, { localAuthority: null, icb: null }), payments, period);
          const whole = rechargeLine(s, payments, period);
          const sum = (k: 'costPence' | 'days' | 'localAuthorityPaid' | 'icbPaid') => lines.reduce((n, l) => n + l[k], 0);
          if (!whole) return lines.every((l) => l.costPence === 0 && l.localAuthorityPaid === 0 && l.icbPaid === 0);
          assert.equal(sum('costPence'), whole.costPence);
          assert.equal(sum('days'), whole.days);
          assert.equal(sum('localAuthorityPaid'), whole.localAuthorityPaid);
          assert.equal(sum('icbPaid'), whole.icbPaid);
          for (const l of lines) assert.equal(l.localAuthorityShare + l.icbShare, l.costPence);
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });

  test('RESP-7: a stretch of days is costed at the cost in force on each day, as the whole period’s line is, and the stretches add up to it exactly', () => {
    const spans = responsibilitySpans([episode('a', '2024-01-10', 'LA1', 'ICB1'), episode('b', '2024-09-01', 'LA2', 'ICB1')], { localAuthority: null, icb: null });
    const period = { from: '2024-07-01', to: '2024-12-31' };
    // £700 a week until 31 October, then £1,400 a week.
    const rising: RechargeService = { ...service, weeklyCostPence: 70_000, costs: [{ from: '2024-03-01', weeklyCostPence: 70_000 }, { from: '2024-11-01', weeklyCostPence: 140_000 }] };
    const lines = attributedRechargeLines(rising, spans, [], period);
    assert.deepEqual(lines.map((l) => [l.localAuthorityCode, l.days, l.costPence]), [
      ['LA1', 62, 62 * 10_000],
      ['LA2', 122, 61 * 10_000 + 61 * 20_000],
    ]);
    assert.equal(lines[0]!.costPence + lines[1]!.costPence, rechargeLine(rising, [], period)!.costPence);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 3 }),
        fc.array(fc.tuple(fc.integer({ min: -50, max: 400 }), fc.integer({ min: 0, max: 3_000_000 })), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 200 }),
        (gaps, costs, length) => {
          const base = '2024-01-01';
          let at = 0;
          const episodes = [episode('e0', base, 'LA0', 'I0'), ...gaps.map((g, i) => episode(`e${i + 1}`, addDays(base, (at += g)), `LA${i + 1}`, 'I0'))];
          const s: RechargeService = { ...service, startDate: base, weeklyCostPence: costs[0]![1], costs: costs.map(([from, weeklyCostPence]) => ({ from: addDays(base, from), weeklyCostPence })) };
          const period = { from: addDays(base, 30), to: addDays(base, 30 + length) };
          const lines = attributedRechargeLines(s, responsibilitySpans(episodes, { localAuthority: null, icb: null }), [], period);
          assert.equal(lines.reduce((n, l) => n + l.costPence, 0), rechargeLine(s, [], period)!.costPence);
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });
});
