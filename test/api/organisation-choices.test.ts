// Issue 9 items 1 and 7, through the pages without JavaScript (a cookie jar and forms posted with
// their CSRF token), on PGlite and PostgreSQL: organisations chosen by name (the select's code, or
// what the type-ahead box posts: "Name (CODE)", a name or a code), the council proposed from the
// postcode and the ICB from the GP practice (migration 0123: the reference tables, then the
// practice's ICB recorded for anyone) with the reason shown and nothing saved until the person saves
// again, the proposals for the page's script, and the service form that asks the kind of service
// first and shows only its sections.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, ORGS, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { call, createPerson, nextNhsNumber, signedInBrowser } from './helpers.ts';

/** The value of each option chosen in a select, by the select's id. */
function chosen(html: string, id: string): string | undefined {
  const select = new RegExp(`<select[^>]*id="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1] ?? '';
  return /<option value="([^"]*)" selected/.exec(select)?.[1];
}

for (const { engine, skip } of await testEngines()) {
  describe(`choosing organisations by name, proposals and the service form's sections on ${engine}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine);
    });
    after(async () => {
      await t?.close();
    });

    const peopleCount = async () => Number((await t.database.db.selectFrom('people').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const person = (id: string) => call(t, 'GET', `/api/v1/people/${id}`, undefined, 'laPractitioner').then((r) => r.json());

    test('the add-a-person form offers the councils and ICBs by name, each marked for the type-ahead script', async () => {
      const page = await (await signedInBrowser(t.app, 'laPractitioner')).get('/people/new');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<select[^>]*id="residence-localAuthority"[^>]*data-s117-organisations="local-authority"/);
      assert.match(page.body, /<option value="E09000099">Northbridge Borough Council \(E09000099\)<\/option>/);
      assert.match(page.body, /<option value="QZY">NHS Southvale ICB \(QZY\)<\/option>/);
      assert.match(page.body, /<script type="module" src="\/assets\/s117\/init.js" nonce="[^"]+"><\/script>/);
      // The script and its parts come from the register's own origin.
      for (const script of ['init.js', 'organisations.js', 'proposals.js', 'service-sections.js']) {
        const res = await t.app.inject({ method: 'GET', url: `/assets/s117/${script}` });
        assert.equal(res.statusCode, 200, script);
        assert.doesNotMatch(res.body, /https?:\/\//, `${script} names no other origin`);
      }
    });

    test('the proposals are made from the postcode and the practice, and saved only when the person saves again', async () => {
      const b = await signedInBrowser(t.app, 'laPractitioner');
      const form = await b.get('/people/new');
      const before = await peopleCount();
      const typed = {
        givenName: 'Ada', familyName: 'Proposal', 'dateOfBirth-day': '1', 'dateOfBirth-month': '2', 'dateOfBirth-year': '1980',
        'address-line1': '14 Mill Lane', 'address-postcode': 'nb1 2ab', 'gp-practiceCode': 'z98001',
        'residence-localAuthority': '', 'residence-localAuthority-other': '', 'gp-icb': '', 'gp-icb-other': '',
        'residence-since-day': '1', 'residence-since-month': '6', 'residence-since-year': '2015',
        'gp-since-day': '1', 'gp-since-month': '6', 'gp-since-year': '2015',
      };
      const proposed = await b.post('/people/new', form.body, typed);
      assert.equal(proposed.statusCode, 200, proposed.body);
      assert.equal(await peopleCount(), before, 'nothing is saved while the proposals are checked');
      assert.equal(chosen(proposed.body, 'residence-localAuthority'), 'E09000099');
      assert.equal(chosen(proposed.body, 'gp-icb'), 'QZY');
      assert.match(proposed.body, /Proposed from the postcode NB1 2AB: Northbridge Borough Council \(E09000099\)/);
      assert.match(proposed.body, /Proposed from the GP practice Z98001: NHS Southvale ICB \(QZY\)/);
      assert.match(proposed.body, /name="proposalsShown" id="proposalsShown" value="1"/);
      assert.match(proposed.body, /value="Ada"/, 'what was typed is kept');

      // The person changes the proposed ICB and saves: saved as they chose, not proposed again.
      const saved = await b.post('/people/new', form.body, { ...typed, 'residence-localAuthority': 'E09000099', 'gp-icb': 'QZZ', proposalsShown: '1' });
      assert.equal(saved.statusCode, 303, saved.body);
      const id = /\/people\/([0-9a-f-]{36})/.exec(saved.headers.location as string)![1]!;
      const record = await person(id);
      assert.equal(record.residence.localAuthority, 'E09000099');
      assert.equal(record.gp.icb, 'QZZ');
    });

    test('a list left unchosen on purpose is not proposed again, and nothing is proposed without a reason', async () => {
      const b = await signedInBrowser(t.app, 'laPractitioner');
      const form = await b.get('/people/new');
      const base = { givenName: 'Bo', familyName: 'Noproposal', 'dateOfBirth-day': '3', 'dateOfBirth-month': '4', 'dateOfBirth-year': '1970' };
      // A postcode the register does not know: saved at once, with no residence.
      const unknown = await b.post('/people/new', form.body, { ...base, 'address-postcode': 'ZZ9 9ZZ', 'residence-localAuthority': '', 'residence-localAuthority-other': '' });
      assert.equal(unknown.statusCode, 303, unknown.body);
      // A known postcode, the proposal already shown and cleared by the person: saved with no residence.
      const cleared = await b.post('/people/new', form.body, { ...base, familyName: 'Cleared', 'address-postcode': 'SV1 3GH', 'residence-localAuthority': '', 'residence-localAuthority-other': '', proposalsShown: '1' });
      assert.equal(cleared.statusCode, 303, cleared.body);
      const id = /\/people\/([0-9a-f-]{36})/.exec(cleared.headers.location as string)![1]!;
      assert.equal((await person(id)).residence, null);
    });

    test('changing details proposes a council only for a new postcode, and not the council already recorded', async () => {
      const id = (await createPerson(t, { nhsNumber: nextNhsNumber(), address: { line1: '1 Old Road', postcode: 'NB1 1AA' }, residence: { localAuthority: ORGS.la.code, since: '2010-01-01' } }, 'laPractitioner')).id;
      const b = await signedInBrowser(t.app, 'laPractitioner');
      const form = await b.get(`/people/${id}/edit`);
      assert.equal(form.statusCode, 200);
      const values = (postcode: string) => ({
        version: /name="version" value="(\d+)"/.exec(form.body)![1]!, postcodeBefore: 'NB1 1AA', residenceNow: ORGS.la.code,
        givenName: 'Test', familyName: 'Person', 'dateOfBirth-day': '1', 'dateOfBirth-month': '1', 'dateOfBirth-year': '1980',
        'address-line1': '2 New Road', 'address-postcode': postcode, 'residence-localAuthority': '', 'residence-localAuthority-other': '',
      });
      // Same council (another postcode in Northbridge): nothing to propose; saved.
      const sameCouncil = await b.post(`/people/${id}/edit`, form.body, values('NB2 4CD'));
      assert.equal(sameCouncil.statusCode, 303, sameCouncil.body);
      const again = await b.get(`/people/${id}/edit`);
      const moved = { ...values('SV2 6CD'), version: /name="version" value="(\d+)"/.exec(again.body)![1]!, postcodeBefore: 'NB2 4CD' };
      const proposed = await b.post(`/people/${id}/edit`, again.body, moved);
      assert.equal(proposed.statusCode, 200, proposed.body);
      assert.equal(chosen(proposed.body, 'residence-localAuthority'), ORGS.otherLa.code);
      assert.match(proposed.body, /Proposed from the postcode SV2 6CD: Southvale Borough Council \(E09000098\)/);
    });

    test('what the type-ahead box posts is read as the code: "Name (CODE)", the name, or the code in any case', async () => {
      const b = await signedInBrowser(t.app, 'laPractitioner');
      const form = await b.get('/people/new');
      const add = async (familyName: string, la: string, icb: string) => {
        const res = await b.post('/people/new', form.body, {
          givenName: 'Cy', familyName, 'dateOfBirth-day': '5', 'dateOfBirth-month': '6', 'dateOfBirth-year': '1990',
          'residence-localAuthority': la, 'residence-localAuthority-other': '', 'residence-since-day': '1', 'residence-since-month': '1', 'residence-since-year': '2020',
          'gp-icb': icb, 'gp-icb-other': '', 'gp-since-day': '1', 'gp-since-month': '1', 'gp-since-year': '2020',
        });
        return res;
      };
      const byLabel = await add('Label', 'Southvale Borough Council (E09000098)', 'NHS Northbridge ICB (QZZ)');
      assert.equal(byLabel.statusCode, 303, byLabel.body);
      const one = await person(/\/people\/([0-9a-f-]{36})/.exec(byLabel.headers.location as string)![1]!);
      assert.deepEqual([one.residence.localAuthority, one.gp.icb], ['E09000098', 'QZZ']);
      const byName = await add('Name', 'northbridge borough council', 'qzy');
      assert.equal(byName.statusCode, 303, byName.body);
      const two = await person(/\/people\/([0-9a-f-]{36})/.exec(byName.headers.location as string)![1]!);
      assert.deepEqual([two.residence.localAuthority, two.gp.icb], ['E09000099', 'QZY']);
      // Words that name no organisation: refused naming the field, and the words shown again.
      const unknown = await add('Unknown', 'Northbri', 'QZZ');
      assert.equal(unknown.statusCode, 422, unknown.body);
      assert.match(unknown.body, /href="#residence-localAuthority"/);
      assert.match(unknown.body, /<option value="Northbri" selected>Northbri<\/option>/);
    });

    test('the proposals for the page’s script: JSON, CSRF-protected, the practice’s ICB from anyone’s registration there', async () => {
      const b = await signedInBrowser(t.app, 'laPractitioner');
      const form = await b.get('/people/new');
      assert.equal((await b.post('/people/body-proposals', null, { postcode: 'NB1 2AB' })).statusCode, 403, 'no CSRF token, no answer');
      const ask = async (payload: Record<string, string>) => {
        const res = await b.post('/people/body-proposals', form.body, payload);
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.headers['cache-control'], 'no-store');
        return res.json();
      };
      assert.deepEqual(await ask({ postcode: 'sv1 3gh', practiceCode: 'Z99002' }), {
        localAuthority: { code: 'E09000098', reason: 'Proposed from the postcode SV1 3GH: Southvale Borough Council (E09000098). Change it if they usually live somewhere else.' },
        icb: { code: 'QZZ', reason: 'Proposed from the GP practice Z99002: NHS Northbridge ICB (QZZ). Change it if the practice belongs to another ICB.' },
      });
      assert.deepEqual(await ask({ postcode: 'not a postcode', practiceCode: 'A12345' }), { localAuthority: null, icb: null });
      // A practice not in the reference list: the ICB recorded with it for someone else.
      await createPerson(t, { nhsNumber: nextNhsNumber(), gp: { practiceCode: 'A12345', icb: ORGS.otherIcb.code, since: '2015-01-01' } }, 'practitioner');
      assert.equal((await ask({ practiceCode: 'a12345' })).icb.code, ORGS.otherIcb.code);
      // A full postcode in the reference table wins over its district (as the ONS directory is loaded).
      await t.database.db.insertInto('postcode_areas').values({ prefix: 'NB99ZZ', local_authority_code: ORGS.otherLa.code, source: 'test' }).execute();
      assert.equal((await ask({ postcode: 'NB9 9ZZ' })).localAuthority.code, ORGS.otherLa.code);
      assert.equal((await ask({ postcode: 'NB9 9ZY' })).localAuthority.code, ORGS.la.code);
      // A council the register does not know is not proposed (the list could not show it by name).
      await t.database.db.insertInto('postcode_areas').values({ prefix: 'QQ1', local_authority_code: 'E09000001', source: 'test' }).execute();
      assert.equal((await ask({ postcode: 'QQ1 1AA' })).localAuthority, null);
      // Only roles that add or change people are asked.
      const auditor = await signedInBrowser(t.app, 'auditor');
      const auditorForm = await auditor.get('/register');
      assert.equal((await auditor.post('/people/body-proposals', auditorForm.body, { postcode: 'NB1 2AB' })).statusCode, 403);
    });

    test('a hospital stay names the organisation that runs the hospital, chosen from the list', async () => {
      const id = (await createPerson(t, { nhsNumber: nextNhsNumber() }, 'laPractitioner')).id;
      const b = await signedInBrowser(t.app, 'laPractitioner');
      const form = await b.get(`/people/${id}/admissions/new`);
      assert.match(form.body, /<option value="RZZ">Northbridge Mental Health Trust \(RZZ\)<\/option>/);
      const saved = await b.post(`/people/${id}/admissions/new`, form.body, { hospital: 'Northbridge Hospital', provider: 'Northbridge Mental Health Trust (RZZ)', 'provider-other': '', 'admittedOn-day': '1', 'admittedOn-month': '3', 'admittedOn-year': '2024' });
      assert.equal(saved.statusCode, 303, saved.body);
      const stays = await t.database.db.selectFrom('admissions').select('provider_code').where('person_id', '=', id).execute();
      assert.deepEqual(stays, [{ provider_code: 'RZZ' }]);
    });

    test('add a service: the kind first, then only the sections that apply to it', async () => {
      const id = (await createPerson(t, { nhsNumber: nextNhsNumber(), residence: { localAuthority: ORGS.la.code, since: '2010-01-01' }, gp: { icb: ORGS.icb.code, since: '2010-01-01' } }, 'laPractitioner')).id;
      const b = await signedInBrowser(t.app, 'laPractitioner');
      const url = `/people/${id}/services/new`;
      const question = await b.get(url);
      assert.equal(question.statusCode, 200);
      assert.match(question.body, /<form method="get" action="\/people\/[0-9a-f-]{36}\/services\/new"/);
      assert.match(question.body, /What kind of service is it\?/);
      assert.doesNotMatch(question.body, /accommodation-type/);
      assert.match(question.body, /<input type="hidden" name="step" value="kind">/);
      for (const unanswered of [`${url}?step=kind`, `${url}?step=kind&category=`, `${url}?category=nonsense`]) {
        const none = await b.get(unanswered);
        assert.equal(none.statusCode, 422, unanswered);
        assert.match(none.body, /href="#category">\s*Select what kind of service it is/);
      }

      const sections = async (category: string) => {
        const page = await b.get(`${url}?category=${category}`);
        assert.equal(page.statusCode, 200, page.body);
        return { page: page.body, accommodation: page.body.includes('id="accommodation-type"'), rent: page.body.includes('accommodation-rentDecision-decision'), budget: page.body.includes('name="budget"') };
      };
      const accommodation = await sections('accommodation');
      assert.deepEqual([accommodation.accommodation, accommodation.rent, accommodation.budget], [true, true, true]);
      assert.match(accommodation.page, /<input type="hidden" name="category" value="accommodation">/);
      assert.match(accommodation.page, /Kind of service[\s\S]*Accommodation[\s\S]*services\/new\?change=accommodation/);
      const health = await sections('healthcare');
      assert.deepEqual([health.accommodation, health.rent, health.budget], [false, false, true]);
      const medication = await sections('medication');
      assert.deepEqual([medication.accommodation, medication.rent, medication.budget], [false, false, false]);
      // Change the kind: the question again, the kind chosen before still chosen.
      assert.match((await b.get(`${url}?change=medication`)).body, /value="medication" checked/);

      // Saved from the short form; an error shows the same short form again.
      const form = accommodation.page;
      const typed = { category: 'healthcare', description: 'Depot clinic', s117: 'yes', provider: 'Northbridge Mental Health Trust', 'funding-localAuthorityPercent': '0', 'funding-icbPercent': '100', weeklyCostPence: '95.00', 'startDate-day': '1', 'startDate-month': '5', 'startDate-year': '2024' };
      const missing = await b.post(url, form, { ...typed, description: '' });
      assert.equal(missing.statusCode, 422, missing.body);
      assert.doesNotMatch(missing.body, /id="accommodation-type"/, 'still only the sections of health care');
      assert.match(missing.body, /<input type="hidden" name="category" value="healthcare">/);
      const saved = await b.post(url, form, typed);
      assert.equal(saved.statusCode, 303, saved.body);

      // The change form keeps every section, those that do not apply hidden until the kind changes.
      const services = (await call(t, 'GET', `/api/v1/people/${id}/services`, undefined, 'laPractitioner')).json();
      const serviceId = (services.items ?? services)[0].id;
      const change = await b.get(`/people/${id}/services/${serviceId}/edit`);
      assert.match(change.body, /<select[^>]*id="category"[^>]*data-s117-kind/);
      assert.match(change.body, /<div data-s117-section="accommodation" data-s117-categories="accommodation" hidden>/);
      assert.match(change.body, /<div data-s117-section="budget" data-s117-categories="[a-z -]*healthcare[a-z -]*">/);

      // Issue 9: the same service again (description and provider, in any case) is asked about first.
      const again = await b.post(url, form, { ...typed, description: ' depot CLINIC ' });
      assert.equal(again.statusCode, 422, again.body);
      assert.match(again.body, /href="#sameServiceConfirmed">\s*Depot clinic from Northbridge Mental Health Trust is already recorded, from 1 May 2024/);
      assert.match(again.body, /name="sameServiceConfirmed" type="checkbox" value="yes"|type="checkbox"[^>]*name="sameServiceConfirmed"/);
      assert.match(again.body, /value=" depot CLINIC "/, 'what was typed is kept');
      const count = async () => { const l = (await call(t, 'GET', `/api/v1/people/${id}/services`, undefined, 'laPractitioner')).json(); return (l.items ?? l).length; };
      assert.equal(await count(), 1, 'nothing saved');
      assert.equal((await b.post(url, form, { ...typed, sameServiceConfirmed: 'yes' })).statusCode, 303, 'added once confirmed as another service');
      assert.equal((await b.post(url, form, { ...typed, provider: 'Northbridge Day Services' })).statusCode, 303, 'another provider: not the same service');
      assert.equal(await count(), 3);
    });
  });
}
