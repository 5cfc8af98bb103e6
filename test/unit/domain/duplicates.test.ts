// REG-1, REG-2 (issue 15, task B): who sees a registration of an NHS number already on the register,
// what a merge moves, and that keeping two records separate needs its reason.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { can, canSeeDuplicateRegistration, canSeePerson, ROLES } from '../../../src/domain/access.ts';
import { decisionViolations, DUPLICATE_ROUTE_LABELS, DUPLICATE_ROUTES, mergePlan } from '../../../src/domain/duplicates.ts';

const code = fc.constantFrom('E09000099', 'E09000098', 'QZZ', 'QZY', 'RZZ');

describe('REG-1 duplicate registrations: who sees a pair', () => {
  test('an admin sees every pair', () => {
    fc.assert(fc.property(code, fc.array(code), (org, sight) => canSeeDuplicateRegistration({ role: 'admin', organisationCode: org }, sight)));
  });

  test('an s117 lead (approver) sees a pair exactly when their organisation sees the person registered first', () => {
    fc.assert(fc.property(code, fc.array(code), (org, sight) => canSeeDuplicateRegistration({ role: 'approver', organisationCode: org }, sight) === sight.includes(org)));
  });

  test('practitioners, finance and auditors never see a pair, even of a person their organisation sees', () => {
    for (const role of ['practitioner', 'finance', 'auditor'] as const) {
      assert.equal(canSeeDuplicateRegistration({ role, organisationCode: 'E09000099' }, ['E09000099']), false, role);
      assert.equal(can(role, 'duplicates:manage'), false, role);
    }
    assert.deepEqual(ROLES.filter((r) => can(r, 'duplicates:manage')), ['admin', 'approver']);
  });

  test('not there = not yours: whoever sees a pair already sees the person registered first, so the pair tells the organisation that made the later record nothing new', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ROLES), code, fc.array(code), (role, org, sight) => {
        const viewer = { role, organisationCode: org };
        return !canSeeDuplicateRegistration(viewer, sight) || canSeePerson(viewer, sight);
      }),
    );
  });
});

describe('REG-1 merge: what moves', () => {
  test('the plan moves only when the person registered first has none; otherwise it stays with the closed record', () => {
    assert.deepEqual(mergePlan({ plan: false, keyworker: false }, { plan: true, keyworker: false }), { movePlan: true, planLeftBehind: false, endLaterKeyworker: false });
    assert.deepEqual(mergePlan({ plan: true, keyworker: false }, { plan: true, keyworker: false }), { movePlan: false, planLeftBehind: true, endLaterKeyworker: false });
    assert.deepEqual(mergePlan({ plan: true, keyworker: false }, { plan: false, keyworker: false }), { movePlan: false, planLeftBehind: false, endLaterKeyworker: false });
  });

  test('of two current keyworkers the person registered first keeps theirs', () => {
    assert.equal(mergePlan({ plan: false, keyworker: true }, { plan: false, keyworker: true }).endLaterKeyworker, true);
    assert.equal(mergePlan({ plan: false, keyworker: false }, { plan: false, keyworker: true }).endLaterKeyworker, false);
    assert.equal(mergePlan({ plan: false, keyworker: true }, { plan: false, keyworker: false }).endLaterKeyworker, false);
  });
});

describe('REG-2 keeping two records separate', () => {
  test('needs a reason naming REG-2; a merge does not', () => {
    for (const reason of [undefined, null, '', '   ']) assert.deepEqual(decisionViolations('not-the-same', reason).map((v) => [v.field, v.rule]), [['reason', 'REG-2']]);
    assert.deepEqual(decisionViolations('not-the-same', 'Different dates of birth'), []);
    assert.deepEqual(decisionViolations('merged', undefined), []);
  });

  test('every route has words for the page', () => {
    for (const route of DUPLICATE_ROUTES) assert.ok(DUPLICATE_ROUTE_LABELS[route].length > 0);
  });
});
