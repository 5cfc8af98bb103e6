// api-contract "Plans, services, reviews": GET|PUT /people/{id}/plan, GET .../plan/versions(/{number}),
// POST .../plan/finalise, GET .../plan.pdf, and GET /planning/needed, with their failures
// (400, 401, 403, 404, 409, 422) and organisation scoping.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { pdfText } from '../support/pdf.ts';
import { completePlanInput, detainedPerson, OTHER_NEED, S117_NEED } from '../support/plans.ts';
import { actorFromUser } from '../../src/services/kernel/actor.ts';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { USERS } from '../support/app.ts';
import { assertProblem, call } from './helpers.ts';

const CONTRACT_FIELDS = ['needs', 'goals', 'personViews', 'carerViews', 'accommodation', 'keyworker', 'nextReviewOn', 'contingency', 'signature', 'copyGivenOn', 'sharing', 'version'];
const NEED_FIELDS = ['id', 'domain', 'description', 'arisesFromMentalDisorder', 'reducesRiskOfDeterioration', 'rationale', 'howMet', 'who', 's117'];

for (const { engine, skip } of await testEngines()) {
  describe(`plans API on ${engine}`, { skip }, () => {
    let t: TestApp;
    let personId: string;
    before(async () => {
      t = await createTestApp(engine);
      const actor = actorFromUser((await findUserByEmail(t.database.db, USERS.practitioner.email))!);
      personId = (await detainedPerson(t.services, actor, { givenName: 'Api', familyName: 'Planned' })).id;
    });
    after(async () => {
      await t?.close();
    });

    test('GET plan answers the draft with exactly the contract’s fields; PUT with If-Match saves it', async () => {
      const res = await call(t, 'GET', `/api/v1/people/${personId}/plan`);
      assert.equal(res.statusCode, 200, res.body);
      const draft = res.json();
      for (const field of CONTRACT_FIELDS) assert.ok(field in draft, field);
      assert.deepEqual(Object.keys(draft.contingency).sort(), ['actions', 'crisisContacts', 'earlyWarningSigns', 'onAdmission', 'triggers', 'whatHelps']);
      assert.deepEqual(Object.keys(draft.signature).sort(), ['notSignedReason', 'signedOn']);
      assert.equal(draft.version, 1);

      const put = await call(t, 'PUT', `/api/v1/people/${personId}/plan`, completePlanInput(), 'practitioner', { 'if-match': '1' });
      assert.equal(put.statusCode, 200, put.body);
      const saved = put.json();
      assert.equal(saved.version, 2);
      // The contract's need fields, and the services linked to the need (an addition to the contract, so the plan shows how each need is met).
      for (const need of saved.needs) assert.deepEqual(Object.keys(need).sort(), [...NEED_FIELDS, 'services'].sort());
      assert.deepEqual(Object.keys(saved.sharing[0]).sort(), ['consentedOn', 'name', 'relationship']);
    });

    test('a stale If-Match is 409; a bad If-Match is 400; replacing the plan with no version is 428 (issue 15, probe 11); a version in the body is accepted', async () => {
      assertProblem(await call(t, 'PUT', `/api/v1/people/${personId}/plan`, { goals: 'stale' }, 'practitioner', { 'if-match': '1' }), 409);
      assertProblem(await call(t, 'PUT', `/api/v1/people/${personId}/plan`, { goals: 'x' }, 'practitioner', { 'if-match': 'abc' }), 400);
      const current = (await call(t, 'GET', `/api/v1/people/${personId}/plan`)).json();
      const unversioned = assertProblem(await call(t, 'PUT', `/api/v1/people/${personId}/plan`, { ...completePlanInput(), needs: current.needs }, 'practitioner'), 428);
      assert.equal(unversioned.type, '/problems/precondition-required');
      assert.equal((await call(t, 'GET', `/api/v1/people/${personId}/plan`)).json().version, current.version, 'nothing was changed');
      const res = await call(t, 'PUT', `/api/v1/people/${personId}/plan`, { ...completePlanInput(), needs: current.needs, version: current.version }, 'practitioner');
      assert.equal(res.statusCode, 200, res.body);
    });

    test('50 clients each replacing the plan they read: one is saved, the others are told (409), none is lost', async () => {
      const current = (await call(t, 'GET', `/api/v1/people/${personId}/plan`)).json();
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => call(t, 'PUT', `/api/v1/people/${personId}/plan`, { ...completePlanInput(), goals: `Goal ${i}` }, 'practitioner', { 'if-match': String(current.version) })),
      );
      const saved = answers.filter((r) => r.statusCode === 200);
      assert.equal(saved.length, 1);
      assert.ok(answers.every((r) => r.statusCode === 200 || r.statusCode === 409));
      assert.equal((await call(t, 'GET', `/api/v1/people/${personId}/plan`)).json().goals, saved[0]!.json().goals);
    });

    test('bad input: 400 for the wrong type, 422 naming the field and rule for SCOPE-1 and CMP-2', async () => {
      assertProblem(await call(t, 'PUT', `/api/v1/people/${personId}/plan`, { needs: 'many' }), 400);
      assertProblem(await call(t, 'PUT', `/api/v1/people/${personId}/plan`, { needs: [{ ...S117_NEED, s117: 'yes' }] }), 400);
      const scope = assertProblem(await call(t, 'PUT', `/api/v1/people/${personId}/plan`, { needs: [{ ...OTHER_NEED, s117: true }] }), 422);
      assert.deepEqual(scope.errors, [{ field: 'needs.0.s117', message: scope.errors![0]!.message, rule: 'SCOPE-1' }]);
      const owner = assertProblem(await call(t, 'PUT', `/api/v1/people/${personId}/plan`, { needs: [{ ...S117_NEED, who: ' ' }] }), 422);
      assert.equal(owner.errors![0]!.rule, 'CMP-2');
      const domain = assertProblem(await call(t, 'PUT', `/api/v1/people/${personId}/plan`, { needs: [{ ...S117_NEED, domain: 'astrology' }] }), 422);
      assert.equal(domain.errors![0]!.field, 'needs.0.domain');
      assertProblem(await call(t, 'PUT', `/api/v1/people/${personId}/plan`, [1, 2]), 400);
    });

    test('finalise: 422 without a contingency plan (PLAN-5) or signature (PLAN-6); 201 with a version; 409 when already final', async () => {
      const current = (await call(t, 'GET', `/api/v1/people/${personId}/plan`)).json();
      const empty = await call(t, 'PUT', `/api/v1/people/${personId}/plan`, { needs: current.needs }, 'practitioner', { 'if-match': String(current.version) });
      assert.equal(empty.statusCode, 200, empty.body);
      const refused = assertProblem(await call(t, 'POST', `/api/v1/people/${personId}/plan/finalise`), 422);
      assert.deepEqual([...new Set(refused.errors!.map((e) => e.rule))], ['PLAN-5', 'PLAN-6']);
      assertProblem(await call(t, 'POST', `/api/v1/people/${personId}/plan/finalise`, undefined, 'finance'), 403);

      const full = await call(t, 'PUT', `/api/v1/people/${personId}/plan`, { ...completePlanInput(), needs: current.needs }, 'practitioner', { 'if-match': String(empty.json().version) });
      assert.equal(full.statusCode, 200, full.body);
      assertProblem(await call(t, 'POST', `/api/v1/people/${personId}/plan/finalise`, undefined, 'practitioner', { 'if-match': '1' }), 409);
      const res = await call(t, 'POST', `/api/v1/people/${personId}/plan/finalise`, undefined, 'practitioner', { 'if-match': String(full.json().version) });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().number, 1);
      assertProblem(await call(t, 'POST', `/api/v1/people/${personId}/plan/finalise`), 409);

      const versions = await call(t, 'GET', `/api/v1/people/${personId}/plan/versions`);
      assert.equal(versions.statusCode, 200);
      assert.deepEqual(versions.json().items.map((v: { number: number }) => v.number), [1]);
      assert.equal(versions.json().nextCursor, null);
      const one = await call(t, 'GET', `/api/v1/people/${personId}/plan/versions/1`);
      assert.equal(one.statusCode, 200);
      assert.equal(one.json().needs.length, 2);
      assertProblem(await call(t, 'GET', `/api/v1/people/${personId}/plan/versions/2`), 404);
      assert.equal((await call(t, 'GET', `/api/v1/people/${personId}/plan`)).json().status, 'final');
    });

    test('plan.pdf: the latest final version as a PDF, large print on request; 404 without a final version', async () => {
      const res = await call(t, 'GET', `/api/v1/people/${personId}/plan.pdf`);
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^application\/pdf/);
      const text = await pdfText(res.rawPayload);
      assert.match(text, /free/);
      assert.match(text, /0300 555 0199/);
      const large = await call(t, 'GET', `/api/v1/people/${personId}/plan.pdf?largePrint=true`);
      assert.equal(large.statusCode, 200);
      assert.match(String(large.headers['content-disposition']), /large-print/);
      const actor = actorFromUser((await findUserByEmail(t.database.db, USERS.practitioner.email))!);
      const other = await detainedPerson(t.services, actor, { givenName: 'No', familyName: 'Final' });
      assertProblem(await call(t, 'GET', `/api/v1/people/${other.id}/plan.pdf`), 404);
    });

    test('401 without a token; 404 for a person another organisation cannot see, or that does not exist', async () => {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/people/${personId}/plan` });
      assertProblem(res, 401);
      for (const url of [`/api/v1/people/${personId}/plan`, `/api/v1/people/${personId}/plan/versions`, `/api/v1/people/${personId}/plan/versions/1`, `/api/v1/people/${personId}/plan.pdf`]) {
        assertProblem(await call(t, 'GET', url, undefined, 'otherLaPractitioner'), 404);
      }
      assertProblem(await call(t, 'PUT', `/api/v1/people/${personId}/plan`, { goals: 'x' }, 'otherLaPractitioner'), 404);
      assertProblem(await call(t, 'GET', '/api/v1/people/00000000-0000-4000-8000-000000000000/plan'), 404);
      assertProblem(await call(t, 'GET', '/api/v1/people/not-a-uuid/plan'), 404);
      assertProblem(await call(t, 'PUT', `/api/v1/people/${personId}/plan`, { goals: 'x' }, 'auditor'), 403);
    });

    test('GET /planning/needed lists detained people without a final plan that the caller can see (PLAN-1)', async () => {
      const actor = actorFromUser((await findUserByEmail(t.database.db, USERS.practitioner.email))!);
      const waiting = await detainedPerson(t.services, actor, { givenName: 'Waiting', familyName: 'Forplan' });
      const res = await call(t, 'GET', '/api/v1/planning/needed');
      assert.equal(res.statusCode, 200, res.body);
      const ids = res.json().items.map((p: { id: string }) => p.id);
      assert.ok(ids.includes(waiting.id));
      assert.ok(!ids.includes(personId), 'a person with a final plan is not listed');
      assert.deepEqual((await call(t, 'GET', '/api/v1/planning/needed', undefined, 'otherLaPractitioner')).json().items, []);
      assertProblem(await call(t, 'GET', '/api/v1/planning/needed?limit=0'), 422);
      assertProblem(await call(t, 'GET', '/api/v1/planning/needed?cursor=zzz'), 422);
    });

    test('REV-1, one date for one fact (issue 9 item 4): a nextReviewOn sent in the plan is ignored; the plan gives the register’s date, and the OpenAPI document says so', async () => {
      const actor = actorFromUser((await findUserByEmail(t.database.db, USERS.practitioner.email))!);
      const left = (await detainedPerson(t.services, actor, { givenName: 'Api', familyName: 'Reviewed', leftHospitalOn: '2025-03-01' })).id;
      const due = (await call(t, 'GET', `/api/v1/people/${left}/reviews`)).json().nextDueOn as string;
      assert.equal(due, '2025-04-12', 'REV-1: 42 days after leaving hospital');
      const put = await call(t, 'PUT', `/api/v1/people/${left}/plan`, { ...completePlanInput(), nextReviewOn: '2031-01-01' }, 'practitioner', { 'if-match': '1' });
      assert.equal(put.statusCode, 200, put.body);
      assert.equal(put.json().nextReviewOn, due, 'the sent date is not kept');
      assert.equal((await call(t, 'GET', `/api/v1/people/${left}/plan`)).json().nextReviewOn, due);
      // Still detained: no review date yet, whatever was sent.
      const current = (await call(t, 'GET', `/api/v1/people/${personId}/plan`)).json();
      const detained = await call(t, 'PUT', `/api/v1/people/${personId}/plan`, { ...completePlanInput(), needs: current.needs, nextReviewOn: '2031-01-01' }, 'practitioner', { 'if-match': String(current.version) });
      assert.equal(detained.statusCode, 200, detained.body);
      assert.equal(detained.json().nextReviewOn, null);

      const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      const put$ = doc.paths['/api/v1/people/{id}/plan'].put;
      const sent = JSON.stringify(put$.requestBody.content['application/json'].schema);
      assert.match(sent, /nextReviewOn[^}]*Ignored: the plan always gives the register’s next review date \(REV-1/);
      const answered = JSON.stringify(put$.responses['200'].content['application/json'].schema);
      assert.match(answered, /The register’s next review date \(REV-1\)/);
    });

    test('the OpenAPI document describes the plan endpoints', async () => {
      const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      for (const path of ['/api/v1/people/{id}/plan', '/api/v1/people/{id}/plan/versions', '/api/v1/people/{id}/plan/versions/{number}', '/api/v1/people/{id}/plan/finalise', '/api/v1/people/{id}/plan.pdf', '/api/v1/planning/needed']) {
        assert.ok(doc.paths[path], path);
      }
      assert.ok(doc.paths['/api/v1/people/{id}/plan'].put);
    });
  });
}
