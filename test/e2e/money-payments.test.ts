// Issue 15, Money 3, in Chromium: finance marks an approved refund paid (CHG-2) from the Money page
// and records what the council paid for a service (RESP-1) from the services page; the NHS error
// summary, the success banner, and axe (WCAG 2.2 AA) on both forms, empty and with errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { ORGS, type TestApp, type UserKey } from '../support/app.ts';
import { browserSkipReason } from '../support/browser.ts';
import { assertAccessible, errorSummary, fillDate, follow, startTestBed, type TestBed } from './helpers.ts';

const skip = browserSkipReason();

describe('money payment pages in the browser', { skip }, () => {
  let t: TestApp;
  let bed: TestBed;
  let base: string;
  let personId: string;
  let serviceId: string;

  async function api(method: 'POST' | 'PATCH', url: string, payload: unknown, user: UserKey, headers: Record<string, string> = {}) {
    const res = await t.app.inject({ method, url: `/api/v1${url}`, headers: { ...t.as(user), ...headers }, payload: payload as Record<string, unknown> });
    assert.ok(res.statusCode < 300, res.body);
    return res.json();
  }

  before(async () => {
    bed = await startTestBed();
    ({ t, base } = bed);
    personId = (await api('POST', '/people', { nhsNumber: testNhsNumber(8127), givenName: 'Zoë', familyName: 'Łukasiewicz-Nguyễn', dateOfBirth: '1975-02-03', residence: { localAuthority: ORGS.la.code, since: '2010-01-01' }, gp: { icb: ORGS.icb.code, since: '2010-01-01' } }, 'laPractitioner')).id;
    const admissionId = (await api('POST', `/people/${personId}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01', dischargedOn: '2024-03-31' }, 'laPractitioner')).id;
    await api('POST', `/people/${personId}/legal-statuses`, { section: '3', startDate: '2024-01-01', endDate: '2024-03-31', admissionId }, 'laPractitioner');
    serviceId = (await api('POST', `/people/${personId}/services`, { description: 'Care home', category: 'accommodation', s117: true, provider: 'Meadow View', funding: { localAuthorityPercent: 50, icbPercent: 50 }, weeklyCostPence: 70000, startDate: '2024-04-01', accommodation: { type: 'care-home', enhancedFeatures: ['24-hour-staff'] } }, 'laPractitioner')).id;
    const charge = await api('POST', `/people/${personId}/charges`, { periodFrom: '2024-04-01', periodTo: '2024-04-30', amountPence: 30000, paidOn: '2024-05-02', description: 'Care home contribution', serviceId }, 'finance');
    const refund = await api('POST', `/people/${personId}/refunds`, { chargeIds: [charge.id], calculatedOn: '2025-05-02' }, 'finance');
    await api('POST', `/people/${personId}/refunds/${refund.id}/approval`, {}, 'laApprover', { 'if-match': String(refund.version) });
  });

  after(async () => {
    await bed?.close();
  });

  test('finance records that an approved refund was paid (CHG-2)', async () => {
    const page = await bed.signedInPage('finance');
    await page.goto(`${base}/people/${personId}/money`);
    await follow(page, 'a:has-text("Record that the refund was paid")');
    assert.match(await page.locator('h1').innerText(), /Record that a refund was paid/);
    await assertAccessible(page, 'the refund paid form');
    await page.fill('#paymentMethod', 'bank transfer');
    await follow(page, 'button:has-text("Record the refund as paid")');
    assert.deepEqual(await errorSummary(page), ['Enter the date the refund was paid']);
    assert.match(await page.title(), /^Error: /);
    assert.equal(await page.inputValue('#paymentMethod'), 'bank transfer');
    await assertAccessible(page, 'the refund paid form with an error');
    await fillDate(page, 'paidOn', '2025-06-03');
    await follow(page, 'button:has-text("Record the refund as paid")');
    assert.equal(new URL(page.url()).pathname, `/people/${personId}/money`);
    assert.match(await page.locator('.nhsuk-notification-banner, [role="alert"], .s117-success').first().innerText(), /Refund recorded as paid/);
    assert.equal(await page.locator('a:has-text("Record that the refund was paid")').count(), 0);
  });

  test('finance records what the council paid for a service (RESP-1)', async () => {
    const page = await bed.signedInPage('finance');
    await page.goto(`${base}/people/${personId}/services`);
    await follow(page, `a[href="/people/${personId}/services/${serviceId}/payments/new"]`);
    assert.match(await page.locator('h1').innerText(), /Record a payment for a service/);
    await assertAccessible(page, 'the payment form');
    await page.fill('#amountPence', '12.345');
    await follow(page, 'button:has-text("Record the payment")');
    const errors = await errorSummary(page);
    assert.ok(errors.includes('Enter the amount paid in pounds and pence, for example 125.50'), errors.join('\n'));
    await assertAccessible(page, 'the payment form with errors');
    await page.check('input[name="body"][value="local-authority"]');
    await fillDate(page, 'periodFrom', '2024-04-01');
    await fillDate(page, 'periodTo', '2024-04-30');
    await fillDate(page, 'paidOn', '2024-05-02');
    await page.fill('#amountPence', '1,500.00');
    await follow(page, 'button:has-text("Record the payment")');
    assert.equal(new URL(page.url()).pathname, `/people/${personId}/services`);
    assert.match(await page.content(), /Payment recorded/);
  });
});
