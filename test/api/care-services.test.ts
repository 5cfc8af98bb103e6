// api-contract "Plans, services, reviews": POST/GET/PATCH services, confirm, end, funding policies,
// budgets and their reviews, and the finance no-charge CSV; with 400/401/403/404/409/422 and scoping.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { assertInvalid, assertProblem, call, created, createPerson, nextNhsNumber } from './helpers.ts';

const body = (overrides: Record<string, unknown> = {}) => ({
  description: 'Care home placement',
  category: 'accommodation',
  s117: true,
  provider: 'Meadow View Care Home',
  funding: { localAuthorityPercent: 50, icbPercent: 50 },
  weeklyCostPence: 123456,
  startDate: '2024-03-01',
  accommodation: { type: 'care-home', enhancedFeatures: ['24-hour-staff'] },
  ...overrides,
});

for (const { engine, skip } of await testEngines()) {
  describe(`services API on ${engine}`, { skip }, () => {
    let t: TestApp;
    let personId: string;
    before(async () => {
      t = await createTestApp(engine);
      personId = (await createPerson(t, { nhsNumber: nextNhsNumber() })).id;
    });
    after(async () => {
      await t?.close();
    });
    const url = () => `/api/v1/people/${personId}/services`;

    test('POST services: 201 with the contract fields; GET list and one', async () => {
      const s = await created(t, url(), body(), 'laPractitioner');
      assert.equal(s.s117, true);
      assert.equal(s.weeklyCostPence, 123456);
      assert.deepEqual(s.weeklyShares, { localAuthorityPence: 61728, icbPence: 61728 });
      const list = await call(t, 'GET', url(), undefined, 'finance');
      assert.equal(list.statusCode, 200);
      assert.equal((list.json() as { items: unknown[]; nextCursor: null }).items.length, 1);
      const one = await call(t, 'GET', `${url()}/${s.id}`, undefined, 'icbApprover');
      assert.equal(one.statusCode, 200);
      assert.equal(one.json().id, s.id);
    });

    test('422: CHG-1 for a contribution to an s117 service, SCOPE-4 for ordinary housing, percentages adding to 100', async () => {
      assertInvalid(await call(t, 'POST', url(), body({ personContributionPence: 100 }), 'laPractitioner'), 'personContributionPence', 'CHG-1');
      assertInvalid(await call(t, 'POST', url(), body({ accommodation: { type: 'ordinary', enhancedFeatures: [] } }), 'laPractitioner'), 'accommodation.type', 'SCOPE-4');
      assertInvalid(await call(t, 'POST', url(), body({ funding: { localAuthorityPercent: 60, icbPercent: 60 } }), 'laPractitioner'), 'funding');
      assertInvalid(await call(t, 'POST', url(), body({ category: 'healthcare', accommodation: null }), 'laPractitioner'), 'funding.localAuthorityPercent', 'SCOPE-3');
      assertInvalid(await call(t, 'POST', url(), body({ budget: 'direct-payment', funding: { localAuthorityPercent: 0, icbPercent: 100 } }), 'laPractitioner'), 'budget', 'DP-3');
      assertInvalid(await call(t, 'POST', url(), body({ weeklyCostPence: -5 }), 'laPractitioner'), 'weeklyCostPence');
      assertInvalid(await call(t, 'POST', url(), body({ category: 'gardening' }), 'laPractitioner'), 'category');
      assertInvalid(await call(t, 'POST', url(), body({ endDate: '2024-01-01' }), 'laPractitioner'), 'endDate');
    });

    test('400 for a wrong type; 401 without a token; 403 for an auditor; 404 for another organisation', async () => {
      assertProblem(await call(t, 'POST', url(), body({ s117: 'yes' }), 'laPractitioner'), 400);
      assertProblem(await t.app.inject({ method: 'GET', url: url() }), 401);
      assertProblem(await call(t, 'POST', url(), body(), 'auditor'), 403);
      assertProblem(await call(t, 'GET', url(), undefined, 'otherLaPractitioner'), 404);
      assertProblem(await call(t, 'GET', `${url()}/not-a-uuid`, undefined, 'laPractitioner'), 404);
    });

    test('PATCH with If-Match; 409 when stale; confirm and end', async () => {
      const s = await created(t, url(), body({ description: 'Day centre', category: 'social-care', accommodation: null }), 'laPractitioner');
      const ok = await call(t, 'PATCH', `${url()}/${s.id}`, { weeklyCostPence: 999 }, 'laPractitioner', { 'if-match': String(s.version) });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().version, s.version + 1);
      assertProblem(await call(t, 'PATCH', `${url()}/${s.id}`, { weeklyCostPence: 1 }, 'laPractitioner', { 'if-match': String(s.version) }), 409);
      assertInvalid(await call(t, 'PATCH', `${url()}/${s.id}`, { personContributionPence: 5 }, 'laPractitioner'), 'personContributionPence', 'CHG-1');
      const confirmed = await call(t, 'POST', `${url()}/${s.id}/confirm`, {}, 'laPractitioner');
      assert.equal(confirmed.statusCode, 200, confirmed.body);
      assert.equal(confirmed.json().status, 'confirmed');
      const ended = await call(t, 'POST', `${url()}/${s.id}/end`, { endDate: '2024-09-30' }, 'laPractitioner');
      assert.equal(ended.statusCode, 200, ended.body);
      assert.equal(ended.json().endDate, '2024-09-30');
    });

    test('money is hidden from the trust practitioner, who may still record', async () => {
      const res = await call(t, 'GET', url(), undefined, 'practitioner');
      assert.equal(res.statusCode, 200);
      const items = (res.json() as { items: { weeklyCostPence: number | null }[] }).items;
      assert.ok(items.length > 0 && items.every((i) => i.weeklyCostPence === null));
      const s = await created(t, url(), body({ description: 'CPN visits', category: 'healthcare', accommodation: null, funding: { localAuthorityPercent: 0, icbPercent: 100 } }), 'practitioner');
      assert.equal(s.weeklyCostPence, null);
    });

    test('funding policies: GET and POST (201, 403, 422)', async () => {
      const policy = { partnershipName: 'Northbridge', localAuthority: 'E09000099', icb: 'QZZ', effectiveFrom: '2020-01-01', splits: { employment: { localAuthorityPercent: 100, icbPercent: 0 } } };
      assertProblem(await call(t, 'POST', '/api/v1/funding-policies', policy, 'finance'), 403);
      assertProblem(await call(t, 'POST', '/api/v1/funding-policies', policy, 'otherIcbApprover'), 403);
      assertInvalid(await call(t, 'POST', '/api/v1/funding-policies', { ...policy, splits: { employment: { localAuthorityPercent: 10, icbPercent: 0 } } }, 'laApprover'), 'splits.employment', 'RESP-1');
      const made = await created(t, '/api/v1/funding-policies', policy, 'laApprover');
      assert.equal(made.version, 1);
      const list = await call(t, 'GET', '/api/v1/funding-policies', undefined, 'practitioner');
      assert.equal(list.statusCode, 200);
      assert.equal((list.json() as { items: unknown[] }).items.length, 1);
      // The policy default applies when funding is left out; a different split needs a reason (RESP-7).
      const s = await created(t, url(), body({ description: 'Job coach', category: 'employment', accommodation: null, funding: undefined }), 'laPractitioner');
      assert.deepEqual(s.funding, { localAuthorityPercent: 100, icbPercent: 0 });
      assertInvalid(await call(t, 'POST', url(), body({ description: 'Job coach', category: 'employment', accommodation: null }), 'laPractitioner'), 'fundingOverrideReason', 'RESP-7');
    });

    test('budgets: POST (201, 422 DP-1/DP-3), GET, and reviews', async () => {
      const s = await created(t, url(), body({ description: 'Personal assistant', category: 'social-care', accommodation: null }), 'laPractitioner');
      const budgets = `/api/v1/people/${personId}/budgets`;
      assertInvalid(await call(t, 'POST', budgets, { kind: 'direct-payment', serviceIds: [s.id], startDate: '2024-03-01', amountPencePerWeek: 100, payeeRelationship: 'spouse-or-partner' }, 'laPractitioner'), 'necessityReason', 'DP-1');
      assertInvalid(await call(t, 'POST', budgets, { kind: 'direct-payment', serviceIds: [], startDate: '2024-03-01', amountPencePerWeek: 100 }, 'laPractitioner'), 'serviceIds', 'DP-3');
      const b = await created(t, budgets, { kind: 'personal-health-budget', serviceIds: [s.id], startDate: '2024-03-01', amountPencePerWeek: 100, offeredOn: '2024-02-01' }, 'laPractitioner');
      assert.equal(b.reviewDueOn, '2024-06-01');
      const r = await created(t, `${budgets}/${b.id}/reviews`, { heldOn: '2024-05-20' }, 'laPractitioner');
      assert.equal(r.reviewDueOn, '2025-05-20');
      assertProblem(await call(t, 'POST', `${budgets}/${crypto.randomUUID()}/reviews`, { heldOn: '2024-05-20' }, 'laPractitioner'), 404);
      const list = await call(t, 'GET', budgets, undefined, 'laApprover');
      assert.equal(list.statusCode, 200);
      assert.equal((list.json() as { items: unknown[] }).items.length, 1);
    });

    test('GET /finance/no-charge.csv: a CSV for finance, admin and auditor only', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/finance/no-charge.csv', headers: t.as('finance') });
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), /^text\/csv/);
      const lines = res.body.trimEnd().split('\r\n');
      assert.match(lines[0]!, /^person_id,nhs_number,local_id,service_id,description,category,service_start_date,service_end_date,entitlement_from,entitlement_to,instruction$/);
      assert.ok(lines.length > 1);
      assertProblem(await call(t, 'GET', '/api/v1/finance/no-charge.csv', undefined, 'practitioner'), 403);
      assertProblem(await t.app.inject({ method: 'GET', url: '/api/v1/finance/no-charge.csv' }), 401);
      assert.equal((await call(t, 'GET', '/api/v1/finance/no-charge.csv', undefined, 'auditor')).statusCode, 200);
    });

    test('the OpenAPI document describes the new paths', async () => {
      const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, unknown> };
      for (const path of ['/api/v1/people/{id}/services', '/api/v1/people/{id}/services/{serviceId}', '/api/v1/funding-policies', '/api/v1/people/{id}/budgets', '/api/v1/finance/no-charge.csv']) {
        assert.ok(doc.paths[path], path);
      }
    });
  });
}
