// Keyworkers (PLAN-3), planning meetings and the planning task list (PLAN-1, PLAN-2), advocacy
// (ADV-1, ADV-3, ADV-4) and tribunal recommendations (MHA25-1) on PGlite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addDays, todayInLondon } from '../../src/domain/dates.ts';
import { createServices } from '../../src/services/index.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../src/services/kernel/errors.ts';
import { testEngines } from '../support/databases.ts';
import { createServiceFixture, NORTHBRIDGE_PERSON, type ServiceFixture } from '../support/services.ts';

const today = todayInLondon();
const daysAgo = (n: number) => addDays(today, -n);

async function rejectsWithRule(promise: Promise<unknown>, rule: string) {
  await assert.rejects(promise, (error: unknown) => error instanceof ValidationError && error.errors.some((e) => e.rule === rule));
}

for (const { engine, skip } of await testEngines()) {
  describe(`planning and advocacy on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    before(async () => {
      f = await createServiceFixture(engine);
    });
    after(async () => {
      await f?.close();
    });

    async function detainedPerson(givenName: string, section = '3') {
      const person = await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName });
      const stay = await f.services.legalHistory.addAdmission(f.actors.practitioner, person.id, { hospital: 'Northbridge Hospital', admittedOn: daysAgo(20) });
      const status = await f.services.legalHistory.addLegalStatus(f.actors.practitioner, person.id, { section, startDate: daysAgo(20), admissionId: stay.id });
      return { person, stay, status };
    }

    async function auditActions(personId: string): Promise<string[]> {
      const rows = await f.database.db.selectFrom('audit_events').select('action').where('person_id', '=', personId).orderBy('seq').execute();
      return rows.map((r) => r.action);
    }

    test('PLAN-3: allocating a keyworker gives their organisation sight; reallocation keeps the history and moves sight', async () => {
      const { person } = await detainedPerson('Keyworked');
      const before = await f.services.keyworkers.get(f.actors.practitioner, person.id);
      assert.equal(before.current, null);
      assert.equal(before.warning?.rule, 'PLAN-3');
      await assert.rejects(f.services.people.get(f.actors.otherLaPractitioner, person.id), NotFoundError);

      // Only an admin may bring in a keyworker from an organisation without sight of the person.
      await assert.rejects(f.services.keyworkers.allocate(f.actors.practitioner, person.id, { userId: f.actors.otherLaPractitioner.userId }), ForbiddenError);
      const allocated = await f.services.keyworkers.allocate(f.actors.admin, person.id, { userId: f.actors.otherLaPractitioner.userId, jobTitle: 'Care co-ordinator', phone: '01632 960 001' });
      assert.equal(allocated.current?.userId, f.actors.otherLaPractitioner.userId);
      assert.equal(allocated.current?.email, 'other-la@s117.test', 'the user’s email when none is given');
      assert.equal(allocated.warning, null);
      assert.equal((await f.services.people.get(f.actors.otherLaPractitioner, person.id)).id, person.id, 'the keyworker’s organisation now sees the person');
      const caseload = await f.services.keyworkers.caseload(f.actors.otherLaPractitioner);
      assert.deepEqual(caseload.items.map((i) => i.id), [person.id]);

      const reallocated = await f.services.keyworkers.allocate(f.actors.practitioner, person.id, { userId: f.actors.laPractitioner.userId, team: 'North CMHT', email: 'Council.Keyworker@example.gov.uk' });
      assert.equal(reallocated.current?.userId, f.actors.laPractitioner.userId);
      assert.equal(reallocated.current?.email, 'council.keyworker@example.gov.uk');
      assert.equal(reallocated.history.length, 2);
      assert.ok(reallocated.history[1]?.endedAt, 'the earlier keyworker’s allocation is ended, not deleted');
      await assert.rejects(f.services.people.get(f.actors.otherLaPractitioner, person.id), NotFoundError);
      assert.equal((await f.services.keyworkers.caseload(f.actors.otherLaPractitioner)).items.length, 0);

      const mine = await f.services.people.search(f.actors.laPractitioner, { caseload: 'mine' });
      assert.deepEqual(mine.items.map((i) => i.id), [person.id]);
      const byKeyworker = await f.services.people.search(f.actors.practitioner, { keyworker: f.actors.laPractitioner.userId });
      assert.deepEqual(byKeyworker.items.map((i) => i.id), [person.id]);
      assert.ok((await auditActions(person.id)).includes('keyworker.reallocate'));
    });

    test('PLAN-3: only a practitioner, approver or admin can be a keyworker; finance cannot allocate', async () => {
      const { person } = await detainedPerson('Refused');
      await rejectsWithRule(f.services.keyworkers.allocate(f.actors.practitioner, person.id, { userId: f.actors.finance.userId }), 'PLAN-3');
      await rejectsWithRule(f.services.keyworkers.allocate(f.actors.practitioner, person.id, { userId: '00000000-0000-4000-8000-000000000000' }), 'PLAN-3');
      await assert.rejects(f.services.keyworkers.allocate(f.actors.finance, person.id, { userId: f.actors.practitioner.userId }), ForbiddenError);
      await assert.rejects(f.services.keyworkers.allocate(f.actors.otherLaPractitioner, person.id, { userId: f.actors.practitioner.userId }), NotFoundError);
    });

    test('PLAN-1 and PLAN-2: a detention opens a planning task until a planning meeting is held, with the roles invited and attendance', async () => {
      const { person, status } = await detainedPerson('Planned', '37/41');
      await f.services.keyworkers.allocate(f.actors.practitioner, person.id, { userId: f.actors.practitioner.userId });
      let tasks = await f.services.planning.tasks(f.actors.practitioner);
      const task = tasks.items.find((t) => t.personId === person.id);
      assert.equal(task?.planningSince, daysAgo(20));
      assert.equal(task?.daysOpen, 20);
      assert.ok(tasks.mine.some((t) => t.personId === person.id), 'in the keyworker’s own list');
      assert.ok(!(await f.services.planning.tasks(f.actors.otherLaPractitioner)).items.some((t) => t.personId === person.id), 'not for another organisation');

      const meeting = await f.services.planning.schedule(f.actors.practitioner, person.id, { trigger: 'admission', scheduledFor: daysAgo(1), place: 'Ward 3' });
      assert.equal(meeting.episodeId, status.id);
      assert.ok(meeting.invitees.some((i) => i.role === 'probation-mappa'), 'offender-patient: probation invited');
      assert.ok(!meeting.invitees.some((i) => i.role === 'carer-family'), 'no carer unless the person wants');
      assert.deepEqual(meeting.missingInvitees, []);
      await rejectsWithRule(f.services.planning.schedule(f.actors.practitioner, person.id, { trigger: 'admission', scheduledFor: today, invitees: [{ role: 'carer-family' }] }), 'PLAN-2');

      const [first, second] = meeting.invitees;
      await assert.rejects(f.services.planning.update(f.actors.practitioner, person.id, meeting.id, meeting.version, { heldOn: addDays(today, 1) }), ValidationError);
      const held = await f.services.planning.update(f.actors.practitioner, person.id, meeting.id, meeting.version, {
        heldOn: daysAgo(1),
        personViews: 'Wants to go home to their flat',
        minutes: 'Discussed accommodation and benefits.',
        attendance: [{ inviteeId: first!.id, response: 'attended' }, { inviteeId: second!.id, response: 'apologies' }],
      });
      assert.equal(held.version, meeting.version + 1);
      assert.equal(held.invitees.find((i) => i.id === first!.id)?.response, 'attended');
      assert.equal(held.invitees.find((i) => i.id === second!.id)?.response, 'apologies');
      await assert.rejects(f.services.planning.update(f.actors.practitioner, person.id, meeting.id, meeting.version, { minutes: 'lost' }), ConflictError);

      tasks = await f.services.planning.tasks(f.actors.practitioner);
      assert.ok(!tasks.items.some((t) => t.personId === person.id), 'the task closes when the meeting is held');
      const list = await f.services.planning.list(f.actors.auditor, person.id);
      assert.equal(list.planning.needed, false);
      assert.equal(list.items.length, 1);
      await assert.rejects(f.services.planning.schedule(f.actors.auditor, person.id, { trigger: 'review', scheduledFor: today }), ForbiddenError);
      assert.ok((await auditActions(person.id)).includes('planning-meeting.update'));
    });

    test('ADV-1: IMHA eligibility on a date, with the reason; s117 only is not eligible', async () => {
      const { person, status } = await detainedPerson('Advocated');
      const now = await f.services.advocacy.imhaEligibility(f.actors.practitioner, person.id, {});
      assert.equal(now.eligible, true);
      assert.equal(now.rule, 'ADV-1');
      assert.equal(now.careActAdvocate.duty, 'offer');
      const before = await f.services.advocacy.imhaEligibility(f.actors.practitioner, person.id, { on: daysAgo(30) });
      assert.equal(before.eligible, false);
      await f.services.legalHistory.endLegalStatus(f.actors.practitioner, person.id, status.id, null, { endDate: daysAgo(2) });
      const s117Only = await f.services.advocacy.imhaEligibility(f.actors.practitioner, person.id, { on: today });
      assert.equal(s117Only.eligible, false);
      assert.match(s117Only.reason, /Section 117 aftercare alone/);
      await assert.rejects(f.services.advocacy.imhaEligibility(f.actors.practitioner, person.id, { on: '2025-02-30' }), ValidationError);
      await assert.rejects(f.services.advocacy.imhaEligibility(f.actors.otherLaPractitioner, person.id, {}), NotFoundError);
    });

    test('MHA25-4: with the S117_MHA2025_IMHA setting on, an informal patient qualifies; off (the default) they do not', async () => {
      const person = await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: 'Informal' });
      await f.services.legalHistory.addLegalStatus(f.actors.practitioner, person.id, { section: 'informal', startDate: daysAgo(3) });
      assert.equal((await f.services.advocacy.imhaEligibility(f.actors.practitioner, person.id, {})).eligible, false);
      const extended = createServices(f.database.db, { mha2025Imha: true }).advocacy;
      const result = await extended.imhaEligibility(f.actors.practitioner, person.id, {});
      assert.equal(result.eligible, true);
      assert.equal(result.rule, 'MHA25-4');
    });

    test('ADV-3 and ADV-4: referrals record the records-access decision and the Care Act advocate test', async () => {
      const { person } = await detainedPerson('Referred');
      const imha = await f.services.advocacy.createReferral(f.actors.practitioner, person.id, {
        kind: 'imha', referredOn: today, provider: 'Northbridge Advocacy',
        consentToRecords: { personHasCapacity: true, consented: true, decidedOn: today },
      });
      assert.equal(imha.recordsAccess?.allowed, true);
      await rejectsWithRule(f.services.advocacy.createReferral(f.actors.practitioner, person.id, { kind: 'imha', referredOn: today, consentToRecords: { personHasCapacity: false, recordHolderAllows: true, decidedOn: today } }), 'ADV-3');
      const careAct = await f.services.advocacy.createReferral(f.actors.practitioner, person.id, {
        kind: 'care-act', referredOn: today, careActTest: { substantialDifficulty: true, appropriateIndividual: false },
      });
      assert.equal(careAct.careActAdvocate?.duty, 'offer');
      assert.equal(careAct.careActAdvocate?.contested, true);
      const updated = await f.services.advocacy.updateReferral(f.actors.practitioner, person.id, imha.id, imha.version, { involvement: 'Attended the planning meeting', outcome: 'Supported' });
      assert.equal(updated.involvement, 'Attended the planning meeting');
      await assert.rejects(f.services.advocacy.updateReferral(f.actors.practitioner, person.id, imha.id, imha.version, { outcome: 'x' }), ConflictError);
      assert.equal((await f.services.advocacy.listReferrals(f.actors.auditor, person.id)).items.length, 2);
      await assert.rejects(f.services.advocacy.createReferral(f.actors.auditor, person.id, { kind: 'general', referredOn: today }), ForbiddenError);
    });

    test('MHA25-1: a tribunal recommendation is recorded with the response', async () => {
      const { person, status } = await detainedPerson('Tribunal');
      const rec = await f.services.advocacy.createRecommendation(f.actors.practitioner, person.id, { hearingOn: daysAgo(5), recommendation: 'Plan supported accommodation' });
      assert.equal(rec.episodeId, status.id);
      await rejectsWithRule(f.services.advocacy.respondToRecommendation(f.actors.laApprover, person.id, rec.id, rec.version, { response: 'x', respondedOn: daysAgo(6) }), 'MHA25-1');
      const answered = await f.services.advocacy.respondToRecommendation(f.actors.laApprover, person.id, rec.id, rec.version, { response: 'Placement found', respondedOn: daysAgo(1) });
      assert.equal(answered.response, 'Placement found');
      assert.equal(answered.respondedBy, f.actors.laApprover.userId);
      await assert.rejects(f.services.advocacy.respondToRecommendation(f.actors.laApprover, person.id, rec.id, rec.version, { response: 'y', respondedOn: today }), ConflictError);
      assert.equal((await f.services.advocacy.listRecommendations(f.actors.practitioner, person.id)).items.length, 1);
    });
  });
}
