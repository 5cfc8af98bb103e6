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
      const b = await created(t, budgets, { kind: 'personal-health-budget', serviceIds: [s.id], startDate: '2024-03-01', amountPencePerWeek: 100, offeredOn: '2024-02-01', consents: true }, 'laPractitioner');
      assert.equal(b.reviewDueOn, '2024-06-01');
      const r = await created(t, `${budgets}/${b.id}/reviews`, { heldOn: '2024-05-20' }, 'laPractitioner');
      assert.equal(r.reviewDueOn, '2025-05-20');
      assertProblem(await call(t, 'POST', `${budgets}/${crypto.randomUUID()}/reviews`, { heldOn: '2024-05-20' }, 'laPractitioner'), 404);
      const list = await call(t, 'GET', budgets, undefined, 'laApprover');
      assert.equal(list.statusCode, 200);
      assert.equal((list.json() as { items: unknown[] }).items.length, 1);
    });

    test('budgets: DP-1/DP-2 refusals (422), PATCH with If-Match (200, 409), end, reductions and review triggers', async () => {
      const budgets = `/api/v1/people/${personId}/budgets`;
      const pa = await created(t, url(), body({ description: 'PA hours', category: 'social-care', accommodation: null, funding: { localAuthorityPercent: 100, icbPercent: 0 }, fundingOverrideReason: 'Social care' }), 'laPractitioner');
      const home = await created(t, url(), body({ description: 'Respite care home', funding: { localAuthorityPercent: 100, icbPercent: 0 }, fundingOverrideReason: 'Respite' }), 'laPractitioner');
      const dp = { kind: 'direct-payment', serviceIds: [pa.id], startDate: '2025-01-01', amountPencePerWeek: 5000 };
      assertInvalid(await call(t, 'POST', budgets, { ...dp, drugOrAlcoholRequirement: true }, 'laPractitioner'), 'drugOrAlcoholRequirement', 'DP-1');
      assertInvalid(await call(t, 'POST', budgets, { ...dp, capacity: 'lacks', authorisedPerson: { name: 'Agency', relationship: 'professional' }, consultationRecordedOn: '2024-12-01' }, 'laPractitioner'), 'enhancedDbsCheckedOn', 'DP-1');
      assertInvalid(await call(t, 'POST', budgets, { ...dp, serviceIds: [home.id] }, 'laPractitioner'), 'endDate', 'DP-1');
      assertInvalid(await call(t, 'POST', budgets, { kind: 'personal-health-budget', serviceIds: [pa.id], startDate: '2025-01-01', amountPencePerWeek: 5000 }, 'laPractitioner'), 'consents', 'DP-2');
      assertProblem(await call(t, 'POST', budgets, { ...dp, capacity: 'maybe' }, 'laPractitioner'), 422);
      assertProblem(await call(t, 'POST', budgets, { ...dp, drugOrAlcoholRequirement: 'no' }, 'laPractitioner'), 400);
      const b = await created(t, budgets, dp, 'laPractitioner');
      const one = `${budgets}/${b.id}`;
      assert.equal((await call(t, 'GET', one, undefined, 'laApprover')).json().id, b.id);
      const patched = await call(t, 'PATCH', one, { amountPencePerWeek: 6000 }, 'laPractitioner', { 'if-match': String(b.version) });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.equal(patched.json().amountPencePerWeek, 6000);
      assertProblem(await call(t, 'PATCH', one, { amountPencePerWeek: 7000 }, 'laPractitioner', { 'if-match': String(b.version) }), 409);
      assertInvalid(await call(t, 'PATCH', one, { drugOrAlcoholRequirement: true }, 'laPractitioner'), 'drugOrAlcoholRequirement', 'DP-1');
      assertProblem(await call(t, 'PATCH', one, { kind: 'personal-health-budget' }, 'laPractitioner'), 422);
      assertProblem(await call(t, 'PATCH', one, { amountPencePerWeek: 1 }, 'auditor'), 403);
      assertProblem(await call(t, 'PATCH', one, { amountPencePerWeek: 1 }, 'otherLaPractitioner'), 404);
      assertProblem(await t.app.inject({ method: 'PATCH', url: one, payload: { amountPencePerWeek: 1 } }), 401);
      assertProblem(await call(t, 'PATCH', `${budgets}/not-a-uuid`, { amountPencePerWeek: 1 }, 'laPractitioner'), 404);

      const trig = await created(t, `${one}/review-triggers`, { kind: 'change-in-capacity', occurredOn: '2025-02-01' }, 'laPractitioner');
      assert.equal(trig.reviewDueOn, '2025-02-01');
      assertInvalid(await call(t, 'POST', `${one}/review-triggers`, { kind: 'weather', occurredOn: '2025-02-01' }, 'laPractitioner'), 'kind');
      assertInvalid(await call(t, 'POST', `${one}/reductions`, { newAmountPencePerWeek: 1000, noticeGivenOn: '2025-03-01', effectiveOn: '2025-03-01' }, 'laPractitioner'), 'effectiveOn');
      const reduced = await created(t, `${one}/reductions`, { newAmountPencePerWeek: 1000, noticeGivenOn: '2025-03-01', effectiveOn: '2025-04-01' }, 'laPractitioner');
      assert.equal(reduced.amountPencePerWeek, 1000);

      assertInvalid(await call(t, 'POST', `${one}/end`, { endDate: '2024-01-01', reason: 'x' }, 'laPractitioner'), 'endDate');
      assertInvalid(await call(t, 'POST', `${one}/end`, { endDate: '2025-06-01' }, 'laPractitioner'), 'reason');
      assertProblem(await call(t, 'POST', `${one}/end`, { endDate: '2025-06-01', reason: 'Moved to a managed service' }, 'laPractitioner', { 'if-match': '1' }), 409);
      const ended = await call(t, 'POST', `${one}/end`, { endDate: '2025-06-01', reason: 'Moved to a managed service' }, 'laPractitioner', { 'if-match': String(reduced.version) });
      assert.equal(ended.statusCode, 200, ended.body);
      assert.equal(ended.json().endReason, 'Moved to a managed service');

      // DP-2: paying a health budget needs the care plan; the refusal lists what is missing.
      const nursing = await created(t, url(), body({ description: 'Nursing', category: 'healthcare', careType: 'health', accommodation: null, funding: { localAuthorityPercent: 0, icbPercent: 100 }, fundingOverrideReason: 'Health' }), 'laPractitioner');
      const phb = await created(t, budgets, { kind: 'personal-health-budget', serviceIds: [nursing.id], startDate: '2025-01-01', amountPencePerWeek: 5000, consents: true }, 'laPractitioner');
      const refusal = assertInvalid(await call(t, 'PATCH', `${budgets}/${phb.id}`, { payingFrom: '2025-01-01', carePlan: { careCoordinator: 'Named Person' } }, 'laPractitioner'), 'carePlan', 'DP-2');
      assert.ok(refusal.errors?.some((e) => e.field === 'carePlan.firstReviewOn'));
    });

    test('lists take limit (1 to 500) and cursor; a bogus cursor or limit is a 422', async () => {
      const lists = ['services', 'budgets', 'planning-meetings', 'advocacy-referrals', 'tribunal-recommendations', 'complaints', 'charges', 'refunds'];
      for (const list of lists) {
        const base = `/api/v1/people/${personId}/${list}`;
        const ok = await call(t, 'GET', `${base}?limit=1`, undefined, 'admin');
        assert.equal(ok.statusCode, 200, `${list}: ${ok.body}`);
        const page = ok.json() as { items: unknown[]; nextCursor: string | null };
        assert.ok(page.items.length <= 1, list);
        for (const bad of ['limit=0', 'limit=501', 'cursor=bogus', `cursor=${Buffer.from('["x"]').toString('base64url')}`]) {
          assertInvalid(await call(t, 'GET', `${base}?${bad}`, undefined, 'admin'), bad.startsWith('limit') ? 'limit' : 'cursor');
        }
        assertProblem(await call(t, 'GET', base, undefined, 'otherLaPractitioner'), 404);
      }
      // Walking the services and budgets one at a time gives every row once, in the order of the whole list.
      for (const list of ['services', 'budgets']) {
        const base = `/api/v1/people/${personId}/${list}`;
        const whole = ((await call(t, 'GET', `${base}?limit=500`, undefined, 'admin')).json() as { items: { id: string }[] }).items.map((x) => x.id);
        assert.ok(whole.length >= 3, list);
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const res = await call(t, 'GET', `${base}?limit=2${cursor ? `&cursor=${cursor}` : ''}`, undefined, 'admin');
          const body = res.json() as { items: { id: string }[]; nextCursor: string | null };
          seen.push(...body.items.map((x) => x.id));
          cursor = body.nextCursor;
        } while (cursor);
        assert.deepEqual(seen, whole, list);
      }
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
      for (const path of ['/api/v1/people/{id}/services', '/api/v1/people/{id}/services/{serviceId}', '/api/v1/funding-policies', '/api/v1/people/{id}/budgets', '/api/v1/people/{id}/budgets/{budgetId}', '/api/v1/people/{id}/budgets/{budgetId}/end', '/api/v1/people/{id}/budgets/{budgetId}/reductions', '/api/v1/people/{id}/budgets/{budgetId}/review-triggers', '/api/v1/finance/no-charge.csv']) {
        assert.ok(doc.paths[path], path);
      }
    });
  });
}
