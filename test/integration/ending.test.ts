// Ending and reinstating aftercare (END-1 to END-6, MHA25-2) and complaints (CMP-1) on PGlite and
// PostgreSQL: rules refused with their IDs, approvals by both bodies, concurrency, projections, audit.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { todayInLondon } from '../../src/domain/dates.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../src/services/kernel/errors.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { pdfText } from '../support/pdf.ts';
import { testEngines } from '../support/databases.ts';
import { createServiceFixture, NORTHBRIDGE_PERSON, type ServiceFixture } from '../support/services.ts';

const LAWFUL = {
  reasonCode: 'no-longer-needed',
  reasons: 'Reassessed with them and their sister: they manage well without support and no need arising from their mental disorder remains.',
  reassessedOn: '2025-01-15',
  personInvolved: true,
  involved: ['Their sister', 'Care co-ordinator'],
  continuingOutsideS117: 'Peer support group on Tuesdays',
};

async function rejectsWithRule(promise: Promise<unknown>, rule: string, field?: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ValidationError, String(error));
    assert.ok(error.errors.some((e) => e.rule === rule && (!field || e.field === field)), JSON.stringify(error.errors));
    return true;
  });
}

for (const { engine, skip } of await testEngines()) {
  describe(`ending aftercare and complaints on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    let s: Services;
    before(async () => {
      f = await createServiceFixture(engine);
      s = f.services;
    });
    after(async () => {
      await f?.close();
    });

    /** A person discharged from section 3 (optionally onto a CTO or, for a 37/41, a conditional discharge). */
    async function activePerson(kind: 'plain' | 'cto' | 'cd' = 'plain', name = 'Ending') {
      const person = await s.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: name, address: { line1: '1 High Street', postcode: 'NB1 1AA' } });
      const stay = await s.legalHistory.addAdmission(f.actors.practitioner, person.id, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-10', dischargedOn: '2024-05-01' });
      const section = kind === 'cd' ? '37/41' : '3';
      const status = await s.legalHistory.addLegalStatus(f.actors.practitioner, person.id, { section, startDate: '2024-01-10', endDate: '2024-05-01', admissionId: stay.id });
      if (kind === 'cto') await s.legalHistory.addLegalStatus(f.actors.practitioner, person.id, { section: '17A', startDate: '2024-05-01' });
      if (kind === 'cd') await s.legalHistory.addLegalStatus(f.actors.practitioner, person.id, { section: 'CD', startDate: '2024-05-01' });
      return { personId: person.id, episodeId: status.id };
    }

    async function auditActions(personId: string): Promise<string[]> {
      const rows = await f.database.db.selectFrom('audit_events').select('action').where('person_id', '=', personId).orderBy('seq').execute();
      return rows.map((r) => r.action);
    }

    test('END-3: a forbidden reason is refused with the rule and nothing is written', async () => {
      const { personId, episodeId } = await activePerson();
      await rejectsWithRule(s.ending.propose(f.actors.practitioner, personId, episodeId, { ...LAWFUL, reasonCode: 'refused-services' }), 'END-3', 'reasonCode');
      await rejectsWithRule(s.ending.propose(f.actors.practitioner, personId, episodeId, { ...LAWFUL, reassessedOn: null }), 'END-4', 'reassessedOn');
      const rows = await f.database.db.selectFrom('ending_proposals').select('id').where('person_id', '=', personId).execute();
      assert.equal(rows.length, 0);
    });

    test('END-7 (issue 9 item 3): when aftercare ends its s117 services end with it; one the proposal names carries on outside s117; approvals keep their comment', async () => {
      const { personId, episodeId } = await activePerson('plain', 'Services');
      const base = { category: 'other', s117: true, scope: { arisesFromMentalDisorder: true, reducesRiskOfDeterioration: true, rationale: 'Prevents relapse' }, provider: 'Northbridge Support', weeklyCostPence: 10000, startDate: '2024-05-01', funding: { localAuthorityPercent: 50, icbPercent: 50 } };
      const ends = await s.careServices.create(f.actors.laPractitioner, personId, { ...base, description: 'Weekly support worker' });
      const carriesOn = await s.careServices.create(f.actors.laPractitioner, personId, { ...base, description: 'Day centre' });
      const notS117 = await s.careServices.create(f.actors.laPractitioner, personId, { ...base, s117: false, scope: null, description: 'Gym membership' });
      await rejectsWithRule(s.ending.propose(f.actors.practitioner, personId, episodeId, { ...LAWFUL, continuingServiceIds: [notS117.id] }), 'END-7', 'continuingServiceIds');
      const proposal = await s.ending.propose(f.actors.practitioner, personId, episodeId, { ...LAWFUL, continuingServiceIds: [carriesOn.id] });

      // The approver's page warns: both services are in place, one ends with aftercare.
      const before = await s.ending.approvalPage(f.actors.laApprover, personId, episodeId, proposal.id);
      assert.deepEqual(before.warnings.map((w) => w.rule), ['END-7']);
      assert.match(before.warnings[0]!.text, /Weekly support worker/);
      assert.doesNotMatch(before.warnings[0]!.text, /Day centre/);

      await s.ending.approve(f.actors.laApprover, personId, episodeId, proposal.id, { comment: 'Agreed at the s117 panel' });
      const stillRunning = await s.careServices.list(f.actors.laPractitioner, personId);
      assert.ok(stillRunning.items.every((x) => x.endDate === null), 'nothing ends until both bodies approve');
      const approved = await s.ending.approve(f.actors.icbApprover, personId, episodeId, proposal.id, {});
      assert.equal(approved.status, 'approved');
      assert.equal(approved.approvals.find((a) => a.side === 'local-authority')?.comment, 'Agreed at the s117 panel');

      const after = (await s.careServices.list(f.actors.laPractitioner, personId)).items;
      const byId = (id: string) => after.filter((x) => x.id === id)[0]!;
      assert.equal(byId(ends.id).endDate, approved.endedOn, 'the s117 service ends with aftercare');
      assert.equal(byId(carriesOn.id).endDate, approved.endedOn, 'the named one ends as an s117 service too…');
      const continuing = after.filter((x) => x.description === 'Day centre' && x.id !== carriesOn.id);
      assert.equal(continuing.length, 1, '…and carries on outside s117');
      assert.equal(continuing[0]!.s117, false);
      assert.equal(byId(notS117.id).endDate, null, 'a service outside s117 is not touched');
      const event = await f.database.db.selectFrom('audit_events').select('details').where('person_id', '=', personId).where('action', '=', 'ending.approve').orderBy('seq', 'desc').executeTakeFirstOrThrow();
      assert.deepEqual((event.details as { servicesEnded: string[] }).servicesEnded.sort(), [ends.id, carriesOn.id].sort());
    });

    test('issue 9 item 3: an approver refuses a proposal, or sends it back, with reasons; it can then not be approved', async () => {
      const { personId, episodeId } = await activePerson('plain', 'Refused');
      const proposal = await s.ending.propose(f.actors.practitioner, personId, episodeId, LAWFUL);
      await assert.rejects(s.ending.decide(f.actors.icbApprover, personId, episodeId, proposal.id, { outcome: 'refused', reasons: '' }), ValidationError);
      await assert.rejects(s.ending.decide(f.actors.practitioner, personId, episodeId, proposal.id, { outcome: 'refused', reasons: 'No' }), ForbiddenError);
      const refused = await s.ending.decide(f.actors.icbApprover, personId, episodeId, proposal.id, { outcome: 'sent-back', reasons: 'Reassess with the person’s advocate present' });
      assert.equal(refused.status, 'sent-back');
      await assert.rejects(s.ending.approve(f.actors.laApprover, personId, episodeId, proposal.id), ConflictError);
      const page = await s.ending.approvalPage(f.actors.laApprover, personId, episodeId, proposal.id);
      assert.equal(page.decision?.reasons, 'Reassess with the person’s advocate present');
      assert.equal(page.decision?.side, 'icb');
      assert.equal((await s.legalHistory.aftercare(f.actors.practitioner, personId)).episodes[0]?.status, 'active');
      // A new proposal may then be made.
      assert.equal((await s.ending.propose(f.actors.practitioner, personId, episodeId, LAWFUL)).status, 'pending');
      assert.ok((await auditActions(personId)).includes('ending.send-back'));
    });

    test('END-2: a CTO is refused; a conditional discharge needs an override with reasons', async () => {
      const cto = await activePerson('cto', 'Cto');
      await rejectsWithRule(s.ending.propose(f.actors.practitioner, cto.personId, cto.episodeId, { ...LAWFUL, override: { reason: 'x' } }), 'END-2');
      const cd = await activePerson('cd', 'Conditional');
      await rejectsWithRule(s.ending.propose(f.actors.practitioner, cd.personId, cd.episodeId, LAWFUL), 'END-2', 'override.reason');
      const ok = await s.ending.propose(f.actors.practitioner, cd.personId, cd.episodeId, { ...LAWFUL, override: { reason: 'Absolute discharge granted by the tribunal is imminent' } });
      assert.deepEqual(ok.override, { reason: 'Absolute discharge granted by the tribunal is imminent' });
    });

    test('END-1: both bodies approve; one alone changes nothing; another organisation is refused; the episode ends', async () => {
      const { personId, episodeId } = await activePerson();
      const proposal = await s.ending.propose(f.actors.practitioner, personId, episodeId, LAWFUL);
      assert.equal(proposal.status, 'pending');
      assert.deepEqual(proposal.awaiting, ['local-authority', 'icb']);
      await assert.rejects(s.ending.propose(f.actors.laPractitioner, personId, episodeId, LAWFUL), ConflictError);
      await assert.rejects(s.ending.approve(f.actors.practitioner, personId, episodeId, proposal.id), ForbiddenError);
      await assert.rejects(s.ending.approve(f.actors.otherLaApprover, personId, episodeId, proposal.id), ForbiddenError);
      await assert.rejects(s.ending.approve(f.actors.otherLaApprover, personId, episodeId, '00000000-0000-4000-8000-000000000000'), NotFoundError);

      const first = await s.ending.approve(f.actors.laApprover, personId, episodeId, proposal.id);
      assert.equal(first.created, true);
      assert.equal(first.episode.status, 'active');
      const repeat = await s.ending.approve(f.actors.laApprover, personId, episodeId, proposal.id);
      assert.equal(repeat.created, false);
      assert.equal(repeat.approvals.length, 1);
      assert.ok((await s.ending.pendingApprovals(f.actors.icbApprover)).items.some((i) => i.id === proposal.id && i.side === 'icb'));
      assert.deepEqual((await s.ending.pendingApprovals(f.actors.otherIcbApprover)).items, []);
      assert.deepEqual((await s.ending.pendingApprovals(f.actors.laApprover)).items.filter((i) => i.id === proposal.id), []);

      const second = await s.ending.approve(f.actors.icbApprover, personId, episodeId, proposal.id);
      assert.equal(second.status, 'approved');
      assert.equal(second.episode.status, 'ended');
      assert.equal(second.episode.endReason, 'joint-decision');
      const aftercare = await s.legalHistory.aftercare(f.actors.practitioner, personId);
      assert.equal(aftercare.status, 'ended');
      assert.ok(aftercare.explanation.some((e) => e.rule === 'END-1'));
      await rejectsWithRule(s.ending.propose(f.actors.practitioner, personId, episodeId, LAWFUL), 'END-1');
      const summary = await f.database.db.selectFrom('person_summaries').select('status').where('person_id', '=', personId).executeTakeFirstOrThrow();
      assert.equal(summary.status, 'ended');
      const actions = await auditActions(personId);
      for (const action of ['ending.propose', 'ending.approve', 'ending.approve-repeat']) assert.ok(actions.includes(action), action);

      const text = (await pdfText(await s.ending.letter(f.actors.practitioner, personId, episodeId, proposal.id))).replace(/\s+/g, ' ');
      assert.match(text, /Northbridge Borough Council/);
      assert.match(text, /Peer support group/);
      assert.match(text, /Ombudsman/);
      assert.match(text, /mental health gets worse/);
      assert.doesNotMatch(text, /joint written notice/i);

      // END-6: reinstatement, approved by both, makes it active again.
      await rejectsWithRule(s.ending.reinstate(f.actors.practitioner, personId, episodeId, { reasons: '' }), 'END-6', 'reasons');
      const r = await s.ending.reinstate(f.actors.practitioner, personId, episodeId, { reasons: 'Relapse: needs support again.' });
      await s.ending.approveReinstatement(f.actors.icbApprover, personId, episodeId, r.id);
      const back = await s.ending.approveReinstatement(f.actors.laApprover, personId, episodeId, r.id);
      assert.equal(back.status, 'approved');
      assert.equal(back.episode.status, 'active');
      assert.equal(back.episode.endedOn, null);
      const again = await s.legalHistory.aftercare(f.actors.practitioner, personId);
      assert.equal(again.status, 'active');
      assert.ok(again.explanation.some((e) => e.rule === 'END-6'));
    });

    test('END-1: two approvers at the same moment: both approvals kept, the episode ends once', async () => {
      const { personId, episodeId } = await activePerson('plain', 'Concurrent');
      const proposal = await s.ending.propose(f.actors.practitioner, personId, episodeId, LAWFUL);
      const [a, b] = await Promise.all([
        s.ending.approve(f.actors.laApprover, personId, episodeId, proposal.id),
        s.ending.approve(f.actors.icbApprover, personId, episodeId, proposal.id),
      ]);
      assert.ok([a.status, b.status].includes('approved'));
      const approvals = await f.database.db.selectFrom('ending_approvals').select('side').where('proposal_id', '=', proposal.id).execute();
      assert.deepEqual(approvals.map((x) => x.side).sort(), ['icb', 'local-authority']);
      const endAudits = (await auditActions(personId)).filter((x) => x === 'ending.approve');
      assert.equal(endAudits.length, 2);
      assert.equal((await s.legalHistory.aftercare(f.actors.practitioner, personId)).status, 'ended');

      const other = await activePerson('plain', 'SameSide');
      const p2 = await s.ending.propose(f.actors.practitioner, other.personId, other.episodeId, LAWFUL);
      const same = await Promise.all([
        s.ending.approve(f.actors.laApprover, other.personId, other.episodeId, p2.id),
        s.ending.approve(f.actors.laApprover, other.personId, other.episodeId, p2.id),
      ]);
      assert.deepEqual(same.map((x) => x.created).sort(), [false, true]);
      assert.equal((await s.legalHistory.aftercare(f.actors.practitioner, other.personId)).status, 'active');
    });

    test('MHA25-2: with the setting on, aftercare ends only when the joint written notice is recorded, on its date', async () => {
      const mha = createServices(f.database.db, { mha2025JointNotice: true });
      const { personId, episodeId } = await activePerson('plain', 'Notice');
      const proposal = await mha.ending.propose(f.actors.practitioner, personId, episodeId, LAWFUL);
      await rejectsWithRule(mha.ending.recordNotice(f.actors.practitioner, personId, episodeId, proposal.id, { sentOn: '2025-02-01' }), 'MHA25-2');
      await mha.ending.approve(f.actors.laApprover, personId, episodeId, proposal.id);
      const both = await mha.ending.approve(f.actors.icbApprover, personId, episodeId, proposal.id);
      assert.equal(both.status, 'pending');
      assert.equal(both.awaitingNotice, true);
      assert.equal(both.episode.status, 'active');
      const today = todayInLondon(); // the register's day (England's), as the approvals were dated: the UTC date is yesterday's after 23:00 in summer
      const sent = await mha.ending.recordNotice(f.actors.practitioner, personId, episodeId, proposal.id, { sentOn: today });
      assert.equal(sent.status, 'approved');
      assert.equal(sent.endedOn, today);
      assert.equal(sent.episode.status, 'ended');
      const text = (await pdfText(await mha.ending.letter(f.actors.practitioner, personId, episodeId, proposal.id, { largePrint: true }))).replace(/\s+/g, ' ');
      assert.match(text, /joint written notice/i);
    });

    test('CMP-1: complaints are recorded with the Ombudsman window, updated with If-Match, and scoped', async () => {
      const { personId } = await activePerson('plain', 'Complainant');
      const c = await s.complaints.create(f.actors.practitioner, personId, { against: 'both', route: 'formal', receivedOn: '2025-03-01', awareOn: '2025-02-10', subject: 'Charged for s117 care', faults: ['charging'] });
      assert.equal(c.ombudsman.windowUntil, '2026-02-10');
      assert.match(c.ombudsman.text, /12-month window/);
      const d = await s.complaints.create(f.actors.practitioner, personId, { against: 'nhs', route: 'pals', receivedOn: '2025-03-01', subject: 'Late reply' });
      assert.equal(d.awareOn, '2025-03-01');
      await assert.rejects(s.complaints.create(f.actors.practitioner, personId, { against: 'nhs', route: 'pals', receivedOn: '2025-03-01', awareOn: '2025-04-01', subject: 'x' }), ValidationError);
      const updated = await s.complaints.update(f.actors.practitioner, personId, c.id, 1, { outcome: 'Upheld; refund made', outcomeOn: '2025-04-01' });
      assert.equal(updated.version, 2);
      await assert.rejects(s.complaints.update(f.actors.practitioner, personId, c.id, 1, { learning: 'x' }), ConflictError);
      await assert.rejects(s.complaints.create(f.actors.auditor, personId, { against: 'nhs', route: 'pals', receivedOn: '2025-03-01', subject: 'x' }), ForbiddenError);
      await assert.rejects(s.complaints.list(f.actors.otherLaPractitioner, personId), NotFoundError);
      assert.equal((await s.complaints.list(f.actors.laApprover, personId)).items.length, 2);
      assert.ok((await auditActions(personId)).includes('complaint.update'));
    });
  });
}
