// Issue 15, probe 7: each body changes only its own part of the responsibility (RESP-2 to RESP-6): the
// ICB's lead cannot set the responsible local authority, nor the council's lead the ICB. An ended
// episode's responsibility is history: changed only by a recorded correction, with its reason.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, ORGS, PASSWORD, USERS, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { assertInvalid, call, created, createPerson, nextNhsNumber, signedInBrowser } from './helpers.ts';

type Aftercare = { episodes: { id: string; endedOn: string | null; localAuthority: { code: string; basis: string; confirmed: boolean }; icb: { code: string; confirmed: boolean } }[] };

for (const { engine, skip } of await testEngines()) {
  describe(`responsibility: each body its own part, ended episodes by correction, on ${engine}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine);
    });
    after(async () => t?.close());

    const body = (la: string, icb: string) => ({ localAuthority: { code: la, basis: 'Tenancy since 2010' }, icb: { code: icb, basis: 'GP registration before detention' } });

    async function detainedTwice() {
      const id = (await createPerson(t, { nhsNumber: nextNhsNumber() })).id;
      const base = `/api/v1/people/${id}`;
      const first = await created(t, `${base}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2022-01-01', dischargedOn: '2022-03-01' });
      const old = await created(t, `${base}/legal-statuses`, { section: '3', startDate: '2022-01-01', endDate: '2022-03-01', admissionId: first.id });
      const second = await created(t, `${base}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01' });
      const current = await created(t, `${base}/legal-statuses`, { section: '3', startDate: '2024-01-01', admissionId: second.id });
      return { base, old: old.id, current: current.id };
    }

    test('the ICB’s lead cannot change the local authority, nor the council’s lead the ICB: naming another body for the other part opens a dispute (RESP-6); each confirms its own', async () => {
      const { base, current } = await detainedTwice();
      const episodeOf = async () => ((await call(t, 'GET', `${base}/aftercare`)).json() as Aftercare).episodes.find((e) => e.id === current)!;
      const byIcb = await call(t, 'PUT', `${base}/episodes/${current}/responsibility`, body(ORGS.otherLa.code, ORGS.icb.code), 'icbApprover');
      assert.equal(byIcb.statusCode, 200, byIcb.body);
      const icbDispute = (byIcb.json() as { disputeId?: string }).disputeId;
      assert.ok(icbDispute, 'the answer carries the dispute opened');
      let episode = await episodeOf();
      assert.equal(episode.icb.confirmed, true, 'the ICB’s own part is recorded as usual');
      assert.equal(episode.localAuthority.code, ORGS.la.code, 'the local authority’s part is unchanged');
      assert.equal(episode.localAuthority.confirmed, false);

      const byLa = await call(t, 'PUT', `${base}/episodes/${current}/responsibility`, body(ORGS.la.code, ORGS.otherIcb.code), 'laApprover');
      assert.equal(byLa.statusCode, 200, byLa.body);
      const laDispute = (byLa.json() as { disputeId?: string }).disputeId;
      assert.ok(laDispute);
      episode = await episodeOf();
      assert.equal(episode.localAuthority.confirmed, true);
      assert.equal(episode.icb.code, ORGS.icb.code, 'the ICB’s part stays as the ICB confirmed it');
      assert.equal(episode.icb.confirmed, true);

      // The disputes: between the two bodies, the one now named pays meanwhile, with the proposal and the reason; audited.
      const disputes = (await call(t, 'GET', `${base}/disputes`)).json() as { items: { id: string; partyA: { code: string }; partyB: { code: string }; subject: string; interimFunderCode: string; details: string }[] };
      const d1 = disputes.items.find((d) => d.id === icbDispute)!;
      assert.deepEqual([d1.partyA.code, d1.partyB.code, d1.subject, d1.interimFunderCode], [ORGS.icb.code, ORGS.la.code, 'ordinary-residence', ORGS.la.code]);
      assert.match(d1.details, new RegExp(`proposes ${ORGS.otherLa.code} instead of ${ORGS.la.code}[\\s\\S]*Reason: Tenancy since 2010`));
      const d2 = disputes.items.find((d) => d.id === laDispute)!;
      assert.deepEqual([d2.partyA.code, d2.partyB.code, d2.subject, d2.interimFunderCode], [ORGS.la.code, ORGS.icb.code, 'responsible-icb', ORGS.icb.code]);
      const raised = await t.database.db.selectFrom('audit_events').select(['record_id']).where('action', '=', 'dispute.raise').where('record_id', 'in', [icbDispute, laDispute]).execute();
      assert.equal(raised.length, 2, 'each dispute opened is audited');

      // Nothing of their own left to confirm: the dispute alone is accepted (202), nothing else recorded.
      const decisionsBefore = await t.database.db.selectFrom('responsibility_decisions').select((eb) => eb.fn.countAll<string>().as('n')).where('episode_id', '=', current).executeTakeFirstOrThrow();
      const only = await call(t, 'PUT', `${base}/episodes/${current}/responsibility`, body(ORGS.la.code, ORGS.otherIcb.code), 'laApprover');
      assert.equal(only.statusCode, 202, only.body);
      assert.ok((only.json() as { disputeId?: string }).disputeId);
      const decisionsAfter = await t.database.db.selectFrom('responsibility_decisions').select((eb) => eb.fn.countAll<string>().as('n')).where('episode_id', '=', current).executeTakeFirstOrThrow();
      assert.equal(Number(decisionsAfter.n), Number(decisionsBefore.n));

      // Confirming one's own part as it is opens nothing.
      const plain = await call(t, 'PUT', `${base}/episodes/${current}/responsibility`, body(ORGS.la.code, ORGS.icb.code), 'laApprover');
      assert.equal(plain.statusCode, 200);
      assert.equal((plain.json() as { disputeId?: string }).disputeId, undefined);
      assert.equal((await call(t, 'PUT', `${base}/episodes/${current}/responsibility`, body(ORGS.la.code, ORGS.icb.code), 'icbApprover')).statusCode, 200);
    });

    test('the page: naming another body for the other part opens a dispute, with a banner linking to it (RESP-6)', async () => {
      const { base, current } = await detainedTwice();
      const personId = base.split('/').at(-1)!;
      const formUrl = `/people/${personId}/episodes/${current}/responsibility`;
      const council = await signedInBrowser(t.app, 'laApprover');
      const form = await council.get(formUrl);
      const done = await council.post(formUrl, form.body, { 'localAuthority-code': ORGS.la.code, 'localAuthority-basis': 'Tenancy', 'icb-code': ORGS.otherIcb.code, 'icb-basis': 'GP moved before detention', 'responsibility-version': versionOf(form.body), step: 'confirm' });
      assert.equal(done.statusCode, 303, done.body);
      assert.equal(done.headers.location, `/people/${personId}/money`);
      const money = await council.follow(done);
      assert.match(money.body, /nhsuk-notification-banner--success[\s\S]*A dispute has been opened[\s\S]*href="#disputes"/);
      assert.match(money.body, /id="disputes"/);
    });

    /** The responsibility version a form was drawn from (its hidden field). */
    const versionOf = (html: string) => {
      const version = /name="responsibility-version" value="([^"]+)"/.exec(html)?.[1];
      assert.ok(version, 'the form carries the version it was drawn from');
      return version;
    };
    const disputesOf = async (personId: string) => t.database.db.selectFrom('disputes').select(['id']).where('person_id', '=', personId).execute();

    test('a stale form (RESP-6): the ICB’s part changed after the council’s lead opened the page; the post is refused with the page shown again as it is now, and no dispute is opened', async () => {
      const { base, current } = await detainedTwice();
      const personId = base.split('/').at(-1)!;
      const formUrl = `/people/${personId}/episodes/${current}/responsibility`;
      const council = await signedInBrowser(t.app, 'laApprover');
      const form = await council.get(formUrl);
      assert.match(form.body, new RegExp(`name="icb-code" value="${ORGS.icb.code}"`));
      const drawn = versionOf(form.body);
      const answers = { 'localAuthority-code': ORGS.la.code, 'localAuthority-basis': 'Tenancy in Northbridge since 2010', 'icb-code': ORGS.icb.code, 'icb-basis': 'Proposed', 'responsibility-version': drawn };

      // Meanwhile the ICB's lead confirms another ICB for the ICB's own part (theirs to do).
      const byIcb = await call(t, 'PUT', `${base}/episodes/${current}/responsibility`, body(ORGS.la.code, ORGS.otherIcb.code), 'icbApprover');
      assert.equal(byIcb.statusCode, 200, byIcb.body);
      assert.equal((byIcb.json() as { disputeId?: string }).disputeId, undefined);

      // The council's lead sends the form as it was shown (its hidden ICB is the old one): refused, at the check-answers step and at the confirmation.
      for (const step of [{}, { step: 'confirm' }, { step: 'change' }] as Record<string, string>[]) {
        const stale = await council.post(formUrl, form.body, { ...answers, ...step });
        assert.equal(stale.statusCode, 409, stale.body);
        assert.match(stale.body, /nhsuk-error-summary[\s\S]*This record changed since you opened it/);
        assert.match(stale.body, /<title>Error: /);
        assert.match(stale.body, /nothing was recorded and no dispute was opened/);
        // Shown again as the record is now (the ICB's part, the version), with what they typed for their own part.
        assert.match(stale.body, new RegExp(`name="icb-code" value="${ORGS.otherIcb.code}"`));
        assert.notEqual(versionOf(stale.body), drawn);
        assert.match(stale.body, /Tenancy in Northbridge since 2010/);
      }
      assert.equal((await disputesOf(personId)).length, 0, 'no dispute was opened');
      let episode = ((await call(t, 'GET', `${base}/aftercare`)).json() as Aftercare).episodes.find((e) => e.id === current)!;
      assert.equal(episode.localAuthority.confirmed, false, 'nothing of the council’s was recorded');

      // A form without the version it was drawn from is as stale.
      const { 'responsibility-version': _v, ...unversioned } = answers;
      void _v;
      assert.equal((await council.post(formUrl, form.body, { ...unversioned, step: 'confirm' })).statusCode, 409);
      assert.equal((await disputesOf(personId)).length, 0);

      // The page as it is now confirms the council's part, with no dispute.
      const fresh = await council.get(formUrl);
      const done = await council.post(formUrl, fresh.body, { ...answers, 'icb-code': ORGS.otherIcb.code, 'responsibility-version': versionOf(fresh.body), step: 'confirm' });
      assert.equal(done.statusCode, 303, done.body);
      assert.equal(done.headers.location, `/people/${personId}`);
      assert.equal((await disputesOf(personId)).length, 0);
      episode = ((await call(t, 'GET', `${base}/aftercare`)).json() as Aftercare).episodes.find((e) => e.id === current)!;
      assert.equal(episode.localAuthority.confirmed, true);
      assert.equal(episode.icb.code, ORGS.otherIcb.code);
    });

    test('a stale form (RESP-6) is refused by the service under the person’s lock too (a change between the page’s check and the write), and the API keeps its contract', async () => {
      const { base, current } = await detainedTwice();
      const personId = base.split('/').at(-1)!;
      const council = await signedInBrowser(t.app, 'laApprover');
      const drawn = versionOf((await council.get(`/people/${personId}/episodes/${current}/responsibility`)).body);
      assert.equal((await call(t, 'PUT', `${base}/episodes/${current}/responsibility`, body(ORGS.la.code, ORGS.otherIcb.code), 'icbApprover')).statusCode, 200);
      const { ConflictError } = await import('../../src/services/kernel/errors.ts');
      const { actor } = await t.services.accounts.signIn(USERS.laApprover.email, PASSWORD, null);
      await assert.rejects(
        t.services.legalHistory.confirmResponsibility(actor, personId, current, body(ORGS.la.code, ORGS.icb.code), { drawnFrom: drawn }),
        (error: unknown) => error instanceof ConflictError && /This record changed since you opened it/.test(error.message),
      );
      assert.equal((await disputesOf(personId)).length, 0, 'no dispute was opened');
      // The API's PUT carries no version (its contract): naming another ICB there still opens a dispute (RESP-6).
      const byApi = await call(t, 'PUT', `${base}/episodes/${current}/responsibility`, body(ORGS.la.code, ORGS.icb.code), 'laApprover');
      assert.equal(byApi.statusCode, 200, byApi.body);
      assert.ok((byApi.json() as { disputeId?: string }).disputeId);
    });

    test('pages (issue 9 items 2–4): each lead sees only their own part to confirm, in "Awaiting your approval"; checks the answers; a success banner; who and when shown', async () => {
      const { base, current } = await detainedTwice();
      const personId = base.split('/').at(-1)!;
      const formUrl = `/people/${personId}/episodes/${current}/responsibility`;
      const council = await signedInBrowser(t.app, 'laApprover');
      const waiting = await council.get('/approvals');
      assert.equal(waiting.statusCode, 200);
      assert.ok(waiting.body.includes(`href="${formUrl}"`), 'the council’s lead is asked to confirm its part');

      const form = await council.get(formUrl);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /<h1>Confirm the responsible local authority<\/h1>/);
      assert.match(form.body, /<select[^>]+name="localAuthority-code"/, 'the council’s own part is a choice');
      assert.doesNotMatch(form.body, /<select[^>]+name="icb-code"/, 'the ICB’s part is not the council’s to change');
      assert.match(form.body, /Only the ICB confirms this part/);

      // Continue: the answers are shown to check, and nothing is recorded yet.
      const answers = { 'localAuthority-code': ORGS.la.code, 'localAuthority-basis': 'Tenancy in Northbridge since 2010', 'icb-code': ORGS.icb.code, 'icb-basis': 'Proposed', 'responsibility-version': versionOf(form.body) };
      const check = await council.post(formUrl, form.body, answers);
      assert.equal(check.statusCode, 200);
      assert.match(check.body, /Check your answers/);
      assert.match(check.body, /<button[^>]*name="step"[^>]*value="confirm"|<button[^>]*value="confirm"[^>]*name="step"/);
      assert.equal(((await call(t, 'GET', `${base}/aftercare`)).json() as Aftercare).episodes.find((e) => e.id === current)!.localAuthority.confirmed, false);
      // Change: the form again, with the answers.
      const again = await council.post(formUrl, check.body, { ...answers, step: 'change' });
      assert.match(again.body, /Tenancy in Northbridge since 2010/);
      // Confirm: recorded, the person's page says so with a banner, who and when.
      const done = await council.post(formUrl, check.body, { ...answers, step: 'confirm' });
      assert.equal(done.statusCode, 303, done.body);
      assert.equal(done.headers.location, `/people/${personId}`, 'no personal data (nor anything else) added to the address');
      const personPage = await council.follow(done);
      assert.match(personPage.body, /nhsuk-notification-banner--success[\s\S]*Responsibility confirmed/);
      assert.match(personPage.body, new RegExp(`Confirmed by ${USERS.laApprover.name}, ${ORGS.la.name}, on`));
      assert.doesNotMatch((await council.get(`/people/${personId}`)).body, /Responsibility confirmed/, 'the banner is shown once');
      const after = ((await call(t, 'GET', `${base}/aftercare`)).json() as Aftercare).episodes.find((e) => e.id === current)!;
      assert.equal(after.localAuthority.confirmed, true);
      assert.equal(after.icb.confirmed, false, 'the council’s lead did not confirm the ICB');
      assert.ok(!(await council.get('/approvals')).body.includes(`href="${formUrl}"`), 'no longer awaiting the council');

      // The ICB's lead is asked for the ICB's part, and confirms only that.
      const icb = await signedInBrowser(t.app, 'icbApprover');
      assert.ok((await icb.get('/approvals')).body.includes(`href="${formUrl}"`));
      const icbForm = await icb.get(formUrl);
      assert.match(icbForm.body, /<select[^>]+name="icb-code"/);
      assert.doesNotMatch(icbForm.body, /<select[^>]+name="localAuthority-code"/);
      const icbAnswers = { 'localAuthority-code': ORGS.la.code, 'localAuthority-basis': 'x', 'icb-code': ORGS.icb.code, 'icb-basis': 'GP in Northbridge before detention', 'responsibility-version': versionOf(icbForm.body) };
      assert.equal((await icb.post(formUrl, icbForm.body, { ...icbAnswers, step: 'confirm' })).statusCode, 303);
      const both = ((await call(t, 'GET', `${base}/aftercare`)).json() as Aftercare).episodes.find((e) => e.id === current)!;
      assert.equal(both.localAuthority.basis, 'Tenancy in Northbridge since 2010', 'the ICB’s confirmation leaves the council’s part as the council confirmed it');
      assert.equal(both.icb.confirmed, true);
    });

    test('an ended episode’s responsibility changes only by a recorded correction with its reason', async () => {
      const { base, old } = await detainedTwice();
      const before = ((await call(t, 'GET', `${base}/aftercare`)).json() as Aftercare).episodes.find((e) => e.id === old)!;
      assert.notEqual(before.endedOn, null, 'the first episode has ended');
      assertInvalid(await call(t, 'PUT', `${base}/episodes/${old}/responsibility`, body(ORGS.la.code, ORGS.icb.code), 'laApprover'), 'correction.reason');
      const corrected = await call(t, 'PUT', `${base}/episodes/${old}/responsibility`, { ...body(ORGS.la.code, ORGS.icb.code), correction: { reason: 'The basis was recorded against the wrong tenancy' } }, 'laApprover');
      assert.equal(corrected.statusCode, 200, corrected.body);
      const audit = await t.database.db.selectFrom('audit_events').select(['action', 'details']).where('record_id', '=', old).orderBy('seq', 'desc').executeTakeFirstOrThrow();
      assert.equal(audit.action, 'responsibility.correct');
      // The page asks for the correction's reason on an ended episode only.
      const { sessionToken } = await t.services.accounts.signIn(USERS.laApprover.email, PASSWORD, null);
      const page = await t.app.inject({ method: 'GET', url: `/people/${base.split('/').at(-1)}/episodes/${old}/responsibility`, cookies: { s117_session: sessionToken } });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /name="correction-reason"/);
    });
  });
}
