// Who may have a budget and how it is changed: DP-1(a), (c), (d) triggers, (e); DP-2 eligibility, care
// plan, payees, refusals and reductions with notice.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  ageOn,
  budgetReviewDue,
  budgetReductionViolations,
  careHomeWeeksExceeded,
  budgetReviewDueWithTriggers,
  eligibilityViolations,
  paymentViolations,
  reductionByChangeViolations,
  missingCarePlanParts,
  needsEnhancedDbs,
  reductionViolations,
  type BudgetEligibility,
  type CarePlan,
} from '../../../src/domain/budgets.ts';
import { addDays } from '../../../src/domain/dates.ts';
import { loadConfig } from '../../../src/config.ts';

const dp: BudgetEligibility = {
  kind: 'direct-payment',
  ageOnStart: 40,
  drugOrAlcoholRequirement: false,
  capacity: 'has',
  consents: null,
  authorisedPerson: null,
  consultationRecordedOn: null,
  enhancedDbsCheckedOn: null,
  startDate: '2026-01-01',
  endDate: null,
  paysForCareHome: false,
  careHomeSch2: false,
  paying: false,
  carePlan: null,
  refusedOn: null,
  refusalReasons: null,
};
const phb: BudgetEligibility = { ...dp, kind: 'personal-health-budget', consents: true };
const plan: CarePlan = {
  healthNeedsAndOutcomes: 'Stay well at home',
  services: 'Support worker',
  amountAndPaymentIntervals: '£200 every 4 weeks',
  careCoordinator: 'Care co-ordinator A',
  conditionMonitoring: 'Community mental health team',
  firstReviewOn: '2026-04-01',
  reductionNoticeDays: 28,
};
const fields = (b: BudgetEligibility) => eligibilityViolations(b).map((v) => `${v.rule}:${v.field}`);

describe('direct payments (DP-1)', () => {
  test('DP-1: no direct payment to a person subject to a Sch 1 drug or alcohol requirement', () => {
    assert.deepEqual(fields({ ...dp, drugOrAlcoholRequirement: true }), ['DP-1:drugOrAlcoholRequirement']);
    assert.deepEqual(fields(dp), []);
  });

  test('DP-1: a person lacking capacity needs an authorised person and a recorded consultation', () => {
    assert.deepEqual(fields({ ...dp, capacity: 'lacks' }), ['DP-1:authorisedPerson', 'DP-1:consultationRecordedOn']);
    assert.deepEqual(fields({ ...dp, capacity: 'lacks', authorisedPerson: { name: 'A', relationship: 'family-member' }, consultationRecordedOn: '2025-12-01' }), []);
  });

  test('DP-1: an authorised person who is not family or a friend needs an enhanced DBS check', () => {
    const lacking = { ...dp, capacity: 'lacks' as const, consultationRecordedOn: '2025-12-01' };
    assert.deepEqual(fields({ ...lacking, authorisedPerson: { name: 'B', relationship: 'professional' } }), ['DP-1:enhancedDbsCheckedOn']);
    assert.deepEqual(fields({ ...lacking, authorisedPerson: { name: 'B', relationship: 'professional' }, enhancedDbsCheckedOn: '2025-11-01' }), []);
    assert.deepEqual(fields({ ...lacking, authorisedPerson: { name: 'C', relationship: 'friend' } }), []);
    assert.equal(needsEnhancedDbs({ name: 'D', relationship: 'other' }), true);
  });

  test('DP-1: care-home accommodation by direct payment for at most 4 weeks unless the authority is in Sch 2', () => {
    const home = { ...dp, paysForCareHome: true };
    assert.deepEqual(fields({ ...home, endDate: addDays(dp.startDate, 27) }), []); // 28 days, counting both ends
    assert.deepEqual(fields({ ...home, endDate: addDays(dp.startDate, 28) }), ['DP-1:endDate']);
    assert.deepEqual(fields(home), ['DP-1:endDate']); // open-ended
    assert.deepEqual(fields({ ...home, careHomeSch2: true }), []);
    assert.equal(loadConfig({}).dpCareHomeSch2, false);
    assert.equal(loadConfig({ S117_DP_CARE_HOME_SCH2: 'true' }).dpCareHomeSch2, true);
  });

  test('DP-1: a suspected breach or change in capacity makes a review due now', () => {
    const clock = { kind: 'direct-payment' as const, startDate: '2026-01-01', endDate: null };
    assert.equal(budgetReviewDueWithTriggers(clock, [], []), '2026-07-01');
    assert.equal(budgetReviewDueWithTriggers(clock, [], ['2026-02-10']), '2026-02-10');
    // A review held after the event satisfies it; the 12-month clock runs from that review.
    assert.equal(budgetReviewDueWithTriggers(clock, ['2026-02-20'], ['2026-02-10']), '2027-02-20');
    assert.equal(budgetReviewDueWithTriggers({ ...clock, endDate: '2026-03-01' }, [], ['2026-02-10'], '2026-04-01'), null);
  });

  test('DP-1: an event never makes the review later than the schedule (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 800 }), fc.array(fc.integer({ min: 0, max: 800 }), { maxLength: 4 }), (e, rs) => {
        const clock = { kind: 'direct-payment' as const, startDate: '2026-01-01', endDate: null };
        const reviews = rs.map((r) => addDays('2026-01-01', r));
        const due = budgetReviewDueWithTriggers(clock, reviews, [addDays('2026-01-01', e)])!;
        assert.ok(due <= budgetReviewDue(clock, reviews)!);
      }),
    );
  });
});

describe('personal health budgets (DP-2)', () => {
  test('DP-2: a person 16 or over with capacity must consent', () => {
    assert.deepEqual(fields({ ...phb, consents: null }), ['DP-2:consents']);
    assert.deepEqual(fields({ ...phb, consents: false }), ['DP-2:consents']);
    assert.deepEqual(fields({ ...phb, ageOnStart: 16 }), []);
  });

  test('DP-2: a child under 16 or a person lacking capacity needs a representative', () => {
    assert.deepEqual(fields({ ...phb, ageOnStart: 15, consents: null }), ['DP-2:authorisedPerson']);
    assert.deepEqual(fields({ ...phb, capacity: 'lacks', consents: null }), ['DP-2:authorisedPerson']);
    assert.deepEqual(fields({ ...phb, ageOnStart: 15, consents: null, authorisedPerson: { name: 'Parent', relationship: 'family-member' } }), []);
  });

  test('DP-2: a health budget is paid only with a complete care plan, listing what is missing', () => {
    const v = eligibilityViolations({ ...phb, paying: true, carePlan: { ...plan, careCoordinator: null, reductionNoticeDays: null } });
    assert.equal(v[0]!.field, 'carePlan');
    assert.match(v[0]!.message, /named care co-ordinator, the notice period for reductions/);
    assert.deepEqual(v.slice(1).map((x) => x.field), ['carePlan.careCoordinator', 'carePlan.reductionNoticeDays']);
    assert.equal(missingCarePlanParts(null).length, 7);
    assert.deepEqual(fields({ ...phb, paying: true, carePlan: plan }), []);
    assert.deepEqual(fields({ ...phb, paying: false }), []);
  });

  test('DP-2: a refusal needs written reasons', () => {
    assert.deepEqual(fields({ ...phb, refusedOn: '2026-01-01' }), ['DP-2:refusalReasons']);
    assert.deepEqual(fields({ ...phb, refusedOn: '2026-01-01', refusalReasons: '  ' }), ['DP-2:refusalReasons']);
    assert.deepEqual(fields({ ...phb, refusedOn: '2026-01-01', refusalReasons: 'The needs are met by the ward team' }), []);
  });

  test('DP-2: a reduction takes effect no sooner than the notice period after written notice', () => {
    const r = { noticeGivenOn: '2026-03-01', effectiveOn: '2026-03-20', newAmountPencePerWeek: 5000 };
    assert.deepEqual(reductionViolations(r, 10000, 28).map((v) => v.rule), ['DP-2']);
    assert.deepEqual(reductionViolations({ ...r, effectiveOn: '2026-03-29' }, 10000, 28), []);
    assert.deepEqual(reductionViolations({ ...r, effectiveOn: '2026-03-01' }, 10000, null).map((v) => v.rule), ['DP-2']);
    assert.deepEqual(reductionViolations({ ...r, effectiveOn: '2026-03-02', newAmountPencePerWeek: 0 }, 10000, null), []); // stopping
    assert.deepEqual(reductionViolations({ ...r, effectiveOn: '2026-04-01', newAmountPencePerWeek: 10000 }, 10000, 28).map((v) => v.field), ['newAmountPencePerWeek']);
  });

  test('DP-2: age in whole years on the start date', () => {
    assert.equal(ageOn('2010-06-15', '2026-06-14'), 15);
    assert.equal(ageOn('2010-06-15', '2026-06-15'), 16);
    assert.equal(ageOn('2008-02-29', '2024-02-28'), 15);
  });

  test('DP-2: a health budget pays a spouse, or a close relative in the household, only with a recorded necessity', () => {
    const b = { kind: 'personal-health-budget' as const, payeeRelationship: 'spouse-or-partner' as const, payeeLivesInSameHousehold: false, necessityReason: null, startDate: '2026-01-01', payingFrom: null };
    assert.deepEqual(paymentViolations(b).map((v) => `${v.rule}:${v.field}`), ['DP-2:necessityReason']);
    assert.deepEqual(paymentViolations({ ...b, necessityReason: 'No other carer speaks the person’s language' }), []);
    assert.deepEqual(paymentViolations({ ...b, payeeRelationship: 'close-relative', payeeLivesInSameHousehold: false }), []);
    assert.deepEqual(paymentViolations({ ...b, kind: 'direct-payment' }), [], 'a direct payment is checked by DP-1(b)');
    assert.deepEqual(paymentViolations({ ...b, necessityReason: 'x', payingFrom: '2025-12-31' }).map((v) => v.field), ['payingFrom']);
  });

  test('DP-2: a health budget being paid is reduced only by a reduction with notice, never by a change', () => {
    const paid = { kind: 'personal-health-budget' as const, payingFrom: '2026-01-01', amountPencePerWeek: 10000 };
    assert.deepEqual(reductionByChangeViolations(paid, 9000).map((v) => `${v.rule}:${v.field}`), ['DP-2:amountPencePerWeek']);
    assert.deepEqual(reductionByChangeViolations(paid, 11000), []);
    assert.deepEqual(reductionByChangeViolations({ ...paid, payingFrom: null }, 9000), []);
    assert.deepEqual(reductionByChangeViolations({ ...paid, kind: 'direct-payment' }, 9000), []);
  });

  test('DP-2: a direct payment is held to the same notice, refused without citing DP-2', () => {
    const r = { noticeGivenOn: '2026-03-01', effectiveOn: '2026-03-20', newAmountPencePerWeek: 5000 };
    assert.deepEqual(budgetReductionViolations('personal-health-budget', r, 10000, 28).map((v) => v.rule), ['DP-2']);
    assert.deepEqual(budgetReductionViolations('direct-payment', r, 10000, 28).map((v) => [v.field, v.rule]), [['effectiveOn', undefined]]);
  });
});

describe('DP-1(e) over a rolling 12 months across all of the person’s direct payments', () => {
  const home = { ...dp, paysForCareHome: true, startDate: '2026-03-01', endDate: '2026-03-14' };
  const fields = (b: BudgetEligibility) => eligibilityViolations(b).map((v) => `${v.rule}:${v.field}`);

  test('DP-1: two stays of 2 weeks each, 3 weeks apart, come to 4 weeks: allowed; a day more is not', () => {
    // 14 + 14 days, 21 days apart: added together (less than 4 weeks apart), 28 days.
    assert.deepEqual(fields({ ...home, otherCareHomePeriods: [{ from: '2026-01-25', to: '2026-02-07' }] }), []);
    assert.deepEqual(fields({ ...home, endDate: '2026-03-15', otherCareHomePeriods: [{ from: '2026-01-25', to: '2026-02-07' }] }), ['DP-1:startDate']);
  });

  test('DP-1: stays 4 weeks or more apart are separate periods and each may last 4 weeks', () => {
    assert.deepEqual(fields({ ...home, endDate: '2026-03-28', otherCareHomePeriods: [{ from: '2026-01-01', to: '2026-01-28' }] }), []);
    assert.equal(careHomeWeeksExceeded([{ from: '2026-01-01', to: '2026-01-28' }, { from: '2026-02-26', to: '2026-03-25' }]), false); // 28 days apart
    assert.equal(careHomeWeeksExceeded([{ from: '2026-01-01', to: '2026-01-28' }, { from: '2026-02-25', to: '2026-03-24' }]), true); // 27 days apart
  });

  test('DP-1: a chain of short stays counts within any 12 months, not one budget’s period', () => {
    // Three 10-day stays, each 20 days after the last: one run of 30 days within 12 months.
    const chain = [{ from: '2026-01-01', to: '2026-01-10' }, { from: '2026-01-31', to: '2026-02-09' }, { from: '2026-03-02', to: '2026-03-11' }];
    assert.equal(careHomeWeeksExceeded(chain.slice(0, 2)), false);
    assert.equal(careHomeWeeksExceeded(chain), true);
    // Days paid by two budgets at once count once.
    assert.equal(careHomeWeeksExceeded([{ from: '2026-01-01', to: '2026-01-20' }, { from: '2026-01-10', to: '2026-01-28' }]), false);
    // An open-ended one is over the limit.
    assert.equal(careHomeWeeksExceeded([{ from: '2026-01-01', to: null }]), true);
    assert.equal(careHomeWeeksExceeded([]), false);
    // In a Sch 2 authority there is no limit.
    assert.deepEqual(fields({ ...home, careHomeSch2: true, endDate: '2026-03-20', otherCareHomePeriods: chain }), []);
  });
});
