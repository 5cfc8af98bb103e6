// Who may do what and see whom: the rules of the contract, with property tests.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { can, canConfirmResponsibility, canSeePerson, organisationsWithSight, ROLES, type Action } from '../../src/domain/access.ts';

const code: fc.Arbitrary<string> = fc.constantFrom('E09000099', 'E09000098', 'QZZ', 'QZY', 'RZZ', 'E06000001');
const role = fc.constantFrom(...ROLES);

describe('access rules', () => {
  test('an admin sees every person, whatever organisations have sight', () => {
    fc.assert(fc.property(code, fc.array(code), (org, sight) => canSeePerson({ role: 'admin', organisationCode: org }, sight)));
  });

  test('anyone else sees a person exactly when their organisation has sight', () => {
    fc.assert(
      fc.property(role.filter((r) => r !== 'admin'), code, fc.array(code), (r, org, sight) => canSeePerson({ role: r, organisationCode: org }, sight) === sight.includes(org)),
    );
  });

  test('the responsible bodies of every episode and allocated organisations have sight; residence only until a body is known', () => {
    fc.assert(
      fc.property(fc.array(fc.option(code)), fc.option(code), fc.option(code), fc.array(code), (bodies, la, icb, allocated) => {
        const sight = organisationsWithSight({ responsibleBodies: bodies, currentLocalAuthority: la, currentIcb: icb, allocatedOrganisations: allocated });
        const known = bodies.filter((b): b is string => b !== null);
        for (const b of [...known, ...allocated]) assert.ok(sight.includes(b));
        if (known.length === 0) for (const c of [la, icb]) if (c) assert.ok(sight.includes(c));
        const expected = new Set([...known, ...allocated, ...(known.length === 0 ? [la, icb].filter((c): c is string => c !== null) : [])]);
        assert.deepEqual(sight, [...expected].sort());
      }),
    );
  });

  test('auditors and finance change nothing in the legal history; only admins manage users', () => {
    const writes: Action[] = ['person:create', 'person:update', 'legal-history:record', 'responsibility:confirm'];
    for (const action of writes) {
      assert.equal(can('auditor', action), false, action);
      assert.equal(can('finance', action), false, action);
    }
    assert.deepEqual(ROLES.filter((r) => can(r, 'users:manage')), ['admin']);
    assert.deepEqual(ROLES.filter((r) => can(r, 'audit:read')), ['admin', 'auditor']);
    for (const r of ROLES) assert.equal(can(r, 'person:read'), true, r);
  });

  test('RESP-2..5: only an approver of a local authority or ICB concerned, or an admin, confirms responsibility', () => {
    fc.assert(
      fc.property(role, code, fc.constantFrom('local-authority', 'icb', 'provider') as fc.Arbitrary<'local-authority' | 'icb' | 'provider'>, fc.array(fc.option(code)), (r, org, type, concerned) => {
        const allowed = canConfirmResponsibility({ role: r, organisationCode: org, organisationType: type }, concerned);
        const expected = r === 'admin' || (r === 'approver' && type !== 'provider' && concerned.includes(org));
        return allowed === expected;
      }),
    );
  });
});
