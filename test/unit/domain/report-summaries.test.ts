// Issue 13, national scale (ADR 0014): the summaries add up to the report worked out person by person;
// RESP-7: spend at the cost in force at the time.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { PersonFacts } from '../../../src/domain/aftercare.ts';
import { costAtTheTime, costForDays, rechargeStatement, type RechargeService } from '../../../src/domain/recharges.ts';
import { addUpRows, contributionDelta, contributionRows, EVERYONE, withoutSamePeriods, FiguresSum, personContribution, reportFromSummaries, splitMoney, summariesCover, summaryBuilder, summaryPeriods, summaryReader } from '../../../src/domain/report-summaries.ts';
import { emptyFigures, monthlyPeriods, registerReport, type ReportFilter, type ReportPerson } from '../../../src/domain/reports.ts';
import { DEFAULT_REVIEW_SETTINGS } from '../../../src/domain/reviews.ts';
import { HOME_LA, OTHER_ICB, OTHER_LA, detainedAndDischarged } from './aftercare-fixtures.ts';

/** A value with every object's keys in reverse order, as jsonb may give a stored document back. */
const reordered = (value: unknown): unknown => (Array.isArray(value) ? value.map(reordered) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reordered(v)])) : value);

function reportPerson(id: string, facts: PersonFacts, more: Partial<ReportPerson> = {}): ReportPerson {
  return { id, facts, reviewsHeld: [], reviewRequests: [], disputes: [], keyworkers: [], planVersions: [], complaints: [], s117Charges: [], refunds: [], services: [], payments: [], budgets: [], ...more };
}

const service = (id: string, personId: string, more: Partial<RechargeService> = {}): RechargeService => ({ serviceId: id, personId, category: 'accommodation', provider: 'Care Homes', weeklyCostPence: 70000, funding: { localAuthorityPercent: 50, icbPercent: 50 }, startDate: '2024-03-10', endDate: null, ...more });

const discharged = (overrides: Partial<PersonFacts> = {}) => detainedAndDischarged('3', '2024-01-05', '2024-03-10', '2024-03-10', overrides);

describe('RESP-7: the cost in force at the time', () => {
  test('RESP-7: each run of days is costed at its weekly cost; one cost throughout is costForDays', () => {
    const days = { from: '2024-04-01', to: '2024-04-30' };
    assert.equal(costAtTheTime({ weeklyCostPence: 70000 }, days), costForDays(70000, 30));
    assert.equal(costAtTheTime({ weeklyCostPence: 140000, costs: [{ from: '2024-03-10', weeklyCostPence: 70000 }] }, days), costForDays(70000, 30), 'the history, not the current cost');
    const changed = { weeklyCostPence: 140000, costs: [{ from: '2024-03-10', weeklyCostPence: 70000 }, { from: '2024-04-16', weeklyCostPence: 140000 }] };
    assert.equal(costAtTheTime(changed, days), costForDays(70000, 15) + costForDays(140000, 15));
    assert.equal(costAtTheTime(changed, { from: '2024-05-01', to: '2024-05-31' }), costForDays(140000, 31));
    assert.equal(costAtTheTime({ weeklyCostPence: 1, costs: [{ from: '2024-05-01', weeklyCostPence: 70000 }] }, days), costForDays(70000, 30), 'days before the first entry: the first cost');
  });

  test('RESP-7: the recharge statement of a past month uses that month’s cost', () => {
    const s = service('s1', 'p', { weeklyCostPence: 140000, costs: [{ from: '2024-03-10', weeklyCostPence: 70000 }, { from: '2024-06-01', weeklyCostPence: 140000 }] });
    assert.equal(rechargeStatement([s], [], { from: '2024-04-01', to: '2024-04-30' }).totals.costPence, costForDays(70000, 30));
    assert.equal(rechargeStatement([s], [], { from: '2024-06-01', to: '2024-06-30' }).totals.costPence, costForDays(140000, 30));
  });
});

describe('report summaries (ADR 0014)', () => {
  const people = [
    reportPerson('a', discharged(), { services: [service('s1', 'a')], s117Charges: [{ paidOn: '2024-04-02', amountPence: 500 }], reviewsHeld: [], keyworkers: [{ userId: 'u1', team: 'Team A', from: '2024-01-01', to: null }] }),
    reportPerson('b', discharged({ residences: [{ localAuthority: OTHER_LA, since: '2015-01-01' }], gpRegistrations: [{ practiceCode: 'Y1', icb: OTHER_ICB, since: '2015-01-01' }] }), { services: [service('s2', 'b')] }),
    reportPerson('c', discharged()),
    reportPerson('d', { ...discharged(), responsibilityDecisions: [] }),
  ];
  const asOf = '2024-05-31';
  const periods = monthlyPeriods(asOf, 4);
  const builder = summaryBuilder(periods, DEFAULT_REVIEW_SETTINGS);
  const sight: Record<string, string[]> = { a: [HOME_LA, 'TRUST'], b: [OTHER_LA, 'TRUST'], c: [HOME_LA], d: ['TRUST'] };
  for (const p of people) builder.add(p, sight[p.id]!);
  const rows = builder.rows();

  test('RPT-1 to RPT-16: the sums a reader may add up equal the report over the people that reader may see', () => {
    const readers = [
      { role: 'admin', organisationCode: HOME_LA },
      { role: 'approver', organisationCode: 'TRUST' },
      { role: 'auditor', organisationCode: 'TRUST' },
      { role: 'finance', organisationCode: HOME_LA },
    ] as const;
    const filters: ReportFilter[] = [{ localAuthority: null, icb: null }, { localAuthority: HOME_LA, icb: null }, { localAuthority: null, icb: OTHER_ICB }];
    for (const viewer of readers) {
      const reader = summaryReader(viewer);
      const visible = people.filter((p) => viewer.role === 'admin' || sight[p.id]!.includes(viewer.organisationCode));
      for (const filter of filters) {
        const slow = registerReport(visible, asOf, { ...filter, viewer }, DEFAULT_REVIEW_SETTINGS, 4);
        const fast = reportFromSummaries(rows.filter((r) => r.scope === reader.scope && reader.parts.includes(r.part)), periods, filter);
        assert.deepEqual(fast, slow, `${viewer.role} at ${viewer.organisationCode} ${JSON.stringify(filter)}`);
      }
    }
    assert.equal(builder.people().get(EVERYONE), 4);
    assert.equal(builder.people().get('TRUST'), 3);
  });

  test('RPT-14: money is kept apart, so a reader who may not see it gets none of it', () => {
    const april = registerReport(people, '2024-04-30', { localAuthority: null, icb: null }, DEFAULT_REVIEW_SETTINGS, 1);
    const { base, money } = splitMoney(april);
    assert.equal(base.s117ChargesPence, 0);
    assert.deepEqual(base.spend, []);
    assert.equal(money!.s117ChargesPence, 500);
    assert.equal(money!.byStatus.active, 0);
    assert.deepEqual(summaryReader({ role: 'approver', organisationCode: HOME_LA }), { scope: HOME_LA, parts: ['base', 'money-own'] });
    assert.deepEqual(summaryReader({ role: 'auditor', organisationCode: HOME_LA }), { scope: HOME_LA, parts: ['base', 'money'] });
    assert.deepEqual(summaryReader({ role: 'admin', organisationCode: HOME_LA }), { scope: EVERYONE, parts: ['base', 'money'] });
  });

  test('ADR 0014: the summaries answer only for the periods they keep', () => {
    const kept = summaryPeriods('2024-05-15');
    assert.equal(kept.length, 25);
    assert.ok(summariesCover(kept, monthlyPeriods('2024-05-15', 12)));
    assert.ok(summariesCover(kept, monthlyPeriods('2024-04-30', 24)));
    assert.ok(!summariesCover(kept, monthlyPeriods('2024-05-14', 12)), 'a day the refresh did not end on');
    assert.ok(!summariesCover(kept, monthlyPeriods('2022-04-30', 12)), 'older than two years');
  });

  test('issue 13 item 5: FiguresSum subtracts; a keyed row no one adds any more disappears, a £0 row someone still adds stays', () => {
    const a = { ...emptyFigures('2024-05-01', '2024-05-31'), newEntitlements: 1, newEntitlementsBySection: { '3': 1 }, byStatus: { ...emptyFigures('2024-05-01', '2024-05-31').byStatus, active: 1 }, balances: [{ localAuthority: HOME_LA, icb: OTHER_ICB, icbOwesLocalAuthorityPence: 0 }] };
    const b = { ...emptyFigures('2024-05-01', '2024-05-31'), newEntitlements: 1, newEntitlementsBySection: { '37': 1 }, reviewsInDate: 1, reviewsByKeyworker: [{ userId: 'u1', team: 'Team A', inDate: 1, overdue: 0 }], spend: [{ body: 'icb' as const, code: OTHER_ICB, category: 'accommodation', agreedPence: 100, paidPence: 0 }] };
    const only = new FiguresSum('2024-05-01', '2024-05-31');
    only.add(a);
    const both = new FiguresSum('2024-05-01', '2024-05-31');
    both.add(a);
    both.add(b);
    both.subtract(b);
    assert.deepEqual(both.result(), only.result());
    assert.deepEqual(both.result().balances, [{ localAuthority: HOME_LA, icb: OTHER_ICB, icbOwesLocalAuthorityPence: 0 }], 'a balance of £0 that a person adds is kept');
    assert.deepEqual(both.result().reviewsByKeyworker, [], 'the keyworker nobody counts any more is gone');
    assert.deepEqual(both.result().newEntitlementsBySection, { '3': 1 });
    // A difference keeps the counts: one in date becoming one overdue is no row more, yet two figures changed.
    const moved = new FiguresSum('2024-05-01', '2024-05-31');
    moved.add({ reviewsByKeyworker: [{ userId: 'u1', team: 'Team A', inDate: 0, overdue: 1 }] });
    moved.subtract({ reviewsByKeyworker: [{ userId: 'u1', team: 'Team A', inDate: 1, overdue: 0 }] });
    assert.deepEqual(moved.result({ counted: true }).reviewsByKeyworker, [{ userId: 'u1', team: 'Team A', inDate: -1, overdue: 1, n: 0 }]);
  });

  test('issue 13 item 5: the sums plus each changed person’s difference (new minus old) equal the sums made afresh, for every reader', () => {
    const changed = [
      // a: a charge and a second keyworker; b: merged into another (gone); e: new.
      reportPerson('a', discharged(), { services: [service('s1', 'a')], s117Charges: [{ paidOn: '2024-04-02', amountPence: 500 }, { paidOn: '2024-05-02', amountPence: 700 }], keyworkers: [{ userId: 'u1', team: 'Team A', from: '2024-01-01', to: '2024-04-10' }, { userId: 'u2', team: 'Team B', from: '2024-04-10', to: null }] }),
      people[2]!,
      people[3]!,
      reportPerson('e', discharged({ residences: [{ localAuthority: OTHER_LA, since: '2015-01-01' }] }), { services: [service('s5', 'e', { weeklyCostPence: 0 })] }),
    ];
    const newSight: Record<string, string[]> = { ...sight, a: [HOME_LA], e: [OTHER_LA, 'TRUST'] };
    const afresh = summaryBuilder(periods, DEFAULT_REVIEW_SETTINGS);
    for (const p of changed) afresh.add(p, newSight[p.id]!);
    const contribution = (p: ReportPerson | undefined, on: Record<string, string[]>) => (p ? personContribution(p, on[p.id]!, periods, DEFAULT_REVIEW_SETTINGS) : null);
    const deltas = ['a', 'b', 'e'].map((id) => contributionDelta(contribution(people.find((p) => p.id === id), sight), contribution(changed.find((p) => p.id === id), newSight)));
    const readers = [{ role: 'admin', organisationCode: HOME_LA }, { role: 'approver', organisationCode: 'TRUST' }, { role: 'auditor', organisationCode: 'TRUST' }, { role: 'finance', organisationCode: HOME_LA }, { role: 'approver', organisationCode: OTHER_LA }] as const;
    for (const viewer of readers) {
      const reader = summaryReader(viewer);
      const mine = (r: { scope: string; part: string }) => r.scope === reader.scope && reader.parts.includes(r.part as never);
      const kept = [...rows, ...deltas.flatMap((d) => d.rows)].filter(mine);
      for (const filter of [{ localAuthority: null, icb: null }, { localAuthority: HOME_LA, icb: null }, { localAuthority: null, icb: OTHER_ICB }]) {
        assert.deepEqual(reportFromSummaries(kept, periods, filter), reportFromSummaries(afresh.rows().filter(mine), periods, filter), `${viewer.role} at ${viewer.organisationCode} ${JSON.stringify(filter)}`);
      }
      const people = (builder.people().get(reader.scope) ?? 0) + deltas.reduce((n, d) => n + (d.people.get(reader.scope) ?? 0), 0);
      assert.equal(people, afresh.people().get(reader.scope) ?? 0, `people for ${reader.scope}`);
    }
    assert.deepEqual(contributionDelta(contribution(people[2], sight), contribution(people[2], sight)), { rows: [], people: new Map(), unchanged: true }, 'a person whose facts did not change adds nothing');
    assert.deepEqual(addUpRows([...rows.map((r) => ({ ...r, sign: -1 as const })), ...rows]), [], 'the sums minus themselves are nothing');
  });

  test('issue 14: with sight unchanged only the periods that differ are added up, to the same difference, however the old one was read back', () => {
    const contribution = (p: ReportPerson) => personContribution(p, sight.a!, periods, DEFAULT_REVIEW_SETTINGS);
    const before = contribution(people[0]!);
    // A charge paid in the last month changes that month's figures alone.
    const after = contribution({ ...people[0]!, s117Charges: [...people[0]!.s117Charges, { paidOn: '2024-05-20', amountPence: 900 }] });
    const same = after.periods.filter((p, i) => JSON.stringify(p) === JSON.stringify(before.periods[i])).length;
    assert.ok(same > 0 && same < after.periods.length, `some periods alike, some not (${same} of ${after.periods.length})`);
    // The difference as it was worked out before issue 14: every period of both, added up.
    const signed = (c: typeof before, sign: 1 | -1) => contributionRows(c).map((r) => ({ ...r, sign }));
    const everyPeriod = addUpRows([...signed(after, 1), ...signed(before, -1)]);
    assert.ok(everyPeriod.length > 0);
    assert.deepEqual(contributionDelta(before, after), { rows: everyPeriod, people: new Map(), unchanged: false });
    // The database gives the old one back with its keys in another order (jsonb): the periods still compare alike.
    assert.deepEqual(contributionDelta(reordered(before) as typeof before, after), { rows: everyPeriod, people: new Map(), unchanged: false });
    assert.deepEqual(contributionDelta(before, reordered(before) as typeof before), { rows: [], people: new Map(), unchanged: true });
    // Which periods are left to add up: those that differ, whichever way the old one was read back.
    const left = (a: typeof before, b: typeof before) => withoutSamePeriods(a, b).map((c) => c.periods.length);
    const differ = after.periods.length - same;
    assert.deepEqual(left(before, after), [before.periods.length - same, differ]);
    assert.deepEqual(left(reordered(before) as typeof before, after), [before.periods.length - same, differ]);
    assert.deepEqual(left({ ...before, sight: [...before.sight, 'ANOTHER'] }, after), [before.periods.length, after.periods.length], 'sight changed: every period counts for other readers');
    const ownChanged = { ...before, periods: before.periods.map((p, i) => (i === 0 ? { ...p, own: [...p.own, 'ANOTHER'] } : p)) };
    assert.equal(left(ownChanged, after)[0], before.periods.length - same + (JSON.stringify(after.periods[0]) === JSON.stringify(before.periods[0]) ? 1 : 0), 'a period whose money readers changed is added up');
  });

  test('issue 14: a contribution is unchanged exactly when it is deeply the same, as the summariser compared before (it keeps a changed one only)', () => {
    const contribution = (p: ReportPerson, on = sight.a!) => personContribution(p, on, periods, DEFAULT_REVIEW_SETTINGS);
    const before = contribution(people[0]!);
    const empty = { ...before, periods: [] };
    const pairs: [string, typeof before | null, typeof before | null][] = [
      ['the same', before, contribution(people[0]!)],
      ['read back in another key order', reordered(before) as typeof before, before],
      ['a charge paid', before, contribution({ ...people[0]!, s117Charges: [...people[0]!.s117Charges, { paidOn: '2024-05-20', amountPence: 900 }] })],
      ['sight alone changed', before, { ...before, sight: [...before.sight, 'ANOTHER'] }],
      ['a period fewer', before, { ...before, periods: before.periods.slice(1) }],
      ['a period more', { ...before, periods: before.periods.slice(1) }, before],
      ['no periods, the same sight', empty, { ...empty }],
      ['no periods, another sight', empty, { ...empty, sight: ['ANOTHER'] }],
      ['new', null, before],
      ['gone', before, null],
      ['neither', null, null],
    ];
    for (const [what, old, now] of pairs) assert.equal(contributionDelta(old, now).unchanged, isDeepStrictEqual(old, now), what);
  });
});
