// Issue 15 (task B): the API for registrations of an NHS number already on the register. "Not there =
// not yours": the organisation that registered the number again, and any unrelated organisation, get
// exactly the answers they would for a pair that does not exist, generated from the OpenAPI document
// for every duplicates operation and every role; the registered person's leads list, decide and merge.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ROLES } from '../../src/domain/access.ts';
import { createTestApp, ORGS, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { assertProblem, call, created, createPerson, nextNhsNumber, personBody } from './helpers.ts';

type Method = 'GET' | 'POST';

for (const { engine, skip } of await testEngines()) {
  describe(`duplicate registrations API on ${engine}`, { skip }, () => {
    let t: TestApp;
    let registeredId: string;
    let laterId: string;
    let pairId: string;
    const nhsNumber = nextNhsNumber();
    const strangers: Record<string, string> = {};
    before(async () => {
      t = await createTestApp(engine);
      registeredId = (await createPerson(t, { nhsNumber })).id;
      // Southvale cannot see the person: it is answered as for someone new (201).
      const res = await call(t, 'POST', '/api/v1/people', personBody({ nhsNumber, givenName: 'Zed', familyName: 'Laterecord', residence: { localAuthority: ORGS.otherLa.code, since: '2021-01-01' }, gp: { icb: ORGS.otherIcb.code, since: '2021-01-01' } }), 'otherLaPractitioner');
      assert.equal(res.statusCode, 201, res.body);
      laterId = res.json().id;
      const admission = await created(t, `/api/v1/people/${laterId}/admissions`, { hospital: 'Southvale Hospital', admittedOn: '2024-02-01', dischargedOn: '2024-04-01' }, 'otherLaPractitioner');
      await created(t, `/api/v1/people/${laterId}/legal-statuses`, { section: '3', startDate: '2024-02-01', endDate: '2024-04-01', admissionId: admission.id }, 'otherLaPractitioner');
      for (const org of [ORGS.otherLa, ORGS.otherIcb]) {
        for (const role of ROLES.filter((r) => r !== 'admin')) {
          const email = `${role}-${org.code}@dup-stranger.s117.test`.toLowerCase();
          await t.services.accounts.addUser({ email, name: `Stranger ${role}`, role, organisationCode: org.code, password: 'a-stranger-password-117' });
          strangers[`${role} of ${org.name}`] = await t.services.accounts.createToken(email);
        }
      }
    });
    after(async () => t?.close());

    test('the s117 leads of the registered person’s bodies list the pair: who, when and how, not the other record', async () => {
      for (const lead of ['laApprover', 'icbApprover', 'admin'] as const) {
        const res = await call(t, 'GET', '/api/v1/people/duplicates', undefined, lead);
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json() as { items: { id: string; person: { id: string }; registeredBy: { code: string }; route: string }[]; nextCursor: string | null };
        assert.equal(body.items.length, 1, lead);
        assert.equal(body.items[0]!.person.id, registeredId);
        assert.equal(body.items[0]!.registeredBy.code, ORGS.otherLa.code);
        assert.equal(body.items[0]!.route, 'registration');
        assert.equal(body.nextCursor, null);
        assert.doesNotMatch(res.body, new RegExp(`${laterId}|Zed|Laterecord|Southvale Hospital`));
        pairId = body.items[0]!.id;
      }
      assert.equal((await call(t, 'GET', `/api/v1/people/duplicates/${pairId}`, undefined, 'laApprover')).statusCode, 200);
      assertProblem(await call(t, 'GET', '/api/v1/people/duplicates', undefined, 'laPractitioner'), 403);
    });

    test('the organisation that registered the number again and unrelated ones get the answers of a pair that does not exist, for every operation in the OpenAPI document', async () => {
      const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
      const ops = Object.entries(doc.paths)
        .filter(([path]) => path.startsWith('/api/v1/people/duplicates'))
        .flatMap(([path, methods]) => Object.keys(methods).map((m) => ({ method: m.toUpperCase() as Method, path })));
      assert.deepEqual(ops.map((o) => `${o.method} ${o.path}`).sort(), ['GET /api/v1/people/duplicates', 'GET /api/v1/people/duplicates/{id}', 'POST /api/v1/people/duplicates/{id}/merge', 'POST /api/v1/people/duplicates/{id}/not-the-same'].sort());
      const failures: string[] = [];
      for (const op of ops) {
        for (const [who, token] of Object.entries(strangers)) {
          const send = (id: string) => t.app.inject({ method: op.method, url: op.path.replace('{id}', id), headers: { authorization: `Bearer ${token}` }, ...(op.method === 'POST' && { payload: { reason: 'They are the same' } }) });
          const [theirs, nobodys] = await Promise.all([send(pairId), send(randomUUID())]);
          if (theirs.statusCode === 200 && op.path.endsWith('/duplicates')) {
            if ((theirs.json() as { items: unknown[] }).items.length !== 0) failures.push(`${op.method} ${op.path} as ${who}: lists the pair`);
            continue;
          }
          if (![403, 404].includes(theirs.statusCode) || theirs.body !== nobodys.body) failures.push(`${op.method} ${op.path} as ${who}: ${theirs.statusCode} ${theirs.body.slice(0, 120)}`);
        }
      }
      assert.deepEqual(failures, []);
      // The registering organisation's own practitioner still sees only its own record.
      assert.equal((await call(t, 'GET', `/api/v1/people/${registeredId}`, undefined, 'otherLaPractitioner')).statusCode, 404);
    });

    test('input the operations cannot take is a 4xx naming the field, never a 5xx', async () => {
      const { encodeCursor } = await import('../../src/services/kernel/paging.ts');
      for (const query of ['limit=0', 'limit=501', 'limit=abc', 'cursor=xyz', `cursor=${encodeCursor(['2024-99-99T00:00:00.000Z', randomUUID()])}`, `cursor=${encodeURIComponent(encodeCursor(['\ud800', 'x']))}`]) {
        const res = await call(t, 'GET', `/api/v1/people/duplicates?${query}`, undefined, 'laApprover');
        // A wrong type is 400, a value out of range 422 (api-contract "Conventions"); each names its field.
        assert.ok(res.statusCode === 400 || res.statusCode === 422, `${query}: ${res.statusCode} ${res.body}`);
        assert.match(res.body, /"field":"(limit|cursor)"/, query);
      }
      for (const id of ['not-an-id', '1', randomUUID().toUpperCase()]) {
        assert.equal((await call(t, 'GET', `/api/v1/people/duplicates/${id}`, undefined, 'laApprover')).statusCode, 404, id);
        assert.equal((await call(t, 'POST', `/api/v1/people/duplicates/${id}/merge`, {}, 'laApprover')).statusCode, 404, id);
      }
      for (const body of [{ reason: '\ud800' }, { reason: 'x'.repeat(2001) }, { reason: 42 }, { reason: 'a\u0000b' }]) {
        for (const action of ['merge', 'not-the-same']) {
          const res = await call(t, 'POST', `/api/v1/people/duplicates/${pairId}/${action}`, body, 'laApprover');
          assert.ok(res.statusCode === 400 || res.statusCode === 422, `${action} ${JSON.stringify(body)}: ${res.statusCode} ${res.body}`);
        }
      }
      assert.equal((await call(t, 'GET', '/api/v1/people/duplicates', undefined, 'laApprover')).json().items.length, 1, 'nothing was decided');
    });

    test('keeping separate needs a reason (422, REG-2); merging moves the facts and answers the surviving person’s status, once', async () => {
      const refused = assertProblem(await call(t, 'POST', `/api/v1/people/duplicates/${pairId}/not-the-same`, {}, 'laApprover'), 422);
      assert.equal(refused.errors?.[0]?.rule, 'REG-2');
      assertProblem(await call(t, 'POST', `/api/v1/people/duplicates/${pairId}/merge`, {}, 'laPractitioner'), 403);
      assertProblem(await call(t, 'POST', `/api/v1/people/duplicates/not-a-uuid/merge`, {}, 'laApprover'), 404);

      const res = await call(t, 'POST', `/api/v1/people/duplicates/${pairId}/merge`, { reason: 'Confirmed with the GP practice' }, 'icbApprover');
      assert.equal(res.statusCode, 200, res.body);
      const merged = res.json() as { personId: string; status: string; moved: Record<string, number> };
      assert.equal(merged.personId, registeredId);
      assert.equal(merged.status, 'active');
      assert.equal(merged.moved.admissions, 1);
      assert.equal(merged.moved.legal_statuses, 1);

      // The rules decide again from every fact: Southvale's residence and GP held before the detention,
      // so Southvale and its ICB are proposed, and see the person, under the normal visibility rules.
      const aftercare = (await call(t, 'GET', `/api/v1/people/${registeredId}/aftercare`, undefined, 'otherLaApprover')).json() as { status: string; episodes: { localAuthority: { code: string }; icb: { code: string } }[] };
      assert.equal(aftercare.status, 'active');
      assert.deepEqual(aftercare.episodes.map((e) => [e.localAuthority.code, e.icb.code]), [[ORGS.otherLa.code, ORGS.otherIcb.code]]);
      // Southvale registered the person and recorded their detention: it sees the surviving record now.
      assert.equal((await call(t, 'GET', `/api/v1/people/${registeredId}`, undefined, 'otherLaPractitioner')).statusCode, 200);
      // The closed record is gone for everyone, admins included; the register and FHIR list only the survivor.
      for (const who of ['otherLaPractitioner', 'admin'] as const) assertProblem(await call(t, 'GET', `/api/v1/people/${laterId}`, undefined, who), 404);
      const search = (await call(t, 'GET', `/api/v1/people?q=${nhsNumber}`, undefined, 'admin')).json() as { items: { id: string }[] };
      assert.deepEqual(search.items.map((i) => i.id), [registeredId]);
      const fhir = await t.app.inject({ method: 'GET', url: `/fhir/R4/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|${nhsNumber}`, headers: t.as('admin') });
      assert.equal(fhir.statusCode, 200, fhir.body);
      assert.deepEqual((fhir.json() as { entry?: { resource: { id: string } }[] }).entry?.map((e) => e.resource.id), [registeredId]);

      assertProblem(await call(t, 'POST', `/api/v1/people/duplicates/${pairId}/merge`, {}, 'admin'), 409);
      for (const who of ['admin', 'laApprover', 'otherLaApprover'] as const) assert.deepEqual((await call(t, 'GET', '/api/v1/people/duplicates', undefined, who)).json().items, []);
    });
  });
}
