// RPT-1 to RPT-10: each measure of the register's reports on small hand-made people, as of a date.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PersonFacts } from '../../../src/domain/aftercare.ts';
import { DEFAULT_REVIEW_SETTINGS } from '../../../src/domain/reviews.ts';
import { MEASURES, monthlyPeriods, monthEnd, overdueBand, registerReport, wholeMonthsBetween, type ReportFilter, type ReportPerson } from '../../../src/domain/reports.ts';
import { HOME_ICB, HOME_LA, OTHER_ICB, OTHER_LA, detainedAndDischarged, person, status, stay } from './aftercare-fixtures.ts';

const ANY: ReportFilter = { localAuthority: null, icb: null };
const HOME: ReportFilter = { localAuthority: HOME_LA, icb: null };
const OTHER: ReportFilter = { localAuthority: OTHER_LA, icb: null };

function reportPerson(id: string, facts: PersonFacts, more: Partial<ReportPerson> = {}): ReportPerson {
  return { id, facts, reviewsHeld: [], reviewRequests: [], disputes: [], keyworkers: [], planVersions: [], complaints: [], s117Charges: [], refunds: [], services: [], payments: [], budgets: [], ...more };
}

const report = (people: ReportPerson[], asOf: string, filter: ReportFilter = ANY, months = 3) => registerReport(people, asOf, filter, DEFAULT_REVIEW_SETTINGS, months);

/** Detained under section 3 in January 2024, left hospital on 2024-03-10. */
const discharged = (overrides: Partial<PersonFacts> = {}) => detainedAndDischarged('3', '2024-01-05', '2024-03-10', '2024-03-10', overrides);

describe('RPT periods', () => {
  test('RPT-1: a monthly report covers each whole month before, then the month of asOf up to asOf', () => {
    assert.deepEqual(monthlyPeriods('2024-03-15', 3), [
      { from: '2024-01-01', asOf: '2024-01-31' },
      { from: '2024-02-01', asOf: '2024-02-29' },
      { from: '2024-03-01', asOf: '2024-03-15' },
    ]);
    assert.equal(monthEnd('2023-02-10'), '2023-02-28');
  });

  test('RPT-1: every measure has a rule id and a definition', () => {
    for (const [id, m] of Object.entries(MEASURES)) {
      assert.match(m.rule, /^RPT-\d+$/, id);
      assert.ok(m.text.length > 40, id);
    }
  });
});

describe('RPT-1 register by status at each month end', () => {
  test('RPT-1: a person is counted by the status of their latest episode at each month end, not today', () => {
    const r = report([reportPerson('a', discharged())], '2024-03-31');
    assert.equal(r.months[0]!.byStatus['entitled-pending-discharge'], 0);
    assert.equal(r.months[0]!.byStatus.planning, 1, 'January: detained, planning');
    assert.equal(r.months[1]!.byStatus.planning, 1, 'February: still detained');
    assert.equal(r.months[2]!.byStatus.active, 1, 'March: left hospital');
    assert.equal(r.byStatus.active, 1);
  });

  test('RPT-1: a person who moved council during the month stays with the council responsible for their episode (RESP-2)', () => {
    const moved = discharged({ residences: [{ localAuthority: HOME_LA, since: '2015-06-01' }, { localAuthority: OTHER_LA, since: '2024-03-20' }] });
    const people = [reportPerson('a', moved)];
    assert.equal(report(people, '2024-03-31', HOME).byStatus.active, 1);
    assert.equal(report(people, '2024-03-31', OTHER).byStatus.active, 0);
    // RPT-9: and from the move, they are placed out of area.
    assert.equal(report(people, '2024-03-19', HOME).outOfArea, 0);
    assert.equal(report(people, '2024-03-31', HOME).outOfArea, 1);
  });

  test('RPT-1: attribution follows the body responsible at the time: a later confirmation of another council does not move earlier months', () => {
    const confirmed = discharged({
      responsibilityDecisions: [{ episodeId: 'q-1', localAuthority: { code: OTHER_LA, basis: 'Agreed' }, icb: { code: HOME_ICB, basis: 'GP' }, decidedAt: '2024-04-10T10:00:00.000Z' }],
    });
    const april = report([reportPerson('a', confirmed)], '2024-04-30', HOME, 2);
    assert.equal(april.months[0]!.byStatus.active, 1, 'March: proposed for the home council');
    assert.equal(april.byStatus.active, 0, 'April: confirmed for the other council');
    assert.equal(report([reportPerson('a', confirmed)], '2024-04-30', OTHER, 2).byStatus.active, 1);
  });

  test('RPT-1: the ICB filter counts by the episode’s ICB', () => {
    const people = [reportPerson('a', discharged())];
    assert.equal(report(people, '2024-03-31', { localAuthority: null, icb: HOME_ICB }).byStatus.active, 1);
    assert.equal(report(people, '2024-03-31', { localAuthority: null, icb: OTHER_ICB }).byStatus.active, 0);
  });

  test('RPT-1: someone never detained is not entitled, counted where they live', () => {
    const r = report([reportPerson('a', person())], '2024-03-31', HOME);
    assert.equal(r.byStatus['not-entitled'], 1);
    assert.equal(report([reportPerson('a', person())], '2024-03-31', OTHER).byStatus['not-entitled'], 0);
  });
});

describe('RPT-2 to RPT-5 new entitlements, endings, superseded and reinstated', () => {
  test('RPT-2: the duty starts in the month they leave hospital, by qualifying section', () => {
    const r = report([reportPerson('a', discharged())], '2024-03-31');
    assert.deepEqual(r.months.map((m) => m.newEntitlements), [0, 0, 1]);
    assert.deepEqual(r.newEntitlementsBySection, { '3': 1 });
  });

  test('RPT-3, RPT-5: an episode ended and reinstated counts as an ending in the month it ended and a reinstatement later; the earlier month does not change', () => {
    const facts = discharged({ jointEndings: [{ episodeId: 'q-1', endedOn: '2024-05-15' }], reinstatements: [{ episodeId: 'q-1', reinstatedOn: '2024-06-20' }] });
    const r = report([reportPerson('a', facts)], '2024-06-30', ANY, 2);
    assert.equal(r.months[0]!.endings, 1);
    assert.equal(r.months[0]!.endingsByReason['joint-decision'], 1);
    assert.equal(r.months[0]!.byStatus.ended, 1, 'May: ended');
    assert.equal(r.reinstated, 1);
    assert.equal(r.endings, 0);
    assert.equal(r.byStatus.active, 1, 'June: reinstated, running again');
    const mayOnly = report([reportPerson('a', facts)], '2024-05-31', ANY, 1);
    assert.deepEqual(mayOnly.byStatus, r.months[0]!.byStatus, 'May as reported in June is May as reported in May');
  });

  test('RPT-3: a death ends the episode with reason death', () => {
    const r = report([reportPerson('a', discharged({ dateOfDeath: '2024-03-20' }))], '2024-03-31');
    assert.equal(r.endingsByReason.death, 1);
    assert.equal(r.byStatus.deceased, 1);
  });

  test('RPT-4: a new qualifying detention supersedes the episode; it is not an ending', () => {
    const facts = person({
      admissions: [stay('s1', '2024-01-05', '2024-02-10'), stay('s2', '2024-03-12', null)],
      legalStatuses: [status('q-1', '3', '2024-01-05', '2024-02-10', 's1'), status('q-2', '3', '2024-03-12', null, 's2')],
    });
    const r = report([reportPerson('a', facts)], '2024-03-31');
    assert.equal(r.superseded, 1);
    assert.equal(r.endings, 0);
    assert.equal(r.byStatus.planning, 1);
    assert.equal(r.months[1]!.newEntitlements, 1, 'February: left hospital');
  });
});

describe('RPT-6 to RPT-8 reviews', () => {
  const keyworkers = [{ userId: 'kw-1', team: 'TRUST', from: '2024-03-01', to: null }];

  test('RPT-6, RPT-7: the first review is due six weeks after leaving hospital; overdue after, banded by days', () => {
    const people = [reportPerson('a', discharged(), { keyworkers })];
    assert.equal(report(people, '2024-04-21').reviewsInDate, 1, 'due 21 April');
    const may = report(people, '2024-05-31');
    assert.equal(may.reviewsOverdue, 1);
    assert.equal(may.overdueBy['31-90-days'], 1);
    assert.deepEqual(may.reviewsByKeyworker, [{ userId: 'kw-1', team: 'TRUST', inDate: 0, overdue: 1 }]);
  });

  test('RPT-8: a review held on time keeps the clock in date; a late one counts as held but not on time', () => {
    const onTime = reportPerson('a', discharged(), { reviewsHeld: [{ episodeId: 'q-1', heldOn: '2024-04-15' }] });
    const late = reportPerson('b', discharged(), { reviewsHeld: [{ episodeId: 'q-1', heldOn: '2024-04-25' }] });
    const r = report([onTime, late], '2024-04-30');
    assert.equal(r.reviewsHeld, 2);
    assert.equal(r.reviewsHeldOnTime, 1);
    assert.equal(r.reviewsInDate, 2);
    assert.equal(r.reviewsOverdue, 0);
  });

  test('RPT-7: overdue bands', () => {
    assert.equal(overdueBand(1), '1-30-days');
    assert.equal(overdueBand(30), '1-30-days');
    assert.equal(overdueBand(31), '31-90-days');
    assert.equal(overdueBand(181), 'over-180-days');
  });
});

describe('RPT-11, RPT-12 plans', () => {
  test('RPT-11: a plan finalised after detention began and by the day they left hospital is final before leaving (PLAN-7)', () => {
    const inTime = reportPerson('a', discharged(), { planVersions: [{ finalisedOn: '2024-03-01', contingency: true, signedOrReason: true }] });
    const late = reportPerson('b', discharged(), { planVersions: [{ finalisedOn: '2024-03-11', contingency: true, signedOrReason: false }] });
    const old = reportPerson('c', discharged(), { planVersions: [{ finalisedOn: '2023-06-01', contingency: false, signedOrReason: true }] });
    const r = report([inTime, late, old], '2024-03-31');
    assert.equal(r.newEntitlements, 3);
    assert.equal(r.plansFinalBeforeLeaving, 1);
    // RPT-12: each running person's latest final plan by the date.
    assert.deepEqual([r.plansFinal, r.plansWithContingency, r.plansSignedOrReason], [3, 2, 2]);
    assert.equal(report([late], '2024-03-10').plansFinal, 0, 'not yet final on 10 March (and not yet running)');
  });
});

describe('RPT-13 complaints, RPT-14 money', () => {
  test('RPT-13: open complaints and the Ombudsman window (CMP-1) as of the date', () => {
    const people = [reportPerson('a', discharged(), { complaints: [{ receivedOn: '2024-03-05', awareOn: '2023-02-01', outcomeOn: '2024-05-10' }, { receivedOn: '2024-03-20', awareOn: '2024-03-01', outcomeOn: null }] })];
    const march = report(people, '2024-03-31');
    assert.deepEqual([march.complaintsReceived, march.complaintsOpen, march.complaintsOpenWithinOmbudsmanWindow], [2, 2, 1]);
    assert.deepEqual([report(people, '2024-05-31').complaintsOpen, report(people, '2024-05-31').complaintsReceived], [1, 0]);
  });

  test('RPT-14: charges for s117 services and refunds owed, paid and outstanding; money only where the reader may see it', () => {
    const person = reportPerson('a', discharged(), { s117Charges: [{ paidOn: '2024-03-15', amountPence: 4500 }], refunds: [{ calculatedOn: '2024-03-20', paidOn: '2024-04-02', totalPence: 4620 }] });
    const march = report([person], '2024-03-31');
    assert.deepEqual([march.s117ChargesPaid, march.s117ChargesPence, march.refundsOwedPence, march.refundsPaidPence, march.refundsOutstandingPence], [1, 4500, 4620, 0, 4620]);
    const april = report([person], '2024-04-30');
    assert.deepEqual([april.s117ChargesPaid, april.refundsPaidPence, april.refundsOutstandingPence], [0, 4620, 0]);
    const otherCouncil = report([person], '2024-03-31', { localAuthority: null, icb: null, viewer: { role: 'finance', organisationCode: OTHER_LA } });
    assert.deepEqual([otherCouncil.s117ChargesPence, otherCouncil.refundsOwedPence], [0, 0]);
    const home = report([person], '2024-03-31', { localAuthority: null, icb: null, viewer: { role: 'finance', organisationCode: HOME_LA } });
    assert.equal(home.s117ChargesPence, 4500);
  });
});

describe('RPT-15 spend and balance', () => {
  test('RPT-15: each body’s share and payments by category for the bodies responsible at the time, and the balance', () => {
    const service = { serviceId: 's1', personId: 'a', category: 'accommodation', provider: 'Care Ltd', weeklyCostPence: 70000, funding: { localAuthorityPercent: 50, icbPercent: 50 }, startDate: '2024-03-11', endDate: null };
    const person = reportPerson('a', discharged(), { services: [service], payments: [{ serviceId: 's1', body: 'local-authority', periodFrom: '2024-04-01', periodTo: '2024-04-30', amountPence: 300000 }] });
    const april = report([person], '2024-04-30');
    assert.deepEqual(april.spend, [
      { body: 'icb', code: HOME_ICB, category: 'accommodation', agreedPence: 150000, paidPence: 0 },
      { body: 'local-authority', code: HOME_LA, category: 'accommodation', agreedPence: 150000, paidPence: 300000 },
    ]);
    assert.deepEqual(april.balances, [{ localAuthority: HOME_LA, icb: HOME_ICB, icbOwesLocalAuthorityPence: 150000 }]);
    assert.deepEqual(report([person], '2024-04-30', OTHER).spend, [], 'not the other council’s');
  });
});

describe('RPT-16 budgets', () => {
  test('RPT-16: budgets running on the date by kind, and reviews overdue (DP-1(d) six months, DP-2 three months)', () => {
    const person = reportPerson('a', discharged(), { budgets: [
      { kind: 'direct-payment', startDate: '2024-04-01', endDate: null, reviewsHeldOn: [], triggersOn: [] },
      { kind: 'personal-health-budget', startDate: '2024-04-01', endDate: '2024-12-31', reviewsHeldOn: [], triggersOn: ['2024-05-10'] },
    ] });
    const may = report([person], '2024-05-31');
    assert.deepEqual([may.directPayments, may.personalHealthBudgets, may.budgetReviewsOverdue], [1, 1, 1], 'the trigger made the health budget’s review due at once');
    const august = report([person], '2024-08-31');
    assert.equal(august.budgetReviewsOverdue, 1);
    const november = report([person], '2024-11-30');
    assert.equal(november.budgetReviewsOverdue, 2, 'the direct payment’s 6 months passed on 1 October');
    assert.deepEqual([report([person], '2025-01-31').personalHealthBudgets, report([person], '2024-03-31').directPayments], [0, 0]);
  });
});

describe('RPT-10 disputes', () => {
  const dispute = { partyA: { kind: 'local-authority' as const, code: HOME_LA }, partyB: { kind: 'local-authority' as const, code: OTHER_LA }, subject: 'ordinary-residence' as const, interimFunderCode: HOME_LA, raisedOn: '2024-01-10', referredOn: null, personToldOn: null, resolvedOn: '2024-06-01', resolution: 'Agreed' };

  test('RPT-10: open disputes by age, and those past the 4-month clock unreferred (RESP-6)', () => {
    const people = [reportPerson('a', discharged(), { disputes: [dispute] })];
    const march = report(people, '2024-03-31');
    assert.equal(march.disputesOpen, 1);
    assert.equal(march.disputesByAgeMonths['2'], 1);
    assert.equal(march.disputesPastFourMonths, 0);
    const may = report(people, '2024-05-31');
    assert.equal(may.disputesPastFourMonths, 1);
    assert.equal(may.disputesByAgeMonths['4+'], 1);
    assert.equal(report(people, '2024-06-30').disputesOpen, 0, 'resolved in June');
    assert.equal(wholeMonthsBetween('2024-01-31', '2024-02-29'), 1);
  });
});
