// Reviews on PGlite and PostgreSQL: the REV-1 timetable kept in the register's projections,
// requests, refusals, REV-4 re-planning, the overdue list and the dashboard, with audit events.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ForbiddenError, NotFoundError, ValidationError } from '../../src/services/kernel/errors.ts';
import { testEngines } from '../support/databases.ts';
import { createServiceFixture, NORTHBRIDGE_PERSON, type ServiceFixture } from '../support/services.ts';

const NOW = new Date('2026-06-01T12:00:00Z');

for (const { engine, skip } of await testEngines()) {
  describe(`reviews on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    before(async () => {
      f = await createServiceFixture(engine, { clock: () => NOW });
    });
    after(async () => {
      await f?.close();
    });

    /** A person detained under section 3 who left hospital on 1 March 2025: aftercare active. */
    async function activePerson(givenName: string) {
      const person = await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName });
      const stay = await f.services.legalHistory.addAdmission(f.actors.practitioner, person.id, { hospital: 'Northbridge Hospital', admittedOn: '2025-01-10', dischargedOn: '2025-03-01' });
      await f.services.legalHistory.addLegalStatus(f.actors.practitioner, person.id, { section: '3', startDate: '2025-01-10', endDate: '2025-03-01', admissionId: stay.id });
      return person;
    }

    async function rejection(promise: Promise<unknown>): Promise<ValidationError> {
      try {
        await promise;
      } catch (error) {
        assert.ok(error instanceof ValidationError, String(error));
        return error;
      }
      assert.fail('expected a refusal');
    }

    test('REV-1: the first review is due 42 days after leaving hospital, then 12 months after the review held', async () => {
      const person = await activePerson('Reviewed');
      const before = await f.services.reviews.list(f.actors.practitioner, person.id);
      assert.equal(before.nextDueOn, '2025-04-12');
      assert.equal(before.overdue, true);
      const overdue = await f.services.reviews.overdue(f.actors.laApprover, {});
      assert.ok(overdue.items.some((i) => i.id === person.id && i.daysOverdue > 0));
      const register = await f.services.people.search(f.actors.laApprover, { reviewOverdue: 'true' });
      assert.ok(register.items.some((i) => i.id === person.id));

      const review = await f.services.reviews.record(f.actors.practitioner, person.id, {
        heldOn: '2026-05-20', attendees: ['the person', 'keyworker'], outcome: 'change', notes: 'Going well',
        planWorking: 'partly', servicesChanged: [{ service: 'Day centre', change: 'reduced', detail: 'Two days a week' }],
      });
      assert.equal(review.nextDueOn, '2027-05-20');
      assert.equal(review.overdue, false);
      assert.deepEqual(review.servicesChanged, [{ service: 'Day centre', change: 'reduced', detail: 'Two days a week' }]);
      const after = await f.services.reviews.list(f.actors.laApprover, person.id);
      assert.equal(after.nextDueOn, '2027-05-20');
      assert.equal(after.history.length, 1);
      assert.equal((await f.services.people.get(f.actors.practitioner, person.id)).nextReviewDue, '2027-05-20');
      assert.ok(!(await f.services.reviews.overdue(f.actors.laApprover, {})).items.some((i) => i.id === person.id));

      // REV-1: a request brings the next review forward; a later review answers it.
      const request = await f.services.reviews.request(f.actors.practitioner, person.id, { requestedBy: 'carer', requestedOn: '2026-05-25', reason: 'Struggling' });
      assert.equal(request.open, true);
      assert.equal(request.nextDueOn, '2026-06-22');
      const answered = await f.services.reviews.record(f.actors.laApprover, person.id, { heldOn: '2026-05-30', attendees: ['the person'], outcome: 'continue', notes: '' });
      assert.equal(answered.nextDueOn, '2027-05-30');
      assert.equal((await f.services.reviews.list(f.actors.practitioner, person.id)).requests[0]?.open, false);

      const actions = await f.database.db.selectFrom('audit_events').select(['action', 'details']).where('person_id', '=', person.id).orderBy('seq').execute();
      const names = actions.map((a) => a.action);
      for (const action of ['reviews.view', 'review.create', 'review-request.create']) assert.ok(names.includes(action), action);
      assert.ok(!JSON.stringify(actions.map((a) => a.details)).includes('Struggling'), 'no free text in the audit trail');
    });

    test('REV-1: refusals name the field and the rule, and change nothing', async () => {
      const person = await activePerson('Refused');
      const future = await rejection(f.services.reviews.record(f.actors.practitioner, person.id, { heldOn: '2026-06-02', attendees: [], outcome: 'continue', notes: '' }));
      assert.equal(future.errors[0]?.field, 'heldOn');
      const early = await rejection(f.services.reviews.record(f.actors.practitioner, person.id, { heldOn: '2025-02-01', attendees: [], outcome: 'continue', notes: '' }));
      assert.deepEqual([early.errors[0]?.field, early.errors[0]?.rule], ['heldOn', 'REV-1']);
      const bad = await rejection(f.services.reviews.record(f.actors.practitioner, person.id, { heldOn: '2026-05-01', attendees: [], outcome: 'stop', notes: '' }));
      assert.equal(bad.errors[0]?.field, 'outcome');
      const unplanned = await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: 'Unplanned' });
      const none = await rejection(f.services.reviews.request(f.actors.practitioner, unplanned.id, { requestedBy: 'person', requestedOn: '2026-05-01' }));
      assert.equal(none.errors[0]?.rule, 'REV-1');
      await assert.rejects(f.services.reviews.record(f.actors.finance, person.id, { heldOn: '2026-05-01', attendees: [], outcome: 'continue', notes: '' }), ForbiddenError);
      await assert.rejects(f.services.reviews.record(f.actors.auditor, person.id, { heldOn: '2026-05-01', attendees: [], outcome: 'continue', notes: '' }), ForbiddenError);
      await assert.rejects(f.services.reviews.list(f.actors.otherLaPractitioner, person.id), NotFoundError);
      assert.equal((await f.services.reviews.list(f.actors.practitioner, person.id)).history.length, 0);
    });

    test('REV-4 and REV-1: a readmission needs a re-plan and pauses nothing; a new detention restarts the timetable', async () => {
      const person = await activePerson('Readmitted');
      await f.services.reviews.record(f.actors.practitioner, person.id, { heldOn: '2025-04-01', attendees: ['the person'], outcome: 'continue', notes: '' });
      const stay = await f.services.legalHistory.addAdmission(f.actors.practitioner, person.id, { hospital: 'Northbridge Hospital', admittedOn: '2026-05-10' });
      await f.services.legalHistory.addLegalStatus(f.actors.practitioner, person.id, { section: 'informal', startDate: '2026-05-10', admissionId: stay.id });
      const readmitted = await f.services.reviews.list(f.actors.practitioner, person.id);
      assert.equal(readmitted.replanNeeded, true);
      assert.equal(readmitted.nextDueOn, '2026-04-01', 'the readmission does not pause the timetable');
      assert.equal(readmitted.overdue, true);

      await f.services.legalHistory.addLegalStatus(f.actors.practitioner, person.id, { section: '3', startDate: '2026-05-20', admissionId: stay.id });
      const redetained = await f.services.reviews.list(f.actors.practitioner, person.id);
      assert.equal(redetained.episodeStatus, 'planning');
      assert.equal(redetained.nextDueOn, null);
      assert.equal(redetained.overdue, false);
      assert.equal(redetained.replanNeeded, true);
      assert.equal(redetained.history.length, 1, 'the earlier episode’s review stays in the history');
      assert.ok(!(await f.services.reviews.overdue(f.actors.admin, { limit: 500 })).items.some((i) => i.id === person.id));
    });

    test('REV-1, one date for one fact (issue 9 item 3): the dashboard’s due and overdue people are those whose person page gives a review date within 28 days, with that date', async () => {
      /** Detained under section 3 from 10 January 2025, left hospital on `leftOn` (still there: null). */
      async function person(givenName: string, leftOn: string | null) {
        const p = await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName, familyName: 'Dashboard-agrees' });
        const stay = await f.services.legalHistory.addAdmission(f.actors.practitioner, p.id, { hospital: 'Northbridge Hospital', admittedOn: '2025-01-10', dischargedOn: leftOn });
        await f.services.legalHistory.addLegalStatus(f.actors.practitioner, p.id, { section: '3', startDate: '2025-01-10', endDate: leftOn, admissionId: stay.id });
        return p.id;
      }
      const ids = [
        await person('Overdue', '2025-03-01'),
        await person('DueSoon', '2026-05-01'),
        await person('NotYet', '2026-05-25'),
        await person('Detained', null),
      ];
      const reviewed = await person('Reviewed', '2025-03-01');
      await f.services.reviews.record(f.actors.practitioner, reviewed, { heldOn: '2026-05-20', attendees: ['the person'], outcome: 'continue', notes: 'Going well' });
      const requested = await person('Requested', '2026-05-25');
      await f.services.reviews.request(f.actors.practitioner, requested, { requestedBy: 'the person', requestedOn: '2026-05-26' });
      // Readmitted under a new section 3: a new episode in planning, whose stored date the pages do not give.
      const readmitted = await person('Readmitted', '2025-03-01');
      const again = await f.services.legalHistory.addAdmission(f.actors.practitioner, readmitted, { hospital: 'Northbridge Hospital', admittedOn: '2026-05-01' });
      await f.services.legalHistory.addLegalStatus(f.actors.practitioner, readmitted, { section: '3', startDate: '2026-05-01', admissionId: again.id });
      ids.push(reviewed, requested, readmitted);

      const dashboard = await f.services.reviews.dashboard(f.actors.admin, {});
      const onDashboard = new Map(dashboard.items.filter((i) => i.reasons.includes('review')).map((i) => [i.id, i]));
      const within = '2026-06-29'; // today (1 June 2026) and 28 days
      const shown = new Map<string, string | null>();
      for (const id of ids) {
        const due = (await f.services.people.get(f.actors.admin, id)).nextReviewDue;
        shown.set(id, due);
        const item = onDashboard.get(id);
        if (due !== null && due <= within) {
          assert.ok(item, `${id}: due ${due} on the person page, so on the dashboard`);
          assert.equal(item.reviewDueOn, due);
          assert.equal(item.overdue, due < '2026-06-01');
        } else {
          assert.equal(item, undefined, `${id}: the person page gives ${due}, so not on the dashboard`);
        }
      }
      // The cases above cover each side: overdue, due soon, later, none (detained, readmitted), requested.
      assert.deepEqual([...shown.values()], ['2025-04-12', '2026-06-12', '2026-07-06', null, '2027-05-20', '2026-06-23', null]);
    });

    test('the dashboard counts due and overdue reviews by keyworker, local authority and ICB; the overdue list pages', async () => {
      const person = await activePerson('Dashboard');
      const keyworker = await f.database.db.selectFrom('users').select(['id', 'organisation_id']).where('email', '=', 'la-practitioner@s117.test').executeTakeFirstOrThrow();
      await f.database.db.insertInto('person_allocations').values({ id: randomUUID(), person_id: person.id, user_id: keyworker.id, organisation_id: keyworker.organisation_id, reason: 'keyworker' }).execute();
      const dashboard = await f.services.reviews.dashboard(f.actors.laApprover, { localAuthority: 'E09000099' });
      assert.ok(dashboard.totals.overdue >= 1);
      const row = dashboard.byKeyworker.find((k) => k.keyworkerId === keyworker.id);
      assert.deepEqual(row && { name: row.name, overdue: row.overdue }, { name: 'Council Practitioner', overdue: 1 });
      assert.ok(dashboard.byKeyworker.some((k) => k.keyworkerId === null && k.name === 'No keyworker allocated'));
      assert.equal(dashboard.byLocalAuthority[0]?.name, 'Northbridge Borough Council');
      assert.equal(dashboard.byIcb[0]?.code, 'QZZ');
      assert.equal((await f.services.reviews.dashboard(f.actors.laApprover, { localAuthority: 'E09000098' })).totals.overdue, 0);
      assert.equal((await f.services.reviews.dashboard(f.actors.otherLaPractitioner, {})).items.length, 0);

      const first = await f.services.reviews.overdue(f.actors.laApprover, { limit: 1 });
      assert.equal(first.items.length, 1);
      assert.ok(first.nextCursor);
      const second = await f.services.reviews.overdue(f.actors.laApprover, { limit: 1, cursor: first.nextCursor });
      assert.notEqual(second.items[0]?.id, first.items[0]?.id);
      await assert.rejects(f.services.reviews.overdue(f.actors.laApprover, { cursor: 'nonsense' }), ValidationError);
    });
  });
}
