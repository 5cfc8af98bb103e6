// Issue 15, "every feature has its page": MHA25-3 placements recorded and ended from the pages
// without JavaScript, listed on the person page, on PGlite and PostgreSQL; the API's list and end;
// CSRF, the NHS error summary, the same permissions as the API (404 before 403), the audit; and what
// S117_MHA2025_DEEMED_RESIDENCE changes: with it on, the person page and the responsibility page say
// that the council that arranged the placement is proposed, in plain words, with MHA25-3 behind
// "Legal basis".
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createOtherApp, createTestApp, ORGS, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { call, created, createPerson, nextNhsNumber, signedInBrowser } from './helpers.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`placement pages (MHA25-3) on ${engine}`, { skip }, () => {
    let t: TestApp;
    let personId: string;
    before(async () => {
      t = await createTestApp(engine);
      // Northbridge's person, detained in 2024, then placed by Northbridge in a care home in Southvale's
      // area, and detained again from there in November 2025.
      personId = (await createPerson(t, { nhsNumber: nextNhsNumber(), givenName: 'Zoë', familyName: 'Łukasiewicz-Nguyễn', dateOfBirth: '1975-02-03' }, 'laPractitioner')).id;
      const first = await created(t, `/api/v1/people/${personId}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-10', dischargedOn: '2024-05-31' }, 'laPractitioner');
      await created(t, `/api/v1/people/${personId}/legal-statuses`, { section: '3', startDate: '2024-01-10', endDate: '2024-05-31', admissionId: first.id }, 'laPractitioner');
    });
    after(async () => {
      await t?.close();
    });
    const personUrl = () => `/people/${personId}`;

    const typed = {
      kind: 'care-home', description: 'Meadow View', localAuthority: ORGS.otherLa.code, arrangedBy: ORGS.la.code, s117: 'yes',
      'from-day': '31', 'from-month': '5', 'from-year': '2024',
    };

    test('MHA25-3: a practitioner records a placement from the person page; errors in the summary; CSRF; listed; audited', async () => {
      const b = await signedInBrowser(t.app, 'laPractitioner');
      const page = await b.get(personUrl());
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /id="placements"/);
      assert.match(page.body, /None recorded\./);
      assert.ok(page.body.includes(`href="/people/${personId}/placements/new"`), 'the person page links to the form');

      const formUrl = `/people/${personId}/placements/new`;
      const form = await b.get(formUrl);
      assert.equal(form.statusCode, 200, form.body);
      assert.match(form.body, /<h1>Record a placement<\/h1>/);
      // Councils chosen by name from the register's list.
      assert.match(form.body, /<option value="E09000098"[^>]*>Southvale Borough Council \(E09000098\)<\/option>/);

      assert.equal((await b.post(formUrl, null, typed)).statusCode, 403, 'refused without the CSRF token');
      const empty = await b.post(formUrl, form.body, {});
      assert.equal(empty.statusCode, 422, empty.body);
      assert.match(empty.body, /nhsuk-error-summary/);
      for (const message of ['Select the kind of accommodation', 'Choose the council of the area the accommodation is in', 'Choose the council that arranged it', 'Enter the date they moved in']) {
        assert.ok(empty.body.includes(message), message);
      }
      const backwards = await b.post(formUrl, form.body, { ...typed, 'to-day': '1', 'to-month': '5', 'to-year': '2024' });
      assert.equal(backwards.statusCode, 422);
      assert.match(backwards.body, /href="#to"/);
      assert.match(backwards.body, /value="Meadow View"/, 'what was typed is kept');
      assert.equal((await call(t, 'GET', `/api/v1/people/${personId}/placements`, undefined, 'laPractitioner')).json().items.length, 0, 'nothing saved by a refused form');

      const done = await b.post(formUrl, form.body, typed);
      assert.equal(done.statusCode, 303, done.body);
      assert.equal(done.headers.location, `/people/${personId}#placements`);
      const after = await b.follow(done);
      assert.match(after.body, /Placement recorded/);
      const table = after.body.slice(after.body.indexOf('id="placements"'), after.body.indexOf('</table>', after.body.indexOf('id="placements"')));
      assert.match(table, /Care home/);
      assert.match(table, /Meadow View/);
      assert.match(table, /Southvale Borough Council/);
      assert.match(table, /Northbridge Borough Council/);
      assert.match(table, /From 31 May 2024, still there/);
      assert.match(table, /<td class="nhsuk-table__cell">Yes<\/td>/, 'arranged under section 117');

      const listed = await call(t, 'GET', `/api/v1/people/${personId}/placements`, undefined, 'laPractitioner');
      assert.equal(listed.statusCode, 200, listed.body);
      const [placement] = listed.json().items;
      assert.deepEqual({ ...placement, id: undefined }, { id: undefined, version: 1, localAuthority: 'E09000098', kind: 'care-home', arrangedBy: 'E09000099', s117: true, from: '2024-05-31', to: null, description: 'Meadow View' });
      const audit = await t.database.db.selectFrom('audit_events').select(['action']).where('record_id', '=', placement.id).execute();
      assert.deepEqual(audit.map((a) => a.action), ['placement.create']);
      const viewed = await t.database.db.selectFrom('audit_events').select(['action']).where('action', '=', 'placements.view').where('person_id', '=', personId).execute();
      assert.ok(viewed.length >= 1, 'the API list is an audited read');
    });

    test('MHA25-3: the same permissions as the API: 404 for an organisation that does not see the person, 403 for a role that may not record', async () => {
      const formUrl = `/people/${personId}/placements/new`;
      const stranger = await signedInBrowser(t.app, 'otherIcbApprover');
      const strangerForm = await stranger.get('/register');
      assert.equal((await stranger.get(formUrl)).statusCode, 404);
      assert.equal((await stranger.post(formUrl, strangerForm.body, typed)).statusCode, 404, 'not 403: that would say the person exists');
      assert.equal((await call(t, 'GET', `/api/v1/people/${personId}/placements`, undefined, 'otherIcbApprover')).statusCode, 404);
      for (const user of ['laApprover', 'finance'] as const) {
        const b = await signedInBrowser(t.app, user);
        const page = await b.get(personUrl());
        assert.equal(page.statusCode, 200);
        assert.ok(!page.body.includes(`href="${formUrl}"`), `${user} sees no link`);
        assert.equal((await b.get(formUrl)).statusCode, 403, user);
        assert.equal((await b.post(formUrl, page.body, typed)).statusCode, 403, user);
      }
      assert.equal((await call(t, 'GET', `/api/v1/people/${personId}/placements`, undefined, 'laPractitioner')).json().items.length, 1);
    });

    test('MHA25-3: the proposal for a new detention changes with S117_MHA2025_DEEMED_RESIDENCE: off, the council they lived in; on, the council that placed them', async () => {
      const moved = await call(t, 'PATCH', `/api/v1/people/${personId}`, { residence: { localAuthority: ORGS.otherLa.code, since: '2024-05-31' } }, 'laPractitioner');
      assert.equal(moved.statusCode, 200, moved.body);
      const second = await created(t, `/api/v1/people/${personId}/admissions`, { hospital: 'Southvale Hospital', admittedOn: '2025-11-01' }, 'laPractitioner');
      await created(t, `/api/v1/people/${personId}/legal-statuses`, { section: '3', startDate: '2025-11-01', admissionId: second.id }, 'laPractitioner');
      const b = await signedInBrowser(t.app, 'laApprover');
      const episodeOf = async (app = t.app) => (await app.inject({ method: 'GET', url: `/api/v1/people/${personId}/aftercare`, headers: t.as('laApprover') })).json().episodes[1];

      // Off (the default): today's law (RESP-3), the council of the area they lived in.
      let episode = await episodeOf();
      assert.equal(episode.localAuthority.code, ORGS.otherLa.code);
      let page = await b.get(personUrl());
      assert.ok(!page.body.includes('count as ordinarily resident in the area of the council that placed them'));

      // On: a register configured with it, on the same records.
      const on = await createOtherApp(t, { mha2025DeemedResidence: true });
      try {
        episode = await episodeOf(on);
        assert.equal(episode.localAuthority.code, ORGS.la.code, 'the council that arranged the care home stays proposed');
        const bOn = await signedInBrowser(on, 'laApprover');
        page = await bOn.get(personUrl());
        assert.equal(page.statusCode, 200);
        // Plain words with the names of the councils, the rule id behind "Legal basis".
        const said = 'Northbridge Borough Council (E09000099) arranged their place in a care home in the area of Southvale Borough Council (E09000098) from 31 May 2024, and they were living there when detention began on 1 November 2025. Under the Mental Health Act 2025 they count as ordinarily resident in the area of the council that placed them, so Northbridge Borough Council (E09000099) stays responsible.';
        assert.ok(page.body.includes(said), 'the person page explains the proposal in plain words');
        assert.match(page.body, /<strong class="s117-rule">MHA25-3<\/strong>: Deeming for ordinary residence\. Source: Mental Health Act 2025 s46\(3\), new s117\(3A\)/);

        const responsibility = await bOn.get(`/people/${personId}/episodes/${episode.id}/responsibility`);
        assert.equal(responsibility.statusCode, 200, responsibility.body);
        assert.match(responsibility.body, /The register proposes <strong>Northbridge Borough Council <span class="s117-org-code">E09000099<\/span><\/strong> as the responsible local authority\./);
        assert.ok(responsibility.body.includes(said), 'the responsibility page says why, in plain words');
        assert.match(responsibility.body, /<strong class="s117-rule">MHA25-3<\/strong>/);
        assert.match(responsibility.body, /<option value="E09000099" selected/, 'prefilled with the proposal, to check and change');
        assert.equal((await episodeOf()).localAuthority.code, ORGS.otherLa.code, 'the register configured without it, at the same time, still proposes the council they lived in');
      } finally {
        await on.close();
      }
      episode = await episodeOf();
      assert.equal(episode.localAuthority.code, ORGS.otherLa.code, 'off again');
    });

    test('MHA25-3: the end of a placement, from the person page; once only; the API refuses a stale version; audited', async () => {
      const [placement] = (await call(t, 'GET', `/api/v1/people/${personId}/placements`, undefined, 'laPractitioner')).json().items;
      const endUrl = `/people/${personId}/placements/${placement.id}/end`;
      const b = await signedInBrowser(t.app, 'laPractitioner');
      const page = await b.get(personUrl());
      assert.ok(page.body.includes(`href="${endUrl}"`), 'an open placement offers the form to record its end');
      const form = await b.get(endUrl);
      assert.equal(form.statusCode, 200, form.body);
      assert.match(form.body, /<h1>Record the end of a placement<\/h1>/);
      assert.match(form.body, /Care home \(Meadow View\) in the area of Southvale Borough Council \(E09000098\), arranged by Northbridge Borough Council \(E09000099\), from 31 May 2024/);
      assert.match(form.body, /name="version" value="1"/);

      assert.equal((await b.post(endUrl, null, { version: '1', 'to-day': '31', 'to-month': '10', 'to-year': '2025' })).statusCode, 403, 'CSRF');
      const early = await b.post(endUrl, form.body, { version: '1', 'to-day': '1', 'to-month': '1', 'to-year': '2024' });
      assert.equal(early.statusCode, 422, early.body);
      assert.match(early.body, /nhsuk-error-summary/);
      assert.match(early.body, /must be on or after the day the placement began/);
      assert.equal((await call(t, 'POST', `/api/v1/people/${personId}/placements/${placement.id}/end`, { to: '2025-10-31' }, 'laPractitioner', { 'if-match': '7' })).statusCode, 409, 'a stale version');
      assert.equal((await call(t, 'POST', `/api/v1/people/${personId}/placements/${placement.id}/end`, { to: '2025-10-31' }, 'otherIcbApprover')).statusCode, 404);

      const done = await b.post(endUrl, form.body, { version: '1', 'to-day': '31', 'to-month': '10', 'to-year': '2025' });
      assert.equal(done.statusCode, 303, done.body);
      assert.equal(done.headers.location, `/people/${personId}#placements`);
      const after = await b.follow(done);
      assert.match(after.body, /End of the placement recorded/);
      assert.match(after.body, /From 31 May 2024 to 31 October 2025/);
      assert.ok(!after.body.includes(`href="${endUrl}"`));
      const ended = (await call(t, 'GET', `/api/v1/people/${personId}/placements`, undefined, 'laPractitioner')).json().items[0];
      assert.equal(ended.to, '2025-10-31');
      assert.equal(ended.version, 2);
      // Once only: the same form again, and the API without a version, are refused (409).
      assert.equal((await b.post(endUrl, form.body, { version: '1', 'to-day': '31', 'to-month': '10', 'to-year': '2025' })).statusCode, 409);
      assert.equal((await call(t, 'POST', `/api/v1/people/${personId}/placements/${placement.id}/end`, { to: '2025-10-31' }, 'laPractitioner')).statusCode, 409);
      const audit = await t.database.db.selectFrom('audit_events').select(['action']).where('record_id', '=', placement.id).where('action', '=', 'placement.end').execute();
      assert.equal(audit.length, 1);
    });
  });
}
