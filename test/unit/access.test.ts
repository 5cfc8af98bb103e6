// Who may do what and see whom: the rules of the contract, with property tests.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { can, canBeNamedInDispute, canConfirmResponsibility, canSeeDispute, canSeePerson, organisationsWithSight, providerSight, responsibilityClaims, responsibilityChangeOutcome, responsibilityPartsConfirmedBy, responsibilityVersion, responsibilityPartViolations, ROLES, type Action } from '../../src/domain/access.ts';

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

test('RESP-6: each body changes only its own part of the responsibility; an admin may record either', () => {
  const current = { localAuthority: 'E09000099', icb: 'QZZ' };
  const la = { role: 'approver' as const, organisationCode: 'E09000099', organisationType: 'local-authority' as const };
  const icb = { role: 'approver' as const, organisationCode: 'QZZ', organisationType: 'icb' as const };
  assert.deepEqual(responsibilityPartViolations(icb, current, { localAuthority: 'E09000099', icb: 'QZZ' }), []);
  assert.deepEqual(responsibilityPartViolations(icb, current, { localAuthority: 'E09000098', icb: 'QZZ' }).map((v) => [v.field, v.rule]), [['localAuthority.code', 'RESP-6']]);
  assert.deepEqual(responsibilityPartViolations(la, current, { localAuthority: 'E09000099', icb: 'QZY' }).map((v) => [v.field, v.rule]), [['icb.code', 'RESP-6']]);
  assert.deepEqual(responsibilityPartViolations({ ...la, role: 'admin' }, current, { localAuthority: 'E09000098', icb: 'QZY' }), []);
});

test('RESP-6 (issue 9 item 2): a council’s s117 lead confirms only the local authority, an ICB’s lead only the ICB; an admin or a system account both; no one else any', () => {
  assert.deepEqual(responsibilityPartsConfirmedBy({ role: 'approver', organisationType: 'local-authority' }), { localAuthority: true, icb: false });
  assert.deepEqual(responsibilityPartsConfirmedBy({ role: 'approver', organisationType: 'icb' }), { localAuthority: false, icb: true });
  assert.deepEqual(responsibilityPartsConfirmedBy({ role: 'approver', organisationType: 'provider' }), { localAuthority: false, icb: false });
  assert.deepEqual(responsibilityPartsConfirmedBy({ role: 'admin', organisationType: 'local-authority' }), { localAuthority: true, icb: true });
  assert.deepEqual(responsibilityPartsConfirmedBy({ role: 'practitioner', organisationType: 'icb', system: true }), { localAuthority: true, icb: true });
  fc.assert(fc.property(role.filter((r) => r !== 'admin' && r !== 'approver'), fc.constantFrom('local-authority' as const, 'icb' as const, 'provider' as const), (r, type) => {
    const parts = responsibilityPartsConfirmedBy({ role: r, organisationType: type });
    return !parts.localAuthority && !parts.icb;
  }));
});

test('RESP-6: a dispute names only bodies with a claim to responsibility, and is seen only by parties that see the person', () => {
  const claims = responsibilityClaims({ episodes: [{ localAuthority: { code: 'E09000099' }, icb: { code: 'QZZ' } }], residences: [{ localAuthority: 'E09000098' }], gpRegistrations: [{ icb: 'QZY' }] });
  assert.deepEqual(claims, { localAuthorities: ['E09000098', 'E09000099'], icbs: ['QZY', 'QZZ'] });
  assert.equal(canBeNamedInDispute({ kind: 'local-authority', code: 'E09000098' }, claims), true);
  assert.equal(canBeNamedInDispute({ kind: 'icb', code: 'E09000098' }, claims), false);
  assert.equal(canBeNamedInDispute({ kind: 'local-authority', code: 'E09000042' }, claims), false);
  const viewer = { role: 'finance' as const, organisationCode: 'E09000099' };
  assert.equal(canSeeDispute(viewer, ['E09000099', 'E09000098'], true), true);
  assert.equal(canSeeDispute(viewer, ['E09000099', 'E09000098'], false), false);
  assert.equal(canSeeDispute({ ...viewer, role: 'admin' }, ['X'], false), true);
});

test('RESP, PLAN-1: the provider running a stay sees the person while the stay or an episode it belongs to is open', () => {
  const stay = (dischargedOn: string | null) => ({ provider: 'RZZ', admittedOn: '2024-01-01', dischargedOn });
  assert.deepEqual(providerSight([stay(null)], []), ['RZZ']);
  assert.deepEqual(providerSight([stay('2024-02-01')], []), []);
  assert.deepEqual(providerSight([stay('2024-02-01')], [{ detentionFrom: '2024-01-01', endedOn: null }]), ['RZZ']);
  assert.deepEqual(providerSight([stay('2024-02-01')], [{ detentionFrom: '2024-01-01', endedOn: '2025-01-01' }]), []);
  assert.deepEqual(providerSight([{ ...stay(null), provider: null }], []), []);
});

test('RESP-6 (issue 15 probe 7): an approver naming another body for the other body’s part opens a dispute instead of a refusal; every other RESP-6 violation stays', () => {
  const current = { localAuthority: { code: 'E09000099', confirmed: false }, icb: { code: 'QZZ', confirmed: false } };
  const la = { role: 'approver' as const, organisationCode: 'E09000099', organisationType: 'local-authority' as const };
  const icb = { role: 'approver' as const, organisationCode: 'QZZ', organisationType: 'icb' as const };
  const byLa = responsibilityChangeOutcome(la, current, { localAuthority: 'E09000099', icb: 'QZY' });
  assert.deepEqual(byLa, {
    violations: [],
    dispute: { partyA: { kind: 'local-authority', code: 'E09000099' }, partyB: { kind: 'icb', code: 'QZZ' }, proposed: { kind: 'icb', code: 'QZY' }, subject: 'responsible-icb', interimFunderCode: 'QZZ' },
    ownPartToConfirm: true,
  });
  const byIcb = responsibilityChangeOutcome(icb, current, { localAuthority: 'E09000098', icb: 'QZZ' });
  assert.deepEqual([byIcb.violations, byIcb.dispute?.partyB, byIcb.dispute?.proposed, byIcb.dispute?.subject], [[], { kind: 'local-authority', code: 'E09000099' }, { kind: 'local-authority', code: 'E09000098' }, 'ordinary-residence']);
  // Their own part already confirmed as sent: nothing of their own to record, only the dispute.
  assert.equal(responsibilityChangeOutcome(la, { ...current, localAuthority: { code: 'E09000099', confirmed: true } }, { localAuthority: 'E09000099', icb: 'QZY' }).ownPartToConfirm, false);
  // No dispute when nothing of the other body's is changed.
  assert.deepEqual(responsibilityChangeOutcome(la, current, { localAuthority: 'E09000099', icb: 'QZZ' }), { violations: [], dispute: null, ownPartToConfirm: true });
  // Still refused: a system account that is not an admin, no body yet named for the other part, an approver who is not the body of their own part.
  assert.deepEqual(responsibilityChangeOutcome({ ...la, system: true }, current, { localAuthority: 'E09000099', icb: 'QZY' }).violations.map((v) => v.rule), ['RESP-6']);
  assert.equal(responsibilityChangeOutcome(la, { ...current, icb: { code: null, confirmed: false } }, { localAuthority: 'E09000099', icb: 'QZY' }).dispute, null);
  assert.equal(responsibilityChangeOutcome(la, { ...current, icb: { code: null, confirmed: false } }, { localAuthority: 'E09000099', icb: 'QZY' }).violations.length, 1);
  assert.equal(responsibilityChangeOutcome({ ...la, organisationCode: 'E09000097' }, current, { localAuthority: 'E09000099', icb: 'QZY' }).violations.length, 1);
  assert.deepEqual(responsibilityChangeOutcome({ ...la, role: 'admin' }, current, { localAuthority: 'E09000098', icb: 'QZY' }), { violations: [], dispute: null, ownPartToConfirm: true });
});

test('RESP-6 (issue 15 probe 7, a stale form): the responsibility version changes with either part’s body, confirmation, decision or basis, and with the episode’s end; not otherwise', () => {
  const episode = {
    endedOn: null as string | null,
    localAuthority: { code: 'E09000099' as string | null, basis: 'Tenancy since 2010', confirmed: false },
    icb: { code: 'QZZ' as string | null, basis: 'GP before detention', confirmed: true, confirmedAt: '2026-01-02T10:00:00.000Z' },
  };
  const v = responsibilityVersion(episode);
  assert.equal(responsibilityVersion(structuredClone(episode)), v, 'the same responsibility, the same version');
  assert.match(v, /^[A-Za-z0-9_-]+$/, 'safe in a hidden field');
  const changed = [
    { ...episode, icb: { ...episode.icb, code: 'QZY' } },
    { ...episode, icb: { ...episode.icb, confirmedAt: '2026-01-03T10:00:00.000Z' } },
    { ...episode, icb: { ...episode.icb, basis: 'Another basis' } },
    { ...episode, localAuthority: { ...episode.localAuthority, confirmed: true } },
    { ...episode, localAuthority: { ...episode.localAuthority, code: null } },
    { ...episode, endedOn: '2026-02-01' },
    // The parts are not interchangeable.
    { ...episode, localAuthority: episode.icb, icb: episode.localAuthority },
  ];
  for (const other of changed) assert.notEqual(responsibilityVersion(other), v);
});

describe('lists across people (issue 9 item 9)', () => {
  test('CMP-1: the complaints list is for s117 leads, admins and auditors; RESP-6: the disputes list for them and finance', () => {
    const may = (action: Action) => ROLES.filter((r) => can(r, action)).sort();
    assert.deepEqual(may('complaints:list'), ['admin', 'approver', 'auditor']);
    assert.deepEqual(may('disputes:list'), ['admin', 'approver', 'auditor', 'finance']);
  });
});
