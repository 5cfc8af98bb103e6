// RESP-7 (issue 15, probe 8): a split different from the joint policy's is recorded with a reason by
// any practitioner but applies only once the body whose share rises approves it; until then the
// policy's split applies, and the recharge statement follows the split in effect. API and page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp, type UserKey } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { assertInvalid, assertProblem, call, created, createPerson, nextNhsNumber, signedInBrowser } from './helpers.ts';

const service = (funding: Record<string, number> | undefined, reason?: string) => ({
  description: 'Care home',
  category: 'accommodation',
  s117: true,
  provider: 'Meadow View',
  ...(funding && { funding }),
  ...(reason && { fundingOverrideReason: reason }),
  weeklyCostPence: 70000,
  startDate: '2024-04-01',
  accommodation: { type: 'care-home', enhancedFeatures: ['24-hour-staff'] },
});

interface SplitView { funding: { localAuthorityPercent: number; icbPercent: number }; version: number; splitApproval: { proposed: unknown; effective: unknown; awaiting: string | null; awaitingOrganisation: string | null; approved: { body: string; by: string; at: string } | null } }

for (const { engine, skip } of await testEngines()) {
  describe(`RESP-7 split approval on ${engine}`, { skip }, () => {
    let t: TestApp;
    let personId: string;
    before(async () => {
      t = await createTestApp(engine);
      await created(t, '/api/v1/funding-policies', { partnershipName: 'Northbridge', localAuthority: 'E09000099', icb: 'QZZ', effectiveFrom: '2020-01-01', splits: { accommodation: { localAuthorityPercent: 50, icbPercent: 50 } } }, 'laApprover');
      personId = (await createPerson(t, { nhsNumber: nextNhsNumber() })).id;
      const admissionId = (await created(t, `/api/v1/people/${personId}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01', dischargedOn: '2024-03-31' })).id;
      await created(t, `/api/v1/people/${personId}/legal-statuses`, { section: '3', startDate: '2024-01-01', endDate: '2024-03-31', admissionId });
    });
    after(async () => {
      await t?.close();
    });
    const url = (rest = '') => `/api/v1/people/${personId}/services${rest}`;
    const approve = (id: string, as: UserKey) => call(t, 'POST', url(`/${id}/split-approval`), undefined, as);
    const rechargeLine = async (serviceId: string) => {
      const s = await call(t, 'GET', '/api/v1/finance/recharges?from=2024-04-01&to=2024-04-28', undefined, 'finance');
      assert.equal(s.statusCode, 200, s.body);
      return s.json().lines.find((l: { serviceId: string }) => l.serviceId === serviceId) as { costPence: number; icbOwesLocalAuthority: number };
    };

    test('RESP-7: a practitioner’s 30/70 split against a 50/50 policy leaves 50/50 in effect until the ICB’s approver approves it; the recharge follows', async () => {
      const s = (await created(t, url(), service({ localAuthorityPercent: 30, icbPercent: 70 }, 'Nursing needs agreed at the panel'), 'laPractitioner')) as unknown as SplitView & { id: string };
      assert.deepEqual(s.funding, { localAuthorityPercent: 50, icbPercent: 50 });
      assert.deepEqual(s.splitApproval.proposed, { localAuthorityPercent: 30, icbPercent: 70 });
      assert.deepEqual(s.splitApproval.effective, { localAuthorityPercent: 50, icbPercent: 50 });
      assert.equal(s.splitApproval.awaiting, 'icb');
      assert.equal(s.splitApproval.awaitingOrganisation, 'QZZ');
      await created(t, url(`/${s.id}/payments`), { body: 'local-authority', periodFrom: '2024-04-01', periodTo: '2024-04-28', amountPence: 280000, paidOn: '2024-05-01' }, 'finance');
      assert.equal((await rechargeLine(s.id)).icbOwesLocalAuthority, 140000);

      // The council's approver cannot approve the ICB's rise, nor a practitioner, nor finance; another ICB cannot see the person.
      assertProblem(await approve(s.id, 'laApprover'), 403);
      assertProblem(await approve(s.id, 'laPractitioner'), 403);
      assertProblem(await approve(s.id, 'finance'), 403);
      assertProblem(await approve(s.id, 'otherIcbApprover'), 404);
      assertProblem(await approve('00000000-0000-4000-8000-000000000000', 'icbApprover'), 404);
      assert.deepEqual(((await call(t, 'GET', url(`/${s.id}`), undefined, 'finance')).json() as SplitView).funding, { localAuthorityPercent: 50, icbPercent: 50 });

      // A stale version is refused; the ICB's approver approves, and 30/70 applies.
      assertProblem(await call(t, 'POST', url(`/${s.id}/split-approval`), undefined, 'icbApprover', { 'if-match': String(s.version + 5) }), 409);
      const res = await approve(s.id, 'icbApprover');
      assert.equal(res.statusCode, 200, res.body);
      const approved = res.json() as SplitView;
      assert.deepEqual(approved.funding, { localAuthorityPercent: 30, icbPercent: 70 });
      assert.equal(approved.splitApproval.awaiting, null);
      assert.equal(approved.splitApproval.approved?.body, 'icb');
      assert.equal((await rechargeLine(s.id)).icbOwesLocalAuthority, 196000);
      // Approved once: nothing left to approve.
      assertInvalid(await approve(s.id, 'icbApprover'), 'serviceId', 'RESP-7');

      // The approval is audited, with ids and numbers only.
      const audit = await t.database.db.selectFrom('audit_events').selectAll().where('action', '=', 'service.split-approve').execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.record_id, s.id);

      // A change that keeps the decision keeps the approval; a new split needs a new approval.
      const kept = await call(t, 'PATCH', url(`/${s.id}`), { description: 'Care home (nursing)', funding: { localAuthorityPercent: 30, icbPercent: 70 } }, 'laPractitioner');
      assert.equal(kept.statusCode, 200, kept.body);
      assert.deepEqual((kept.json() as SplitView).funding, { localAuthorityPercent: 30, icbPercent: 70 });
      const changed = await call(t, 'PATCH', url(`/${s.id}`), { funding: { localAuthorityPercent: 20, icbPercent: 80 } }, 'laPractitioner');
      assert.equal(changed.statusCode, 200, changed.body);
      assert.deepEqual((changed.json() as SplitView).funding, { localAuthorityPercent: 50, icbPercent: 50 });
      assert.equal((changed.json() as SplitView).splitApproval.awaiting, 'icb');
    });

    test('RESP-7: a split raising the council’s share awaits the council’s approver; the policy’s own split awaits nobody', async () => {
      const s = (await created(t, url(), service({ localAuthorityPercent: 80, icbPercent: 20 }, 'Mostly social care'), 'practitioner')) as unknown as SplitView & { id: string };
      assert.equal(s.splitApproval.awaiting, 'local-authority');
      assertProblem(await approve(s.id, 'icbApprover'), 403);
      assert.deepEqual(((await approve(s.id, 'laApprover')).json() as SplitView).funding, { localAuthorityPercent: 80, icbPercent: 20 });
      const plain = (await created(t, url(), service(undefined), 'laPractitioner')) as unknown as SplitView & { id: string };
      assert.equal(plain.splitApproval.awaiting, null);
      assert.deepEqual(plain.funding, { localAuthorityPercent: 50, icbPercent: 50 });
      assertInvalid(await approve(plain.id, 'laApprover'), 'serviceId', 'RESP-7');
    });

    test('RESP-7 page: the awaited approval is shown, with an "Approve the split" form (CSRF) for that body’s approver only', async () => {
      const s = (await created(t, url(), service({ localAuthorityPercent: 30, icbPercent: 70 }, 'Panel decision'), 'laPractitioner')) as unknown as SplitView & { id: string };
      const pagePath = `/people/${personId}/services`;
      const council = await signedInBrowser(t.app, 'laApprover');
      const councilPage = await council.get(pagePath);
      assert.equal(councilPage.statusCode, 200);
      assert.match(councilPage.body, /Split awaiting approval[\s\S]{0,400}s117-legal-basis[\s\S]{0,400}RESP-7/);
      assert.match(councilPage.body, /once the ICB approves it/);
      assert.ok(!councilPage.body.includes(`/services/${s.id}/split-approval`), 'no approve form for the council');

      const icb = await signedInBrowser(t.app, 'icbApprover');
      const icbPage = await icb.get(pagePath);
      assert.match(icbPage.body, new RegExp(`action="/people/${personId}/services/${s.id}/split-approval"`));
      assert.match(icbPage.body, /Approve the split/);
      const post = (csrfFrom: string | null) => icb.post(`${pagePath}/${s.id}/split-approval`, csrfFrom, { version: String(s.version) }, { urlencoded: true });
      assert.equal((await post(null)).statusCode, 403, 'refused without the CSRF token');
      const res = await post(icbPage.body);
      assert.equal(res.statusCode, 303, res.body);
      assert.deepEqual(((await call(t, 'GET', url(`/${s.id}`), undefined, 'finance')).json() as SplitView).funding, { localAuthorityPercent: 30, icbPercent: 70 });
    });

    test('the OpenAPI document lists the split approval route', async () => {
      const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
      assert.ok(doc.paths['/api/v1/people/{id}/services/{serviceId}/split-approval']?.post);
    });
  });
}
