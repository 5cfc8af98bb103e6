// Issue 15, probe 6: a hospital stay names the provider organisation that runs the hospital, and that
// organisation sees the person while the stay, or the episode it belongs to, is open (RESP, PLAN-1):
// its ward staff find the person, open the record and can be chosen as keyworker.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, ORGS, USERS, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { assertInvalid, call, created, createPerson, nextNhsNumber } from './helpers.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`the trust sees its own patient, on ${engine}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine);
    });
    after(async () => t?.close());

    /** Registered by the council (so the trust has no allocation), admitted and detained. */
    async function councilPerson(familyName: string) {
      return (await createPerson(t, { nhsNumber: nextNhsNumber(), familyName }, 'laPractitioner')).id;
    }

    test('detained on the trust’s ward: the trust’s staff find the person, open the record, and are offered as keyworker', async () => {
      const id = await councilPerson('Wardpatient');
      assert.equal((await call(t, 'GET', `/api/v1/people/${id}`, undefined, 'practitioner')).statusCode, 404);
      const stay = await created(t, `/api/v1/people/${id}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01', provider: ORGS.trust.code }, 'laPractitioner');
      assert.equal(stay.provider, ORGS.trust.code);
      await created(t, `/api/v1/people/${id}/legal-statuses`, { section: '3', startDate: '2024-01-01', admissionId: stay.id }, 'laPractitioner');
      assert.equal((await call(t, 'GET', `/api/v1/people/${id}`, undefined, 'practitioner')).statusCode, 200);
      const found = (await call(t, 'GET', '/api/v1/people?q=Wardpatient', undefined, 'practitioner')).json() as { items: { id: string }[] };
      assert.deepEqual(found.items.map((p) => p.id), [id]);
      const trustUser = (await t.services.accounts.actorForEmail(USERS.practitioner.email, null))!;
      const keyworker = await call(t, 'PUT', `/api/v1/people/${id}/keyworker`, { userId: trustUser.userId, phone: '01632 960000' }, 'laPractitioner');
      assert.equal(keyworker.statusCode, 200, keyworker.body);
    });

    test('a stay that has ended, with no episode of aftercare it belongs to, no longer gives sight', async () => {
      const id = await councilPerson('Informalstay');
      await created(t, `/api/v1/people/${id}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01', dischargedOn: '2024-01-20', provider: ORGS.trust.code }, 'laPractitioner');
      assert.equal((await call(t, 'GET', `/api/v1/people/${id}`, undefined, 'practitioner')).statusCode, 404);
    });

    test('the provider must be a provider organisation on the register (422 naming provider)', async () => {
      const id = await councilPerson('Badprovider');
      assertInvalid(await call(t, 'POST', `/api/v1/people/${id}/admissions`, { hospital: 'Elsewhere', admittedOn: '2024-01-01', provider: ORGS.otherLa.code }, 'laPractitioner'), 'provider');
      assertInvalid(await call(t, 'POST', `/api/v1/people/${id}/admissions`, { hospital: 'Elsewhere', admittedOn: '2024-01-01', provider: 'RXX99' }, 'laPractitioner'), 'provider');
    });
  });
}
