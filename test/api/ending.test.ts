// api-contract "Ending and reinstating aftercare" (END-1 to END-6, MHA25-2) and complaints (CMP-1):
// paths, fields, 201/200, 400/401/403/404/409/422 with rule, the letter PDF and the OpenAPI document.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { pdfText } from '../support/pdf.ts';
import { assertInvalid, assertProblem, call, created, createPerson } from './helpers.ts';

const LAWFUL = { reasonCode: 'no-longer-needed', reasons: 'No remaining needs after reassessment with them.', reassessedOn: '2025-01-15', personInvolved: true, involved: ['Their advocate'] };

for (const { engine, skip } of await testEngines()) {
  describe(`ending API on ${engine}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine);
    });
    after(async () => {
      await t?.close();
    });

    const activeEpisode = async () => {
      const person = await createPerson(t);
      const base = `/api/v1/people/${person.id}`;
      const admission = await created(t, `${base}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01', dischargedOn: '2024-03-01' });
      const legal = await created(t, `${base}/legal-statuses`, { section: '3', startDate: '2024-01-01', endDate: '2024-03-01', admissionId: admission.id });
      return { person, base, episode: `${base}/episodes/${legal.id}` };
    };

    test('END-3: a forbidden reason is 422 naming END-3; END-4: no reassessment is 422 naming END-4; unknown code 422; wrong type 400', async () => {
      const { episode } = await activeEpisode();
      assertInvalid(await call(t, 'POST', `${episode}/ending-proposals`, { ...LAWFUL, reasonCode: 'budget' }), 'reasonCode', 'END-3');
      assertInvalid(await call(t, 'POST', `${episode}/ending-proposals`, { ...LAWFUL, reassessedOn: undefined }), 'reassessedOn', 'END-4');
      assertInvalid(await call(t, 'POST', `${episode}/ending-proposals`, { ...LAWFUL, reasonCode: 'because' }), 'reasonCode');
      assertProblem(await call(t, 'POST', `${episode}/ending-proposals`, { ...LAWFUL, personInvolved: 'yes' }), 400);
      assertProblem(await call(t, 'POST', `${episode}/ending-proposals`, LAWFUL, 'auditor'), 403);
      assertProblem(await call(t, 'POST', `${episode}/ending-proposals`, LAWFUL, 'otherLaPractitioner'), 404);
      assertProblem(await t.app.inject({ method: 'POST', url: `${episode}/ending-proposals`, payload: LAWFUL }), 401);
      assertProblem(await call(t, 'POST', `${episode.replace(/episodes\/[^/]+/, 'episodes/00000000-0000-4000-8000-000000000000')}/ending-proposals`, LAWFUL), 404);
    });

    test('END-1: the full ending, approvals 201 then 200 for a repeat, 404 for another organisation (it may not see the person: issue 15, 404 before 403), the letter, reinstatement', async () => {
      const { person, episode } = await activeEpisode();
      const proposal = await created(t, `${episode}/ending-proposals`, LAWFUL);
      assert.equal(proposal.status, 'pending');
      assertProblem(await call(t, 'POST', `${episode}/ending-proposals`, LAWFUL), 409);
      const approvals = `${episode}/ending-proposals/${proposal.id}/approvals`;
      assertProblem(await call(t, 'POST', approvals, {}, 'otherLaApprover'), 404);
      assertProblem(await call(t, 'POST', approvals, {}, 'otherIcbApprover'), 404);
      assertProblem(await call(t, 'POST', approvals, {}, 'practitioner'), 403);
      const first = await call(t, 'POST', approvals, {}, 'laApprover');
      assert.equal(first.statusCode, 201, first.body);
      assert.equal(first.json().episode.status, 'active');
      const repeat = await call(t, 'POST', approvals, {}, 'laApprover');
      assert.equal(repeat.statusCode, 200, repeat.body);
      assert.equal(repeat.json().approvals.length, 1);
      const pending = await call(t, 'GET', '/api/v1/approvals/pending', undefined, 'icbApprover');
      assert.ok(pending.json().items.some((i: { id: string }) => i.id === proposal.id));
      const second = await call(t, 'POST', approvals, {}, 'icbApprover');
      assert.equal(second.statusCode, 201, second.body);
      assert.equal(second.json().status, 'approved');
      assert.deepEqual(second.json().episode.status, 'ended');
      const aftercare = (await call(t, 'GET', `/api/v1/people/${person.id}/aftercare`)).json();
      assert.equal(aftercare.status, 'ended');
      assert.equal(aftercare.episodes[0].endReason, 'joint-decision');
      assertInvalid(await call(t, 'POST', `${episode}/ending-proposals`, LAWFUL), 'episodeId', 'END-1');

      const list = (await call(t, 'GET', `${episode}/ending-proposals`)).json();
      assert.equal(list.items.length, 1);
      assert.equal(list.nextCursor, null);

      const letter = await call(t, 'GET', `${episode}/ending-proposals/${proposal.id}/letter?largePrint=true`);
      assert.equal(letter.statusCode, 200);
      assert.match(String(letter.headers['content-type']), /^application\/pdf/);
      const text = (await pdfText(letter.rawPayload)).replace(/\s+/g, ' ');
      assert.match(text, /no longer need section 117/);
      assert.match(text, /Alex Testperson/);

      const reinstatement = await created(t, `${episode}/reinstatements`, { reasons: 'Relapse; needs support again' });
      assert.equal((await call(t, 'POST', `${episode}/reinstatements/${reinstatement.id}/approvals`, {}, 'laApprover')).statusCode, 201);
      assertProblem(await call(t, 'POST', `${episode}/reinstatements/${reinstatement.id}/approvals`, {}, 'otherLaApprover'), 404);
      const done = await call(t, 'POST', `${episode}/reinstatements/${reinstatement.id}/approvals`, {}, 'icbApprover');
      assert.equal(done.statusCode, 201);
      assert.equal(done.json().episode.status, 'active');
      assert.equal((await call(t, 'GET', `/api/v1/people/${person.id}/aftercare`)).json().status, 'active');
    });

    test('MHA25-2: recording the notice before both approvals is 422 naming MHA25-2', async () => {
      const { episode } = await activeEpisode();
      const proposal = await created(t, `${episode}/ending-proposals`, LAWFUL);
      assertInvalid(await call(t, 'POST', `${episode}/ending-proposals/${proposal.id}/notice`, { sentOn: '2025-02-01' }), 'sentOn', 'MHA25-2');
    });

    test('CMP-1: complaints: 201 with the Ombudsman window, PATCH with If-Match (409 when stale), 422, 404 for another area', async () => {
      const { person } = await activeEpisode();
      const url = `/api/v1/people/${person.id}/complaints`;
      const complaint = await created(t, url, { against: 'local-authority', route: 'formal', receivedOn: '2025-05-01', subject: 'Asked to pay rent for s117 accommodation', faults: ['charging'] });
      assert.equal((complaint as unknown as { ombudsman: { windowUntil: string } }).ombudsman.windowUntil, '2026-05-01');
      assertInvalid(await call(t, 'POST', url, { against: 'council', route: 'formal', receivedOn: '2025-05-01', subject: 'x' }), 'against');
      const patched = await call(t, 'PATCH', `${url}/${complaint.id}`, { outcome: 'Upheld' }, 'practitioner', { 'if-match': '1' });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.equal(patched.json().version, 2);
      assertProblem(await call(t, 'PATCH', `${url}/${complaint.id}`, { outcome: 'Lost' }, 'practitioner', { 'if-match': '1' }), 409);
      assertProblem(await call(t, 'GET', url, undefined, 'otherLaPractitioner'), 404);
      assert.equal((await call(t, 'GET', url, undefined, 'auditor')).json().items.length, 1);
    });

    test('the OpenAPI document describes the ending, approvals and complaints paths', async () => {
      const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, unknown> };
      for (const path of [
        '/api/v1/people/{id}/episodes/{episodeId}/ending-proposals',
        '/api/v1/people/{id}/episodes/{episodeId}/ending-proposals/{proposalId}/approvals',
        '/api/v1/people/{id}/episodes/{episodeId}/ending-proposals/{proposalId}/letter',
        '/api/v1/people/{id}/episodes/{episodeId}/reinstatements',
        '/api/v1/people/{id}/episodes/{episodeId}/reinstatements/{reinstatementId}/approvals',
        '/api/v1/approvals/pending',
        '/api/v1/people/{id}/complaints',
      ]) assert.ok(doc.paths[path], path);
    });
  });
}
