// ADV-1 to ADV-5, MHA25-4, PLAN-1 to PLAN-3: the advocacy and planning rules, with property tests.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  careActAdvocateDue, imcaMayBeNeeded, imhaEligibility, imhaRecordsAccess, imhaReferralViolations, referralViolations, tribunalResponseViolations, validateRecordsConsent,
} from '../../../src/domain/advocacy.ts';
import {
  carerInvitationViolations, carerWishViolations, defaultInviteeRoles, expectedInvitees, isOffenderPatient, keyworkerAllocationRefusal, keyworkerCandidateViolations,
  keyworkerWarning, meetingHeldOnViolations, missingInvitees, planningDaysOpen, planningStatus,
} from '../../../src/domain/planning.ts';
import { loadConfig } from '../../../src/config.ts';
import { SECTION_CODES, type SectionCode } from '../../../src/domain/sections.ts';

const ON = '2025-06-01';
const status = (section: SectionCode, startDate = '2025-01-01', endDate: string | null = null) => ({ section, startDate, endDate });

describe('IMHA eligibility', () => {
  test('ADV-1: liable to be detained under s2, s3 or s37 is eligible, with the reason and who must tell them (ADV-2)', () => {
    for (const section of ['2', '3', '37', '37/41', '47/49'] as const) {
      const r = imhaEligibility({ legalStatuses: [status(section)] }, ON);
      assert.equal(r.eligible, true, section);
      assert.equal(r.rule, 'ADV-1');
      assert.match(r.reason, /liable to be detained/);
      assert.match(r.toldBy ?? '', /hospital managers/);
    }
  });

  test('ADV-1: s4 (not converted), s5(2), s5(4), s135 and s136 do not make a person eligible', () => {
    for (const section of ['4', '5(2)', '5(4)', '135', '136'] as const) {
      const r = imhaEligibility({ legalStatuses: [status(section)] }, ON);
      assert.equal(r.eligible, false, section);
      assert.match(r.reason, /does not give a right to an IMHA/);
    }
    assert.match(imhaEligibility({ legalStatuses: [status('4')] }, ON).reason, /converted to a section 2/);
  });

  test('ADV-1: guardianship, a CTO and a conditional discharge are eligible', () => {
    assert.match(imhaEligibility({ legalStatuses: [status('7')] }, ON).reason, /guardianship/);
    assert.match(imhaEligibility({ legalStatuses: [status('3', '2024-01-01', '2024-06-01'), status('17A', '2024-06-01')] }, ON).toldBy ?? '', /responsible hospital/);
    assert.equal(imhaEligibility({ legalStatuses: [status('37/41', '2020-01-01', '2023-01-01'), status('CD', '2023-01-01')] }, ON).eligible, true);
  });

  test('ADV-1: a person on s117 only (s3 ended with no CTO, or an absolute discharge) is not eligible', () => {
    const r = imhaEligibility({ legalStatuses: [status('3', '2024-01-01', '2024-06-01')] }, ON);
    assert.equal(r.eligible, false);
    assert.match(r.reason, /Section 117 aftercare alone/);
    const cd = imhaEligibility({ legalStatuses: [status('37/41', '2020-01-01', '2023-01-01'), status('CD', '2023-01-01', '2024-01-01')] }, ON);
    assert.equal(cd.eligible, false, 'absolutely discharged');
  });

  test('ADV-1: eligibility is on the date asked: before detention and after it ends are not eligible', () => {
    const facts = { legalStatuses: [status('3', '2025-03-01', '2025-05-01')] };
    assert.equal(imhaEligibility(facts, '2025-02-28').eligible, false);
    assert.equal(imhaEligibility(facts, '2025-03-01').eligible, true);
    assert.equal(imhaEligibility(facts, '2025-05-01').eligible, true);
    assert.equal(imhaEligibility(facts, '2025-05-02').eligible, false);
    assert.equal(imhaEligibility({ ...facts, dateOfDeath: '2025-04-01' }, '2025-04-02').eligible, false);
  });

  test('ADV-1: s57 treatment discussion makes a person not otherwise qualifying eligible', () => {
    assert.equal(imhaEligibility({ legalStatuses: [] }, ON, { discussingSection57Or58ATreatment: true }).eligible, true);
  });

  test('MHA25-4: the S117_MHA2025_IMHA setting is off unless set to true', () => {
    assert.equal(loadConfig({}).mha2025Imha, false);
    assert.equal(loadConfig({ S117_MHA2025_IMHA: 'true' }).mha2025Imha, true);
  });

  test('MHA25-4: informal patients are eligible only when the setting is on (off by default)', () => {
    const facts = { legalStatuses: [status('informal')] };
    const off = imhaEligibility(facts, ON);
    assert.equal(off.eligible, false);
    assert.match(off.reason, /MHA25-4/);
    const on = imhaEligibility(facts, ON, { informalPatientsIncluded: true });
    assert.equal(on.eligible, true);
    assert.equal(on.rule, 'MHA25-4');
  });

  const section = fc.constantFrom(...SECTION_CODES);
  const date = fc.integer({ min: 0, max: 2000 }).map((n) => new Date(Date.UTC(2020, 0, 1 + n)).toISOString().slice(0, 10));
  const anyStatus = fc.record({ section, startDate: date, endDate: fc.option(date) }).map((s) => ({ ...s, endDate: s.endDate && s.endDate < s.startDate ? s.startDate : s.endDate }));

  test('ADV-1 (property): s4, s5(2), s5(4), s135 and s136 alone never make a person eligible', () => {
    const holding = fc.constantFrom<SectionCode>('4', '5(2)', '5(4)', '135', '136');
    const statuses = fc.array(fc.record({ section: holding, startDate: date, endDate: fc.option(date) }), { maxLength: 6 });
    fc.assert(fc.property(statuses, date, fc.boolean(), (ss, on, flag) => !imhaEligibility({ legalStatuses: ss }, on, { informalPatientsIncluded: flag }).eligible));
  });

  test('ADV-1 (property): any open s2, s3 or s37 in force makes a person eligible, whatever else is recorded', () => {
    const open = fc.record({ section: fc.constantFrom<SectionCode>('2', '3', '37'), startDate: date });
    fc.assert(
      fc.property(open, fc.array(anyStatus, { maxLength: 6 }), fc.integer({ min: 0, max: 400 }), (o, others, offset) => {
        const on = new Date(Date.parse(o.startDate) + offset * 86_400_000).toISOString().slice(0, 10);
        const r = imhaEligibility({ legalStatuses: [...others, { ...o, endDate: null }] }, on);
        return r.eligible && r.rule === 'ADV-1';
      }),
    );
  });

  test('ADV-1 (property): the answer never depends on the order statuses are given in', () => {
    fc.assert(
      fc.property(fc.array(anyStatus, { maxLength: 6 }), date, (ss, on) => {
        const a = imhaEligibility({ legalStatuses: ss }, on);
        const b = imhaEligibility({ legalStatuses: [...ss].reverse() }, on);
        return a.eligible === b.eligible;
      }),
    );
  });
});

describe('IMHA access to records, Care Act advocate, IMCA', () => {
  test('ADV-3: with capacity the person consents or not; without capacity the record-holder decides with a reason', () => {
    const base = { decidedOn: ON, reason: null };
    assert.deepEqual(validateRecordsConsent({ ...base, personHasCapacity: true, consented: true, recordHolderAllows: null }), []);
    assert.equal(validateRecordsConsent({ ...base, personHasCapacity: true, consented: null, recordHolderAllows: true })[0]?.rule, 'ADV-3');
    const lacking = validateRecordsConsent({ ...base, personHasCapacity: false, consented: null, recordHolderAllows: true });
    assert.deepEqual(lacking.map((v) => v.field), ['consentToRecords.reason']);
    assert.equal(imhaRecordsAccess({ ...base, personHasCapacity: true, consented: false, recordHolderAllows: null }).allowed, false);
    assert.equal(imhaRecordsAccess({ ...base, personHasCapacity: false, consented: null, recordHolderAllows: true, reason: 'best interests' }).allowed, true);
    assert.equal(imhaRecordsAccess(null).allowed, false);
  });

  test('ADV-4: substantial difficulty and no appropriate individual: must for Care Act processes, offer (contested) for s117-only', () => {
    const test = { substantialDifficulty: true, appropriateIndividual: false, nhsStayOf28DaysLikely: false, careHomeStayOf8WeeksLikely: false };
    assert.equal(careActAdvocateDue(test, 'care-act').duty, 'must');
    const s117 = careActAdvocateDue(test);
    assert.equal(s117.duty, 'offer');
    assert.equal(s117.contested, true);
    assert.equal(s117.due, true);
  });

  test('ADV-4: an appropriate individual removes the need unless a 28-day NHS or 8-week care home stay is likely', () => {
    const base = { substantialDifficulty: true, appropriateIndividual: true, nhsStayOf28DaysLikely: false, careHomeStayOf8WeeksLikely: false };
    assert.equal(careActAdvocateDue(base).due, false);
    assert.equal(careActAdvocateDue({ ...base, nhsStayOf28DaysLikely: true }).due, true);
    assert.equal(careActAdvocateDue({ ...base, careHomeStayOf8WeeksLikely: true }, 'care-act').duty, 'must');
    assert.equal(careActAdvocateDue({ ...base, substantialDifficulty: false, appropriateIndividual: false }).due, false);
  });

  test('ADV-5: an IMCA may be needed only when all three conditions hold', () => {
    assert.equal(imcaMayBeNeeded({ lacksCapacityAboutAccommodation: true, longTermAccommodationMove: true, nobodyAppropriateToConsult: true }).needed, true);
    assert.equal(imcaMayBeNeeded({ lacksCapacityAboutAccommodation: true, longTermAccommodationMove: true, nobodyAppropriateToConsult: false }).needed, false);
  });
});

describe('planning', () => {
  const episode = { id: 'e1', status: 'planning' as const, qualifyingFrom: '2025-05-01', leftHospitalOn: null };

  test('PLAN-1: planning is needed from the day of the qualifying detention until a meeting for that episode is held', () => {
    const open = planningStatus(episode, [], '2025-05-11');
    assert.equal(open.needed, true);
    assert.equal(open.since, '2025-05-01');
    assert.equal(open.daysOpen, 10);
    assert.equal(planningStatus(episode, [{ episodeId: 'e1', heldOn: null }]).needed, true, 'only scheduled');
    assert.equal(planningStatus(episode, [{ episodeId: 'other', heldOn: '2025-05-03' }]).needed, true, 'another episode');
    const held = planningStatus(episode, [{ episodeId: 'e1', heldOn: '2025-05-20' }]);
    assert.equal(held.needed, false);
    assert.equal(held.meetingHeldOn, '2025-05-20');
  });

  test('PLAN-1: no episode, or an ended, superseded or deceased one, needs no planning; an active one without a meeting still does', () => {
    assert.equal(planningStatus(null, []).needed, false);
    for (const s of ['ended', 'superseded', 'deceased'] as const) assert.equal(planningStatus({ ...episode, status: s }, []).needed, false);
    assert.match(planningStatus({ ...episode, status: 'active' }, []).reason, /already started/);
  });

  test('PLAN-2: the roles to invite, carer or family only if the person wants, probation for offender-patients', () => {
    const civil = expectedInvitees({ qualifyingSection: '3', personWantsCarerOrFamily: false });
    const expected = (list: typeof civil) => list.filter((e) => e.expected).map((e) => e.role);
    assert.deepEqual(expected(civil), ['person', 'advocate-imha', 'ward-team-rc', 'keyworker', 'la-social-worker-amhp', 'icb-commissioner']);
    const offender = expectedInvitees({ qualifyingSection: '37/41', personWantsCarerOrFamily: true });
    assert.ok(expected(offender).includes('probation-mappa'));
    assert.ok(expected(offender).includes('carer-family'));
    for (const s of ['37', '37/41', '45A', '47', '47/49', '48', '48/49'] as const) assert.equal(isOffenderPatient(s), true, s);
    for (const s of ['3', '2', null] as const) assert.equal(isOffenderPatient(s), false, String(s));
    assert.deepEqual(missingInvitees(civil, ['person', 'keyworker']).map((m) => m.role), ['advocate-imha', 'ward-team-rc', 'la-social-worker-amhp', 'icb-commissioner']);
  });

  test('PLAN-3: a keyworker is needed before discharge; after leaving hospital without one the warning is overdue', () => {
    assert.equal(keyworkerWarning(episode, null)?.level, 'before-discharge');
    assert.equal(keyworkerWarning(episode, { userId: 'u' }), null);
    const left = keyworkerWarning({ status: 'active', leftHospitalOn: '2025-06-01' }, null);
    assert.equal(left?.level, 'overdue');
    assert.match(left?.text ?? '', /1 June 2025/);
    assert.equal(keyworkerWarning({ status: 'ended', leftHospitalOn: '2025-06-01' }, null), null);
    assert.equal(keyworkerWarning(null, null), null);
  });

  test('PLAN-1: a meeting for an episode cannot be held before its detention began; the day itself or later is fine', () => {
    assert.deepEqual(meetingHeldOnViolations('2025-04-30', episode).map((v) => [v.field, v.rule]), [['heldOn', 'PLAN-1']]);
    assert.deepEqual(meetingHeldOnViolations('2025-05-01', episode), []);
    assert.deepEqual(meetingHeldOnViolations('2025-06-01', episode), []);
    assert.deepEqual(meetingHeldOnViolations(null, episode), [], 'not held');
    assert.deepEqual(meetingHeldOnViolations('2025-04-30', undefined), [], 'no known episode');
  });

  test('PLAN-1: days open count from the detention and are never negative', () => {
    assert.equal(planningDaysOpen('2025-05-01', '2025-05-11'), 10);
    assert.equal(planningDaysOpen('2025-05-11', '2025-05-01'), 0);
  });

  test('PLAN-2: with no invitees named, every role PLAN-2 expects is invited', () => {
    assert.deepEqual(defaultInviteeRoles({ qualifyingSection: '3', personWantsCarerOrFamily: false }), ['person', 'advocate-imha', 'ward-team-rc', 'keyworker', 'la-social-worker-amhp', 'icb-commissioner']);
    const offender = defaultInviteeRoles({ qualifyingSection: '37', personWantsCarerOrFamily: true });
    assert.ok(offender.includes('carer-family') && offender.includes('probation-mappa'));
  });

  test('PLAN-2: a carer or family member is invited only if the person wants them, naming the invitee refused', () => {
    const refused = carerInvitationViolations(['person', 'carer-family'], false, 'invitees');
    assert.deepEqual(refused.map((v) => [v.field, v.rule]), [['invitees.1.role', 'PLAN-2']]);
    assert.deepEqual(carerInvitationViolations(['person', 'carer-family'], true, 'invitees'), []);
    assert.deepEqual(carerInvitationViolations(['person'], false, 'addInvitees'), []);
  });

  test('PLAN-2: recording that the person does not want a carer is refused while one is invited', () => {
    assert.deepEqual(carerWishViolations(false, ['person', 'carer-family']).map((v) => [v.field, v.rule]), [['personWantsCarerOrFamily', 'PLAN-2']]);
    assert.deepEqual(carerWishViolations(false, ['person']), []);
    assert.deepEqual(carerWishViolations(undefined, ['carer-family']), [], 'not changed');
    assert.deepEqual(carerWishViolations(true, ['carer-family']), []);
  });

  test('PLAN-3: a keyworker is a user of the register who is a practitioner, approver or admin', () => {
    assert.match(keyworkerCandidateViolations(undefined)[0]?.message ?? '', /no user of the register/);
    for (const role of ['finance', 'auditor'] as const) {
      const [v] = keyworkerCandidateViolations({ role });
      assert.equal(v?.rule, 'PLAN-3');
      assert.match(v?.message ?? '', new RegExp(`A ${role} cannot be a keyworker`));
    }
    for (const role of ['practitioner', 'approver', 'admin'] as const) assert.deepEqual(keyworkerCandidateViolations({ role }), [], role);
  });

  test('PLAN-3: the keyworker comes from the allocating organisation or one already seeing the person; an admin may choose anyone', () => {
    const actor = { role: 'practitioner' as const, organisationCode: 'LA1' };
    assert.equal(keyworkerAllocationRefusal(actor, 'LA1', []), null);
    assert.equal(keyworkerAllocationRefusal(actor, 'ICB1', ['ICB1']), null);
    assert.match(keyworkerAllocationRefusal(actor, 'TRUST9', ['ICB1']) ?? '', /must work for your organisation/);
    assert.equal(keyworkerAllocationRefusal({ role: 'admin', organisationCode: 'X' }, 'TRUST9', []), null);
  });
});

describe('referrals and tribunal recommendations', () => {
  const consent = { personHasCapacity: true, consented: true, recordHolderAllows: null, reason: null, decidedOn: '2025-05-01' };

  test('ADV-3: the records-access decision is checked and belongs only on an IMHA referral', () => {
    assert.deepEqual(referralViolations('imha', consent, null), []);
    assert.deepEqual(referralViolations('general', consent, null).map((v) => [v.field, v.rule]), [['consentToRecords', 'ADV-3']]);
    assert.deepEqual(referralViolations('imha', { ...consent, consented: null }, null).map((v) => v.field), ['consentToRecords.consented']);
  });

  test('ADV-4: the Care Act advocate test belongs only on a care-act referral', () => {
    const careAct = { substantialDifficulty: true, appropriateIndividual: false };
    assert.deepEqual(referralViolations('care-act', null, careAct), []);
    assert.deepEqual(referralViolations('imha', null, careAct).map((v) => [v.field, v.rule]), [['careActTest', 'ADV-4']]);
  });

  test('MHA25-1: the response to a tribunal recommendation is on or after the hearing', () => {
    assert.deepEqual(tribunalResponseViolations('2025-05-01', '2025-05-02').map((v) => [v.field, v.rule]), [['respondedOn', 'MHA25-1']]);
    assert.deepEqual(tribunalResponseViolations('2025-05-02', '2025-05-02'), []);
    assert.deepEqual(tribunalResponseViolations('2025-06-01', '2025-05-02'), []);
  });
});

test('ADV-1 on a referral: an IMHA referral for someone not a qualifying patient is refused, offering ADV-4 advocacy; other kinds and eligible people are not', () => {
  const notEligible = { eligible: false, reason: 'They are on s117 aftercare only.', rule: 'ADV-1' as const };
  const [refusal, ...rest] = imhaReferralViolations('imha', notEligible);
  assert.equal(rest.length, 0);
  assert.equal(refusal?.field, 'kind');
  assert.equal(refusal?.rule, 'ADV-1');
  assert.match(refusal!.message, /s117 aftercare only\. Refer them for Care Act advocacy or general advocacy instead \(ADV-4\)/);
  assert.deepEqual(imhaReferralViolations('care-act', notEligible), []);
  assert.deepEqual(imhaReferralViolations('general', notEligible), []);
  assert.deepEqual(imhaReferralViolations('imha', { ...notEligible, eligible: true }), []);
});
