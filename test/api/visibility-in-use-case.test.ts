// ADR 25: routes marked personVisibilityInUseCase skip the route guard's visibility query; a refusal
// on their way out is checked against visibility then. A stranger's invalid body, or a role that may
// not write, is still the 404 of a person who does not exist (and audited as a 404 refusal); the
// person's own organisations still get the refusal itself; and a stranger's valid write changes nothing.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { call, created, createPerson, nextNhsNumber } from './helpers.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`routes that leave the person's visibility to their use case, on ${engine}`, { skip }, () => {
    let t: TestApp;
    let personId: string;
    before(async () => {
      t = await createTestApp(engine);
      personId = (await createPerson(t, { nhsNumber: nextNhsNumber() })).id;
      const admissionId = (await created(t, `/api/v1/people/${personId}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01', dischargedOn: '2024-03-01' })).id;
      await created(t, `/api/v1/people/${personId}/legal-statuses`, { section: '3', startDate: '2024-01-01', endDate: '2024-03-01', admissionId });
    });
    after(async () => t?.close());

    // The refusal the person's own organisation gets: 422 for a value refused, 400 for a wrong type.
    const invalid = [
      ['POST', '/legal-statuses', { section: '99', startDate: 'not a date' }, 422],
      ['POST', '/reviews', { heldOn: 'yesterday' }, 422],
      ['PUT', '/plan', { goals: 42 }, 400],
      ['POST', '/admissions', { hospital: '' }, 422],
      ['POST', '/leave', {}, 422],
      ['POST', '/review-requests', { requestedOn: 'soon' }, 422],
      ['POST', '/reviews/invitations', { plannedOn: 'soon' }, 422],
    ] as const;

    for (const [method, path, body, refusal] of invalid) {
      test(`${method} …${path} with an invalid body: ${refusal} for the person’s organisation, the 404 of nobody for a stranger`, async () => {
        const own = await call(t, method, `/api/v1/people/${personId}${path}`, body, 'laPractitioner');
        assert.equal(own.statusCode, refusal, own.body);
        const stranger = await call(t, method, `/api/v1/people/${personId}${path}`, body, 'otherLaPractitioner');
        const nobody = await call(t, method, `/api/v1/people/${randomUUID()}${path}`, body, 'otherLaPractitioner');
        assert.equal(stranger.statusCode, 404, stranger.body);
        assert.equal(stranger.body, nobody.body);
      });
    }

    test('a role that may not write: 403 for the person’s organisation, 404 for a stranger’s, and the refusal audited as the answer given', async () => {
      const body = { section: 'informal', startDate: '2024-05-01', endDate: '2024-05-01' };
      assert.equal((await call(t, 'POST', `/api/v1/people/${personId}/legal-statuses`, body, 'finance')).statusCode, 403);
      const stranger = await call(t, 'POST', `/api/v1/people/${personId}/legal-statuses`, body, 'otherLaApprover');
      assert.equal(stranger.statusCode, 404, stranger.body);
      const refusals = await t.database.db.selectFrom('audit_events').select(['action', 'details']).where('action', '=', 'access.refused').where('person_id', '=', personId).orderBy('seq').execute();
      const statuses = refusals.map((r) => (r.details as { status?: number }).status);
      assert.deepEqual(statuses.slice(-2), [403, 404]);
    });

    test('a stranger’s valid write is the 404 of nobody and changes nothing', async () => {
      const before = await t.database.db.selectFrom('legal_statuses').select('id').where('person_id', '=', personId).execute();
      const body = { section: 'informal', startDate: '2024-05-01', endDate: '2024-05-01' };
      const stranger = await call(t, 'POST', `/api/v1/people/${personId}/legal-statuses`, body, 'otherLaPractitioner');
      const nobody = await call(t, 'POST', `/api/v1/people/${randomUUID()}/legal-statuses`, body, 'otherLaPractitioner');
      assert.equal(stranger.statusCode, 404);
      assert.equal(stranger.body, nobody.body);
      const afterwards = await t.database.db.selectFrom('legal_statuses').select('id').where('person_id', '=', personId).execute();
      assert.equal(afterwards.length, before.length);
    });
  });
}
