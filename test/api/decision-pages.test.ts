// Issue 9 items 3 and 9: decisions that cannot be made by accident. Finalising a plan goes through a
// check page (a post without its confirmation finalises nothing); reinstatements are asked for after a
// check page, approved on a check page with a comment (who, when, for which body), and approvers can
// refuse them or send them back with reasons (page, API, audit); the API can refuse or send back a
// proposal to end aftercare too. On PGlite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, USERS, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { completePlanInput, detainedPerson } from '../support/plans.ts';
import { actorFromUser } from '../../src/services/kernel/actor.ts';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { assertInvalid, assertProblem, call, created, createPerson, nextNhsNumber, signedInBrowser } from './helpers.ts';

const LAWFUL = { reasonCode: 'no-longer-needed', reasons: 'No remaining needs after reassessment with them.', reassessedOn: '2025-01-15', personInvolved: true, involved: [] };

for (const { engine, skip } of await testEngines()) {
  describe(`decisions checked before they are made (issue 9 items 3 and 9), on ${engine}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine);
    });
    after(async () => t?.close());

    const auditActions = async (recordId: string) =>
      (await t.database.db.selectFrom('audit_events').select('action').where('record_id', '=', recordId).execute()).map((r) => r.action);

    /** A person whose aftercare ended by a joint decision (END-1), through the API. */
    async function endedEpisode() {
      const person = await createPerson(t, { nhsNumber: nextNhsNumber() });
      const base = `/api/v1/people/${person.id}`;
      const admission = await created(t, `${base}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01', dischargedOn: '2024-03-01' });
      const legal = await created(t, `${base}/legal-statuses`, { section: '3', startDate: '2024-01-01', endDate: '2024-03-01', admissionId: admission.id });
      const episode = `${base}/episodes/${legal.id}`;
      const proposal = await created(t, `${episode}/ending-proposals`, LAWFUL);
      assert.equal((await call(t, 'POST', `${episode}/ending-proposals/${proposal.id}/approvals`, {}, 'laApprover')).statusCode, 201);
      assert.equal((await call(t, 'POST', `${episode}/ending-proposals/${proposal.id}/approvals`, {}, 'icbApprover')).statusCode, 201);
      return { personId: person.id, episodeId: legal.id, episode, page: `/people/${person.id}/episodes/${legal.id}` };
    }

    test('finalising a plan: the check page shows the plan and its warnings; a post without its confirmation finalises nothing; Finalise does, with a banner', async () => {
      const actor = actorFromUser((await findUserByEmail(t.database.db, USERS.practitioner.email))!);
      const person = await detainedPerson(t.services, actor, { givenName: 'Fin', familyName: 'Alise' });
      const api = `/api/v1/people/${person.id}/plan`;
      const page = await signedInBrowser(t.app, 'practitioner');

      // An empty draft: the check page says what stops it, and offers no Finalise.
      const empty = await page.get(`/people/${person.id}/plan/finalise`);
      assert.equal(empty.statusCode, 200, empty.body);
      assert.match(empty.body, /<h1>Check the plan before you finalise it<\/h1>/);
      assert.match(empty.body, /The plan cannot be finalised yet[\s\S]*Add at least one need/);
      assert.doesNotMatch(empty.body, /<button[^>]*value="confirm"/);

      // A complete plan without a keyworker allocated: warnings, the needs with their s117 reason, Finalise offered.
      const draft = (await call(t, 'GET', api)).json();
      const saved = await call(t, 'PUT', api, completePlanInput({ keyworker: null, personViews: null }), 'practitioner', { 'if-match': String(draft.version) });
      assert.equal(saved.statusCode, 200, saved.body);
      const check = await page.get(`/people/${person.id}/plan/finalise`);
      assert.equal(check.statusCode, 200);
      assert.match(check.body, /Check before you finalise[\s\S]*No keyworker is allocated[\s\S]*The person’s views are not recorded/);
      assert.ok(check.body.includes(`href="/people/${person.id}/keyworker"`), 'the keyworker warning links to the one place to change it');
      assert.match(check.body, /Met under section 117[\s\S]*Help to take medication every day[\s\S]*Stopping medication led to the last admission/);
      assert.match(check.body, /Crisis team: 0300 555 0199/);
      assert.match(check.body, /Signed on 1 March 2025/);
      assert.match(check.body, /Ama Sister/);
      assert.match(check.body, /<button[^>]*value="confirm"/);

      // The old one-click form (no confirmation) shows the check page and changes nothing.
      const plan = await page.get(`/people/${person.id}/plan`);
      assert.ok(plan.body.includes(`href="/people/${person.id}/plan/finalise"`));
      assert.doesNotMatch(plan.body, /action="\/people\/[^"]+\/plan\/finalise"/, 'the plan page itself finalises nothing');
      const unconfirmed = await page.post(`/people/${person.id}/plan/finalise`, check.body, { version: String(saved.json().version) });
      assert.equal(unconfirmed.statusCode, 200);
      assert.match(unconfirmed.body, /Check the plan before you finalise it/);
      assert.equal((await call(t, 'GET', api)).json().status, 'draft');

      // A stale confirmation (the plan changed since) is 409 on the check page; nothing finalised.
      const stale = await page.post(`/people/${person.id}/plan/finalise`, check.body, { version: '1', step: 'confirm' });
      assert.equal(stale.statusCode, 409, stale.body);
      assert.match(stale.body, /The plan was not finalised/);
      assert.equal((await call(t, 'GET', api)).json().status, 'draft');

      const done = await page.post(`/people/${person.id}/plan/finalise`, check.body, { version: String(saved.json().version), step: 'confirm' });
      assert.equal(done.statusCode, 303, done.body);
      assert.equal(done.headers.location, `/people/${person.id}/plan`);
      const after = await page.follow(done);
      assert.match(after.body, /nhsuk-notification-banner--success[\s\S]*Plan finalised/);
      assert.match(after.body, /Version 1 is final/);
      const finalised = await t.database.db.selectFrom('audit_events').select('action').where('person_id', '=', person.id).where('action', '=', 'plan.finalise').execute();
      assert.equal(finalised.length, 1);
      const final = await page.get(`/people/${person.id}/plan/finalise`);
      assert.match(final.body, /already final/);
      assert.doesNotMatch(final.body, /<button[^>]*value="confirm"/);
    });

    test('reinstatement pages: asked for after a check page; approved on a check page with a comment (who, when, which body); refused with reasons; audited', async () => {
      const { personId, episode, page: pageBase } = await endedEpisode();
      const practitioner = await signedInBrowser(t.app, 'practitioner');
      const form = await practitioner.get(`${pageBase}/reinstatements/new`);
      assert.equal(form.statusCode, 200);
      const reasons = 'Their mental health has got worse since support stopped.';
      const check = await practitioner.post(`${pageBase}/reinstatements/new`, form.body, { reasons });
      assert.equal(check.statusCode, 200);
      assert.match(check.body, /Check your answers: ask for aftercare to be reinstated/);
      assert.ok(check.body.includes(reasons));
      assert.equal((await call(t, 'GET', `${episode}/reinstatements`)).json().items.length, 0, 'nothing asked yet');
      const changed = await practitioner.post(`${pageBase}/reinstatements/new`, check.body, { reasons, step: 'change' });
      assert.match(changed.body, /<textarea[^>]*name="reasons"[^>]*>[\s\S]*got worse/);
      const asked = await practitioner.post(`${pageBase}/reinstatements/new`, check.body, { reasons, step: 'confirm' });
      assert.equal(asked.statusCode, 303, asked.body);
      const [request] = (await call(t, 'GET', `${episode}/reinstatements`)).json().items as { id: string; status: string }[];
      assert.equal(request!.status, 'pending');

      // "Awaiting your approval" sends the council's lead to the check page, not a one-click approval.
      const council = await signedInBrowser(t.app, 'laApprover');
      const approveUrl = `${pageBase}/reinstatements/${request!.id}/approve`;
      const waiting = await council.get('/approvals');
      assert.ok(waiting.body.includes(`href="${approveUrl}"`));
      assert.doesNotMatch(waiting.body, new RegExp(`action="${approveUrl}"`));
      const councilCheck = await council.get(approveUrl);
      assert.equal(councilCheck.statusCode, 200);
      assert.match(councilCheck.body, /Check before you decide: reinstating aftercare/);
      assert.match(councilCheck.body, /How aftercare ended[\s\S]*They no longer need aftercare services[\s\S]*No remaining needs after reassessment/);
      assert.ok(councilCheck.body.includes(reasons));
      const approved = await council.post(approveUrl, councilCheck.body, { comment: 'Agreed at the panel' });
      assert.equal(approved.statusCode, 303, approved.body);
      assert.match((await council.get(`/people/${personId}/ending`)).body, /nhsuk-notification-banner--success[\s\S]*Your approval is recorded/);

      // The ICB's lead sees who approved, when, for which body, with the comment; refuses with reasons.
      const icb = await signedInBrowser(t.app, 'icbApprover');
      const icbCheck = await icb.get(approveUrl);
      assert.match(icbCheck.body, new RegExp(`Local authority: approved by ${USERS.laApprover.name}[^<]*on \\d+ \\w+ \\d{4}\\. Comment: “Agreed at the panel”`));
      const noReasons = await icb.post(`${pageBase}/reinstatements/${request!.id}/decision`, icbCheck.body, { outcome: 'refused', reasons: '' });
      assert.equal(noReasons.statusCode, 422);
      assert.match(noReasons.body, /nhsuk-error-summary/);
      const refused = await icb.post(`${pageBase}/reinstatements/${request!.id}/decision`, icbCheck.body, { outcome: 'refused', reasons: 'The review last week found no returning need.' });
      assert.equal(refused.statusCode, 303, refused.body);
      const ending = await icb.get(`/people/${personId}/ending`);
      assert.match(ending.body, /nhsuk-notification-banner--success[\s\S]*Your refusal is recorded/);
      assert.match(ending.body, /refused[\s\S]*Refused for the icb: The review last week found no returning need/);
      const row = (await call(t, 'GET', `${episode}/reinstatements`)).json().items[0];
      assert.equal(row.status, 'refused');
      assert.deepEqual([row.decision.outcome, row.decision.side, row.decision.reasons], ['refused', 'icb', 'The review last week found no returning need.']);
      assert.equal(row.approvals[0].comment, 'Agreed at the panel');
      assert.equal((await call(t, 'GET', `/api/v1/people/${personId}/aftercare`)).json().status, 'ended', 'aftercare stays ended');
      const actions = await auditActions(request!.id);
      for (const action of ['reinstatement.request', 'reinstatement.view', 'reinstatement.approve', 'reinstatement.refuse']) assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);

      // A refused request is no longer waiting: not in "Awaiting your approval", and cannot be approved.
      assert.ok(!(await icb.get('/approvals')).body.includes(approveUrl));
      assert.doesNotMatch((await icb.get(approveUrl)).body, /Approve reinstatement for the/);
      assertProblem(await call(t, 'POST', `${episode}/reinstatements/${request!.id}/approvals`, {}, 'icbApprover'), 409);
    });

    test('API: a reinstatement is approved with a comment, refused or sent back with reasons (403, 404, 409, 422); a proposal to end can be refused or sent back', async () => {
      const { episode } = await endedEpisode();
      const first = await created(t, `${episode}/reinstatements`, { reasons: 'Relapse' });
      const decision = `${episode}/reinstatements/${first.id}/decision`;
      assertInvalid(await call(t, 'POST', decision, { outcome: 'refused', reasons: '' }, 'laApprover'), 'reasons');
      assertInvalid(await call(t, 'POST', decision, { outcome: 'maybe', reasons: 'x' }, 'laApprover'), 'outcome');
      assertProblem(await call(t, 'POST', decision, { outcome: 'refused', reasons: 'x' }, 'practitioner'), 403);
      assertProblem(await call(t, 'POST', decision, { outcome: 'refused', reasons: 'x' }, 'otherLaApprover'), 404);
      const approval = await call(t, 'POST', `${episode}/reinstatements/${first.id}/approvals`, { comment: 'Seen at panel' }, 'laApprover');
      assert.equal(approval.statusCode, 201, approval.body);
      assert.equal(approval.json().approvals[0].comment, 'Seen at panel');
      const sentBack = await call(t, 'POST', decision, { outcome: 'sent-back', reasons: 'Ask the care co-ordinator for an up-to-date assessment' }, 'icbApprover');
      assert.equal(sentBack.statusCode, 200, sentBack.body);
      assert.equal(sentBack.json().status, 'sent-back');
      assert.equal(sentBack.json().decision.side, 'icb');
      assertProblem(await call(t, 'POST', decision, { outcome: 'refused', reasons: 'again' }, 'laApprover'), 409);
      // A new request can then be made, and approved by both: aftercare is in place again.
      const second = await created(t, `${episode}/reinstatements`, { reasons: 'Reassessed: needs support again' });
      assert.equal(second.decision, null);
      assert.equal((await call(t, 'POST', `${episode}/reinstatements/${second.id}/approvals`, {}, 'laApprover')).statusCode, 201);
      const both = await call(t, 'POST', `${episode}/reinstatements/${second.id}/approvals`, { comment: 'Agreed' }, 'icbApprover');
      assert.equal(both.json().episode.status, 'active');

      // The proposal to end can be refused through the API too, with who, which body and why.
      const proposal = await created(t, `${episode}/ending-proposals`, { ...LAWFUL, reassessedOn: new Date().toISOString().slice(0, 10) });
      const refuse = await call(t, 'POST', `${episode}/ending-proposals/${proposal.id}/decision`, { outcome: 'refused', reasons: 'The latest review said carry on' }, 'laApprover');
      assert.equal(refuse.statusCode, 200, refuse.body);
      assert.deepEqual([refuse.json().status, refuse.json().decision.side, refuse.json().decision.reasons], ['refused', 'local-authority', 'The latest review said carry on']);
      assertProblem(await call(t, 'POST', `${episode}/ending-proposals/${proposal.id}/approvals`, {}, 'icbApprover'), 409);
      assert.ok((await auditActions(proposal.id)).includes('ending.refuse'));

      const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, { post?: unknown }> };
      assert.ok(doc.paths['/api/v1/people/{id}/episodes/{episodeId}/reinstatements/{reinstatementId}/decision']?.post);
      assert.ok(doc.paths['/api/v1/people/{id}/episodes/{episodeId}/ending-proposals/{proposalId}/decision']?.post);
    });
  });
}
