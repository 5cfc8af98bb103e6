// Who may act on money across organisations: the disputes list and the recharge statement's scope,
// the bodies in a dispute (RESP-6), and whose payments a body records (RESP-1).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { canActInDispute, canRecordPaymentFor, organisationScope, ROLES } from '../../src/domain/access.ts';

const code: fc.Arbitrary<string> = fc.constantFrom('E09000099', 'E09000098', 'QZZ', 'QZY', 'RZZ');
const notAdmin = fc.constantFrom(...ROLES.filter((r) => r !== 'admin'));

describe('money access rules', () => {
  test('a list across people covers every organisation for an admin, and only their own for anyone else', () => {
    fc.assert(fc.property(code, (org) => organisationScope({ role: 'admin', organisationCode: org }) === null));
    fc.assert(fc.property(notAdmin, code, (role, org) => organisationScope({ role, organisationCode: org }) === org));
  });

  test('RESP-6: only a body in the dispute, or an admin, records or changes it', () => {
    fc.assert(fc.property(code, code, code, (org, a, b) => canActInDispute({ role: 'admin', organisationCode: org }, [a, b])));
    fc.assert(fc.property(notAdmin, code, code, code, (role, org, a, b) => canActInDispute({ role, organisationCode: org }, [a, b]) === (org === a || org === b)));
  });

  test('RESP-1: a body records only its own payments; an admin records any body’s', () => {
    assert.equal(canRecordPaymentFor({ role: 'finance', organisationCode: 'E09000099' }, 'E09000099'), true);
    assert.equal(canRecordPaymentFor({ role: 'finance', organisationCode: 'E09000099' }, 'QZZ'), false);
    assert.equal(canRecordPaymentFor({ role: 'admin', organisationCode: 'E09000099' }, 'QZZ'), true);
  });
});
