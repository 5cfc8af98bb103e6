// Issue 15, probe 7: each body changes only its own part of the responsibility (RESP-2 to RESP-6): the
// ICB's lead cannot set the responsible local authority, nor the council's lead the ICB. An ended
// episode's responsibility is history: changed only by a recorded correction, with its reason.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, ORGS, PASSWORD, USERS, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { assertInvalid, call, created, createPerson, nextNhsNumber } from './helpers.ts';

type Aftercare = { episodes: { id: string; endedOn: string | null; localAuthority: { code: string; basis: string; confirmed: boolean }; icb: { code: string } }[] };

for (const { engine, skip } of await testEngines()) {
  describe(`responsibility: each body its own part, ended episodes by correction, on ${engine}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine);
    });
    after(async () => t?.close());

    const body = (la: string, icb: string) => ({ localAuthority: { code: la, basis: 'Tenancy since 2010' }, icb: { code: icb, basis: 'GP registration before detention' } });

    async function detainedTwice() {
      const id = (await createPerson(t, { nhsNumber: nextNhsNumber() })).id;
      const base = `/api/v1/people/${id}`;
      const first = await created(t, `${base}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2022-01-01', dischargedOn: '2022-03-01' });
      const old = await created(t, `${base}/legal-statuses`, { section: '3', startDate: '2022-01-01', endDate: '2022-03-01', admissionId: first.id });
      const second = await created(t, `${base}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01' });
      const current = await created(t, `${base}/legal-statuses`, { section: '3', startDate: '2024-01-01', admissionId: second.id });
      return { base, old: old.id, current: current.id };
    }

    test('the ICB’s lead cannot change the local authority, nor the council’s lead the ICB (422 RESP-6); each confirms its own', async () => {
      const { base, current } = await detainedTwice();
      assertInvalid(await call(t, 'PUT', `${base}/episodes/${current}/responsibility`, body(ORGS.otherLa.code, ORGS.icb.code), 'icbApprover'), 'localAuthority.code', 'RESP-6');
      assertInvalid(await call(t, 'PUT', `${base}/episodes/${current}/responsibility`, body(ORGS.la.code, ORGS.otherIcb.code), 'laApprover'), 'icb.code', 'RESP-6');
      assert.equal((await call(t, 'PUT', `${base}/episodes/${current}/responsibility`, body(ORGS.la.code, ORGS.icb.code), 'icbApprover')).statusCode, 200);
      assert.equal((await call(t, 'PUT', `${base}/episodes/${current}/responsibility`, body(ORGS.la.code, ORGS.icb.code), 'laApprover')).statusCode, 200);
    });

    test('an ended episode’s responsibility changes only by a recorded correction with its reason', async () => {
      const { base, old } = await detainedTwice();
      const before = ((await call(t, 'GET', `${base}/aftercare`)).json() as Aftercare).episodes.find((e) => e.id === old)!;
      assert.notEqual(before.endedOn, null, 'the first episode has ended');
      assertInvalid(await call(t, 'PUT', `${base}/episodes/${old}/responsibility`, body(ORGS.la.code, ORGS.icb.code), 'laApprover'), 'correction.reason');
      const corrected = await call(t, 'PUT', `${base}/episodes/${old}/responsibility`, { ...body(ORGS.la.code, ORGS.icb.code), correction: { reason: 'The basis was recorded against the wrong tenancy' } }, 'laApprover');
      assert.equal(corrected.statusCode, 200, corrected.body);
      const audit = await t.database.db.selectFrom('audit_events').select(['action', 'details']).where('record_id', '=', old).orderBy('seq', 'desc').executeTakeFirstOrThrow();
      assert.equal(audit.action, 'responsibility.correct');
      // The page asks for the correction's reason on an ended episode only.
      const { sessionToken } = await t.services.accounts.signIn(USERS.laApprover.email, PASSWORD, null);
      const page = await t.app.inject({ method: 'GET', url: `/people/${base.split('/').at(-1)}/episodes/${old}/responsibility`, cookies: { s117_session: sessionToken } });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /name="correction-reason"/);
    });
  });
}
