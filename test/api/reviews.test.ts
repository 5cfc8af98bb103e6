// api-contract "Plans, services, reviews": POST reviews and review-requests, GET reviews with the
// REV-1 timetable, the overdue list, the dashboard and the letters, with their problems.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addDays, addMonths } from '../../src/domain/dates.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { pdfText } from '../support/pdf.ts';
import { assertInvalid, assertProblem, call, created, createPerson, today, tomorrow } from './helpers.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`reviews API on ${engine}`, { skip }, () => {
    let t: TestApp;
    let personId: string;
    before(async () => {
      t = await createTestApp(engine);
      // Left hospital after section 3 on 1 March 2024: the first review was due on 12 April 2024.
      const person = await createPerson(t, { nhsNumber: null, givenName: 'Robin' });
      personId = person.id;
      const stay = await created(t, `/api/v1/people/${personId}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-10', dischargedOn: '2024-03-01' });
      await created(t, `/api/v1/people/${personId}/legal-statuses`, { section: '3', startDate: '2024-01-10', endDate: '2024-03-01', admissionId: stay.id });
    });
    after(async () => {
      await t?.close();
    });

    test('GET reviews answers {nextDueOn, overdue, history, requests}; the person is in the overdue list and the register filter', async () => {
      const res = await call(t, 'GET', `/api/v1/people/${personId}/reviews`);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.deepEqual({ nextDueOn: body.nextDueOn, overdue: body.overdue, history: body.history, requests: body.requests }, { nextDueOn: '2024-04-12', overdue: true, history: [], requests: [] });
      const overdue = await call(t, 'GET', '/api/v1/reviews/overdue', undefined, 'laApprover');
      assert.equal(overdue.statusCode, 200, overdue.body);
      assert.ok(overdue.json().items.some((i: { id: string }) => i.id === personId));
      assert.ok('nextCursor' in overdue.json());
      const register = await call(t, 'GET', '/api/v1/people?reviewOverdue=true', undefined, 'icbApprover');
      assert.ok(register.json().items.some((i: { id: string }) => i.id === personId));
      assert.equal((await call(t, 'GET', '/api/v1/reviews/overdue', undefined, 'otherLaPractitioner')).json().items.length, 0);
    });

    test('GET /reviews/dashboard counts by keyworker, local authority and ICB', async () => {
      const res = await call(t, 'GET', '/api/v1/reviews/dashboard?localAuthority=E09000099', undefined, 'laApprover');
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.dueWithinDays, 28);
      assert.ok(body.items.some((i: { id: string }) => i.id === personId));
      assert.ok(body.byKeyworker.some((k: { keyworkerId: string | null; name: string }) => k.keyworkerId === null && k.name === 'No keyworker allocated'));
    });

    test('POST reviews is 201 and moves the next review 12 months on; POST review-requests brings it forward', async () => {
      const heldOn = addDays(today(), -10);
      const res = await call(t, 'POST', `/api/v1/people/${personId}/reviews`, { heldOn, attendees: ['the person', 'keyworker'], outcome: 'continue', notes: 'Settled' });
      assert.equal(res.statusCode, 201, res.body);
      const review = res.json();
      assert.equal(review.heldOn, heldOn);
      assert.equal(review.nextDueOn, addMonths(heldOn, 12));
      assert.equal(review.overdue, false);
      assert.equal(review.endingProposalUrl, null);
      const request = await call(t, 'POST', `/api/v1/people/${personId}/review-requests`, { requestedBy: 'advocate', requestedOn: today() }, 'laApprover');
      assert.equal(request.statusCode, 201, request.body);
      assert.equal(request.json().nextDueOn, addDays(today(), 28));
      const list = (await call(t, 'GET', `/api/v1/people/${personId}/reviews`, undefined, 'auditor')).json();
      assert.equal(list.nextDueOn, addDays(today(), 28));
      assert.equal(list.history.length, 1);
      assert.deepEqual(list.requests.map((r: { requestedBy: string; open: boolean }) => [r.requestedBy, r.open]), [['advocate', true]]);
    });

    test('propose-ending records the intention and links to the ending proposal', async () => {
      const res = await call(t, 'POST', `/api/v1/people/${personId}/reviews`, { heldOn: today(), attendees: [], outcome: 'propose-ending', notes: '' });
      assert.equal(res.statusCode, 201, res.body);
      assert.match(res.json().endingProposalUrl, /\/ending\/new$/);
      const status = await call(t, 'GET', `/api/v1/people/${personId}/aftercare`);
      assert.equal(status.json().status, 'active', 'a review does not end aftercare');
    });

    test('400, 401, 403, 404 and 422', async () => {
      const url = `/api/v1/people/${personId}/reviews`;
      assertProblem(await call(t, 'POST', url, { heldOn: 20240101, attendees: [], outcome: 'continue', notes: '' }), 400);
      assertProblem(await t.app.inject({ method: 'GET', url }), 401);
      assertProblem(await call(t, 'POST', url, { heldOn: today(), attendees: [], outcome: 'continue', notes: '' }, 'finance'), 403);
      assertProblem(await call(t, 'POST', `/api/v1/people/${personId}/review-requests`, { requestedBy: 'person', requestedOn: today() }, 'auditor'), 403);
      assertProblem(await call(t, 'GET', url, undefined, 'otherLaPractitioner'), 404);
      assertProblem(await call(t, 'GET', '/api/v1/people/00000000-0000-4000-8000-000000000000/reviews'), 404);
      assertInvalid(await call(t, 'POST', url, { heldOn: tomorrow(), attendees: [], outcome: 'continue', notes: '' }), 'heldOn');
      assertInvalid(await call(t, 'POST', url, { heldOn: '2024-02-01', attendees: [], outcome: 'continue', notes: '' }), 'heldOn', 'REV-1');
      assertInvalid(await call(t, 'POST', url, { heldOn: today(), attendees: [], outcome: 'finish', notes: '' }), 'outcome');
      assertInvalid(await call(t, 'POST', `/api/v1/people/${personId}/review-requests`, { requestedOn: today() }), 'requestedBy');
      const unplanned = await createPerson(t, { nhsNumber: null, givenName: 'Unplanned' });
      assertInvalid(await call(t, 'POST', `/api/v1/people/${unplanned.id}/reviews`, { heldOn: today(), attendees: [], outcome: 'continue', notes: '' }), 'heldOn', 'REV-1');
      assertInvalid(await call(t, 'GET', '/api/v1/reviews/overdue?cursor=rubbish'), 'cursor');
      assertInvalid(await call(t, 'GET', '/api/v1/reviews/overdue?limit=501'), 'limit');
    });

    test('the letters are PDFs, in large print when asked', async () => {
      const invitation = await created(t, `/api/v1/people/${personId}/reviews/invitations`, { plannedOn: addDays(today(), 14), plannedTime: '2pm', place: 'Northbridge Community Centre', invited: ['You', 'Your keyworker'], contact: 'Jo on 01234 567890' });
      const letter = await call(t, 'GET', `/api/v1/people/${personId}/reviews/invitations/${invitation.id}/letter?largePrint=true`);
      assert.equal(letter.statusCode, 200, letter.body);
      assert.equal(letter.headers['content-type'], 'application/pdf');
      const text = (await pdfText(letter.rawPayload)).replace(/\s+/g, ' ');
      for (const words of ['Northbridge Community Centre', 'carer, a family member, a friend or an advocate', 'aftercare is free', 'Jo on 01234 567890']) assert.ok(text.includes(words), words);
      const reviews = (await call(t, 'GET', `/api/v1/people/${personId}/reviews`)).json();
      const outcome = await call(t, 'GET', reviews.history[0].letterUrl);
      assert.equal(outcome.statusCode, 200, outcome.body);
      assert.match((await pdfText(outcome.rawPayload)).replace(/\s+/g, ' '), /ask for a review sooner/);
      assertProblem(await call(t, 'GET', `/api/v1/people/${personId}/reviews/00000000-0000-4000-8000-000000000000/letter`), 404);
      assertProblem(await call(t, 'GET', reviews.history[0].letterUrl, undefined, 'otherLaPractitioner'), 404);
    });

    test('the OpenAPI document describes the review operations', async () => {
      const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      for (const path of ['/api/v1/people/{id}/reviews', '/api/v1/people/{id}/review-requests', '/api/v1/reviews/overdue', '/api/v1/reviews/dashboard', '/api/v1/people/{id}/reviews/{reviewId}/letter']) {
        assert.ok(doc.paths[path], path);
      }
    });
  });
}
