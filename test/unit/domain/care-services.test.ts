// The rules on the services a person receives and who funds them: SCOPE-1, SCOPE-3, SCOPE-4, SCOPE-5,
// SCOPE-7, CHG-1, CHG-4, RESP-1, RESP-7, PLAN-7, DP-1, DP-2, DP-3; with property tests of the money invariants.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { canManageFundingPolicy, canSeeMoney } from '../../../src/domain/access.ts';
import { budgetReviewDue, budgetViolations, holderBody, type BudgetCandidate } from '../../../src/domain/budgets.ts';
import {
  SERVICE_CATEGORIES,
  episodeOn,
  fundingDecisionReopened,
  fundingDecisionViolations,
  partnershipOn,
  serviceSplit,
  parsePounds,
  formatPence,
  policyInEffect,
  policyViolations,
  splitViolations,
  weeklyShares,
  type FundingPolicy,
} from '../../../src/domain/funding.ts';
import {
  ACCOMMODATION_TYPES,
  applyServiceChange,
  defaultCareType,
  prescriptionWording,
  rentMayBeBilled,
  noChargeInstruction,
  sameServicesInPlace,
  serviceDecisionsNeeded,
  serviceStatus,
  serviceViolations,
  type ServiceCandidate,
  type ServiceChange,
} from '../../../src/domain/care-services.ts';
import { csvCell, toCsv } from '../../../src/services/kernel/csv.ts';
import type { Episode } from '../../../src/domain/aftercare.ts';

const base: ServiceCandidate = {
  description: 'Support worker, 10 hours a week',
  category: 'social-care',
  careType: 'social',
  s117: true,
  scope: { arisesFromMentalDisorder: true, reducesRiskOfDeterioration: true, rationale: 'Helps with medication and routine' },
  funding: { localAuthorityPercent: 50, icbPercent: 50 },
  weeklyCostPence: 25000,
  personContributionPence: 0,
  startDate: '2024-01-01',
  endDate: null,
  accommodation: null,
  budget: null,
};
const rules = (s: ServiceCandidate) => serviceViolations(s).map((v) => v.rule);

describe('services', () => {
  test('a valid s117 service breaks no rule', () => {
    assert.deepEqual(serviceViolations(base), []);
  });

  test('SCOPE-1: an s117 service whose answers miss a limb is refused', () => {
    const v = serviceViolations({ ...base, scope: { arisesFromMentalDisorder: true, reducesRiskOfDeterioration: false, rationale: 'x' } });
    assert.deepEqual(v.map((x) => [x.field, x.rule]), [['scope.reducesRiskOfDeterioration', 'SCOPE-1']]);
    assert.deepEqual(rules({ ...base, s117: false, scope: { arisesFromMentalDisorder: false, reducesRiskOfDeterioration: false, rationale: 'purely physical' } }), []);
  });

  test('SCOPE-1: an s117 service without the answers is a decision still needed, not a refusal', () => {
    assert.deepEqual(rules({ ...base, scope: null }), []);
    assert.equal(serviceDecisionsNeeded({ ...base, scope: null })[0]?.rule, 'SCOPE-1');
  });

  test('SCOPE-3: healthcare and medication are health care by default, other is mixed, the rest social', () => {
    assert.equal(defaultCareType('healthcare'), 'health');
    assert.equal(defaultCareType('medication'), 'health');
    assert.equal(defaultCareType('accommodation'), 'social');
    assert.equal(defaultCareType('other'), 'mixed');
  });

  test('SCOPE-3: a local authority cannot be given a share of a health service', () => {
    assert.deepEqual(rules({ ...base, category: 'healthcare', careType: 'health', funding: { localAuthorityPercent: 10, icbPercent: 90 } }), ['SCOPE-3']);
    assert.deepEqual(rules({ ...base, category: 'healthcare', careType: 'health', funding: { localAuthorityPercent: 0, icbPercent: 100 } }), []);
    assert.deepEqual(rules({ ...base, careType: 'mixed', funding: { localAuthorityPercent: 30, icbPercent: 70 } }), []);
  });

  test('SCOPE-4: ordinary housing is never s117', () => {
    const v = serviceViolations({ ...base, category: 'accommodation', accommodation: { type: 'ordinary', enhancedFeatures: ['24-hour-staff'] } });
    assert.deepEqual(v.map((x) => [x.field, x.rule]), [['accommodation.type', 'SCOPE-4']]);
    assert.deepEqual(rules({ ...base, s117: false, category: 'accommodation', accommodation: { type: 'ordinary', enhancedFeatures: [] } }), []);
  });

  test('SCOPE-4: enhanced accommodation needs an enhanced feature or a recorded reason to be s117; involuntariness is not required', () => {
    for (const type of ACCOMMODATION_TYPES.filter((t) => t !== 'ordinary')) {
      assert.deepEqual(rules({ ...base, accommodation: { type, enhancedFeatures: [] } }), ['SCOPE-4'], type);
      assert.deepEqual(rules({ ...base, accommodation: { type, enhancedFeatures: ['welfare-checks'], involuntaryPlacement: false } }), [], type);
      assert.deepEqual(rules({ ...base, accommodation: { type, enhancedFeatures: [], reason: 'Specialist mental health staff on site' } }), [], type);
    }
  });

  test('SCOPE-5: rent of s117 accommodation is never billable without a recorded decision that the person pays', () => {
    const acc = { type: 'supported-living' as const, enhancedFeatures: ['24-hour-staff' as const] };
    assert.equal(rentMayBeBilled(true, acc), false);
    assert.equal(serviceDecisionsNeeded({ ...base, accommodation: acc }).some((d) => d.rule === 'SCOPE-5'), true);
    assert.equal(rentMayBeBilled(true, { ...acc, rentDecision: { decision: 'included-in-aftercare', reason: 'Policy', decidedOn: '2024-01-01' } }), false);
    assert.equal(rentMayBeBilled(true, { ...acc, rentDecision: { decision: 'person-pays', reason: 'Joint decision', decidedOn: '2024-01-01' } }), true);
    assert.equal(rentMayBeBilled(false, acc), true);
    assert.deepEqual(rules({ ...base, accommodation: { ...acc, rentDecision: { decision: 'person-pays', reason: ' ', decidedOn: '2024-01-01' } } }), ['SCOPE-5']);
  });

  test('SCOPE-7: the free prescriptions setting changes only the words shown for s117 medication', () => {
    assert.equal(prescriptionWording('social-care', true, true), null);
    assert.match(prescriptionWording('medication', true, true)!, /free/);
    assert.match(prescriptionWording('medication', true, false)!, /usual NHS rules/);
    assert.match(prescriptionWording('medication', false, true)!, /usual NHS rules/);
  });

  test('CHG-1: a contribution to an s117 service is refused, whatever the amount', () => {
    for (const amount of [1, 500, 1_000_000]) {
      const v = serviceViolations({ ...base, personContributionPence: amount, weeklyCostPence: 2_000_000 });
      assert.deepEqual(v.map((x) => [x.field, x.rule]), [['personContributionPence', 'CHG-1']]);
    }
  });

  test('CHG-4: a non-s117 service may carry a charge, not more than its cost', () => {
    assert.deepEqual(rules({ ...base, s117: false, personContributionPence: 5000 }), []);
    assert.deepEqual(serviceViolations({ ...base, s117: false, personContributionPence: 25001 }).map((v) => v.field), ['personContributionPence']);
  });

  test('RESP-1: percentages add up to 100, whole and not negative; costs are whole pence', () => {
    assert.deepEqual(splitViolations({ localAuthorityPercent: 60, icbPercent: 30 }).map((v) => v.rule), ['RESP-1']);
    assert.equal(splitViolations({ localAuthorityPercent: 50.5, icbPercent: 49.5 }).length, 2);
    assert.equal(splitViolations({ localAuthorityPercent: -10, icbPercent: 110 }).length, 2);
    assert.deepEqual(serviceViolations({ ...base, weeklyCostPence: -1 }).map((v) => v.field), ['weeklyCostPence']);
    assert.deepEqual(serviceViolations({ ...base, weeklyCostPence: 10.5 }).map((v) => v.field), ['weeklyCostPence']);
    assert.deepEqual(serviceViolations({ ...base, endDate: '2023-12-31' }).map((v) => v.field), ['endDate']);
  });

  test('DP-3: a direct payment needs a local authority share, a health budget an ICB share', () => {
    assert.deepEqual(rules({ ...base, budget: 'direct-payment', funding: { localAuthorityPercent: 0, icbPercent: 100 } }), ['DP-3']);
    assert.deepEqual(rules({ ...base, budget: 'personal-health-budget', funding: { localAuthorityPercent: 100, icbPercent: 0 } }), ['DP-3']);
    assert.deepEqual(rules({ ...base, budget: 'direct-payment' }), []);
    assert.equal(holderBody('direct-payment'), 'local-authority');
    assert.equal(holderBody('personal-health-budget'), 'icb');
  });
});

describe('funding policy', () => {
  const policies: FundingPolicy[] = [
    { id: 'a', localAuthority: 'E09000099', icb: 'QZZ', version: 1, effectiveFrom: '2023-01-01', splits: { 'social-care': { localAuthorityPercent: 100, icbPercent: 0 } } },
    { id: 'b', localAuthority: 'E09000099', icb: 'QZZ', version: 2, effectiveFrom: '2024-04-01', splits: { 'social-care': { localAuthorityPercent: 50, icbPercent: 50 } } },
    { id: 'c', localAuthority: 'E09000098', icb: 'QZZ', version: 1, effectiveFrom: '2020-01-01', splits: {} },
  ];
  const northbridge = { localAuthority: 'E09000099', icb: 'QZZ' };

  test('RESP-7: the latest version of the partnership’s policy in effect on the start date applies', () => {
    assert.equal(policyInEffect(policies, northbridge, '2022-12-31'), null);
    assert.equal(policyInEffect(policies, northbridge, '2023-06-01')?.id, 'a');
    assert.equal(policyInEffect(policies, northbridge, '2024-04-01')?.id, 'b');
    assert.equal(policyInEffect(policies, { localAuthority: 'E09000098', icb: 'QZY' }, '2024-04-01'), null);
  });

  test('RESP-7: a split different from the policy default needs a recorded reason', () => {
    const def = { localAuthorityPercent: 50, icbPercent: 50 };
    assert.deepEqual(fundingDecisionViolations(def, def, null), []);
    assert.deepEqual(fundingDecisionViolations({ localAuthorityPercent: 70, icbPercent: 30 }, def, null).map((v) => [v.field, v.rule]), [['fundingOverrideReason', 'RESP-7']]);
    assert.deepEqual(fundingDecisionViolations({ localAuthorityPercent: 70, icbPercent: 30 }, def, 'Agreed at panel'), []);
    assert.deepEqual(fundingDecisionViolations({ localAuthorityPercent: 70, icbPercent: 30 }, null, null), []);
  });

  test('RESP-7: policy splits must each add up to 100 and name real categories', () => {
    assert.deepEqual(policyViolations({ healthcare: { localAuthorityPercent: 0, icbPercent: 100 } }), []);
    assert.equal(policyViolations({ healthcare: { localAuthorityPercent: 10, icbPercent: 80 } })[0]?.rule, 'RESP-1');
    assert.equal(policyViolations({ gardening: { localAuthorityPercent: 0, icbPercent: 100 } })[0]?.field, 'splits.gardening');
  });

  test('RESP-1: the weekly shares add up exactly to the weekly cost (largest remainder, local authority first)', () => {
    assert.deepEqual(weeklyShares(101, { localAuthorityPercent: 50, icbPercent: 50 }), { localAuthorityPence: 51, icbPence: 50 });
    assert.deepEqual(weeklyShares(100, { localAuthorityPercent: 33, icbPercent: 67 }), { localAuthorityPence: 33, icbPence: 67 });
    assert.deepEqual(weeklyShares(1, { localAuthorityPercent: 30, icbPercent: 70 }), { localAuthorityPence: 0, icbPence: 1 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), fc.integer({ min: 0, max: 100 }), (cost, la) => {
        const shares = weeklyShares(cost, { localAuthorityPercent: la, icbPercent: 100 - la });
        assert.equal(shares.localAuthorityPence + shares.icbPence, cost);
        assert.ok(Number.isInteger(shares.localAuthorityPence) && shares.localAuthorityPence >= 0 && shares.icbPence >= 0);
        assert.ok(Math.abs(shares.localAuthorityPence - (cost * la) / 100) < 1);
      }),
    );
  });

  test('money in pounds: parse and format', () => {
    assert.equal(parsePounds('£1,234.5'), 123450);
    assert.equal(parsePounds('12'), 1200);
    assert.equal(parsePounds('12.345'), null);
    assert.equal(parsePounds('-3'), null);
    assert.equal(formatPence(123456), '£1,234.56');
  });
});

describe('property: no sequence of service edits leaves a charge on an s117 service', () => {
  const split = fc.integer({ min: 0, max: 100 }).map((la) => ({ localAuthorityPercent: la, icbPercent: 100 - la }));
  const anySplit = fc.record({ localAuthorityPercent: fc.integer({ min: -5, max: 105 }), icbPercent: fc.integer({ min: -5, max: 105 }) });
  const change: fc.Arbitrary<ServiceChange> = fc.record(
    {
      s117: fc.boolean(),
      personContributionPence: fc.integer({ min: 0, max: 50_000 }),
      weeklyCostPence: fc.integer({ min: 0, max: 100_000 }),
      funding: fc.oneof(split, anySplit),
      category: fc.constantFrom(...SERVICE_CATEGORIES),
      careType: fc.constantFrom('health' as const, 'social' as const, 'mixed' as const),
      accommodation: fc.option(fc.record({ type: fc.constantFrom(...ACCOMMODATION_TYPES), enhancedFeatures: fc.subarray(['24-hour-staff', 'cctv'] as const).map((a) => [...a]) }), { nil: null }),
      budget: fc.constantFrom('direct-payment' as const, 'personal-health-budget' as const, null),
    },
    { requiredKeys: [] },
  );

  test('CHG-1, RESP-1: every state reached through accepted changes is charge-free when s117 and its split adds to 100', () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 30 }), (changes) => {
        let state: ServiceCandidate = { ...base, s117: false, personContributionPence: 0 };
        for (const c of changes) {
          const next = applyServiceChange(state, c);
          if (serviceViolations(next).length === 0) state = next;
          if (state.s117) assert.equal(state.personContributionPence, 0);
          assert.equal(state.funding.localAuthorityPercent + state.funding.icbPercent, 100);
          const shares = weeklyShares(state.weeklyCostPence, state.funding);
          assert.equal(shares.localAuthorityPence + shares.icbPence, state.weeklyCostPence);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('budgets', () => {
  const budget: BudgetCandidate = {
    kind: 'direct-payment',
    startDate: '2024-01-15',
    endDate: null,
    amountPencePerWeek: 30000,
    payeeRelationship: 'self',
    payeeLivesInSameHousehold: false,
    necessityReason: null,
    offeredOn: null,
    services: [{ id: 's1', funding: { localAuthorityPercent: 50, icbPercent: 50 } }],
  };
  const budgetRules = (b: BudgetCandidate) => budgetViolations(b).map((v) => v.rule);

  test('DP-1: a close relative in the same household, or a spouse, is paid only with a recorded necessity', () => {
    assert.deepEqual(budgetRules({ ...budget, payeeRelationship: 'close-relative', payeeLivesInSameHousehold: true }), ['DP-1']);
    assert.deepEqual(budgetRules({ ...budget, payeeRelationship: 'spouse-or-partner' }), ['DP-1']);
    assert.deepEqual(budgetRules({ ...budget, payeeRelationship: 'close-relative', payeeLivesInSameHousehold: false }), []);
    assert.deepEqual(budgetRules({ ...budget, payeeRelationship: 'close-relative', payeeLivesInSameHousehold: true, necessityReason: 'No other carer speaks their language' }), []);
  });

  test('DP-3: a budget pays for the person’s services that its body funds', () => {
    assert.deepEqual(budgetRules({ ...budget, services: [] }), ['DP-3']);
    assert.deepEqual(budgetRules({ ...budget, services: [{ id: 's1', funding: { localAuthorityPercent: 0, icbPercent: 100 } }] }), ['DP-3']);
    assert.deepEqual(budgetRules({ ...budget, kind: 'personal-health-budget', services: [{ id: 's1', funding: { localAuthorityPercent: 100, icbPercent: 0 } }] }), ['DP-3']);
  });

  test('DP-1: a direct payment is first reviewed within 6 months, then at most every 12 months', () => {
    assert.equal(budgetReviewDue(budget, []), '2024-07-15');
    assert.equal(budgetReviewDue(budget, ['2024-06-01']), '2025-06-01');
    assert.equal(budgetReviewDue(budget, ['2024-06-01', '2025-03-01']), '2026-03-01');
    assert.equal(budgetReviewDue(budget, ['2023-12-01']), '2024-07-15', 'a review before the start does not count');
  });

  test('DP-2: a personal health budget is first reviewed within 3 months, then at most every 12 months', () => {
    const phb = { kind: 'personal-health-budget' as const, startDate: '2024-11-30', endDate: null };
    assert.equal(budgetReviewDue(phb, []), '2025-02-28');
    assert.equal(budgetReviewDue(phb, ['2025-02-01']), '2026-02-01');
  });

  test('DP-1, DP-2: a budget that has ended needs no review', () => {
    assert.equal(budgetReviewDue({ ...budget, endDate: '2024-03-01' }, [], '2024-06-01'), null);
    assert.equal(budgetReviewDue({ ...budget, endDate: '2025-03-01' }, [], '2024-06-01'), '2024-07-15');
  });
});

describe('who sees money', () => {
  test('finance, approvers and practitioners of a responsible body see money; a trust practitioner does not; auditors and admins always', () => {
    const bodies = ['E09000099', 'QZZ'];
    assert.equal(canSeeMoney({ role: 'finance', organisationCode: 'E09000099' }, bodies), true);
    assert.equal(canSeeMoney({ role: 'approver', organisationCode: 'QZZ' }, bodies), true);
    assert.equal(canSeeMoney({ role: 'practitioner', organisationCode: 'RZZ' }, bodies), false);
    assert.equal(canSeeMoney({ role: 'finance', organisationCode: 'E09000098' }, bodies), false);
    assert.equal(canSeeMoney({ role: 'auditor', organisationCode: 'RZZ' }, bodies), true);
    assert.equal(canSeeMoney({ role: 'admin', organisationCode: 'RZZ' }, []), true);
  });

  test('RESP-7: only an admin or an approver of the partnership’s local authority or ICB manages its policy', () => {
    const p = { localAuthority: 'E09000099', icb: 'QZZ' };
    assert.equal(canManageFundingPolicy({ role: 'approver', organisationCode: 'QZZ', organisationType: 'icb' }, p), true);
    assert.equal(canManageFundingPolicy({ role: 'approver', organisationCode: 'QZY', organisationType: 'icb' }, p), false);
    assert.equal(canManageFundingPolicy({ role: 'finance', organisationCode: 'E09000099', organisationType: 'local-authority' }, p), false);
    assert.equal(canManageFundingPolicy({ role: 'admin', organisationCode: 'RZZ', organisationType: 'provider' }, p), true);
  });
});

describe('CHG-1 finance export CSV', () => {
  test('RFC 4180 quoting and no formulas', () => {
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell('a, b'), '"a, b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('=SUM(A1)'), "'=SUM(A1)");
    assert.equal(csvCell('+44'), "'+44");
    assert.equal(csvCell('-1'), "'-1");
    assert.equal(csvCell('@cmd'), "'@cmd");
    assert.equal(csvCell(-1234), '-1234', 'a negative number stays a number');
    assert.equal(csvCell(null), '');
    assert.equal(toCsv([['a', 'b'], ['1', 'line\nbreak']]), 'a,b\r\n1,"line\nbreak"\r\n');
  });
});

describe('what finance is told', () => {
  test('CHG-1: an s117 service must not be charged; s117 accommodation not its rent either, unless the person was decided to pay it', () => {
    assert.equal(noChargeInstruction(null), 'must not be charged');
    const home = { type: 'supported-living' as const, enhancedFeatures: ['24-hour-staff' as const] };
    assert.equal(noChargeInstruction(home), 'must not be charged, including rent and service charges');
    assert.equal(noChargeInstruction({ ...home, rentDecision: { decision: 'person-pays', reason: 'Agreed', decidedOn: '2026-01-01' } }), 'must not be charged');
  });
});

describe('where a service stands', () => {
  test('PLAN-7: a service is planned until confirmed, and ended once its end date has passed', () => {
    assert.equal(serviceStatus({ confirmedOn: null, endDate: null }, '2026-03-01'), 'planned');
    assert.equal(serviceStatus({ confirmedOn: '2026-02-01', endDate: null }, '2026-03-01'), 'confirmed');
    assert.equal(serviceStatus({ confirmedOn: '2026-02-01', endDate: '2026-03-01' }, '2026-03-01'), 'confirmed', 'still in place on its last day');
    assert.equal(serviceStatus({ confirmedOn: '2026-02-01', endDate: '2026-02-28' }, '2026-03-01'), 'ended');
    assert.equal(serviceStatus({ confirmedOn: null, endDate: '2026-02-28' }, '2026-03-01'), 'ended', 'a planned service whose end has passed has ended');
  });
});

describe('the funding split a service takes', () => {
  const policyDefault = { localAuthorityPercent: 60, icbPercent: 40 };
  test('RESP-7: the split entered, else the policy default for the category; with neither, the split must be entered', () => {
    assert.deepEqual(serviceSplit(undefined, policyDefault), { split: policyDefault, violations: [] });
    assert.deepEqual(serviceSplit({ localAuthorityPercent: 0, icbPercent: 100 }, policyDefault).split, { localAuthorityPercent: 0, icbPercent: 100 });
    const none = serviceSplit(undefined, null);
    assert.equal(none.split, null);
    assert.deepEqual(none.violations.map((v) => `${v.rule}:${v.field}`), ['RESP-7:funding']);
  });

  test('RESP-7: a change reopens the funding decision only when the split, category or start date changes', () => {
    assert.equal(fundingDecisionReopened({}), false);
    assert.equal(fundingDecisionReopened({ funding: { localAuthorityPercent: 50, icbPercent: 50 } }), true);
    assert.equal(fundingDecisionReopened({ category: 'healthcare' }), true);
    assert.equal(fundingDecisionReopened({ startDate: '2026-01-01' }), true);
  });

  test('RESP-7: the partnership is the bodies of the episode the service starts in, else where the person lives now', () => {
    const episode = (qualifyingFrom: string, la: string, icb: string) => ({ qualifyingFrom, localAuthority: { code: la }, icb: { code: icb } }) as unknown as Episode;
    const facts = { aftercare: { episodes: [episode('2024-01-01', 'E1', 'Q1'), episode('2025-06-01', 'E2', 'Q2')] }, currentLocalAuthority: 'E9', currentIcb: 'Q9' };
    assert.deepEqual(partnershipOn(facts, '2025-01-01'), { localAuthority: 'E1', icb: 'Q1' });
    assert.deepEqual(partnershipOn(facts, '2025-07-01'), { localAuthority: 'E2', icb: 'Q2' });
    assert.deepEqual(partnershipOn(facts, '2023-01-01'), { localAuthority: 'E1', icb: 'Q1' }, 'before any episode began: the first');
    assert.equal(episodeOn({ episodes: [] }, '2025-01-01'), null);
    assert.deepEqual(partnershipOn({ aftercare: { episodes: [] }, currentLocalAuthority: 'E9', currentIcb: 'Q9' }, '2025-01-01'), { localAuthority: 'E9', icb: 'Q9' });
  });
});

describe('issue 9: the same service added twice', () => {
  const recorded = [
    { id: 'a', description: 'Depot clinic', provider: 'Northbridge Trust', endDate: null },
    { id: 'b', description: 'Day centre', provider: 'Northbridge Day Services', endDate: '2024-03-31' },
  ];
  test('the same description and provider, in any case and spacing, of a service in place is found', () => {
    assert.deepEqual(sameServicesInPlace(recorded, { description: '  depot   CLINIC ', provider: 'northbridge trust', startDate: '2024-05-01' }).map((s) => s.id), ['a']);
    assert.deepEqual(sameServicesInPlace(recorded, { description: 'Depot clinic', provider: 'Another trust', startDate: '2024-05-01' }), []);
  });
  test('one that ended before the new one starts is not in place; one ending on its first day is', () => {
    const dayCentre = { description: 'Day centre', provider: 'Northbridge Day Services' };
    assert.deepEqual(sameServicesInPlace(recorded, { ...dayCentre, startDate: '2024-04-01' }), []);
    assert.deepEqual(sameServicesInPlace(recorded, { ...dayCentre, startDate: '2024-03-31' }).map((s) => s.id), ['b']);
  });
});
