// api-contract "Conventions" and "People and legal history": registering, reading, changing and
// searching people, and the problem+json answers to bad input.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatNhsNumber } from '../../src/domain/nhs-number.ts';
import { createTestApp, ORGS, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { assertInvalid, assertProblem, call, created, createPerson, nextNhsNumber, personBody, tomorrow } from './helpers.ts';

type Page = { items: { id: string; familyName: string; status: string }[]; nextCursor: string | null };

for (const { engine, skip } of await testEngines()) {
  describe(`people API on ${engine}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine);
    });
    after(async () => {
      await t?.close();
    });

    describe('POST /api/v1/people', () => {
      test('answers 201 with the person, the NHS number stored without spaces', async () => {
        const nhs = nextNhsNumber();
        const res = await call(t, 'POST', '/api/v1/people', personBody({ nhsNumber: ` ${formatNhsNumber(nhs)} `, localId: 'MRN-0001', address: { line1: '1 High Street', postcode: 'sw1a 1aa' } }));
        assert.equal(res.statusCode, 201, res.body);
        assert.match(String(res.headers['content-type']), /^application\/json/);
        const person = res.json();
        assert.match(person.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        assert.equal(person.version, 1);
        assert.equal(person.nhsNumber, nhs);
        assert.equal(person.localId, 'MRN-0001');
        assert.equal(person.givenName, 'Alex');
        assert.equal(person.familyName, 'Testperson');
        assert.equal(person.dateOfBirth, '1980-05-17');
        assert.equal(person.dateOfDeath, null);
        assert.deepEqual(person.address, { line1: '1 High Street', postcode: 'SW1A 1AA' });
        assert.deepEqual(person.residence, { localAuthority: ORGS.la.code, since: '2010-01-01' });
        assert.equal(person.gp.icb, ORGS.icb.code);
        assert.equal(person.status, 'not-entitled');

        const read = await call(t, 'GET', `/api/v1/people/${person.id}`);
        assert.equal(read.statusCode, 200);
        assert.equal(read.json().nhsNumber, nhs);
      });

      test('an NHS number failing the Modulus 11 check is 422 naming nhsNumber', async () => {
        const valid = nextNhsNumber();
        const wrongCheckDigit = valid.slice(0, 9) + String((Number(valid[9]) + 1) % 10);
        for (const nhsNumber of [wrongCheckDigit, '12345', '999000001X', '99900000181']) {
          assertInvalid(await call(t, 'POST', '/api/v1/people', personBody({ nhsNumber })), 'nhsNumber');
        }
      });

      test('an NHS number already registered is 409, with or without spaces, and nothing is added', async () => {
        const nhs = nextNhsNumber();
        await createPerson(t, { nhsNumber: nhs, familyName: 'Duplicatecheck' });
        assertProblem(await call(t, 'POST', '/api/v1/people', personBody({ nhsNumber: nhs, familyName: 'Duplicatecheck' })), 409);
        assertProblem(await call(t, 'POST', '/api/v1/people', personBody({ nhsNumber: formatNhsNumber(nhs), familyName: 'Duplicatecheck' })), 409);
        const found = (await call(t, 'GET', '/api/v1/people?q=Duplicatecheck', undefined, 'admin')).json() as Page;
        assert.equal(found.items.length, 1);
      });

      test('the same NHS number sent several times at once: one 201, the others 409', async () => {
        const body = personBody({ nhsNumber: nextNhsNumber(), familyName: 'Raceperson' });
        const answers = await Promise.all(Array.from({ length: 6 }, () => call(t, 'POST', '/api/v1/people', body)));
        const codes = answers.map((r) => r.statusCode).sort();
        assert.deepEqual(codes, [201, 409, 409, 409, 409, 409]);
        for (const res of answers.filter((r) => r.statusCode === 409)) assertProblem(res, 409);
        const found = (await call(t, 'GET', '/api/v1/people?q=Raceperson', undefined, 'admin')).json() as Page;
        assert.equal(found.items.length, 1);
      });

      test('malformed JSON is 400 problem+json', async () => {
        const res = await t.app.inject({ method: 'POST', url: '/api/v1/people', headers: t.as('practitioner', { 'content-type': 'application/json' }), payload: '{"givenName": "A",' });
        assertProblem(res, 400);
      });

      test('a value of the wrong JSON type is 400 naming the field', async () => {
        const body = assertProblem(await call(t, 'POST', '/api/v1/people', personBody({ givenName: 5 })), 400);
        assert.ok(body.errors?.some((e) => e.field === 'givenName'), JSON.stringify(body));
        assertProblem(await call(t, 'POST', '/api/v1/people', personBody({ residence: 'Northbridge' })), 400);
      });

      test('a body that is not JSON is 415 problem+json', async () => {
        for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'application/xml']) {
          const res = await t.app.inject({ method: 'POST', url: '/api/v1/people', headers: t.as('practitioner', { 'content-type': type }), payload: 'givenName=Form&familyName=Body&dateOfBirth=1980-01-01' });
          assertProblem(res, 415);
        }
      });

      test('a body that is not a JSON object is 400', async () => {
        for (const payload of ['[]', '"text"', '42', 'null']) {
          const res = await t.app.inject({ method: 'POST', url: '/api/v1/people', headers: t.as('practitioner', { 'content-type': 'application/json' }), payload });
          assertProblem(res, 400);
        }
      });

      test('a missing given name is 422 naming givenName', async () => {
        const body = personBody();
        delete body.givenName;
        assertInvalid(await call(t, 'POST', '/api/v1/people', body), 'givenName');
        assertInvalid(await call(t, 'POST', '/api/v1/people', personBody({ givenName: '   ' })), 'givenName');
      });

      test('a date of birth in the future or not a real date is 422 naming dateOfBirth', async () => {
        assertInvalid(await call(t, 'POST', '/api/v1/people', personBody({ dateOfBirth: tomorrow() })), 'dateOfBirth');
        assertInvalid(await call(t, 'POST', '/api/v1/people', personBody({ dateOfBirth: '2023-02-29' })), 'dateOfBirth');
        assertInvalid(await call(t, 'POST', '/api/v1/people', personBody({ dateOfBirth: '17/05/1980' })), 'dateOfBirth');
      });

      test('a residence or GP with a bad code is 422 naming the field', async () => {
        assertInvalid(await call(t, 'POST', '/api/v1/people', personBody({ residence: { localAuthority: 'Northbridge', since: '2010-01-01' } })), 'residence.localAuthority');
        assertInvalid(await call(t, 'POST', '/api/v1/people', personBody({ gp: { icb: 'Q', since: '2010-01-01' } })), 'gp.icb');
      });

      test('unknown fields are ignored', async () => {
        const res = await call(t, 'POST', '/api/v1/people', personBody({ favouriteColour: 'green', id: '00000000-0000-4000-8000-000000000000', version: 99 }));
        assert.equal(res.statusCode, 201, res.body);
        const person = res.json();
        assert.equal(person.favouriteColour, undefined);
        assert.notEqual(person.id, '00000000-0000-4000-8000-000000000000');
        assert.equal(person.version, 1);
      });

      test('a body over 256 KB is 413 problem+json', async () => {
        const res = await call(t, 'POST', '/api/v1/people', personBody({ notes: 'x'.repeat(300 * 1024) }));
        assert.equal(assertProblem(res, 413).type, '/problems/too-large');
      });
    });

    describe('GET and PATCH /api/v1/people/{id}', () => {
      test('an unknown or malformed id is 404 problem+json', async () => {
        assertProblem(await call(t, 'GET', '/api/v1/people/00000000-0000-4000-8000-000000000000'), 404);
        assertProblem(await call(t, 'GET', '/api/v1/people/not-a-uuid'), 404);
        assertProblem(await call(t, 'PATCH', '/api/v1/people/00000000-0000-4000-8000-000000000000', { givenName: 'B' }), 404);
      });

      test('a new residence and GP keep the earlier ones as history', async () => {
        const person = await createPerson(t);
        const res = await call(t, 'PATCH', `/api/v1/people/${person.id}`, {
          residence: { localAuthority: ORGS.otherLa.code, since: '2020-06-01' },
          gp: { icb: ORGS.otherIcb.code, since: '2020-07-01' },
        });
        assert.equal(res.statusCode, 200, res.body);
        const updated = res.json();
        assert.equal(updated.version, 2);
        assert.deepEqual(updated.residence, { localAuthority: ORGS.otherLa.code, since: '2020-06-01' });
        assert.deepEqual(updated.residenceHistory, [
          { localAuthority: ORGS.la.code, since: '2010-01-01' },
          { localAuthority: ORGS.otherLa.code, since: '2020-06-01' },
        ]);
        assert.deepEqual(updated.gpHistory.map((g: { icb: string }) => g.icb), [ORGS.icb.code, ORGS.otherIcb.code]);
        assert.equal(updated.gp.icb, ORGS.otherIcb.code);
      });

      test('dateOfDeath is set with PATCH; one in the future or before birth is 422', async () => {
        const person = await createPerson(t);
        assertInvalid(await call(t, 'PATCH', `/api/v1/people/${person.id}`, { dateOfDeath: tomorrow() }), 'dateOfDeath');
        assertInvalid(await call(t, 'PATCH', `/api/v1/people/${person.id}`, { dateOfDeath: '1970-01-01' }), 'dateOfDeath');
        const res = await call(t, 'PATCH', `/api/v1/people/${person.id}`, { dateOfDeath: '2024-02-03' });
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.json().dateOfDeath, '2024-02-03');
        assert.equal(res.json().version, 2, 'the refused changes did not change the version');
      });

      test('PATCH with bad input is 400 or 422 and changes nothing', async () => {
        const person = await createPerson(t);
        assertProblem(await call(t, 'PATCH', `/api/v1/people/${person.id}`, { givenName: 7 }), 400);
        assertInvalid(await call(t, 'PATCH', `/api/v1/people/${person.id}`, { givenName: '' }), 'givenName');
        assertInvalid(await call(t, 'PATCH', `/api/v1/people/${person.id}`, { nhsNumber: '1234567890' }), 'nhsNumber');
        const after = (await call(t, 'GET', `/api/v1/people/${person.id}`)).json();
        assert.equal(after.version, 1);
        assert.equal(after.givenName, 'Alex');
      });

      test('PATCH to an NHS number another person has is 409', async () => {
        const nhs = nextNhsNumber();
        await createPerson(t, { nhsNumber: nhs });
        const other = await createPerson(t);
        assertProblem(await call(t, 'PATCH', `/api/v1/people/${other.id}`, { nhsNumber: formatNhsNumber(nhs) }), 409);
      });

      test('changes sent at once with the same If-Match: exactly one wins', async () => {
        const person = await createPerson(t);
        const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => call(t, 'PATCH', `/api/v1/people/${person.id}`, { givenName: `Racer${i}` }, 'practitioner', { 'if-match': '1' })));
        assert.deepEqual(answers.map((r) => r.statusCode).sort(), [200, 409, 409, 409, 409]);
        const winner = answers.find((r) => r.statusCode === 200)!.json();
        const now = (await call(t, 'GET', `/api/v1/people/${person.id}`)).json();
        assert.equal(now.givenName, winner.givenName);
        assert.equal(now.version, 2);
      });

      test('If-Match: a stale version is 409 and nothing changes; the current one is 200 and version + 1', async () => {
        const person = await createPerson(t, { givenName: 'Original' });
        const first = await call(t, 'PATCH', `/api/v1/people/${person.id}`, { givenName: 'First' }, 'practitioner', { 'if-match': '1' });
        assert.equal(first.statusCode, 200, first.body);
        assert.equal(first.json().version, 2);

        const stale = await call(t, 'PATCH', `/api/v1/people/${person.id}`, { givenName: 'Lost', residence: { localAuthority: ORGS.otherLa.code, since: '2021-01-01' } }, 'practitioner', { 'if-match': '1' });
        assertProblem(stale, 409);
        const unchanged = (await call(t, 'GET', `/api/v1/people/${person.id}`)).json();
        assert.equal(unchanged.givenName, 'First');
        assert.equal(unchanged.version, 2);
        assert.equal(unchanged.residenceHistory.length, 1, 'the stale change added no residence');

        const current = await call(t, 'PATCH', `/api/v1/people/${person.id}`, { givenName: 'Second' }, 'practitioner', { 'if-match': '"2"' });
        assert.equal(current.statusCode, 200, current.body);
        assert.equal(current.json().version, 3);
        assert.equal(current.json().givenName, 'Second');
      });

      test('a garbage If-Match is 400', async () => {
        const person = await createPerson(t);
        for (const ifMatch of ['abc', '0', '-1', '1.5']) {
          assertProblem(await call(t, 'PATCH', `/api/v1/people/${person.id}`, { givenName: 'X' }, 'practitioner', { 'if-match': ifMatch }), 400);
        }
        assert.equal((await call(t, 'GET', `/api/v1/people/${person.id}`)).json().version, 1);
      });
    });

    describe('GET /api/v1/people (search)', () => {
      const ids: Record<string, string> = {};
      let nhs = '';

      before(async () => {
        nhs = nextNhsNumber();
        ids.zephyr = (await createPerson(t, { givenName: 'Zephyrine', familyName: 'Quillfeather', nhsNumber: nhs, localId: 'LOC-77' })).id;
        ids.quill2 = (await createPerson(t, { givenName: 'Bartholomew', familyName: 'Quillon' })).id;
        // One with an open section 3 (status planning).
        const planning = await createPerson(t, { givenName: 'Perpetua', familyName: 'Quillfeather' });
        ids.planning = planning.id;
        await created(t, `/api/v1/people/${planning.id}/legal-statuses`, { section: '3', startDate: '2025-01-10' });
        // One who left hospital long ago with no review held (status active, review overdue).
        const active = await createPerson(t, { givenName: 'Octavia', familyName: 'Quillfeather' });
        ids.active = active.id;
        const stay = await created(t, `/api/v1/people/${active.id}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01', dischargedOn: '2024-03-01' });
        await created(t, `/api/v1/people/${active.id}/legal-statuses`, { section: '3', startDate: '2024-01-01', endDate: '2024-03-01', admissionId: stay.id });
      });

      const search = async (query: string, as: Parameters<typeof call>[4] = 'practitioner') => {
        const res = await call(t, 'GET', `/api/v1/people?${query}`, undefined, as);
        assert.equal(res.statusCode, 200, res.body);
        return res.json() as Page;
      };

      test('finds people by family-name prefix, given name, NHS number and local id', async () => {
        const byPrefix = await search('q=quillf');
        assert.deepEqual(byPrefix.items.map((i) => i.id).sort(), [ids.zephyr, ids.planning, ids.active].sort());
        assert.equal(byPrefix.nextCursor, null);
        assert.deepEqual((await search('q=Zephyrine')).items.map((i) => i.id), [ids.zephyr]);
        assert.deepEqual((await search('q=zeph%20quill')).items.map((i) => i.id), [ids.zephyr]);
        assert.deepEqual((await search(`q=${nhs}`)).items.map((i) => i.id), [ids.zephyr]);
        assert.deepEqual((await search(`q=${encodeURIComponent(formatNhsNumber(nhs))}`)).items.map((i) => i.id), [ids.zephyr]);
        assert.deepEqual((await search('q=LOC-77')).items.map((i) => i.id), [ids.zephyr]);
        assert.deepEqual((await search('q=Nobodyhasthisname')).items, []);
      });

      test('filters by status, local authority, ICB and overdue review', async () => {
        assert.deepEqual((await search('q=quill&status=planning')).items.map((i) => i.id), [ids.planning]);
        assert.deepEqual((await search('q=quill&status=active')).items.map((i) => i.id), [ids.active]);
        const notEntitled = (await search('q=quill&status=not-entitled')).items.map((i) => i.id).sort();
        assert.deepEqual(notEntitled, [ids.zephyr, ids.quill2].sort());
        const inLa = (await search(`q=quill&localAuthority=${ORGS.la.code}`)).items.map((i) => i.id).sort();
        assert.ok(inLa.includes(ids.planning!) && inLa.includes(ids.active!));
        assert.deepEqual((await search(`q=quill&localAuthority=${ORGS.otherLa.code}`)).items, []);
        const inIcb = (await search(`q=quill&icb=${ORGS.icb.code}`)).items.map((i) => i.id);
        assert.ok(inIcb.includes(ids.active!));
        assert.deepEqual((await search(`q=quill&icb=${ORGS.otherIcb.code}`)).items, []);
        assert.deepEqual((await search('q=quill&reviewOverdue=true')).items.map((i) => i.id), [ids.active]);
        assertProblem(await call(t, 'GET', '/api/v1/people?status=sleeping'), 422);
      });

      test('limit and cursor walk every item exactly once', async () => {
        const made = new Set<string>();
        for (let i = 0; i < 7; i++) made.add((await createPerson(t, { givenName: `Walker${i % 3}`, familyName: i % 2 ? 'Pagewalkb' : 'Pagewalka' })).id);
        const seen: string[] = [];
        const sizes: number[] = [];
        let cursor: string | null = null;
        for (let pages = 0; pages < 10; pages++) {
          const page: Page = await search(`q=pagewalk&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
          seen.push(...page.items.map((i) => i.id));
          sizes.push(page.items.length);
          cursor = page.nextCursor;
          if (cursor === null) break;
        }
        assert.deepEqual(sizes, [3, 3, 1]);
        assert.equal(new Set(seen).size, seen.length, 'no item is given twice');
        assert.deepEqual(new Set(seen), made);
        const everything = await search('q=pagewalk');
        assert.deepEqual(everything.items.map((i) => i.id), seen, 'pages follow the unpaged order');
      });

      test('each page is audited with the people it shows, in order, and a cursor naming no one as showing no one', async () => {
        for (let i = 0; i < 5; i++) await createPerson(t, { givenName: `Audited${i}`, familyName: i % 2 ? 'Auditwalkb' : 'Auditwalka' });
        const lastEvent = async () => (await t.database.db.selectFrom('audit_events').select('details').where('action', '=', 'register.search').orderBy('seq', 'desc').executeTakeFirstOrThrow()).details;
        const filters = { text: true, status: null, localAuthority: null, icb: null, reviewOverdue: false, keyworker: null, caseload: null };
        for (const query of ['q=auditwalk&limit=2', 'q=Auditwalka Audited&limit=2', 'status=not-entitled&limit=2']) {
          let cursor: string | null = null;
          for (let pages = 0; pages < 2; pages++) {
            const page: Page = await search(`${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
            const expected = { ...filters, text: query.startsWith('q='), status: query.startsWith('status=') ? 'not-entitled' : null, results: page.items.length, personIds: page.items.map((item) => item.id) };
            assert.deepEqual(await lastEvent(), expected, `${query}, page ${pages + 1}`);
            assert.ok(page.items.length > 0, `${query} finds people`);
            cursor = page.nextCursor;
            if (!cursor) break;
          }
        }
        // A cursor of someone never registered: nothing follows it, and the event says no one was shown.
        const nobody = Buffer.from(JSON.stringify(['00000000-0000-4000-8000-000000000000'])).toString('base64url');
        assert.deepEqual((await search(`q=auditwalk&cursor=${nobody}`)).items, []);
        assert.deepEqual(await lastEvent(), { ...filters, results: 0, personIds: [] });
      });

      test('limit 0 or 501 and a bogus cursor are 422', async () => {
        assertInvalid(await call(t, 'GET', '/api/v1/people?limit=0'), 'limit');
        assertInvalid(await call(t, 'GET', '/api/v1/people?limit=501'), 'limit');
        assert.equal((await call(t, 'GET', '/api/v1/people?limit=500')).statusCode, 200);
        assertInvalid(await call(t, 'GET', '/api/v1/people?cursor=bogus'), 'cursor');
        assertInvalid(await call(t, 'GET', `/api/v1/people?cursor=${Buffer.from('[1,2,3]').toString('base64url')}`), 'cursor');
      });
    });
  });
}
