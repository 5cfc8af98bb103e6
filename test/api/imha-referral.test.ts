// Issue 15, "Rules not yet applied": ADV-1 on referral. An IMHA referral for someone who is not a
// qualifying patient on the day of the referral (for example on s117 aftercare only, with no CTO or
// conditional discharge) is refused naming ADV-1, and the refusal offers Care Act or general advocacy
// (ADV-4), which are accepted.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { assertInvalid, call, created, createPerson, nextNhsNumber, today } from './helpers.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`ADV-1 on an IMHA referral, on ${engine}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine);
    });
    after(async () => t?.close());

    async function personWith(status: { section: string; startDate: string; endDate?: string }, stay: { admittedOn: string; dischargedOn?: string }) {
      const id = (await createPerson(t, { nhsNumber: nextNhsNumber() })).id;
      const admission = await created(t, `/api/v1/people/${id}/admissions`, { hospital: 'Northbridge Hospital', ...stay });
      await created(t, `/api/v1/people/${id}/legal-statuses`, { ...status, admissionId: admission.id });
      return id;
    }

    test('on s117 aftercare only: an IMHA referral is refused naming ADV-1 and offering other advocacy; Care Act and general advocacy are accepted', async () => {
      const id = await personWith({ section: '3', startDate: '2024-01-01', endDate: '2024-03-01' }, { admittedOn: '2024-01-01', dischargedOn: '2024-03-01' });
      const refused = assertInvalid(await call(t, 'POST', `/api/v1/people/${id}/advocacy-referrals`, { kind: 'imha', referredOn: today() }), 'kind', 'ADV-1');
      assert.match(refused.errors!.find((e) => e.rule === 'ADV-1')!.message, /Care Act advocacy or general advocacy/);
      await created(t, `/api/v1/people/${id}/advocacy-referrals`, { kind: 'care-act', referredOn: today() });
      await created(t, `/api/v1/people/${id}/advocacy-referrals`, { kind: 'general', referredOn: today() });
    });

    test('while detained under section 3 an IMHA referral is accepted', async () => {
      const id = await personWith({ section: '3', startDate: '2024-01-01' }, { admittedOn: '2024-01-01' });
      await created(t, `/api/v1/people/${id}/advocacy-referrals`, { kind: 'imha', referredOn: today() });
    });
  });
}
