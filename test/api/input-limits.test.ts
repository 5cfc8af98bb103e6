// Issue 15, probe 1: numbers and text the database cannot hold, and cursors of the wrong shape, are
// refused by the one validation layer (400/422 naming the field), never a 500 from the database.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { encodeCursor } from '../../src/services/kernel/paging.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { assertInvalid, assertProblem, call, created, createPerson, nextNhsNumber, personBody } from './helpers.ts';

const LONE_SURROGATE = 'Ann\ud800e';

const service = (overrides: Record<string, unknown> = {}) => ({
  description: 'Personal assistant',
  category: 'social-care',
  s117: true,
  provider: 'Meadow View',
  funding: { localAuthorityPercent: 50, icbPercent: 50 },
  weeklyCostPence: 10_000,
  startDate: '2024-03-01',
  accommodation: null,
  ...overrides,
});

for (const { engine, skip } of await testEngines()) {
  describe(`input the database cannot hold, on ${engine}`, { skip }, () => {
    let t: TestApp;
    let personId: string;
    before(async () => {
      t = await createTestApp(engine);
      personId = (await createPerson(t, { nhsNumber: nextNhsNumber() })).id;
    });
    after(async () => t?.close());

    test('money beyond what the column holds is a 422 naming the field (POST and PATCH services, PATCH budgets)', async () => {
      const services = `/api/v1/people/${personId}/services`;
      assertInvalid(await call(t, 'POST', services, service({ weeklyCostPence: 1e19 }), 'laPractitioner'), 'weeklyCostPence');
      assertInvalid(await call(t, 'POST', services, service({ weeklyCostPence: -1e19 }), 'laPractitioner'), 'weeklyCostPence');
      const s = await created(t, services, service(), 'laPractitioner');
      assertInvalid(await call(t, 'PATCH', `${services}/${s.id}`, { weeklyCostPence: 1e19 }, 'laPractitioner', { 'if-match': String(s.version) }), 'weeklyCostPence');
      const budgets = `/api/v1/people/${personId}/budgets`;
      const b = await created(t, budgets, { kind: 'direct-payment', serviceIds: [s.id], startDate: '2025-01-01', amountPencePerWeek: 5000 }, 'laPractitioner');
      assertInvalid(await call(t, 'PATCH', `${budgets}/${b.id}`, { amountPencePerWeek: 1e20 }, 'laPractitioner', { 'if-match': String(b.version) }), 'amountPencePerWeek');
      assertInvalid(await call(t, 'POST', `${budgets}/${b.id}/reductions`, { newAmountPencePerWeek: 1e20, noticeGivenOn: '2025-02-01', effectiveOn: '2025-03-01' }, 'laPractitioner', { 'if-match': String(b.version) }), 'newAmountPencePerWeek');
    });

    test('an If-Match beyond a version the database holds is a 400 naming If-Match', async () => {
      const res = await call(t, 'PATCH', `/api/v1/people/${personId}`, { givenName: 'Ann' }, 'practitioner', { 'if-match': '99999999999999999999' });
      const body = assertProblem(res, 400);
      assert.equal(body.errors?.[0]?.field, 'If-Match');
    });

    test('text with an unpaired UTF-16 surrogate is a 422 naming the field, wherever it is sent', async () => {
      assertInvalid(await call(t, 'POST', '/api/v1/people', personBody({ givenName: LONE_SURROGATE, nhsNumber: nextNhsNumber() })), 'givenName');
      assertInvalid(await call(t, 'PATCH', `/api/v1/people/${personId}`, { familyName: LONE_SURROGATE }), 'familyName');
      assertInvalid(await call(t, 'POST', `/api/v1/people/${personId}/complaints`, { against: 'local-authority', route: 'formal', receivedOn: '2024-05-01', subject: LONE_SURROGATE }, 'laPractitioner'), 'subject');
      assertInvalid(await call(t, 'POST', `/api/v1/people/${personId}/services`, service({ provider: `\udc00${LONE_SURROGATE}` }), 'laPractitioner'), 'provider');
    });

    test('a cursor that decodes to the wrong shape is a 422 naming the cursor', async () => {
      const impossibleDate = encodeCursor(['2024-99-99', randomUUID()]);
      assertInvalid(await call(t, 'GET', `/api/v1/people/${personId}/budgets?cursor=${impossibleDate}`, undefined, 'laPractitioner'), 'cursor');
      assertInvalid(await call(t, 'GET', `/api/v1/reviews/overdue?cursor=${impossibleDate}`, undefined, 'laApprover'), 'cursor');
      assertInvalid(await call(t, 'GET', `/api/v1/people/${personId}/budgets?cursor=${encodeCursor(['not a date', randomUUID()])}`, undefined, 'laPractitioner'), 'cursor');
      assertInvalid(await call(t, 'GET', `/api/v1/people/${personId}/budgets?cursor=${encodeCursor([`2024-01-01${'\ud800'}`, randomUUID()])}`, undefined, 'laPractitioner'), 'cursor');
    });
  });
}
