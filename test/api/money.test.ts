// The money API: charges, refunds and the letter (CHG-2), top-ups (CHG-3), disputes (RESP-6),
// payments, recharges and spend (RESP-1, RESP-7); with 400/401/403/404/409/422 and scoping.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { pdfText } from '../support/pdf.ts';
import { assertInvalid, assertProblem, call, created, createPerson, nextNhsNumber } from './helpers.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`money API on ${engine}`, { skip }, () => {
    let t: TestApp;
    let personId: string;
    let serviceId: string;
    before(async () => {
      t = await createTestApp(engine);
      personId = (await createPerson(t, { nhsNumber: nextNhsNumber() })).id;
      // Lived in Southvale before: Southvale has a claim to be named in an ordinary-residence dispute (RESP-6).
      assert.equal((await call(t, 'PATCH', `/api/v1/people/${personId}`, { residence: { localAuthority: 'E09000098', since: '2005-01-01' } })).statusCode, 200);
      const admissionId = (await created(t, `/api/v1/people/${personId}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01', dischargedOn: '2024-03-31' })).id;
      await created(t, `/api/v1/people/${personId}/legal-statuses`, { section: '3', startDate: '2024-01-01', endDate: '2024-03-31', admissionId });
      serviceId = (
        await created(
          t,
          `/api/v1/people/${personId}/services`,
          { description: 'Care home', category: 'accommodation', s117: true, provider: 'Meadow View', funding: { localAuthorityPercent: 50, icbPercent: 50 }, weeklyCostPence: 70000, startDate: '2024-04-01', accommodation: { type: 'care-home', enhancedFeatures: ['24-hour-staff'] } },
          'laPractitioner',
        )
      ).id;
    });
    after(async () => {
      await t?.close();
    });
    const url = (rest: string) => `/api/v1/people/${personId}${rest}`;

    test('charges and refunds: record, calculate (201), approve with If-Match, letter PDF', async () => {
      const charge = await created(t, url('/charges'), { periodFrom: '2024-04-01', periodTo: '2024-04-30', amountPence: 30000, paidOn: '2024-05-02', description: 'Care home contribution', serviceId }, 'finance');
      assert.equal(charge.insideEntitlement, 'whole');
      const outside = await created(t, url('/charges'), { periodFrom: '2023-04-01', periodTo: '2023-04-30', amountPence: 100, paidOn: '2023-05-02', description: 'Before' }, 'finance');
      assertInvalid(await call(t, 'POST', url('/refunds'), { chargeIds: [outside.id] }, 'finance'), 'chargeIds.0', 'CHG-2');
      const refund = await created(t, url('/refunds'), { chargeIds: [charge.id], calculatedOn: '2025-05-02' }, 'finance');
      assert.equal(refund.totalPrincipalPence, 30000);
      assert.equal(refund.totalInterestPence, 2400);
      assert.equal(refund.totalPence, 32400);
      const list = await call(t, 'GET', url('/refunds'), undefined, 'icbApprover');
      assert.equal(list.statusCode, 200);
      assert.equal(list.json().items.length, 1);
      assertProblem(await call(t, 'POST', url(`/refunds/${refund.id}/approval`), {}, 'laApprover', { 'if-match': '7' }), 409);
      const approved = await call(t, 'POST', url(`/refunds/${refund.id}/approval`), {}, 'laApprover', { 'if-match': String(refund.version) });
      assert.equal(approved.statusCode, 200, approved.body);
      assert.equal(approved.json().status, 'approved');
      const letter = await call(t, 'GET', url(`/refunds/${refund.id}/letter`), undefined, 'finance');
      assert.equal(letter.statusCode, 200);
      assert.equal(letter.headers['content-type'], 'application/pdf');
      const text = await pdfText(letter.rawPayload);
      assert.match(text, /£324\.00/);
      assertProblem(await call(t, 'GET', url(`/refunds/00000000-0000-4000-8000-000000000000/letter`), undefined, 'finance'), 404);
    });

    test('charges: 400 wrong type, 401, 403 for a practitioner and a provider, 404 for another organisation, 422 invalid', async () => {
      assertProblem(await call(t, 'POST', url('/charges'), { periodFrom: '2024-04-01', periodTo: '2024-04-30', amountPence: 'ten', paidOn: '2024-05-02', description: 'x' }, 'finance'), 400);
      assertProblem(await t.app.inject({ method: 'GET', url: url('/charges') }), 401);
      assertProblem(await call(t, 'GET', url('/charges'), undefined, 'practitioner'), 403);
      assertProblem(await call(t, 'POST', url('/charges'), { periodFrom: '2024-04-01', periodTo: '2024-04-30', amountPence: 1, paidOn: '2024-05-02', description: 'x' }, 'laPractitioner'), 403);
      assertProblem(await call(t, 'GET', url('/charges'), undefined, 'otherLaApprover'), 404);
      assertInvalid(await call(t, 'POST', url('/charges'), { periodFrom: '2024-04-30', periodTo: '2024-04-01', amountPence: 1, paidOn: '2024-05-02', description: 'x' }, 'finance'), 'periodTo');
      assertInvalid(await call(t, 'POST', url('/charges'), { periodFrom: '2024-04-01', periodTo: '2024-04-30', amountPence: 0.5, paidOn: '2024-05-02', description: 'x' }, 'finance'), 'amountPence');
    });

    test('top-ups: POST, PATCH with If-Match; signing needs every term (CHG-3); 409 stale', async () => {
      const topUp = await created(t, url('/top-ups'), { serviceId, preferredAccommodation: 'Riverside House' }, 'laPractitioner');
      assert.equal(topUp.status, 'draft');
      assertInvalid(await call(t, 'PATCH', url('/top-ups'), { id: topUp.id, signedOn: '2024-05-01' }, 'laPractitioner', { 'if-match': String(topUp.version) }), 'terms.additionalCostPencePerWeek', 'CHG-3');
      assertInvalid(await call(t, 'PATCH', url(`/top-ups/${topUp.id}`), { refusedOn: '2024-05-01' }, 'laPractitioner'), 'refusalReasons', 'CHG-3');
      const refused = await call(t, 'PATCH', url('/top-ups'), { id: topUp.id, refusedOn: '2024-05-01', refusalReasons: 'Not suitable for the person’s needs' }, 'laPractitioner', { 'if-match': String(topUp.version) });
      assert.equal(refused.statusCode, 200, refused.body);
      assert.equal(refused.json().status, 'refused');
      assertProblem(await call(t, 'PATCH', url('/top-ups'), { id: topUp.id, preferredAccommodation: 'x' }, 'laPractitioner', { 'if-match': String(topUp.version) }), 409);
      assertProblem(await call(t, 'POST', url('/top-ups'), { serviceId, preferredAccommodation: 'x' }, 'auditor'), 403);
      const list = await call(t, 'GET', url('/top-ups'), undefined, 'practitioner');
      assert.equal(list.json().items[0].terms.additionalCostPencePerWeek, null);
    });

    test('disputes: POST needs an interim funder (RESP-6); the organisation’s list has overdue flags; PATCH resolves', async () => {
      const body = { partyA: { kind: 'local-authority', code: 'E09000099' }, partyB: { kind: 'local-authority', code: 'E09000098' }, subject: 'ordinary-residence', raisedOn: '2024-01-10' };
      assertInvalid(await call(t, 'POST', url('/disputes'), { ...body, interimFunderCode: 'QZZ' }, 'laApprover'), 'interimFunderCode', 'RESP-6');
      const d = await created(t, url('/disputes'), { ...body, interimFunderCode: 'E09000099' }, 'laApprover');
      assert.equal(d.referralOverdue, true);
      const list = await call(t, 'GET', '/api/v1/disputes', undefined, 'finance');
      assert.equal(list.statusCode, 200);
      assert.equal(list.json().overdue, 1);
      assert.equal((await call(t, 'GET', '/api/v1/disputes', undefined, 'otherIcbApprover')).json().items.length, 0);
      const resolved = await call(t, 'PATCH', url('/disputes'), { id: d.id, resolvedOn: '2024-03-01', resolution: 'Agreed', personToldOn: '2024-01-11' }, 'laApprover', { 'if-match': String(d.version) });
      assert.equal(resolved.statusCode, 200, resolved.body);
      assert.equal(resolved.json().status, 'resolved');
      assertProblem(await call(t, 'POST', url('/disputes'), { ...body, interimFunderCode: 'E09000099' }, 'practitioner'), 403);
    });

    test('payments, recharges and spend: JSON and CSV with injection guarding', async () => {
      const pay = await created(t, url(`/services/${serviceId}/payments`), { body: 'local-authority', periodFrom: '2024-04-01', periodTo: '2024-04-28', amountPence: 280000, paidOn: '2024-05-01' }, 'finance');
      assert.equal(pay.organisationCode, 'E09000099');
      assertProblem(await call(t, 'POST', url(`/services/00000000-0000-4000-8000-000000000000/payments`), { body: 'icb', periodFrom: '2024-04-01', periodTo: '2024-04-28', amountPence: 1, paidOn: '2024-05-01' }, 'finance'), 404);
      const s = await call(t, 'GET', '/api/v1/finance/recharges?from=2024-04-01&to=2024-04-28', undefined, 'finance');
      assert.equal(s.statusCode, 200, s.body);
      const line = s.json().lines.find((l: { serviceId: string }) => l.serviceId === serviceId);
      assert.equal(line.costPence, 280000);
      assert.equal(line.icbOwesLocalAuthority, 140000);
      const c = await call(t, 'GET', '/api/v1/finance/recharges.csv?from=2024-04-01&to=2024-04-28', undefined, 'finance');
      assert.equal(c.statusCode, 200);
      assert.match(String(c.headers['content-type']), /text\/csv/);
      assert.match(c.body, /^person_id,/);
      const sp = await call(t, 'GET', '/api/v1/finance/spend?from=2024-04-01&to=2024-04-28', undefined, 'auditor');
      assert.equal(sp.statusCode, 200);
      assert.ok(sp.json().items.length >= 2);
      // A provider name that a spreadsheet would run as a formula is quoted.
      await created(t, url('/services'), { description: 'Day centre', category: 'social-care', s117: true, provider: '=HYPERLINK("x")', funding: { localAuthorityPercent: 100, icbPercent: 0 }, weeklyCostPence: 700, startDate: '2024-04-01' }, 'laPractitioner');
      const spCsv = await call(t, 'GET', '/api/v1/finance/spend.csv?from=2024-04-01&to=2024-04-28', undefined, 'finance');
      assert.match(spCsv.body, /"'=HYPERLINK\(""x""\)"/);
      assertInvalid(await call(t, 'GET', '/api/v1/finance/recharges?from=2024-04-28&to=2024-04-01', undefined, 'finance'), 'to');
      assertInvalid(await call(t, 'GET', '/api/v1/finance/recharges?from=nope&to=2024-04-01', undefined, 'finance'), 'from');
      assertProblem(await call(t, 'GET', '/api/v1/finance/recharges?from=2024-04-01&to=2024-04-28', undefined, 'laPractitioner'), 403);
      assertProblem(await t.app.inject({ method: 'GET', url: '/api/v1/finance/spend.csv?from=2024-04-01&to=2024-04-28' }), 401);
    });

    test('the OpenAPI document lists the money routes', async () => {
      const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
      for (const path of ['/api/v1/people/{id}/charges', '/api/v1/people/{id}/refunds', '/api/v1/people/{id}/refunds/{refundId}/letter', '/api/v1/people/{id}/refunds/{refundId}/approval', '/api/v1/people/{id}/top-ups', '/api/v1/disputes', '/api/v1/people/{id}/disputes', '/api/v1/people/{id}/services/{serviceId}/payments', '/api/v1/finance/recharges', '/api/v1/finance/recharges.csv', '/api/v1/finance/spend', '/api/v1/finance/spend.csv']) {
        assert.ok(doc.paths[path], `missing ${path}`);
      }
      assert.ok(doc.paths['/api/v1/people/{id}/top-ups']?.patch);
      assert.ok(doc.paths['/api/v1/people/{id}/disputes']?.patch);
    });

    test('charges import: all or nothing', async () => {
      const res = await call(t, 'POST', '/api/v1/finance/charges/import', { csv: `personId,periodFrom,periodTo,amountPence,paidOn,description\n${personId},2024-05-01,2024-05-31,1000,2024-06-01,May\n` }, 'finance');
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().imported, 1);
      assertProblem(await call(t, 'POST', '/api/v1/finance/charges/import', { csv: 'x\n' }, 'laApprover'), 403);
    });
  });
}
