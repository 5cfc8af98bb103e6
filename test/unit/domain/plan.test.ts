// The care and support plan's rules: SCOPE-1, SCOPE-6, CMP-2, PLAN-4 to PLAN-8, with property tests.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  NEED_DOMAINS, NEED_DOMAIN_CODES, contingencyComplete, dischargeReadiness, emptyPlan, finaliseProblems, finaliseRefusals, finaliseWarnings, itemiseNeeds, planningNeeded, planWarnings,
  scope1Violations, sharedWith, signatureComplete, validatePlan, withDetails, withNeed, withoutNeed, type PlanContent, type PlanNeed,
} from '../../../src/domain/plans.ts';

function need(overrides: Partial<PlanNeed> = {}): PlanNeed {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    domain: 'continuing-mental-health-care',
    description: 'Help to take medication',
    arisesFromMentalDisorder: true,
    reducesRiskOfDeterioration: true,
    rationale: 'Stopping medication led to the last admission',
    howMet: 'Support worker visits daily',
    who: 'Northbridge CMHT',
    s117: true,
    ...overrides,
  };
}

function completePlan(overrides: Partial<PlanContent> = {}): PlanContent {
  return {
    ...emptyPlan(),
    needs: [need()],
    contingency: { triggers: 'Stopping medication', earlyWarningSigns: null, actions: 'Call the team', whatHelps: null, crisisContacts: 'Crisis team 0300 000 0000', onAdmission: null },
    signature: { signedOn: '2025-03-01', notSignedReason: null },
    copyGivenOn: '2025-03-01',
    ...overrides,
  };
}

const rulesOf = (violations: { rule?: string }[]) => violations.map((v) => v.rule);

describe('care and support plan rules', () => {
  test('PLAN-4: the Code of Practice domains are a fixed list of codes with labels', () => {
    assert.deepEqual(
      NEED_DOMAINS.map((d) => d.code),
      [
        'continuing-mental-health-care', 'psychological', 'physical-health', 'daytime-activity-employment', 'accommodation', 'risk-and-safety',
        'co-existing-disability-autism', 'substance-use', 'parenting-caring', 'social-cultural-spiritual', 'money-benefits',
      ],
    );
    assert.equal(NEED_DOMAIN_CODES.length, 11);
    for (const d of NEED_DOMAINS) assert.ok(d.label.length > 0);
  });

  test('SCOPE-1: s117 with either limb no is refused, naming the rule', () => {
    for (const [a, b] of [[false, true], [true, false], [false, false]] as const) {
      const violations = scope1Violations(need({ arisesFromMentalDisorder: a, reducesRiskOfDeterioration: b, s117: true }), 'needs.0');
      assert.deepEqual(violations.map((v) => [v.field, v.rule]), [['needs.0.s117', 'SCOPE-1']]);
    }
    assert.deepEqual(scope1Violations(need(), 'needs.0'), []);
    assert.deepEqual(scope1Violations(need({ arisesFromMentalDisorder: false, s117: false }), 'needs.0'), []);
  });

  test('SCOPE-1: every need records a rationale for the two answers', () => {
    assert.deepEqual(rulesOf(scope1Violations(need({ rationale: '  ' }), 'needs.0')), ['SCOPE-1']);
  });

  test('SCOPE-1 (property): a need is accepted as s117 exactly when both limbs are yes and there is a rationale', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.boolean(), fc.string(), (a, b, s117, rationale) => {
        const violations = scope1Violations(need({ arisesFromMentalDisorder: a, reducesRiskOfDeterioration: b, s117, rationale }), 'n');
        const expected = (s117 && !(a && b) ? 1 : 0) + (rationale.trim() === '' ? 1 : 0);
        return violations.length === expected && violations.every((v) => v.rule === 'SCOPE-1');
      }),
    );
  });

  test('SCOPE-1: a need passing both limbs but marked not s117 is flagged (not refused) so it is never charged by mistake', () => {
    const plan = completePlan({ needs: [need({ s117: false })] });
    assert.deepEqual(validatePlan(plan), []);
    assert.deepEqual(rulesOf(planWarnings(plan)), ['SCOPE-1']);
    assert.deepEqual(planWarnings(completePlan()), []);
  });

  test('SCOPE-6: the plan itemises which needs are s117 and which are not', () => {
    const a = need({ id: 'a' });
    const b = need({ id: 'b', arisesFromMentalDisorder: false, s117: false, domain: 'physical-health' });
    const { s117, notS117 } = itemiseNeeds([a, b]);
    assert.deepEqual(s117.map((n) => n.id), ['a']);
    assert.deepEqual(notS117.map((n) => n.id), ['b']);
  });

  test('CMP-2: every need has an owner ("who"); PLAN-4: and says how it is met', () => {
    const violations = validatePlan(completePlan({ needs: [need({ who: '' , howMet: ' ' })] }));
    assert.deepEqual(violations.map((v) => [v.field, v.rule]), [['needs.0.who', 'CMP-2'], ['needs.0.howMet', 'PLAN-4']]);
  });

  test('need ids are unique within a plan', () => {
    const violations = validatePlan(completePlan({ needs: [need(), need()] }));
    assert.deepEqual(violations.map((v) => v.field), ['needs.1.id']);
  });

  test('PLAN-5: finalising needs a contingency plan: triggers or early warning signs, actions and crisis contacts', () => {
    assert.deepEqual(finaliseProblems(completePlan()), []);
    const none = finaliseProblems(completePlan({ contingency: emptyPlan().contingency }));
    assert.deepEqual(none.map((v) => [v.field, v.rule]), [['contingency.triggers', 'PLAN-5'], ['contingency.actions', 'PLAN-5'], ['contingency.crisisContacts', 'PLAN-5']]);
    const signsOnly = completePlan();
    signsOnly.contingency = { ...signsOnly.contingency, triggers: null, earlyWarningSigns: 'Sleeping badly' };
    assert.deepEqual(finaliseProblems(signsOnly), []);
  });

  test('PLAN-5: a time-limited placement (an end date) needs a move-on plan', () => {
    const placement = completePlan({ accommodation: { details: 'Step-down flat', endsOn: '2025-09-01', moveOnPlan: null } });
    assert.deepEqual(finaliseProblems(placement).map((v) => [v.field, v.rule]), [['accommodation.moveOnPlan', 'PLAN-5']]);
    placement.accommodation.moveOnPlan = 'Move to own tenancy with floating support';
    assert.deepEqual(finaliseProblems(placement), []);
  });

  test('PLAN-6: finalising needs the signature and copy dates, or the reason it was not signed', () => {
    const unsigned = completePlan({ signature: { signedOn: null, notSignedReason: null }, copyGivenOn: null });
    assert.deepEqual(finaliseProblems(unsigned).map((v) => [v.field, v.rule]), [['signature.signedOn', 'PLAN-6']]);
    const noCopy = completePlan({ copyGivenOn: null });
    assert.deepEqual(finaliseProblems(noCopy).map((v) => [v.field, v.rule]), [['copyGivenOn', 'PLAN-6']]);
    const reason = completePlan({ signature: { signedOn: null, notSignedReason: 'Too unwell to read it on the day' }, copyGivenOn: null });
    assert.deepEqual(finaliseProblems(reason), []);
  });

  test('PLAN-4: a plan with no needs cannot be finalised', () => {
    assert.deepEqual(rulesOf(finaliseProblems(completePlan({ needs: [] }))), ['PLAN-4']);
  });

  const text = fc.option(fc.constantFrom('', '  ', 'x', 'Some words'), { nil: null });
  const date = fc.option(fc.constantFrom('2025-01-01', '2025-06-30'), { nil: null });
  const anyPlan: fc.Arbitrary<PlanContent> = fc.record({
    needs: fc.array(fc.constant(need()), { minLength: 0, maxLength: 2 }).map((ns) => ns.map((n, i) => ({ ...n, id: String(i) }))),
    contingency: fc.record({ triggers: text, earlyWarningSigns: text, actions: text, whatHelps: text, crisisContacts: text, onAdmission: text }),
    signature: fc.record({ signedOn: date, notSignedReason: text }),
    copyGivenOn: date,
    accommodation: fc.record({ details: text, endsOn: date, moveOnPlan: text }),
  }).map((parts) => ({ ...emptyPlan(), ...parts }));

  test('PLAN-5/PLAN-6 (property): no plan that finaliseProblems flags can be finalised; every plan with needs, a complete contingency and signature+copy or a reason can', () => {
    fc.assert(
      fc.property(anyPlan, (plan) => {
        const complete = plan.needs.length > 0 && contingencyComplete(plan.contingency) && signatureComplete(plan) && (!plan.accommodation.endsOn || Boolean(plan.accommodation.moveOnPlan?.trim()));
        return (finaliseProblems(plan).length === 0) === complete;
      }),
    );
  });

  test('PLAN-6: only the people the person consented to are shared with', () => {
    const shared = sharedWith([
      { name: 'Ama', relationship: 'sister', consentedOn: '2025-03-01' },
      { name: 'Ben', relationship: 'friend', consentedOn: null },
    ]);
    assert.deepEqual(shared.map((s) => s.name), ['Ama']);
  });

  test('PLAN-7: leaving hospital without a final plan or with unconfirmed services warns, and never blocks', () => {
    assert.deepEqual(dischargeReadiness({ episodeStatus: 'active', leftHospitalOn: '2025-03-01', planFinal: true, unconfirmedServices: 0 }), { level: 'ok' });
    const noPlan = dischargeReadiness({ episodeStatus: 'active', leftHospitalOn: '2025-03-01', planFinal: false, unconfirmedServices: 2 });
    assert.equal(noPlan.level, 'warning');
    assert.equal(noPlan.level === 'warning' && noPlan.reasons.length, 2);
    assert.deepEqual(dischargeReadiness({ episodeStatus: 'planning', leftHospitalOn: null, planFinal: false, unconfirmedServices: 0 }), { level: 'ok' });
    assert.deepEqual(dischargeReadiness({ episodeStatus: 'ended', leftHospitalOn: '2025-03-01', planFinal: false, unconfirmedServices: 0 }), { level: 'ok' });
  });

  test('PLAN-1: planning is needed while detained or awaiting discharge, until there is a final plan', () => {
    assert.equal(planningNeeded('planning', false), true);
    assert.equal(planningNeeded('entitled-pending-discharge', false), true);
    assert.equal(planningNeeded('planning', true), false);
    assert.equal(planningNeeded('active', false), false);
    assert.equal(planningNeeded(null, false), false);
  });

  test('PLAN-8: cpa is an optional legacy attribute and never a precondition', () => {
    fc.assert(fc.property(fc.option(fc.boolean(), { nil: null }), (cpa) => finaliseProblems(completePlan({ cpa })).length === 0 && validatePlan(completePlan({ cpa })).length === 0));
    assert.equal(emptyPlan().cpa, null);
  });

  test('PLAN-1: a plan is finalised only after a qualifying detention; that refusal comes first, before the contents', () => {
    assert.deepEqual(finaliseRefusals(completePlan(), { qualifyingDetention: true }), []);
    assert.deepEqual(rulesOf(finaliseRefusals(completePlan(), { qualifyingDetention: false })), ['PLAN-1']);
    const both = finaliseRefusals(emptyPlan(), { qualifyingDetention: false });
    assert.equal(both[0]?.field, 'episode');
    assert.deepEqual(both.slice(1), finaliseProblems(emptyPlan()));
  });
});

describe('changing one part of the draft', () => {
  const other = need({ id: '00000000-0000-4000-8000-000000000002', description: 'Somewhere to live' });

  test('PLAN-4: a need with a new id is added at the end; one with a known id is replaced where it stands', () => {
    const plan = completePlan({ needs: [need(), other] });
    const added = withNeed(plan, need({ id: '00000000-0000-4000-8000-000000000003' }));
    assert.equal(added.index, 2);
    assert.equal(added.content.needs.length, 3);
    const changed = withNeed(plan, need({ description: 'Help with medicines' }));
    assert.equal(changed.index, 0);
    assert.deepEqual(changed.content.needs.map((n) => n.description), ['Help with medicines', 'Somewhere to live']);
    assert.equal(changed.content.contingency, plan.contingency, 'the rest is kept');
  });

  test('PLAN-4: removing a need keeps the others and the rest of the plan', () => {
    const plan = completePlan({ needs: [need(), other] });
    assert.deepEqual(withoutNeed(plan, need().id).needs, [other]);
    assert.equal(withoutNeed(plan, need().id).copyGivenOn, plan.copyGivenOn);
  });

  test('PLAN-8: replacing the details keeps the needs and the legacy CPA attribute', () => {
    const plan = completePlan({ needs: [need(), other], cpa: true });
    const { needs: _needs, cpa: _cpa, ...details } = emptyPlan();
    const replaced = withDetails(plan, { ...details, goals: 'Back to college' });
    assert.deepEqual(replaced.needs, plan.needs);
    assert.equal(replaced.cpa, true);
    assert.equal(replaced.goals, 'Back to college');
    assert.equal(replaced.copyGivenOn, null);
  });

});

describe('finaliseWarnings: what the check page warns about before finalising (issue 9 item 3)', () => {
  const full = () => completePlan({ keyworker: { name: 'Sam Keyworker', contact: '0300 555 0100' }, nextReviewOn: '2027-01-15', personViews: 'Wants to go back to college' });

  test('a complete plan with a keyworker, a review date and the person’s views has no warnings', () => {
    assert.deepEqual(finaliseWarnings(full()), []);
  });

  test('PLAN-3: no keyworker allocated, or one without contact details, is a warning on the keyworker', () => {
    assert.deepEqual(finaliseWarnings({ ...full(), keyworker: { name: null, contact: null } }).map((v) => [v.field, v.rule]), [['keyworker', 'PLAN-3']]);
    const noContact = finaliseWarnings({ ...full(), keyworker: { name: 'Sam Keyworker', contact: ' ' } });
    assert.deepEqual(noContact.map((v) => [v.field, v.rule]), [['keyworker', 'PLAN-3']]);
    assert.match(noContact[0]!.message, /contact/);
  });

  test('PLAN-4: a missing review date and missing views of the person are warnings', () => {
    assert.deepEqual(finaliseWarnings({ ...full(), nextReviewOn: null, personViews: '' }).map((v) => [v.field, v.rule]), [['nextReviewOn', 'PLAN-4'], ['personViews', 'PLAN-4']]);
  });

  test('SCOPE-6: needs of which none is met under s117 are a warning; SCOPE-1: a need passing both limbs marked not s117 is one too', () => {
    const none = finaliseWarnings({ ...full(), needs: [need({ s117: false, arisesFromMentalDisorder: false })] });
    assert.deepEqual(rulesOf(none), ['SCOPE-6']);
    const mislabelled = finaliseWarnings({ ...full(), needs: [need(), need({ id: '00000000-0000-4000-8000-000000000002', s117: false })] });
    assert.deepEqual(mislabelled.map((v) => [v.field, v.rule]), [['needs.1.s117', 'SCOPE-1']]);
  });

  test('warnings never block: a plan with warnings may still have no finalise problems', () => {
    const plan = { ...completePlan(), keyworker: { name: null, contact: null } };
    assert.ok(finaliseWarnings(plan).length > 0);
    assert.deepEqual(finaliseProblems(plan), []);
  });
});
