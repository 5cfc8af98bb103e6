// RESP-7: a split raising a body's share above the joint policy's applies once that body approves it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { bodyWhoseShareRises, splitApprovalRefusal, splitDecision } from '../../../src/domain/split-approval.ts';

const split = (la: number) => ({ localAuthorityPercent: la, icbPercent: 100 - la });
const fiftyFifty = split(50);
const partnership = { localAuthority: 'E09000099', icb: 'QZZ' };

describe('RESP-7 split approval', () => {
  test('RESP-7: a 30/70 split against a 50/50 policy awaits the ICB, and 50/50 applies until then', () => {
    assert.equal(bodyWhoseShareRises(split(30), fiftyFifty), 'icb');
    assert.deepEqual(splitDecision(split(30), fiftyFifty, null), { proposed: split(30), effective: fiftyFifty, awaiting: 'icb' });
  });

  test('RESP-7: once the ICB approves, 30/70 applies; the council’s approval does not count', () => {
    assert.deepEqual(splitDecision(split(30), fiftyFifty, 'icb'), { proposed: split(30), effective: split(30), awaiting: null });
    assert.deepEqual(splitDecision(split(30), fiftyFifty, 'local-authority').effective, fiftyFifty);
  });

  test('RESP-7: a split raising the council’s share awaits the council', () => {
    assert.equal(splitDecision(split(80), fiftyFifty, null).awaiting, 'local-authority');
  });

  test('RESP-7: the policy’s own split, or no policy default, needs no approval', () => {
    assert.deepEqual(splitDecision(fiftyFifty, fiftyFifty, null), { proposed: fiftyFifty, effective: fiftyFifty, awaiting: null });
    assert.deepEqual(splitDecision(split(30), null, null), { proposed: split(30), effective: split(30), awaiting: null });
  });

  test('RESP-7: only an approver of the body whose share rises may approve; nothing awaited is invalid', () => {
    assert.equal(splitApprovalRefusal({ role: 'approver', organisationCode: 'QZZ' }, 'icb', partnership), null);
    assert.ok(splitApprovalRefusal({ role: 'approver', organisationCode: 'E09000099' }, 'icb', partnership) && 'forbidden' in splitApprovalRefusal({ role: 'approver', organisationCode: 'E09000099' }, 'icb', partnership)!);
    assert.ok('forbidden' in splitApprovalRefusal({ role: 'practitioner', organisationCode: 'QZZ' }, 'icb', partnership)!);
    assert.ok('forbidden' in splitApprovalRefusal({ role: 'admin', organisationCode: 'QZZ' }, 'icb', partnership)!);
    assert.equal(splitApprovalRefusal({ role: 'approver', organisationCode: 'E09000099' }, 'local-authority', partnership), null);
    assert.ok('invalid' in splitApprovalRefusal({ role: 'approver', organisationCode: 'QZZ' }, null, partnership)!);
  });

  test('RESP-7: the effective split is always the policy’s or the proposal, and never raises a share without that body’s approval', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.constantFrom(null, 'icb' as const, 'local-authority' as const), (p, d, approved) => {
        const decision = splitDecision(split(p), split(d), approved);
        assert.ok(decision.effective.localAuthorityPercent === p || decision.effective.localAuthorityPercent === d);
        const rises = bodyWhoseShareRises(split(p), split(d));
        if (rises && approved !== rises) assert.deepEqual(decision.effective, split(d));
        assert.equal(decision.awaiting === null, decision.effective.localAuthorityPercent === p);
      }),
    );
  });
});
