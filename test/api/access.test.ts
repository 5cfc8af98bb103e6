// api-contract "Conventions" (401, 403, 404 for what the caller may not see) and "Organisations,
// users, tokens" (who sees whom), and the audit trail of reads.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, ORGS, PASSWORD, USERS, type TestApp, type UserKey } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { assertProblem, call, created, createPerson, personBody } from './helpers.ts';

type Page = { items: { id: string }[]; nextCursor: string | null };
type Aftercare = { status: string; episodes: { id: string; status: string; localAuthority: { code: string; confirmed: boolean }; icb: { code: string; confirmed: boolean } }[] };

const CAN_SEE: UserKey[] = ['admin', 'practitioner', 'laPractitioner', 'laApprover', 'icbApprover', 'finance', 'auditor'];

for (const { engine, skip } of await testEngines()) {
  describe(`access to the API on ${engine}`, { skip }, () => {
    let t: TestApp;
    let personId: string;
    let admissionId: string;
    let statusId: string;

    before(async () => {
      t = await createTestApp(engine);
      // Registered by the trust's practitioner; lives in the council's area with a GP in its ICB.
      const person = await createPerson(t, { givenName: 'Scoped', familyName: 'Visibilitytest' });
      personId = person.id;
      admissionId = (await created(t, `/api/v1/people/${personId}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01' })).id;
      statusId = (await created(t, `/api/v1/people/${personId}/legal-statuses`, { section: '3', startDate: '2024-01-01', admissionId })).id;
    });
    after(async () => {
      await t?.close();
    });

    describe('401 without a good token', () => {
      const requests = [
        { method: 'GET', url: '/api/v1/people' },
        { method: 'POST', url: '/api/v1/people' },
        { method: 'GET', url: '/api/v1/people/00000000-0000-4000-8000-000000000000' },
      ] as const;
      const badHeaders: [string, Record<string, string>][] = [
        ['no Authorization header', {}],
        ['a bad token', { authorization: 'Bearer s117_not-a-real-token' }],
        ['Bearer with nothing after it', { authorization: 'Bearer' }],
        ['Bearer and a space', { authorization: 'Bearer ' }],
        ['another scheme', { authorization: 'Basic cHJhY3RpdGlvbmVyOnBhc3N3b3Jk' }],
      ];
      for (const [name, headers] of badHeaders) {
        test(name, async () => {
          for (const r of requests) {
            const res = await t.app.inject({ ...r, headers, ...(r.method === 'POST' && { payload: personBody() }) });
            assertProblem(res, 401);
          }
        });
      }

      test('a session cookie is not an API credential, even on an encoded path', async () => {
        const { sessionToken } = await t.services.accounts.signIn(USERS.admin.email, PASSWORD, null);
        for (const url of ['/api/v1/people', '/api/v%31/people', '/api%2Fv1/people']) {
          const res = await t.app.inject({ method: 'GET', url, cookies: { s117_session: sessionToken } });
          assert.ok([401, 404].includes(res.statusCode), `${url} answered ${res.statusCode}`);
          assert.ok(!res.body.includes('"items"'), `${url} returned people`);
        }
        assertProblem(await t.app.inject({ method: 'GET', url: '/api/v1/people', cookies: { s117_session: sessionToken } }), 401);
      });

      test('a refused request adds nobody', async () => {
        await t.app.inject({ method: 'POST', url: '/api/v1/people', payload: personBody({ familyName: 'Unauthenticatedperson' }) });
        const found = (await call(t, 'GET', '/api/v1/people?q=Unauthenticatedperson', undefined, 'admin')).json() as Page;
        assert.deepEqual(found.items, []);
      });
    });

    describe('403 when the role may not do it', () => {
      for (const role of ['finance', 'auditor'] as const) {
        test(`a ${role} user cannot add or change a person or record legal history`, async () => {
          assertProblem(await call(t, 'POST', '/api/v1/people', personBody({ familyName: 'Forbiddenperson' }), role), 403);
          assertProblem(await call(t, 'PATCH', `/api/v1/people/${personId}`, { givenName: 'Changed' }, role), 403);
          assertProblem(await call(t, 'POST', `/api/v1/people/${personId}/legal-statuses`, { section: '2', startDate: '2023-01-01', endDate: '2023-01-20' }, role), 403);
          assertProblem(await call(t, 'POST', `/api/v1/people/${personId}/admissions`, { hospital: 'Elsewhere', admittedOn: '2022-01-01' }, role), 403);
          assertProblem(await call(t, 'PATCH', `/api/v1/people/${personId}/admissions/${admissionId}`, { dischargedOn: '2024-02-01' }, role), 403);
          assertProblem(await call(t, 'POST', `/api/v1/people/${personId}/leave`, { from: '2024-01-10', kind: 'escorted', triggersAftercare: false, reason: 'Day trip' }, role), 403);
          // They can still read.
          assert.equal((await call(t, 'GET', `/api/v1/people/${personId}`, undefined, role)).statusCode, 200);
        });
      }

      test('nothing the forbidden calls sent was stored', async () => {
        const found = (await call(t, 'GET', '/api/v1/people?q=Forbiddenperson', undefined, 'admin')).json() as Page;
        assert.deepEqual(found.items, []);
        const person = (await call(t, 'GET', `/api/v1/people/${personId}`)).json();
        assert.equal(person.givenName, 'Scoped');
        assert.equal(person.version, 1);
        const history = (await call(t, 'GET', `/api/v1/people/${personId}/legal-history`)).json();
        assert.equal(history.admissions.length, 1);
        assert.equal(history.admissions[0].dischargedOn, null);
        assert.equal(history.legalStatuses.length, 1);
        assert.equal(history.leave.length, 0);
      });

      test('an approver cannot add a person or record legal history', async () => {
        assertProblem(await call(t, 'POST', '/api/v1/people', personBody(), 'laApprover'), 403);
        assertProblem(await call(t, 'POST', `/api/v1/people/${personId}/legal-statuses`, { section: '2', startDate: '2023-01-01' }, 'laApprover'), 403);
      });
    });

    describe('organisation scoping', () => {
      test('the council, the ICB, the trust and admin see the person; another council does not', async () => {
        for (const user of CAN_SEE) {
          const res = await call(t, 'GET', `/api/v1/people/${personId}`, undefined, user);
          assert.equal(res.statusCode, 200, `${user}: ${res.body}`);
          const found = (await call(t, 'GET', '/api/v1/people?q=Visibilitytest', undefined, user)).json() as Page;
          assert.deepEqual(found.items.map((i) => i.id), [personId], user);
        }
        const hidden = await call(t, 'GET', `/api/v1/people/${personId}`, undefined, 'otherLaPractitioner');
        const missing = await call(t, 'GET', '/api/v1/people/00000000-0000-4000-8000-000000000000', undefined, 'otherLaPractitioner');
        const hiddenBody = assertProblem(hidden, 404);
        const missingBody = assertProblem(missing, 404);
        assert.deepEqual(hiddenBody, missingBody, 'a hidden person looks exactly like one that does not exist');
        const found = (await call(t, 'GET', '/api/v1/people?q=Visibilitytest', undefined, 'otherLaPractitioner')).json() as Page;
        assert.deepEqual(found.items, []);
        const all = (await call(t, 'GET', '/api/v1/people?limit=500', undefined, 'otherLaPractitioner')).json() as Page;
        assert.ok(!all.items.some((i) => i.id === personId));
      });

      test('another council’s reads and writes of the person are 404 and change nothing', async () => {
        const as = 'otherLaPractitioner';
        const base = `/api/v1/people/${personId}`;
        assertProblem(await call(t, 'GET', `${base}/aftercare`, undefined, as), 404);
        assertProblem(await call(t, 'GET', `${base}/legal-history`, undefined, as), 404);
        assertProblem(await call(t, 'PATCH', base, { givenName: 'Hijacked' }, as), 404);
        assertProblem(await call(t, 'POST', `${base}/admissions`, { hospital: 'Southvale Hospital', admittedOn: '2022-01-01' }, as), 404);
        assertProblem(await call(t, 'PATCH', `${base}/admissions/${admissionId}`, { dischargedOn: '2024-03-01' }, as), 404);
        assertProblem(await call(t, 'POST', `${base}/legal-statuses`, { section: '2', startDate: '2022-01-01', endDate: '2022-01-10' }, as), 404);
        assertProblem(await call(t, 'PATCH', `${base}/legal-statuses/${statusId}`, { endDate: '2024-03-01' }, as), 404);
        assertProblem(await call(t, 'POST', `${base}/leave`, { from: '2024-01-10', kind: 'escorted', triggersAftercare: false, reason: 'Day trip' }, as), 404);
        assertProblem(await call(t, 'PUT', `${base}/episodes/${statusId}/responsibility`, {
          localAuthority: { code: ORGS.otherLa.code, basis: 'We say so' }, icb: { code: ORGS.otherIcb.code, basis: 'We say so' },
        }, 'otherLaApprover'), 404);
        const person = (await call(t, 'GET', base)).json();
        assert.equal(person.givenName, 'Scoped');
        assert.equal(person.version, 1);
        const history = (await call(t, 'GET', `${base}/legal-history`)).json();
        assert.equal(history.admissions.length, 1);
        assert.equal(history.admissions[0].dischargedOn, null);
        assert.equal(history.legalStatuses.length, 1);
        assert.equal(history.legalStatuses[0].endDate, null);
        const aftercare = (await call(t, 'GET', `${base}/aftercare`)).json() as Aftercare;
        assert.equal(aftercare.episodes[0]?.localAuthority.confirmed, false);
      });

      test('admin sees people registered by any organisation', async () => {
        const theirs = await createPerson(t, { familyName: 'Southvaleonly', residence: { localAuthority: ORGS.otherLa.code, since: '2015-01-01' }, gp: { icb: ORGS.otherIcb.code, since: '2015-01-01' } }, 'otherLaPractitioner');
        assert.equal((await call(t, 'GET', `/api/v1/people/${theirs.id}`, undefined, 'admin')).statusCode, 200);
        const found = (await call(t, 'GET', '/api/v1/people?q=Southvaleonly', undefined, 'admin')).json() as Page;
        assert.deepEqual(found.items.map((i) => i.id), [theirs.id]);
        assertProblem(await call(t, 'GET', `/api/v1/people/${theirs.id}`, undefined, 'laPractitioner'), 404);
        assertProblem(await call(t, 'GET', `/api/v1/people/${theirs.id}`, undefined, 'practitioner'), 404);
      });
    });

    describe('PUT responsibility: who may confirm', () => {
      const confirm = (code: string, icb: string = ORGS.icb.code) => ({
        localAuthority: { code, basis: 'Ordinarily resident there before detention, tenancy since 2010' },
        icb: { code: icb, basis: 'Registered with a GP in this ICB before detention' },
      });

      test('a practitioner, finance and auditor are refused with 403', async () => {
        for (const user of ['practitioner', 'laPractitioner', 'finance', 'auditor'] as const) {
          assertProblem(await call(t, 'PUT', `/api/v1/people/${personId}/episodes/${statusId}/responsibility`, confirm(ORGS.la.code), user), 403);
        }
      });

      test('an approver of an organisation that can see the person but is not concerned with the episode is refused with 403', async () => {
        // First episode in the council's area; then they move to Southvale and are detained again, so
        // Southvale can see them (second episode) but has nothing to do with the first.
        const person = await createPerson(t, { familyName: 'Movedaway' });
        const base = `/api/v1/people/${person.id}`;
        const first = await created(t, `${base}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2022-01-01', dischargedOn: '2022-03-01' });
        const firstS3 = await created(t, `${base}/legal-statuses`, { section: '3', startDate: '2022-01-01', endDate: '2022-03-01', admissionId: first.id });
        const moved = await call(t, 'PATCH', base, { residence: { localAuthority: ORGS.otherLa.code, since: '2023-01-01' } });
        assert.equal(moved.statusCode, 200, moved.body);
        await created(t, `${base}/admissions`, { hospital: 'Southvale Hospital', admittedOn: '2024-01-01' });
        await created(t, `${base}/legal-statuses`, { section: '3', startDate: '2024-01-01' });
        assert.equal((await call(t, 'GET', base, undefined, 'otherLaApprover')).statusCode, 200);
        assertProblem(await call(t, 'PUT', `${base}/episodes/${firstS3.id}/responsibility`, confirm(ORGS.la.code), 'otherLaApprover'), 403);
        // An approver of the ICB that was never concerned cannot see them at all.
        assertProblem(await call(t, 'PUT', `${base}/episodes/${firstS3.id}/responsibility`, confirm(ORGS.la.code), 'otherIcbApprover'), 404);
        const aftercare = (await call(t, 'GET', `${base}/aftercare`)).json() as Aftercare;
        assert.equal(aftercare.episodes[0]?.localAuthority.confirmed, false);
      });

      test('after the council’s approver names Southvale, Southvale sees the person', async () => {
        const person = await createPerson(t, { familyName: 'Handedover' });
        const base = `/api/v1/people/${person.id}`;
        const s3 = await created(t, `${base}/legal-statuses`, { section: '3', startDate: '2024-05-01' });
        assertProblem(await call(t, 'GET', base, undefined, 'otherLaPractitioner'), 404);
        const res = await call(t, 'PUT', `${base}/episodes/${s3.id}/responsibility`, confirm(ORGS.otherLa.code), 'laApprover');
        assert.equal(res.statusCode, 200, res.body);
        assert.equal((await call(t, 'GET', base, undefined, 'otherLaPractitioner')).statusCode, 200);
        const found = (await call(t, 'GET', '/api/v1/people?q=Handedover', undefined, 'otherLaPractitioner')).json() as Page;
        assert.deepEqual(found.items.map((i) => i.id), [person.id]);
      });
    });

    describe('audit trail', () => {
      test('viewing a person leaves a person.view event by that user', async () => {
        const person = await createPerson(t, { familyName: 'Auditedperson' });
        const res = await call(t, 'GET', `/api/v1/people/${person.id}`, undefined, 'laPractitioner');
        assert.equal(res.statusCode, 200);
        const user = await t.database.db.selectFrom('users').select('id').where('email', '=', USERS.laPractitioner.email).executeTakeFirstOrThrow();
        const events = await t.database.db.selectFrom('audit_events').selectAll().where('person_id', '=', person.id).orderBy('seq').execute();
        const views = events.filter((e) => e.action === 'person.view');
        assert.equal(views.length, 1, JSON.stringify(events.map((e) => e.action)));
        assert.equal(views[0]?.user_id, user.id);
        assert.equal(views[0]?.record_id, person.id);
        assert.ok(events.some((e) => e.action === 'person.create'));
        // No personal data in the event details.
        assert.ok(!JSON.stringify(events.map((e) => e.details)).includes('Auditedperson'));
      });

      test('a search is audited without its words', async () => {
        await call(t, 'GET', '/api/v1/people?q=Secretsearchword', undefined, 'auditor');
        const events = await t.database.db.selectFrom('audit_events').selectAll().where('action', '=', 'register.search').execute();
        assert.ok(events.length > 0);
        assert.ok(!JSON.stringify(events.map((e) => e.details)).toLowerCase().includes('secretsearchword'));
      });

      test('the audit trail is whole after everything above', async () => {
        const result = await t.services.audit.verify();
        assert.equal(result.ok, true, result.problems.join('; '));
        assert.ok(result.checked > 10);
      });
    });
  });
}
