// Issue 15, Money 3: the pages without JavaScript that record money paid — an approved refund marked
// paid (CHG-2) from the Money page, a body's payment for a service (RESP-1) from the services page —
// and the written top-up agreement as a PDF (CHG-3). CSRF, the NHS error summary, refusal for a role
// that may not, and the audit of each.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { pdfInfo, pdfText } from '../support/pdf.ts';
import { call, created, createPerson, nextNhsNumber, signedInBrowser } from './helpers.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`money payment pages on ${engine}`, { skip }, () => {
    let t: TestApp;
    let personId: string;
    let serviceId: string;
    before(async () => {
      t = await createTestApp(engine);
      personId = (await createPerson(t, { nhsNumber: nextNhsNumber(), givenName: 'Zoë', familyName: 'Łukasiewicz-Nguyễn', dateOfBirth: '1980-02-03' })).id;
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
    const api = (rest: string) => `/api/v1/people/${personId}${rest}`;

    async function approvedRefund(): Promise<string> {
      const charge = await created(t, api('/charges'), { periodFrom: '2024-04-01', periodTo: '2024-04-30', amountPence: 30000, paidOn: '2024-05-02', description: 'Care home contribution', serviceId }, 'finance');
      const refund = await created(t, api('/refunds'), { chargeIds: [charge.id], calculatedOn: '2025-05-02' }, 'finance');
      return refund.id as string;
    }

    test('refund paid (CHG-2): finance marks an approved refund paid from the Money page; errors in the summary; CSRF; audited', async () => {
      const refundId = await approvedRefund();
      const formUrl = `/people/${personId}/money/refunds/${refundId}/paid`;
      const finance = await signedInBrowser(t.app, 'finance');
      // Not approved yet: no link, and the form refuses (CHG-2).
      assert.ok(!(await finance.get(`/people/${personId}/money`)).body.includes(`href="${formUrl}"`));
      let form = await finance.get(formUrl);
      assert.equal(form.statusCode, 200, form.body);
      const early = await finance.post(formUrl, form.body, { version: '1', 'paidOn-day': '3', 'paidOn-month': '6', 'paidOn-year': '2025' });
      assert.equal(early.statusCode, 422, early.body);
      assert.match(early.body, /nhsuk-error-summary/);
      assert.match(early.body, /A refund is approved before it is paid[\s\S]{0,600}s117-legal-basis[\s\S]{0,400}CHG-2/);

      const approved = await call(t, 'POST', api(`/refunds/${refundId}/approval`), {}, 'laApprover', { 'if-match': '1' });
      assert.equal(approved.statusCode, 200, approved.body);
      const money = await finance.get(`/people/${personId}/money`);
      assert.ok(money.body.includes(`href="${formUrl}"`), 'the Money page links to the form for an approved refund');
      form = await finance.get(formUrl);
      assert.match(form.body, /<h1>Record that a refund was paid<\/h1>/);
      assert.match(form.body, /£324\.00/);
      assert.match(form.body, /name="version" value="2"/);

      // Without the CSRF token: refused, nothing recorded.
      assert.equal((await finance.post(formUrl, null, { version: '2', 'paidOn-day': '3', 'paidOn-month': '6', 'paidOn-year': '2025' })).statusCode, 403);
      // No date: the NHS error summary, linking to the field, and what was typed kept.
      const missing = await finance.post(formUrl, form.body, { version: '2', paymentMethod: 'Cheque' });
      assert.equal(missing.statusCode, 422);
      assert.match(missing.body, /nhsuk-error-summary/);
      assert.match(missing.body, /href="#paidOn">\s*Enter the date the refund was paid/);
      assert.match(missing.body, /value="Cheque"/);
      const bad = await finance.post(formUrl, form.body, { version: '2', 'paidOn-day': '31', 'paidOn-month': '2', 'paidOn-year': '2025' });
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /Date the refund was paid must be a real date/);

      const done = await finance.post(formUrl, form.body, { version: '2', 'paidOn-day': '3', 'paidOn-month': '6', 'paidOn-year': '2025', paymentMethod: 'bank transfer' });
      assert.equal(done.statusCode, 303, done.body);
      assert.equal(done.headers.location, `/people/${personId}/money#refund-${refundId}`);
      const after = await finance.follow(done);
      assert.match(after.body, /Refund recorded as paid/);
      const refund = (await call(t, 'GET', api(`/refunds/${refundId}`), undefined, 'finance')).json();
      assert.equal(refund.status, 'paid');
      assert.equal(refund.paidOn, '2025-06-03');
      assert.equal(refund.paymentMethod, 'bank transfer');
      const audit = await t.database.db.selectFrom('audit_events').select(['action', 'record_id']).where('action', '=', 'refund.paid').where('record_id', '=', refundId).execute();
      assert.equal(audit.length, 1, 'the payment is audited by the service');
      // Posting the old form again: the refund has changed since (409), not paid twice.
      assert.equal((await finance.post(formUrl, form.body, { version: '2', 'paidOn-day': '3', 'paidOn-month': '6', 'paidOn-year': '2025' })).statusCode, 409);
    });

    test('refund paid: a practitioner and an approver may not (403 on the form and the post), and see no link', async () => {
      const refundId = await approvedRefund();
      assert.equal((await call(t, 'POST', api(`/refunds/${refundId}/approval`), {}, 'laApprover', { 'if-match': '1' })).statusCode, 200);
      const formUrl = `/people/${personId}/money/refunds/${refundId}/paid`;
      for (const user of ['laPractitioner', 'laApprover'] as const) {
        const b = await signedInBrowser(t.app, user);
        const money = await b.get(`/people/${personId}/money`);
        assert.equal(money.statusCode, 200);
        assert.ok(!money.body.includes(`href="${formUrl}"`), `${user} sees no link`);
        assert.equal((await b.get(formUrl)).statusCode, 403, user);
        const csrfFrom = money.body;
        const refused = await b.post(formUrl, csrfFrom, { version: '2', 'paidOn-day': '3', 'paidOn-month': '6', 'paidOn-year': '2025' });
        assert.equal(refused.statusCode, 403, user);
      }
      assert.equal((await call(t, 'GET', api(`/refunds/${refundId}`), undefined, 'finance')).json().status, 'approved');
    });

    test('service payment (RESP-1): finance records what its body paid from the services page; errors in the summary; CSRF; audited', async () => {
      const formUrl = `/people/${personId}/services/${serviceId}/payments/new`;
      const finance = await signedInBrowser(t.app, 'finance');
      const list = await finance.get(`/people/${personId}/services`);
      assert.ok(list.body.includes(`href="${formUrl}"`), 'the services page links to the payment form');
      const form = await finance.get(formUrl);
      assert.equal(form.statusCode, 200, form.body);
      assert.match(form.body, /<h1>Record a payment for a service<\/h1>/);
      assert.match(form.body, /Care home \(Meadow View\)/);

      assert.equal((await finance.post(formUrl, null, { body: 'local-authority' })).statusCode, 403);
      const empty = await finance.post(formUrl, form.body, {});
      assert.equal(empty.statusCode, 422, empty.body);
      assert.match(empty.body, /nhsuk-error-summary/);
      assert.match(empty.body, /Enter the amount paid in pounds and pence/);
      const typed = { body: 'local-authority', 'periodFrom-day': '1', 'periodFrom-month': '4', 'periodFrom-year': '2024', 'periodTo-day': '30', 'periodTo-month': '4', 'periodTo-year': '2024', 'paidOn-day': '2', 'paidOn-month': '5', 'paidOn-year': '2024' };
      const noBody = await finance.post(formUrl, form.body, { ...typed, body: '', amountPence: '1500.00' });
      assert.equal(noBody.statusCode, 422);
      assert.match(noBody.body, /Select the body that paid/);
      const badAmount = await finance.post(formUrl, form.body, { ...typed, amountPence: '12.345' });
      assert.equal(badAmount.statusCode, 422);
      assert.match(badAmount.body, /href="#amountPence"/);
      assert.match(badAmount.body, /value="12.345"/);
      const otherBody = await finance.post(formUrl, form.body, { ...typed, amountPence: '10.00', organisationCode: 'QZY' });
      assert.equal(otherBody.statusCode, 403, 'only what your own organisation paid');

      const done = await finance.post(formUrl, form.body, { ...typed, amountPence: '1,500.00' });
      assert.equal(done.statusCode, 303, done.body);
      assert.equal(done.headers.location, `/people/${personId}/services`);
      assert.match((await finance.get(`/people/${personId}/services`)).body, /Payment recorded/);
      const audit = await t.database.db.selectFrom('audit_events').select(['details']).where('action', '=', 'payment.record').where('person_id', '=', personId).execute();
      assert.equal(audit.length, 1);
      assert.equal((audit[0]!.details as { amountPence: number }).amountPence, 150000);
    });

    test('service payment: a practitioner and an approver may not (403) and see no link', async () => {
      const formUrl = `/people/${personId}/services/${serviceId}/payments/new`;
      for (const user of ['laPractitioner', 'laApprover'] as const) {
        const b = await signedInBrowser(t.app, user);
        const list = await b.get(`/people/${personId}/services`);
        assert.equal(list.statusCode, 200);
        assert.ok(!list.body.includes(`href="${formUrl}"`), `${user} sees no link`);
        assert.equal((await b.get(formUrl)).statusCode, 403, user);
        assert.equal((await b.post(formUrl, list.body, { body: 'local-authority', amountPence: '10.00' })).statusCode, 403, user);
      }
    });

    test('top-up agreement (CHG-3): a tagged PDF with every term, that the aftercare stays free, and signature lines; linked from the top-up page; audited; 403 for those who may not see money', async () => {
      const topUp = await created(t, api('/top-ups'), { serviceId, preferredAccommodation: 'Riverside House', conditions: { accommodationType: 'care-home', sameTypeAsDecided: true, suitable: true, available: true, providerAcceptsTerms: true } }, 'laPractitioner');
      const signed = await call(
        t,
        'PATCH',
        api(`/top-ups/${topUp.id}`),
        {
          terms: {
            additionalCostPencePerWeek: 5000,
            localAuthorityPaysPencePerWeek: 70000,
            paymentFrequency: 'monthly',
            payee: 'provider',
            reviewProvision: 'Reviewed every year at the care review',
            consequencesOfStoppingPayment: 'We talk with you about moving to a place at the usual cost',
            consequencesOfPriceRise: 'We agree how a rise is shared before it starts',
            consequencesOfMeansChange: 'We review the agreement within four weeks',
          },
          payer: { kind: 'third-party', relationship: 'Sister' },
          signedOn: '2025-06-01',
        },
        'laPractitioner',
        { 'if-match': String(topUp.version) },
      );
      assert.equal(signed.statusCode, 200, signed.body);
      const pdfUrl = `/people/${personId}/money/top-ups/${topUp.id}/agreement.pdf`;
      const finance = await signedInBrowser(t.app, 'finance');
      const topUpPage = await finance.get(`/people/${personId}/money/top-ups/${topUp.id}`);
      assert.ok(topUpPage.body.includes(`href="${pdfUrl}"`), 'the top-up page links to the agreement');
      const res = await finance.get(pdfUrl);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'application/pdf');
      assert.equal(res.headers['cache-control'], 'no-store');
      const text = (await pdfText(res.rawPayload)).replace(/\s+/g, ' ');
      for (const expected of [
        /Agreement to pay a top-up for preferred accommodation/,
        /Name: Zoë Łukasiewicz-Nguyễn/,
        /Care home, provided by Meadow View/,
        /The place chosen: Riverside House/,
        /section 117 aftercare stays free/i,
        /Section 117 aftercare is free\. Nobody can be charged for it/,
        /The additional cost \(the top-up\): £50\.00 a week/,
        /Northbridge Borough Council pays: £700\.00 a week/,
        /How often the top-up is paid: Every month/,
        /The top-up is paid to: The provider, Meadow View/,
        /Who pays the top-up: Someone else for Zoë Łukasiewicz-Nguyễn \(Sister\)/,
        /Reviewed every year at the care review/,
        /We talk with you about moving to a place at the usual cost/,
        /We agree how a rise is shared before it starts/,
        /We review the agreement within four weeks/,
        // The sources' terms (SI 2014/2670 via CHG-3), in plain English.
        /Why this place can be arranged/,
        /Northbridge Borough Council can arrange it because Zoë Łukasiewicz-Nguyễn is 18 or over, it is the type of accommodation Northbridge Borough Council decided they need, it is suitable for their needs, it is available, and the provider has agreed to Northbridge Borough Council’s terms/,
        /The amount Northbridge Borough Council pays is what it would usually expect to pay for this type of accommodation/,
        /The payer must be willing and able to pay the top-up for as long as Northbridge Borough Council expects to arrange this place/,
        /Before signing, Northbridge Borough Council must give the payer the information and advice they need to understand this agreement/,
        /Zoë Łukasiewicz-Nguyễn may pay their own top-up\. Under the Care Act a person can pay their own top-up only in some cases \(in the first 12 weeks in a care home, or with a deferred payment agreement\)\. Those conditions do not apply to section 117 aftercare/,
        /If the payer stops paying We talk with you about moving/,
        /If the provider puts its price up We agree how a rise is shared/,
        /If the payer’s money situation changes We review the agreement/,
        /Stopping the top-up does not end Zoë Łukasiewicz-Nguyễn’s section 117 aftercare/,
        /Signed by Zoë Łukasiewicz-Nguyễn: _+/,
        /Signed by the payer: _+/,
        /Signed for Northbridge Borough Council: _+/,
        /signed on 1 June 2025/,
      ]) assert.match(text, expected);
      // Nothing the sources do not say: no "12-week wait", no terms of our own beside what the parties agreed.
      assert.doesNotMatch(text, /12-week wait|straight away|at any time/);
      const info = await pdfInfo(res.rawPayload);
      assert.deepEqual([info['Title'], info['Tagged']], ['Agreement to pay a top-up for preferred accommodation', 'yes']);
      assert.match(res.rawPayload.toString('latin1'), /\/StructTreeRoot/);
      const audit = await t.database.db.selectFrom('audit_events').select(['action']).where('action', '=', 'top-up.agreement').where('record_id', '=', topUp.id).execute();
      assert.equal(audit.length, 1, 'the agreement is audited as a read');
      assert.equal((await finance.get(`/people/${personId}/money/top-ups/00000000-0000-4000-8000-000000000000/agreement.pdf`)).statusCode, 404);
      // A provider's practitioner sees the person but not their money: no link, and 403.
      const provider = await signedInBrowser(t.app, 'practitioner');
      const theirs = await provider.get(`/people/${personId}/money/top-ups/${topUp.id}`);
      assert.equal(theirs.statusCode, 200);
      assert.ok(!theirs.body.includes(`href="${pdfUrl}"`));
      assert.equal((await provider.get(pdfUrl)).statusCode, 403);
    });
  });
}
