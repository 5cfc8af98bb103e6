// Issue 11: the person's own pages (/your-aftercare) over HTTP, signed in through a real local
// OpenID provider: every page, the plan's PDF and large print, every write recorded as done by the
// person and seen by staff, CSRF, and that a person never reaches another person's record by
// changing an id. A person whose aftercare has ended still sees their letters and how to ask again (END-6).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import {
  actorOf, appWithProvider, approvedRefund, endAftercare, PERSON, personWithAftercare, postForm, signInAsPerson, type Jar,
} from '../support/your-aftercare.ts';
import type { RunningIdentityProvider } from '../../src/cli/identity-provider.ts';
import { call, today } from './helpers.ts';
import { addDays } from '../../src/domain/dates.ts';

const PAGES = ['/your-aftercare', '/your-aftercare/plan', '/your-aftercare/plan/easy-read', '/your-aftercare/letters', '/your-aftercare/review', '/your-aftercare/something-wrong', '/your-aftercare/advocate', '/your-aftercare/sharing'];

for (const { engine, skip } of await testEngines()) {
  describe(`the person's own pages on ${engine}`, { skip }, () => {
    let t: TestApp;
    let idp: RunningIdentityProvider;
    let mine: string;
    let theirs: string;
    let jar: Jar;
    const get = (url: string, cookies = jar) => t.app.inject({ method: 'GET', url, headers: { cookie: cookies.header() } });

    before(async () => {
      ({ t, idp, personId: mine } = await appWithProvider(engine));
      const practitioner = await actorOf(t, 'laPractitioner');
      theirs = (await personWithAftercare(t.services, practitioner, practitioner.userId, { nhsNumber: PERSON.other, givenName: 'Otherperson', subject: 'Secret other need' })).id;
      jar = await signInAsPerson(t);
    });
    after(async () => {
      await t?.close();
      await idp?.close();
    });

    test('without a person’s session every page sends them to the person’s sign-in', async () => {
      for (const url of PAGES) {
        const res = await t.app.inject({ method: 'GET', url });
        assert.equal(res.statusCode, 302, url);
        assert.equal(res.headers.location, '/your-aftercare/sign-in');
      }
      const signIn = await t.app.inject({ method: 'GET', url: '/your-aftercare/sign-in' });
      assert.equal(signIn.statusCode, 200);
      assert.match(signIn.body, /Continue to NHS login/);
    });

    test('every page answers 200 in the person’s own layout, with no staff navigation', async () => {
      for (const url of PAGES) {
        const res = await get(url);
        assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 300)}`);
        assert.doesNotMatch(res.body, /href="\/register"|My caseload|Reviews due/, url);
        assert.doesNotMatch(res.body, /Otherperson|Secret other need/, url);
      }
    });

    test('the overview says since when, which council and ICB, and what s117 means; names the keyworker and the next review', async () => {
      const body = (await get('/your-aftercare')).body;
      assert.match(body, /It started on 1 March 2025/);
      assert.match(body, /Northbridge Borough Council and NHS Northbridge ICB are in charge of it/);
      assert.match(body, /You will never pay for it/);
      assert.match(body, /as long as you need it/);
      assert.match(body, /only stop if the council and the NHS both agree/);
      assert.match(body, /Council Practitioner/);
      assert.match(body, /0300 555 0123/);
      assert.match(body, /We will look at your care with you by/);
    });

    test('the plan shows needs, how and by whom, and the crisis plan, but never the staff’s reasoning; PDF and large print download', async () => {
      const body = (await get('/your-aftercare/plan')).body;
      assert.match(body, /Help to take medication every day/);
      assert.match(body, /Support worker visits each morning/);
      assert.match(body, /Northbridge community mental health team/);
      assert.match(body, /Crisis team: 0300 555 0199/);
      assert.doesNotMatch(body, /Stopping medication led to the last admission/);
      for (const url of ['/your-aftercare/letters/plan/1', '/your-aftercare/letters/plan/1?largePrint=true']) {
        const pdf = await get(url);
        assert.equal(pdf.statusCode, 200, url);
        assert.equal(pdf.headers['content-type'], 'application/pdf');
        assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
      }
      const audit = await t.database.db.selectFrom('audit_events').selectAll().where('action', '=', 'your-aftercare.letter').execute();
      assert.ok(audit.every((e) => e.person_id === mine && e.user_id === null));
    });

    test('asking for a review: the keyworker sees it, the due date moves, and it is audited as done by the person', async () => {
      // A review held yesterday: the next is a year away, until the person asks for one sooner (REV-1).
      await t.services.reviews.record(await actorOf(t, 'laPractitioner'), mine, { heldOn: addDays(today(), -1), attendees: ['Sam'], outcome: 'continue', notes: 'Going well' });
      const before = (await call(t, 'GET', `/api/v1/people/${mine}/reviews`, undefined, 'laPractitioner')).json();
      const res = await postForm(t, jar, '/your-aftercare/review', { reason: 'I feel worse since my move' });
      assert.equal(res.statusCode, 303, res.body);
      assert.equal(res.headers.location, '/your-aftercare?sent=review');
      const after = (await call(t, 'GET', `/api/v1/people/${mine}/reviews`, undefined, 'laPractitioner')).json();
      const request = after.requests.find((r: { recordedByPerson: boolean }) => r.recordedByPerson);
      assert.ok(request, JSON.stringify(after.requests));
      assert.equal(request.requestedBy, 'person');
      assert.equal(request.recordedBy, null);
      assert.ok(after.nextDueOn < before.nextDueOn, `${after.nextDueOn} before ${before.nextDueOn}`);
      const event = await t.database.db.selectFrom('audit_events').selectAll().where('action', '=', 'review-request.create').orderBy('seq', 'desc').executeTakeFirstOrThrow();
      assert.equal(event.user_id, null);
      assert.equal(event.person_id, mine);
      assert.deepEqual(event.details, { by: 'person', episodeId: request.episodeId, requestedBy: 'person' });
      assert.match((await get('/your-aftercare')).body, /You have asked for a review/);
    });

    test('every form needs its CSRF token', async () => {
      for (const path of ['/your-aftercare/review', '/your-aftercare/something-wrong', '/your-aftercare/advocate', '/your-aftercare/sharing', '/your-aftercare/sharing/stop', '/your-aftercare/sign-out']) {
        const res = await postForm(t, jar, path, { reason: 'x', subject: 'x', kind: 'care-act', name: 'x' }, { csrf: false });
        assert.equal(res.statusCode, 403, path);
      }
    });

    test('telling us something is wrong is a complaint by the first route (CMP-1), seen by staff; an empty one is 422 naming the field', async () => {
      const empty = await postForm(t, jar, '/your-aftercare/something-wrong', { subject: ' ', about: 'council' });
      assert.equal(empty.statusCode, 422);
      assert.match(empty.body, /Tell us what is wrong/);
      assert.match(empty.body, /href="#subject"/);
      const res = await postForm(t, jar, '/your-aftercare/something-wrong', { subject: 'Nobody came on Tuesday', about: 'council' });
      assert.equal(res.statusCode, 303, res.body);
      const list = (await call(t, 'GET', `/api/v1/people/${mine}/complaints`, undefined, 'laPractitioner')).json();
      const complaint = list.items.find((c: { recordedByPerson: boolean }) => c.recordedByPerson);
      assert.equal(complaint.route, 'keyworker');
      assert.equal(complaint.against, 'local-authority');
      assert.equal(complaint.subject, 'Nobody came on Tuesday');
      // What the person wrote is in the record, never in the audit trail.
      const events = await t.database.db.selectFrom('audit_events').select('details').where('person_id', '=', mine).execute();
      assert.ok(events.every((e) => !JSON.stringify(e.details).includes('Nobody came')));
    });

    test('asking for an advocate: an IMHA only when eligible (ADV-1), Care Act advocacy offered (ADV-4); staff see the request', async () => {
      const page = (await get('/your-aftercare/advocate')).body;
      assert.doesNotMatch(page, /value="imha"/, 'no IMHA offered to someone on aftercare only');
      const imha = await postForm(t, jar, '/your-aftercare/advocate', { kind: 'imha' });
      assert.equal(imha.statusCode, 422);
      const res = await postForm(t, jar, '/your-aftercare/advocate', { kind: 'care-act' });
      assert.equal(res.statusCode, 303, res.body);
      const referrals = (await call(t, 'GET', `/api/v1/people/${mine}/advocacy-referrals`, undefined, 'laPractitioner')).json();
      assert.ok(referrals.items.some((r: { kind: string; requestedByPerson: boolean }) => r.kind === 'care-act' && r.requestedByPerson), JSON.stringify(referrals));
    });

    test('sharing the plan (PLAN-5, PLAN-6): who they agreed to in the plan, adding someone, and withdrawing', async () => {
      let body = (await get('/your-aftercare/sharing')).body;
      assert.match(body, /Ama Sister/);
      assert.doesNotMatch(body, /Ben Friend/, 'asked but did not agree');
      assert.equal((await postForm(t, jar, '/your-aftercare/sharing', { name: 'Cara Cousin', relationship: 'cousin' })).statusCode, 303);
      assert.equal((await postForm(t, jar, '/your-aftercare/sharing/stop', { name: 'Ama Sister' }, { from: '/your-aftercare/sharing' })).statusCode, 303);
      body = (await get('/your-aftercare/sharing')).body;
      assert.match(body, /Cara Cousin \(cousin\)/);
      assert.doesNotMatch(body, /Ama Sister/);
      const unknown = await postForm(t, jar, '/your-aftercare/sharing/stop', { name: 'Nobody Atall' }, { from: '/your-aftercare/sharing' });
      assert.equal(unknown.statusCode, 422);
      const empty = await postForm(t, jar, '/your-aftercare/sharing', { name: '' });
      assert.equal(empty.statusCode, 422);
      // Staff see the sharing as it is now, before they send the plan to anyone; other areas do not.
      const staff = await call(t, 'GET', `/api/v1/people/${mine}/plan/sharing`, undefined, 'laPractitioner');
      assert.equal(staff.statusCode, 200, staff.body);
      assert.deepEqual(staff.json().items.map((i: { name: string }) => i.name), ['Cara Cousin']);
      assert.equal((await call(t, 'GET', `/api/v1/people/${mine}/plan/sharing`, undefined, 'otherLaPractitioner')).statusCode, 404);
    });

    test('changing an id never reaches another person’s record: their letters are 404 as if they did not exist', async () => {
      const practitioner = await actorOf(t, 'laPractitioner');
      const review = await t.services.reviews.record(practitioner, theirs, { heldOn: '2025-06-01', attendees: ['Otherperson'], outcome: 'continue', notes: 'Private staff note' });
      const invitation = await t.services.reviews.invite(practitioner, theirs, { plannedOn: '2026-01-10', place: 'Home', invited: ['Otherperson'] });
      for (const url of [
        `/your-aftercare/letters/outcome/${review.id}`,
        `/your-aftercare/letters/invitation/${invitation.id}`,
        `/your-aftercare/letters/ending/${review.id}`,
        '/your-aftercare/letters/plan/2',
        '/your-aftercare/letters/other/1',
        '/your-aftercare/letters/outcome/not-a-uuid',
        `/your-aftercare/letters/outcome/${theirs}`,
      ]) {
        const res = await get(url);
        assert.equal(res.statusCode, 404, url);
        assert.doesNotMatch(res.body, /Otherperson|Private staff note/);
      }
      // No page takes a person's id: an id in the address changes nothing.
      const withId = await get(`/your-aftercare?personId=${theirs}`);
      assert.doesNotMatch(withId.body, /Otherperson/);
      const unknown = await get(`/your-aftercare/${theirs}`);
      assert.equal(unknown.statusCode, 404);
      assert.match(unknown.body, /We cannot find this page/, 'in the person’s own layout');
    });

    test('letters to the person are listed and download; staff notes never show', async () => {
      const practitioner = await actorOf(t, 'laPractitioner');
      const review = await t.services.reviews.record(practitioner, mine, { heldOn: '2025-07-01', attendees: ['Sam'], outcome: 'continue', notes: 'Internal staff note about risk' });
      const body = (await get('/your-aftercare/letters')).body;
      assert.match(body, /What we agreed at your review/);
      assert.doesNotMatch(body, /Internal staff note/);
      const pdf = await get(`/your-aftercare/letters/outcome/${review.id}`);
      assert.equal(pdf.statusCode, 200);
      assert.equal(pdf.headers['content-type'], 'application/pdf');
      // CHG-2: a refund letter once the refund is agreed; never another person's.
      const refund = await approvedRefund(t, mine);
      assert.match((await get('/your-aftercare/letters')).body, new RegExp(`/your-aftercare/letters/refund/${refund.id}`));
      const refundPdf = await get(`/your-aftercare/letters/refund/${refund.id}?largePrint=true`);
      assert.equal(refundPdf.statusCode, 200);
      const theirRefund = await approvedRefund(t, theirs);
      assert.equal((await get(`/your-aftercare/letters/refund/${theirRefund.id}`)).statusCode, 404);
    });

    test('ended aftercare (END-6): the person still sees their letters, the ending letter and how to ask again; no review can be asked', async () => {
      const practitioner = await actorOf(t, 'laPractitioner');
      const ended = (await personWithAftercare(t.services, practitioner, practitioner.userId, { nhsNumber: PERSON.ended })).id;
      const { proposalId } = await endAftercare(t, ended);
      const endedJar = await signInAsPerson(t, 'ended-p9');
      const overview = (await get('/your-aftercare', endedJar)).body;
      assert.match(overview, /Your section 117 aftercare ended/);
      assert.match(overview, /If you feel unwell again/);
      assert.match(overview, /Your aftercare can start again/);
      assert.doesNotMatch(overview, /href="\/your-aftercare\/review"/);
      const letters = (await get('/your-aftercare/letters', endedJar)).body;
      assert.match(letters, new RegExp(`/your-aftercare/letters/ending/${proposalId}`));
      assert.equal((await get(`/your-aftercare/letters/ending/${proposalId}`, endedJar)).statusCode, 200);
      assert.equal((await get(`/your-aftercare/letters/ending/${proposalId}`)).statusCode, 404, 'not someone else’s');
      const refused = await postForm(t, endedJar, '/your-aftercare/review', { reason: 'please' });
      assert.equal(refused.statusCode, 422);
    });

    test('the person’s forms are rate-limited: after 20 in 10 minutes the next is 429 and records nothing', async () => {
      const other = await signInAsPerson(t, 'other-p9');
      for (let i = 0; i < 20; i++) assert.equal((await postForm(t, other, '/your-aftercare/something-wrong', { subject: `Problem ${i}` })).statusCode, 303);
      const limited = await postForm(t, other, '/your-aftercare/something-wrong', { subject: 'One too many' });
      assert.equal(limited.statusCode, 429);
      assert.match(limited.body, /Please wait/);
      const list = (await call(t, 'GET', `/api/v1/people/${theirs}/complaints`, undefined, 'laPractitioner')).json();
      assert.equal(list.items.filter((c: { subject: string }) => c.subject === 'One too many').length, 0);
    });

    test('signing out ends the person’s session', async () => {
      const own = await signInAsPerson(t);
      const res = await postForm(t, own, '/your-aftercare/sign-out', {}, { from: '/your-aftercare' });
      assert.equal(res.statusCode, 200);
      assert.equal((await get('/your-aftercare', own)).statusCode, 302);
    });
  });
}
