// Issue 15, probe 10 (in part): refused reads and writes are audited too. A 404 for a person the
// caller may not see and a 403 for a role that may not act each leave an audit event with ids only:
// who, which person (when the route names one), the route's pattern (never the URL) and the status.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { call, createPerson, nextNhsNumber } from './helpers.ts';

describe('refusals are audited', () => {
  let t: TestApp;
  let personId: string;
  before(async () => {
    t = await createTestApp('pglite');
    personId = (await createPerson(t, { nhsNumber: nextNhsNumber() })).id;
  });
  after(async () => t?.close());

  const refusals = () => t.database.db.selectFrom('audit_events').selectAll().where('action', '=', 'access.refused').orderBy('seq').execute();

  test('a stranger’s 404 and a role’s 403 are each one audit event with ids, the route pattern and the status', async () => {
    assert.equal((await call(t, 'GET', `/api/v1/people/${personId}`, undefined, 'otherLaPractitioner')).statusCode, 404);
    assert.equal((await call(t, 'PATCH', `/api/v1/people/${personId}`, { givenName: 'Changed' }, 'auditor')).statusCode, 403);
    const events = await refusals();
    assert.equal(events.length, 2);
    assert.deepEqual(events.map((e) => [e.person_id, (e.details as { status: number }).status, (e.details as { route: string }).route, (e.details as { method: string }).method]), [
      [personId, 404, '/api/v1/people/:id', 'GET'],
      [personId, 403, '/api/v1/people/:id', 'PATCH'],
    ]);
    assert.ok(!JSON.stringify(events).includes('Changed'), 'no personal data from the request');
    assert.equal((await t.services.audit.verify()).ok, true);
  });
});
