// The money rules: CHG-2 refunds, CHG-3 top-ups, RESP-6 disputes, RESP-1/RESP-7 payments, recharges
// and spend; with property tests of the money invariants.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { loadConfig } from '../../../src/config.ts';
import { addDays, daysBetween } from '../../../src/domain/dates.ts';
import { disputeDeadlines, disputeViolations, type Dispute } from '../../../src/domain/disputes.ts';
import { weeklyShares } from '../../../src/domain/funding.ts';
import { costForDays, interBodyBalance, owes, paymentViolations, rechargeLine, rechargeStatement, spendReport, type RechargeService, type ServicePayment } from '../../../src/domain/recharges.ts';
import { calculateRefund, chargeCoverage, entitlementPeriods, proRata, refundPaymentViolations, refundViolations, simpleInterest, type Charge } from '../../../src/domain/refunds.ts';
import { aged18OrOver, signingViolations, topUpServiceViolations, topUpStatus, topUpViolations, type TopUpAgreement } from '../../../src/domain/top-ups.ts';

const base = '2020-01-01';
const periodArb = fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 400 })).map(([s, len]) => ({ from: addDays(base, s), to: addDays(base, s + len) }));
const chargeArb = fc.tuple(periodArb, fc.integer({ min: 1, max: 5_000_000 }), fc.integer({ min: 0, max: 400 }), fc.option(fc.boolean())).map(
  ([p, amountPence, lag, s117]): Omit<Charge, 'id'> => ({ periodFrom: p.from, periodTo: p.to, amountPence, paidOn: addDays(p.to, lag), description: 'Care charge', serviceIsS117: s117 }),
);

describe('CHG-2 refunds', () => {
  const episodes = [
    { status: 'ended' as const, leftHospitalOn: '2021-03-01', endedOn: '2021-12-31' },
    { status: 'planning' as const, leftHospitalOn: null, endedOn: null },
    { status: 'active' as const, leftHospitalOn: '2023-01-01', endedOn: null },
  ];

  test('CHG-2: entitlement runs from leaving hospital to the end, or today, for entitled episodes only', () => {
    assert.deepEqual(entitlementPeriods(episodes, '2024-06-30'), [
      { from: '2021-03-01', to: '2021-12-31' },
      { from: '2023-01-01', to: '2024-06-30' },
    ]);
    assert.deepEqual(entitlementPeriods([{ status: 'entitled-pending-discharge', leftHospitalOn: null, endedOn: null }], '2024-01-01'), []);
    // Touching periods merge.
    assert.deepEqual(entitlementPeriods([{ status: 'superseded', leftHospitalOn: '2022-01-01', endedOn: '2022-01-31' }, { status: 'active', leftHospitalOn: '2022-02-01', endedOn: null }], '2022-03-01'), [{ from: '2022-01-01', to: '2022-03-01' }]);
  });

  test('CHG-2: a charge wholly inside is refunded in full with simple interest from the day paid', () => {
    const ents = entitlementPeriods(episodes, '2024-06-30');
    const r = calculateRefund([{ id: 'a', periodFrom: '2023-02-01', periodTo: '2023-02-28', amountPence: 36500, paidOn: '2023-03-01', description: 'Home care' }], ents, '2024-02-29', 800);
    assert.equal(r.lines.length, 1);
    assert.equal(r.lines[0]!.principalPence, 36500);
    assert.equal(r.lines[0]!.interestDays, 365);
    assert.equal(r.lines[0]!.interestPence, 2920); // 8% of £365 for 365 days
    assert.equal(r.totalPence, 36500 + 2920);
  });

  test('CHG-2: part of a charge inside an entitlement is refunded pro rata by days', () => {
    const ents = [{ from: '2021-03-01', to: '2021-12-31' }];
    const r = calculateRefund([{ id: 'b', periodFrom: '2021-02-01', periodTo: '2021-03-31', amountPence: 59000, paidOn: '2021-04-01', description: 'Care home fees' }], ents, '2021-04-01', 800);
    assert.equal(r.lines[0]!.days, 31);
    assert.equal(r.lines[0]!.principalPence, Math.floor((59000 * 31) / 59));
    assert.equal(r.lines[0]!.interestPence, 0);
    assert.equal(chargeCoverage({ periodFrom: '2021-02-01', periodTo: '2021-03-31' }, ents), 'part');
  });

  test('CHG-2: a charge wholly outside every entitlement, or for a non-s117 service, is refused with the rule', () => {
    const ents = [{ from: '2021-03-01', to: '2021-12-31' }];
    const outside = calculateRefund([{ id: 'x', periodFrom: '2020-01-01', periodTo: '2020-01-31', amountPence: 1000, paidOn: '2020-02-01', description: 'Before' }], ents, '2024-01-01', 800);
    assert.equal(outside.lines.length, 0);
    const v = refundViolations(['x'], outside);
    assert.equal(v[0]?.rule, 'CHG-2');
    const nonS117 = calculateRefund([{ id: 'y', periodFrom: '2021-04-01', periodTo: '2021-04-30', amountPence: 1000, paidOn: '2021-05-01', description: 'Meals', serviceIsS117: false }], ents, '2024-01-01', 800);
    assert.equal(nonS117.lines.length, 0);
    assert.equal(refundViolations(null, nonS117)[0]?.rule, 'CHG-2');
  });

  test('CHG-2: the interest rate is a setting (S117_REFUND_INTEREST_BASIS_POINTS, default 8%)', () => {
    assert.equal(loadConfig({}).refundInterestBasisPoints, 800);
    assert.equal(loadConfig({ S117_REFUND_INTEREST_BASIS_POINTS: '0' }).refundInterestBasisPoints, 0);
    assert.equal(loadConfig({ S117_REFUND_INTEREST_BASIS_POINTS: '450' }).refundInterestBasisPoints, 450);
    assert.throws(() => loadConfig({ S117_REFUND_INTEREST_BASIS_POINTS: '8%' }));
  });

  test('CHG-2: interest is simple, days/365, nearest penny', () => {
    assert.equal(simpleInterest(100000, 800, 365), 8000);
    assert.equal(simpleInterest(100000, 800, 0), 0);
    assert.equal(simpleInterest(1, 800, 1), 0);
    assert.equal(simpleInterest(100000, 800, -5), 0);
  });

  test('CHG-2 (property): totals equal the sum of their lines; nothing refunded exceeds what was paid; a charge outside refunds nothing', () => {
    fc.assert(
      fc.property(fc.array(chargeArb, { maxLength: 8 }), fc.array(periodArb, { maxLength: 4 }), fc.integer({ min: 0, max: 5000 }), (raw, rawEnts, bp) => {
        const charges: Charge[] = raw.map((c, i) => ({ ...c, id: `c${i}` }));
        const ents = entitlementPeriods(rawEnts.map((p) => ({ status: 'ended' as const, leftHospitalOn: p.from, endedOn: p.to })), '2030-01-01');
        const r = calculateRefund(charges, ents, '2030-01-01', bp);
        assert.equal(r.totalPrincipalPence, r.lines.reduce((s, l) => s + l.principalPence, 0));
        assert.equal(r.totalInterestPence, r.lines.reduce((s, l) => s + l.interestPence, 0));
        assert.equal(r.totalPence, r.lines.reduce((s, l) => s + l.totalPence, 0));
        for (const c of charges) {
          const refunded = r.lines.filter((l) => l.chargeId === c.id).reduce((s, l) => s + l.principalPence, 0);
          assert.ok(refunded <= c.amountPence);
          assert.ok(refunded >= 0);
          if (chargeCoverage(c, ents) === 'none') assert.equal(refunded, 0);
          if (chargeCoverage(c, ents) === 'whole' && c.serviceIsS117 !== false) assert.equal(refunded, c.amountPence);
        }
      }),
    );
  });

  test('CHG-2 (property): pro rata parts never exceed the amount and make it up exactly when they cover the period', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 5 }), (amount, partLen, n) => {
        const parts = Array.from({ length: n }, (_, i) => ({ from: addDays(base, i * partLen), to: addDays(base, (i + 1) * partLen - 1) }));
        const shares = proRata(amount, { from: base, to: parts.at(-1)!.to }, parts);
        assert.equal(shares.reduce((a, b) => a + b, 0), amount);
      }),
    );
  });
});

describe('CHG-2 refund payment', () => {
  test('CHG-2: a refund is paid once approved, never before and never twice', () => {
    assert.deepEqual(refundPaymentViolations('approved'), []);
    assert.deepEqual(refundPaymentViolations('calculated'), [{ field: 'status', message: 'A refund is approved before it is paid', rule: 'CHG-2' }]);
    assert.deepEqual(refundPaymentViolations('paid'), [{ field: 'status', message: 'The refund is already paid', rule: 'CHG-2' }]);
  });
});

describe('CHG-3 top-ups', () => {
  const complete: TopUpAgreement = {
    conditions: { aged18OrOver: true, accommodationType: 'care-home', sameTypeAsDecided: true, suitable: true, available: true, providerAcceptsTerms: true },
    terms: {
      additionalCostPencePerWeek: 5000,
      localAuthorityPaysPencePerWeek: 90000,
      paymentFrequency: 'monthly',
      payee: 'provider',
      reviewProvision: 'Reviewed every year',
      consequencesOfStoppingPayment: 'We will talk with you about moving',
      consequencesOfPriceRise: 'We will agree how a rise is shared',
      consequencesOfMeansChange: 'We will review the agreement',
    },
    payer: { kind: 'person', relationship: null },
    signedOn: '2024-05-01',
    refusedOn: null,
    refusalReasons: null,
  };

  test('CHG-3: a complete agreement may be signed, and the person may pay their own top-up', () => {
    assert.deepEqual(topUpViolations(complete), []);
    assert.equal(topUpStatus(complete), 'signed');
  });

  test('CHG-3: every condition and every term is needed before signing', () => {
    const v = signingViolations({ ...complete, conditions: { ...complete.conditions, suitable: false, accommodationType: null }, terms: { ...complete.terms, consequencesOfPriceRise: ' ' }, payer: null });
    const fields = v.map((x) => x.field);
    assert.ok(fields.includes('conditions.suitable'));
    assert.ok(fields.includes('conditions.accommodationType'));
    assert.ok(fields.includes('terms.consequencesOfPriceRise'));
    assert.ok(fields.includes('payer'));
    assert.ok(v.every((x) => x.rule === 'CHG-3'));
    assert.ok(signingViolations({ ...complete, payer: { kind: 'third-party', relationship: '' } }).some((x) => x.field === 'payer.relationship'));
  });

  test('CHG-3: a refusal needs written reasons', () => {
    const refused = { ...complete, signedOn: null, refusedOn: '2024-05-01', refusalReasons: null };
    assert.equal(topUpViolations(refused)[0]?.rule, 'CHG-3');
    assert.deepEqual(topUpViolations({ ...refused, refusalReasons: 'The home cannot meet the person’s needs' }), []);
    assert.equal(topUpStatus(refused), 'refused');
  });

  test('CHG-3: only for s117 accommodation of a specified type; aged 18 on the agreement date', () => {
    assert.deepEqual(topUpServiceViolations({ s117: true, accommodationType: 'supported-living' }), []);
    assert.equal(topUpServiceViolations({ s117: true, accommodationType: 'enhanced-specialised' })[0]?.rule, 'CHG-3');
    assert.equal(topUpServiceViolations({ s117: false, accommodationType: 'care-home' })[0]?.rule, 'CHG-3');
    assert.equal(aged18OrOver('2006-05-02', '2024-05-01'), false);
    assert.equal(aged18OrOver('2006-05-01', '2024-05-01'), true);
  });
});

describe('RESP-6 disputes', () => {
  const d: Dispute = {
    partyA: { kind: 'local-authority', code: 'E09000099' },
    partyB: { kind: 'local-authority', code: 'E09000098' },
    subject: 'ordinary-residence',
    interimFunderCode: 'E09000099',
    raisedOn: '2024-01-15',
    referredOn: null,
    personToldOn: null,
    resolvedOn: null,
    resolution: null,
  };

  test('RESP-6: an ordinary-residence dispute between local authorities is referred within 4 months', () => {
    const early = disputeDeadlines(d, '2024-05-15');
    assert.equal(early.referralDueOn, '2024-05-15');
    assert.equal(early.referralOverdue, false);
    assert.equal(early.personNotTold, true);
    assert.equal(disputeDeadlines(d, '2024-05-16').referralOverdue, true);
    const referred = disputeDeadlines({ ...d, referredOn: '2024-05-10', personToldOn: '2024-01-16' }, '2024-05-20');
    assert.equal(referred.status, 'referred');
    assert.equal(referred.legalArgumentsDueOn, '2024-05-24');
    assert.equal(referred.legalArgumentsDue, true);
    assert.equal(referred.referralOverdue, false);
    assert.equal(referred.personNotTold, false);
  });

  test('RESP-6: LA v ICB disputes have no statutory clock (UNVERIFIED timescales)', () => {
    const x = disputeDeadlines({ ...d, partyB: { kind: 'icb', code: 'QZZ' } }, '2030-01-01');
    assert.equal(x.kind, 'la-v-icb');
    assert.equal(x.referralDueOn, null);
    assert.equal(x.referralOverdue, false);
  });

  test('RESP-6: the interim funder is required and is one of the parties', () => {
    assert.equal(disputeViolations({ ...d, interimFunderCode: '' }, '2024-06-01')[0]?.rule, 'RESP-6');
    assert.equal(disputeViolations({ ...d, interimFunderCode: 'QZZ' }, '2024-06-01')[0]?.rule, 'RESP-6');
    assert.ok(disputeViolations({ ...d, resolvedOn: '2024-02-01' }, '2024-06-01').some((v) => v.field === 'resolution'));
    assert.ok(disputeViolations({ ...d, referredOn: '2023-01-01' }, '2024-06-01').some((v) => v.field === 'referredOn'));
    assert.deepEqual(disputeViolations(d, '2024-06-01'), []);
  });
});

describe('RESP-1/RESP-7 recharges', () => {
  const period = { from: '2024-04-01', to: '2025-03-31' };
  const svc: RechargeService = { serviceId: 's1', personId: 'p1', category: 'accommodation', provider: 'Home', weeklyCostPence: 70000, funding: { localAuthorityPercent: 50, icbPercent: 50 }, startDate: '2024-10-01', endDate: null };

  test('RESP-7: a service is costed for its days in the period and split by its agreed shares', () => {
    const line = rechargeLine(svc, [{ serviceId: 's1', body: 'local-authority', periodFrom: '2024-10-01', periodTo: '2025-03-31', amountPence: 1_820_000 }], period)!;
    assert.equal(line.days, 182);
    assert.equal(line.costPence, 1_820_000);
    assert.equal(line.localAuthorityShare, 910_000);
    assert.equal(line.localAuthorityPaid, 1_820_000);
    assert.equal(line.icbOwesLocalAuthority, 910_000);
    assert.equal(line.unpaidPence, 0);
    assert.equal(owes('local-authority', 'icb', line.icbOwesLocalAuthority), -910_000);
  });

  test('RESP-7: a payment over the edge of the period counts pro rata; services outside are left out', () => {
    assert.equal(rechargeLine({ ...svc, startDate: '2023-01-01', endDate: '2023-12-31' }, [], period), null);
    const line = rechargeLine(svc, [{ serviceId: 's1', body: 'icb', periodFrom: '2025-03-01', periodTo: '2025-04-30', amountPence: 6100 }], period)!;
    assert.equal(line.icbPaid, 3100);
    const report = spendReport([line]);
    assert.deepEqual(report.map((r) => r.body), ['icb', 'local-authority']);
  });

  const serviceArb = fc.record({
    weeklyCostPence: fc.integer({ min: 0, max: 1_000_000 }),
    la: fc.integer({ min: 0, max: 100 }),
    start: fc.integer({ min: -400, max: 400 }),
    len: fc.option(fc.integer({ min: 0, max: 800 })),
  });
  const paymentArb = fc.record({ body: fc.constantFrom('local-authority' as const, 'icb' as const), start: fc.integer({ min: -400, max: 400 }), len: fc.integer({ min: 0, max: 200 }), amount: fc.integer({ min: 0, max: 5_000_000 }) });

  test('RESP-7 (property): the shares always add up to the cost for the period', () => {
    fc.assert(
      fc.property(fc.array(serviceArb, { maxLength: 10 }), (raw) => {
        const services = raw.map((r, i): RechargeService => ({ ...svc, serviceId: `s${i}`, weeklyCostPence: r.weeklyCostPence, funding: { localAuthorityPercent: r.la, icbPercent: 100 - r.la }, startDate: addDays(period.from, r.start), endDate: r.len === null ? null : addDays(period.from, r.start + r.len) }));
        const { lines, totals } = rechargeStatement(services, [], period);
        for (const l of lines) {
          assert.equal(l.localAuthorityShare + l.icbShare, l.costPence);
          assert.ok(l.days <= daysBetween(period.from, period.to) + 1);
        }
        assert.equal(totals.localAuthorityShare + totals.icbShare, totals.costPence);
      }),
    );
  });

  test('RESP-1 (property): the balance is antisymmetric: what the LA owes the ICB is minus what the ICB owes the LA', () => {
    fc.assert(
      fc.property(serviceArb, fc.array(paymentArb, { maxLength: 6 }), (r, raw) => {
        const s: RechargeService = { ...svc, weeklyCostPence: r.weeklyCostPence, funding: { localAuthorityPercent: r.la, icbPercent: 100 - r.la }, startDate: addDays(period.from, r.start), endDate: null };
        const payments: ServicePayment[] = raw.map((p) => ({ serviceId: 's1', body: p.body, periodFrom: addDays(period.from, p.start), periodTo: addDays(period.from, p.start + p.len), amountPence: p.amount }));
        const line = rechargeLine(s, payments, period);
        if (!line) return;
        assert.equal(owes('local-authority', 'icb', line.icbOwesLocalAuthority) + owes('icb', 'local-authority', line.icbOwesLocalAuthority), 0);
        // The ICB's surplus over its share of what was paid is exactly minus the local authority's.
        const paidShares = weeklyShares(line.localAuthorityPaid + line.icbPaid, s.funding);
        assert.equal(line.icbPaid - paidShares.icbPence + (line.localAuthorityPaid - paidShares.localAuthorityPence), 0);
        assert.equal(interBodyBalance({ localAuthority: line.localAuthorityPaid, icb: line.icbPaid }, s.funding), line.icbOwesLocalAuthority);
        // No payment counts for more than was paid.
        assert.ok(line.localAuthorityPaid + line.icbPaid <= payments.reduce((a, p) => a + p.amountPence, 0));
      }),
    );
  });

  test('RESP-7: cost for days rounds to the nearest penny', () => {
    assert.equal(costForDays(700, 1), 100);
    assert.equal(costForDays(1, 3), 0);
    assert.equal(costForDays(1, 4), 1);
    assert.equal(costForDays(100, 0), 0);
  });

  test('RESP-1: a payment is whole pence, 0 or more, for a period that ends on or after it starts, paid by today', () => {
    const ok = { periodFrom: '2025-01-01', periodTo: '2025-03-31', amountPence: 900000, paidOn: '2025-04-05' };
    assert.deepEqual(paymentViolations(ok, '2025-04-05'), []);
    assert.deepEqual(paymentViolations({ ...ok, amountPence: 0, periodTo: '2025-01-01' }, '2025-04-05'), []);
    const bad = paymentViolations({ periodFrom: '2025-03-31', periodTo: '2025-01-01', amountPence: 1.5, paidOn: '2025-04-06' }, '2025-04-05');
    assert.deepEqual(bad.map((v) => v.field), ['amountPence', 'periodTo', 'paidOn']);
    assert.ok(bad.every((v) => v.rule === 'RESP-1'));
    assert.deepEqual(paymentViolations({ ...ok, amountPence: -1 }, '2025-04-05').map((v) => v.field), ['amountPence']);
  });
});
