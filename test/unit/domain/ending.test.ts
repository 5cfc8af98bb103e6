// Ending and reinstating aftercare (END-1 to END-7, MHA25-2).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addDays } from '../../../src/domain/dates.ts';
import {
  FORBIDDEN_REASON_CODES, FORBIDDEN_REASONS, LAWFUL_REASON, approvalSide, awaitsApprovalFrom, canBeReinstated, endingContradictions, reinstatementContradictions, type ReinstatementContext, endingOutcome, jointOutcome, servicesAtEnding,
  validateEndingProposal, validateNotice, validateReinstatement, type Approval, type EndingEpisode, type EndingProposalInput,
} from '../../../src/domain/ending.ts';

const TODAY = '2026-04-01';
const episode = (overrides: Partial<EndingEpisode> = {}): EndingEpisode => ({
  id: 'q-1', status: 'active', leftHospitalOn: '2024-05-01', endedOn: null, communityTreatmentOrder: false, conditionallyDischarged: false,
  localAuthority: { code: 'E09000099' }, icb: { code: 'QZZ' }, ...overrides,
});
const proposal = (overrides: Partial<EndingProposalInput> = {}): EndingProposalInput => ({
  reasonCode: LAWFUL_REASON, reasons: 'Reassessed with them: no remaining needs arising from their mental disorder.', reassessedOn: '2026-03-01',
  personInvolved: true, involved: ['Keyworker'], ...overrides,
});
const rulesOf = (v: { rule?: string }[]) => v.map((x) => x.rule);

describe('END-3: forbidden reasons', () => {
  test('END-3: no-longer-needed with a reassessment and the person involved is accepted', () => {
    assert.deepEqual(validateEndingProposal(episode(), proposal(), TODAY), []);
  });

  test('END-3: every forbidden reason is refused with its explanation', () => {
    assert.equal(FORBIDDEN_REASON_CODES.length, 10);
    for (const code of FORBIDDEN_REASON_CODES) {
      const v = validateEndingProposal(episode(), proposal({ reasonCode: code }), TODAY);
      assert.deepEqual(rulesOf(v), ['END-3'], code);
      assert.equal(v[0]?.field, 'reasonCode');
      assert.ok(v[0]?.message.includes(FORBIDDEN_REASONS[code].why));
    }
  });

  test('END-3: a refusal of services is not a lawful reason', () => {
    const v = validateEndingProposal(episode(), proposal({ reasonCode: 'refused-services' }), TODAY);
    assert.match(v[0]?.message ?? '', /not that the need has ended/);
  });

  test('END-3: an unknown reason code is refused', () => {
    assert.equal(validateEndingProposal(episode(), proposal({ reasonCode: 'because' }), TODAY)[0]?.field, 'reasonCode');
  });
});

describe('END-4: procedure before ending', () => {
  test('END-4: a missing, future or too early reassessment is refused', () => {
    for (const reassessedOn of [null, undefined, addDays(TODAY, 1), '2024-04-30']) {
      const v = validateEndingProposal(episode(), proposal({ reassessedOn }), TODAY);
      assert.deepEqual(v.map((x) => [x.field, x.rule]), [['reassessedOn', 'END-4']], String(reassessedOn));
    }
    assert.deepEqual(validateEndingProposal(episode(), proposal({ reassessedOn: '2024-05-01' }), TODAY), []);
  });

  test('END-4: the person not involved needs a reason why', () => {
    assert.deepEqual(rulesOf(validateEndingProposal(episode(), proposal({ personInvolved: false }), TODAY)), ['END-4']);
    assert.deepEqual(validateEndingProposal(episode(), proposal({ personInvolved: false, personNotInvolvedReason: 'Declined every invitation; letter sent' }), TODAY), []);
  });

  test('END-4: reasons are required', () => {
    assert.deepEqual(validateEndingProposal(episode(), proposal({ reasons: '  ' }), TODAY).map((v) => v.field), ['reasons']);
  });
});

describe('END-2: blocks', () => {
  test('END-2: a CTO in force is always refused, even with an override', () => {
    const v = validateEndingProposal(episode({ communityTreatmentOrder: true }), proposal({ override: { reason: 'Agreed' } }), TODAY);
    assert.deepEqual(rulesOf(v), ['END-2']);
  });

  test('END-2: a conditional discharge is refused unless overridden with a reason', () => {
    const cd = episode({ conditionallyDischarged: true });
    assert.deepEqual(validateEndingProposal(cd, proposal(), TODAY).map((v) => [v.field, v.rule]), [['override.reason', 'END-2']]);
    assert.deepEqual(validateEndingProposal(cd, proposal({ override: { reason: ' ' } }), TODAY).map((v) => v.rule), ['END-2']);
    assert.deepEqual(validateEndingProposal(cd, proposal({ override: { reason: 'Absolute discharge expected; no needs remain' } }), TODAY), []);
  });
});

describe('END-1 and END-7: which episodes can end', () => {
  test('END-1: planning, pending discharge and ended episodes cannot be ended; END-7: superseded and deceased neither', () => {
    const cases = [['planning', 'END-1'], ['entitled-pending-discharge', 'END-1'], ['ended', 'END-1'], ['superseded', 'END-7'], ['deceased', 'END-7']] as const;
    for (const [status, rule] of cases) {
      const v = validateEndingProposal(episode({ status, endedOn: '2025-01-01' }), proposal(), TODAY);
      assert.deepEqual(rulesOf(v), [rule], status);
    }
    assert.match(validateEndingProposal(episode({ status: 'ended', endedOn: '2025-01-01' }), proposal(), TODAY)[0]?.message ?? '', /cannot be ended again/);
    assert.deepEqual(validateEndingProposal(episode({ status: 'in-custody' }), proposal(), TODAY), []);
  });

  test('END-1: an unknown responsible body must be confirmed first', () => {
    const v = validateEndingProposal(episode({ icb: { code: null } }), proposal(), TODAY);
    assert.deepEqual(rulesOf(v), ['END-1']);
    assert.match(v[0]?.message ?? '', /ICB is not known\. Confirm responsibility first/);
  });

  test('END-1: the approver’s organisation decides the side', () => {
    assert.equal(approvalSide('E09000099', episode()), 'local-authority');
    assert.equal(approvalSide('QZZ', episode()), 'icb');
    assert.equal(approvalSide('E09000098', episode()), null);
    assert.equal(approvalSide('QZZ', episode({ icb: { code: null } })), null);
  });

  test('END-1: one side alone does not end aftercare; a repeat from the same side changes nothing', () => {
    const la: Approval = { side: 'local-authority', approvedOn: '2026-03-02' };
    const off = { jointNoticeRequired: false };
    assert.equal(endingOutcome([la], off).ends, false);
    assert.equal(endingOutcome([la, { ...la, approvedOn: '2026-03-05' }], off).ends, false);
    const both = endingOutcome([la, { side: 'icb', approvedOn: '2026-03-10' }], off);
    assert.equal(both.ends, true);
    assert.equal(both.endedOn, '2026-03-10');
  });

  test('END-1: for any approvals, aftercare ends iff both sides approved, on the second side’s first approval', () => {
    const orgs = ['E09000099', 'QZZ', 'E09000098', 'QZY', 'RZZ'];
    const arb = fc.array(fc.record({ org: fc.constantFrom(...orgs), day: fc.nat({ max: 400 }) }), { maxLength: 12 });
    fc.assert(fc.property(arb, (events) => {
      const sorted = [...events].sort((a, b) => a.day - b.day);
      const approvals: Approval[] = [];
      for (const e of sorted) {
        const side = approvalSide(e.org, episode());
        if (side) approvals.push({ side, approvedOn: addDays('2025-01-01', e.day) });
      }
      const outcome = endingOutcome(approvals, { jointNoticeRequired: false });
      const firstLa = sorted.find((e) => e.org === 'E09000099');
      const firstIcb = sorted.find((e) => e.org === 'QZZ');
      assert.equal(outcome.ends, Boolean(firstLa && firstIcb));
      if (firstLa && firstIcb) assert.equal(outcome.endedOn, addDays('2025-01-01', Math.max(firstLa.day, firstIcb.day)));
      else assert.equal(outcome.endedOn, null);
    }), { numRuns: 300 });
  });
});

describe('MHA25-2: joint written notice', () => {
  const both: Approval[] = [{ side: 'local-authority', approvedOn: '2026-03-02' }, { side: 'icb', approvedOn: '2026-03-10' }];

  test('MHA25-2: with the setting on, aftercare ends only once the notice is sent, on its date', () => {
    const on = { jointNoticeRequired: true };
    const waiting = endingOutcome(both, on);
    assert.equal(waiting.ends, false);
    assert.equal(waiting.awaitingNotice, true);
    const sent = endingOutcome(both, on, '2026-03-12');
    assert.deepEqual([sent.ends, sent.endedOn], [true, '2026-03-12']);
  });

  test('MHA25-2: the notice needs both approvals first and cannot predate the decision', () => {
    assert.deepEqual(rulesOf(validateNotice(both.slice(0, 1), '2026-03-12', TODAY)), ['MHA25-2']);
    assert.deepEqual(rulesOf(validateNotice(both, '2026-03-09', TODAY)), ['MHA25-2']);
    assert.deepEqual(rulesOf(validateNotice(both, addDays(TODAY, 1), TODAY)), ['MHA25-2']);
    assert.deepEqual(validateNotice(both, '2026-03-10', TODAY), []);
  });
});

describe('END-6: reinstatement', () => {
  test('END-6: only a jointly ended episode can be reinstated, with reasons', () => {
    assert.deepEqual(validateReinstatement({ status: 'ended', endedOn: '2025-01-01', endReason: 'joint-decision' }, { reasons: 'Relapse; needs support again' }), []);
    assert.deepEqual(rulesOf(validateReinstatement({ status: 'active', endedOn: null, endReason: null }, { reasons: 'x' })), ['END-6']);
    assert.deepEqual(rulesOf(validateReinstatement({ status: 'superseded', endedOn: '2025-01-01', endReason: 'new-qualifying-detention' }, { reasons: 'x' })), ['END-6']);
    assert.deepEqual(validateReinstatement({ status: 'ended', endedOn: '2025-01-01', endReason: 'joint-decision' }, { reasons: '' }).map((v) => v.field), ['reasons']);
  });

  test('END-6: reinstatement is approved jointly like an ending', () => {
    const outcome = jointOutcome([{ side: 'icb', approvedOn: '2026-02-01' }, { side: 'icb', approvedOn: '2026-01-01' }, { side: 'local-authority', approvedOn: '2026-01-15' }]);
    assert.deepEqual([outcome.agreed, outcome.agreedOn], [true, '2026-01-15']);
  });
});

describe('END-6 and END-1: what the pages may offer', () => {
  test('END-6: only aftercare ended by a joint decision can be reinstated', () => {
    assert.equal(canBeReinstated({ status: 'ended', endReason: 'joint-decision' }), true);
    assert.equal(canBeReinstated({ status: 'superseded', endReason: 'new-qualifying-detention' }), false);
    assert.equal(canBeReinstated({ status: 'deceased', endReason: 'death' }), false);
    assert.equal(canBeReinstated({ status: 'active', endReason: null }), false);
  });

  test('END-1: a pending decision awaits a side only until that side has approved', () => {
    const pending = { status: 'pending', approvals: [{ side: 'local-authority' as const }] };
    assert.equal(awaitsApprovalFrom('icb', pending), true);
    assert.equal(awaitsApprovalFrom('local-authority', pending), false);
    assert.equal(awaitsApprovalFrom(null, pending), false);
    assert.equal(awaitsApprovalFrom('icb', { ...pending, status: 'approved' }), false);
  });
});

describe('END-6 (issue 9 item 2): what the approver of a reinstatement is warned of', () => {
  // Ended on 1 March 2026; the person is in the community and the plan still names a need met under s117.
  const quiet: ReinstatementContext = { endedOn: '2026-03-01', latestReview: null, s117Needs: [{ description: 'Help with medication' }], inHospitalSince: null, laterEpisodeFrom: null, dateOfDeath: null };
  const rules = (c: Partial<ReinstatementContext>) => reinstatementContradictions({ ...quiet, ...c }).map((w) => w.rule);

  test('nothing in the record against the request: no warning', () => {
    assert.deepEqual(rules({}), []);
    assert.deepEqual(rules({ latestReview: { heldOn: '2026-04-01', outcome: 'continue' } }), [], 'a review since that said carry on supports it');
    assert.deepEqual(rules({ latestReview: { heldOn: '2026-04-01', outcome: null } }), [], 'an imported review says nothing either way');
  });

  test('REV-3: a review that proposed ending, before the ending or since it, is named, saying which', () => {
    const since = reinstatementContradictions({ ...quiet, latestReview: { heldOn: '2026-04-01', outcome: 'propose-ending' } });
    assert.deepEqual(since.map((w) => w.rule), ['REV-3']);
    assert.match(since[0]!.heading, /A review since the ending said aftercare is no longer needed/);
    assert.match(since[0]!.text, /1 April 2026, after aftercare ended,/);
    const before = reinstatementContradictions({ ...quiet, latestReview: { heldOn: '2026-02-01', outcome: 'propose-ending' } });
    assert.match(before[0]!.heading, /The latest review proposed ending aftercare/);
  });

  test('END-7: no need met under section 117 in the plan; a death recorded', () => {
    assert.deepEqual(rules({ s117Needs: [] }), ['END-7']);
    const died = reinstatementContradictions({ ...quiet, dateOfDeath: '2026-03-20' });
    assert.deepEqual(died.map((w) => w.rule), ['END-7']);
    assert.match(died[0]!.text, /died on 20 March 2026/);
  });

  test('REV-4: the person is in hospital, not in the community; END-5: a new qualifying detention opened new aftercare (and says so instead)', () => {
    assert.deepEqual(rules({ inHospitalSince: '2026-04-02' }), ['REV-4']);
    assert.match(reinstatementContradictions({ ...quiet, inHospitalSince: '2026-04-02' })[0]!.text, /in hospital since 2 April 2026/);
    assert.deepEqual(rules({ inHospitalSince: '2026-04-02', laterEpisodeFrom: '2026-04-02' }), ['END-5']);
  });

  test('every warning at once, in a stable order', () => {
    assert.deepEqual(rules({ dateOfDeath: '2026-05-01', inHospitalSince: '2026-04-02', latestReview: { heldOn: '2026-04-01', outcome: 'propose-ending' }, s117Needs: [] }), ['END-7', 'REV-4', 'REV-3', 'END-7']);
  });
});

describe('END-1, END-4, END-7 (issue 9 item 3): what the approver is warned of, and the services when aftercare ends', () => {
  const quiet = { reassessedOn: '2026-03-01', latestReview: null, liveS117Services: [], continuingServiceIds: [], s117Needs: [] };

  test('END-4: a review on or after the reassessment that decided to carry on contradicts the proposal; one before it, or proposing ending, does not', () => {
    assert.deepEqual(endingContradictions(quiet), []);
    assert.deepEqual(endingContradictions({ ...quiet, latestReview: { heldOn: '2026-03-01', outcome: 'continue' } }).map((w) => w.rule), ['END-4']);
    assert.deepEqual(endingContradictions({ ...quiet, latestReview: { heldOn: '2026-02-28', outcome: 'continue' } }), []);
    assert.deepEqual(endingContradictions({ ...quiet, latestReview: { heldOn: '2026-03-10', outcome: 'propose-ending' } }), []);
  });

  test('END-7 and END-1: s117 services in place that would end, and s117 needs in the plan, are named', () => {
    const warnings = endingContradictions({ ...quiet, liveS117Services: [{ id: 'a', description: 'Support worker' }, { id: 'b', description: 'Day centre' }], continuingServiceIds: ['b'], s117Needs: [{ description: 'Managing money' }] });
    assert.deepEqual(warnings.map((w) => w.rule), ['END-7', 'END-1']);
    assert.match(warnings[0]!.text, /Support worker/);
    assert.doesNotMatch(warnings[0]!.text, /Day centre/);
  });

  test('END-7: each s117 service in place ends on the day aftercare ends; a named one carries on from the next day; others are untouched', () => {
    const services = [
      { id: 'live', s117: true, startDate: '2025-01-01', endDate: null },
      { id: 'later', s117: true, startDate: '2025-01-01', endDate: '2027-01-01' },
      { id: 'ended', s117: true, startDate: '2025-01-01', endDate: '2026-01-01' },
      { id: 'future', s117: true, startDate: '2026-06-01', endDate: null },
      { id: 'other', s117: false, startDate: '2025-01-01', endDate: null },
    ];
    assert.deepEqual(servicesAtEnding(services, ['later'], '2026-04-01'), [
      { id: 'live', endDate: '2026-04-01', continuesFrom: null },
      { id: 'later', endDate: '2026-04-01', continuesFrom: '2026-04-02' },
      { id: 'future', endDate: '2026-06-01', continuesFrom: null },
    ]);
    fc.assert(fc.property(fc.integer({ min: 0, max: 800 }), (n) => {
      const endedOn = addDays('2025-01-01', n);
      return servicesAtEnding(services, [], endedOn).every((x) => x.endDate >= endedOn || x.endDate === services.find((s) => s.id === x.id)!.startDate);
    }));
  });
});
