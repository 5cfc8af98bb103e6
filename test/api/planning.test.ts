// Keyworker, caseload, planning meetings and tasks, advocacy and tribunal recommendations over HTTP:
// the answers, the problems (400/401/403/404/409/422) and organisation scoping.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addDays } from '../../src/domain/dates.ts';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { createTestApp, USERS, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { assertInvalid, assertProblem, call, created, createPerson, today, tomorrow } from './helpers.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`planning and advocacy API on ${engine}`, { skip }, () => {
    let t: TestApp;
    let personId: string;
    let laPractitionerId: string;
    before(async () => {
      t = await createTestApp(engine);
      laPractitionerId = (await findUserByEmail(t.database.db, USERS.laPractitioner.email))!.id;
      const person = await createPerson(t);
      personId = person.id;
      const stay = await created(t, `/api/v1/people/${personId}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: addDays(today(), -10) });
      await created(t, `/api/v1/people/${personId}/legal-statuses`, { section: '3', startDate: addDays(today(), -10), admissionId: stay.id });
    });
    after(async () => {
      await t?.close();
    });

    test('PUT and GET keyworker; GET caseload; the register filters by keyworker and caseload=mine', async () => {
      const empty = await call(t, 'GET', `/api/v1/people/${personId}/keyworker`);
      assert.equal(empty.statusCode, 200, empty.body);
      assert.equal(empty.json().current, null);
      assert.equal(empty.json().warning.rule, 'PLAN-3');
      const put = await call(t, 'PUT', `/api/v1/people/${personId}/keyworker`, { userId: laPractitionerId, jobTitle: 'Care co-ordinator', phone: '01632 960 001' });
      assert.equal(put.statusCode, 200, put.body);
      assert.equal(put.json().current.userId, laPractitionerId);
      assert.equal(put.json().current.organisation.code, 'E09000099');
      const caseload = await call(t, 'GET', '/api/v1/caseload', undefined, 'laPractitioner');
      assert.equal(caseload.statusCode, 200);
      assert.deepEqual(caseload.json().items.map((i: { id: string }) => i.id), [personId]);
      assert.equal((await call(t, 'GET', '/api/v1/caseload')).json().items.length, 0);
      const mine = await call(t, 'GET', '/api/v1/people?caseload=mine', undefined, 'laPractitioner');
      assert.deepEqual(mine.json().items.map((i: { id: string }) => i.id), [personId]);
      const byKeyworker = await call(t, 'GET', `/api/v1/people?keyworker=${laPractitionerId}`);
      assert.deepEqual(byKeyworker.json().items.map((i: { id: string }) => i.id), [personId]);
      assertInvalid(await call(t, 'GET', '/api/v1/people?keyworker=not-a-user'), 'keyworker');
      assertInvalid(await call(t, 'GET', '/api/v1/people?caseload=theirs'), 'caseload');
    });

    test('keyworker problems: 400, 401, 403, 404, 422', async () => {
      assertProblem(await call(t, 'PUT', `/api/v1/people/${personId}/keyworker`, { userId: 42 }), 400);
      const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/caseload' });
      assertProblem(anonymous, 401);
      assertProblem(await call(t, 'PUT', `/api/v1/people/${personId}/keyworker`, { userId: laPractitionerId }, 'finance'), 403);
      assertProblem(await call(t, 'GET', `/api/v1/people/${personId}/keyworker`, undefined, 'otherLaPractitioner'), 404);
      assertInvalid(await call(t, 'PUT', `/api/v1/people/${personId}/keyworker`, { userId: laPractitionerId, email: 'not an email' }), 'email');
      const financeId = (await findUserByEmail(t.database.db, USERS.finance.email))!.id;
      assertInvalid(await call(t, 'PUT', `/api/v1/people/${personId}/keyworker`, { userId: financeId }), 'userId', 'PLAN-3');
    });

    test('planning meetings: schedule (201), tasks, record held with attendance (If-Match), 409 on a stale version', async () => {
      const tasks = await call(t, 'GET', '/api/v1/planning/tasks');
      assert.equal(tasks.statusCode, 200, tasks.body);
      assert.ok(tasks.json().items.some((i: { personId: string }) => i.personId === personId));
      assert.ok(!(await call(t, 'GET', '/api/v1/planning/tasks', undefined, 'otherLaPractitioner')).json().items.some((i: { personId: string }) => i.personId === personId));
      const meeting = await created(t, `/api/v1/people/${personId}/planning-meetings`, { trigger: 'admission', scheduledFor: today(), invitees: [{ role: 'person' }, { role: 'keyworker', name: 'Council Practitioner' }] });
      assert.equal(meeting.heldOn, null);
      assert.ok((meeting.missingInvitees as { role: string }[]).some((m) => m.role === 'advocate-imha'), 'PLAN-2 warns of roles not invited');
      const invitees = meeting.invitees as { id: string; role: string }[];
      const patch = await call(t, 'PATCH', `/api/v1/people/${personId}/planning-meetings/${meeting.id}`, { heldOn: today(), personViews: 'Wants to go home', attendance: [{ inviteeId: invitees[0]!.id, response: 'attended' }, { inviteeId: invitees[1]!.id, response: 'apologies' }] }, 'practitioner', { 'if-match': String(meeting.version) });
      assert.equal(patch.statusCode, 200, patch.body);
      assert.equal(patch.json().heldOn, today());
      assertProblem(await call(t, 'PATCH', `/api/v1/people/${personId}/planning-meetings/${meeting.id}`, { minutes: 'x' }, 'practitioner', { 'if-match': String(meeting.version) }), 409);
      assertProblem(await call(t, 'PATCH', `/api/v1/people/${personId}/planning-meetings/${meeting.id}`, { minutes: 'x' }, 'practitioner', { 'if-match': 'abc' }), 400);
      assertInvalid(await call(t, 'PATCH', `/api/v1/people/${personId}/planning-meetings/${meeting.id}`, { heldOn: tomorrow() }), 'heldOn');
      assertInvalid(await call(t, 'PATCH', `/api/v1/people/${personId}/planning-meetings/${meeting.id}`, { attendance: [{ inviteeId: '00000000-0000-4000-8000-000000000000', response: 'attended' }] }), 'attendance.0.inviteeId');
      assertProblem(await call(t, 'PATCH', `/api/v1/people/${personId}/planning-meetings/00000000-0000-4000-8000-000000000000`, { minutes: 'x' }), 404);
      assertInvalid(await call(t, 'POST', `/api/v1/people/${personId}/planning-meetings`, { trigger: 'party', scheduledFor: today() }), 'trigger');
      assertInvalid(await call(t, 'POST', `/api/v1/people/${personId}/planning-meetings`, { trigger: 'tribunal', scheduledFor: today(), invitees: [{ role: 'carer-family' }] }), 'invitees.0.role', 'PLAN-2');
      assertProblem(await call(t, 'POST', `/api/v1/people/${personId}/planning-meetings`, { trigger: 'tribunal', scheduledFor: today() }, 'auditor'), 403);
      const list = await call(t, 'GET', `/api/v1/people/${personId}/planning-meetings`, undefined, 'auditor');
      assert.equal(list.statusCode, 200);
      assert.equal(list.json().planning.needed, false);
      assert.ok(!(await call(t, 'GET', '/api/v1/planning/tasks')).json().items.some((i: { personId: string }) => i.personId === personId), 'held: the task is closed');
    });

    test('IMHA eligibility on a date with its reason; 422 for a bad date; 404 for another organisation', async () => {
      const res = await call(t, 'GET', `/api/v1/people/${personId}/advocacy/imha-eligibility?on=${today()}`);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().eligible, true);
      assert.equal(res.json().rule, 'ADV-1');
      assert.equal(res.json().careActAdvocate.rule, 'ADV-4');
      const before = await call(t, 'GET', `/api/v1/people/${personId}/advocacy/imha-eligibility?on=2000-01-01`);
      assert.equal(before.json().eligible, false);
      assertInvalid(await call(t, 'GET', `/api/v1/people/${personId}/advocacy/imha-eligibility?on=2024-02-30`), 'on');
      assertProblem(await call(t, 'GET', `/api/v1/people/${personId}/advocacy/imha-eligibility`, undefined, 'otherLaPractitioner'), 404);
    });

    test('advocacy referrals and tribunal recommendations: 201, lists, PATCH with If-Match, 409 and 422 naming the rule', async () => {
      const referral = await created(t, `/api/v1/people/${personId}/advocacy-referrals`, { kind: 'imha', referredOn: today(), provider: 'Advocacy Service', consentToRecords: { personHasCapacity: true, consented: false, decidedOn: today() } });
      assert.equal((referral.recordsAccess as { allowed: boolean }).allowed, false);
      assertInvalid(await call(t, 'POST', `/api/v1/people/${personId}/advocacy-referrals`, { kind: 'imha', referredOn: today(), consentToRecords: { personHasCapacity: false, decidedOn: today() } }), 'consentToRecords.recordHolderAllows', 'ADV-3');
      assertInvalid(await call(t, 'POST', `/api/v1/people/${personId}/advocacy-referrals`, { kind: 'lawyer', referredOn: today() }), 'kind');
      const patched = await call(t, 'PATCH', `/api/v1/people/${personId}/advocacy-referrals/${referral.id}`, { involvement: 'Met the person twice' }, 'practitioner', { 'if-match': '1' });
      assert.equal(patched.statusCode, 200, patched.body);
      assertProblem(await call(t, 'PATCH', `/api/v1/people/${personId}/advocacy-referrals/${referral.id}`, { outcome: 'x' }, 'practitioner', { 'if-match': '1' }), 409);
      assert.equal((await call(t, 'GET', `/api/v1/people/${personId}/advocacy-referrals`)).json().items.length, 1);

      const rec = await created(t, `/api/v1/people/${personId}/tribunal-recommendations`, { hearingOn: today(), recommendation: 'Plan supported accommodation' });
      assert.equal(rec.rule, 'MHA25-1');
      assertInvalid(await call(t, 'POST', `/api/v1/people/${personId}/tribunal-recommendations`, { hearingOn: tomorrow(), recommendation: 'x' }), 'hearingOn');
      const answered = await call(t, 'PATCH', `/api/v1/people/${personId}/tribunal-recommendations/${rec.id}`, { response: 'Agreed; placement sought', respondedOn: today() }, 'laApprover', { 'if-match': '1' });
      assert.equal(answered.statusCode, 200, answered.body);
      assertProblem(await call(t, 'PATCH', `/api/v1/people/${personId}/tribunal-recommendations/${rec.id}`, { response: 'y', respondedOn: today() }, 'laApprover', { 'if-match': '1' }), 409);
      assertProblem(await call(t, 'PATCH', `/api/v1/people/${personId}/tribunal-recommendations/${rec.id}`, { response: 'y', respondedOn: today() }, 'finance'), 403);
      assert.equal((await call(t, 'GET', `/api/v1/people/${personId}/tribunal-recommendations`, undefined, 'auditor')).json().items[0].response, 'Agreed; placement sought');
    });

    test('the OpenAPI document describes every new operation', async () => {
      const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
      const expected: [string, string][] = [
        ['/api/v1/people/{id}/keyworker', 'put'], ['/api/v1/people/{id}/keyworker', 'get'], ['/api/v1/caseload', 'get'],
        ['/api/v1/people/{id}/planning-meetings', 'post'], ['/api/v1/people/{id}/planning-meetings', 'get'], ['/api/v1/people/{id}/planning-meetings/{meetingId}', 'patch'],
        ['/api/v1/planning/tasks', 'get'], ['/api/v1/people/{id}/advocacy/imha-eligibility', 'get'],
        ['/api/v1/people/{id}/advocacy-referrals', 'get'], ['/api/v1/people/{id}/advocacy-referrals', 'post'],
        ['/api/v1/people/{id}/tribunal-recommendations', 'get'], ['/api/v1/people/{id}/tribunal-recommendations', 'post'], ['/api/v1/people/{id}/tribunal-recommendations/{recommendationId}', 'patch'],
      ];
      for (const [path, method] of expected) assert.ok(doc.paths[path]?.[method], `${method.toUpperCase()} ${path}`);
    });
  });
}
