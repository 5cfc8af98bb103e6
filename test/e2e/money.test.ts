// Money pages in Chromium: recording a charge inside an entitlement, calculating a refund and seeing
// its lines and total, the refund letter (its text read back), the recharge statement, and axe
// (WCAG 2.2 AA) on every new page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { ORGS, type TestApp, type UserKey } from '../support/app.ts';
import { browserSkipReason } from '../support/browser.ts';
import { pdfText } from '../support/pdf.ts';
import { assertAccessible, fillDate, follow, startTestBed, type TestBed } from './helpers.ts';

const skip = browserSkipReason();

describe('money pages in the browser', { skip }, () => {
  let t: TestApp;
  let bed: TestBed;
  let base: string;
  let personId: string;

  before(async () => {
    bed = await startTestBed();
    ({ t, base } = bed);
    const api = async (url: string, payload: object, as: UserKey = 'practitioner') => {
      const res = await t.app.inject({ method: 'POST', url, headers: t.as(as), payload });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as { id: string };
    };
    personId = (await api('/api/v1/people', { nhsNumber: testNhsNumber(9117), givenName: 'Pat', familyName: 'Moneytest', dateOfBirth: '1970-02-03', residence: { localAuthority: ORGS.la.code, since: '2010-01-01' }, gp: { icb: ORGS.icb.code, since: '2010-01-01' } })).id;
    // Lived in Southvale before: Southvale has a claim to be named in an ordinary-residence dispute (RESP-6).
    assert.equal((await t.app.inject({ method: 'PATCH', url: `/api/v1/people/${personId}`, headers: t.as('practitioner'), payload: { residence: { localAuthority: ORGS.otherLa.code, since: '2005-01-01' } } })).statusCode, 200);
    const admissionId = (await api(`/api/v1/people/${personId}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01', dischargedOn: '2024-03-31' })).id;
    await api(`/api/v1/people/${personId}/legal-statuses`, { section: '3', startDate: '2024-01-01', endDate: '2024-03-31', admissionId });
    const service = await api(`/api/v1/people/${personId}/services`, { description: 'Care home', category: 'accommodation', s117: true, provider: 'Meadow View', funding: { localAuthorityPercent: 50, icbPercent: 50 }, weeklyCostPence: 70000, startDate: '2024-04-01', accommodation: { type: 'care-home', enhancedFeatures: ['24-hour-staff'] } }, 'laPractitioner');
    await api(`/api/v1/people/${personId}/services/${service.id}/payments`, { body: 'local-authority', periodFrom: '2024-04-01', periodTo: '2024-04-28', amountPence: 280000, paidOn: '2024-05-01' }, 'finance');
  });

  after(async () => {
    await bed?.close();
  });

  test('finance records a charge inside an entitlement, calculates the refund, sees its lines and total, and gets the letter', async () => {
    const page = await bed.signedInPage('finance');
    await page.goto(`${base}/people/${personId}`);
    await follow(page, 'a:has-text("Money: charges, refunds, top-ups and disputes")');
    assert.equal(new URL(page.url()).pathname, `/people/${personId}/money`);
    await assertAccessible(page, 'the empty money page');

    // A bad amount is refused in the error summary.
    await page.click('summary:has-text("Record a charge the person paid")');
    await page.fill('#description', 'Care home contribution');
    await fillDate(page, 'periodFrom', '2024-04-01');
    await fillDate(page, 'periodTo', '2024-04-30');
    await page.fill('#amountPence', 'lots');
    await fillDate(page, 'paidOn', '2024-05-02');
    await follow(page, 'button:has-text("Record the charge")');
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /amount paid in pounds and pence/);
    await assertAccessible(page, 'the money page with errors');

    await page.fill('#amountPence', '300.00');
    await follow(page, 'button:has-text("Record the charge")');
    const charges = await page.locator('#charges ~ table').first().innerText();
    assert.match(charges, /Care home contribution/);
    assert.match(charges, /Yes, all of it/);

    await follow(page, 'button:has-text("Calculate a refund")');
    const card = await page.locator('.nhsuk-card').first().innerText();
    assert.match(card, /1 April 2024 to 30 April 2024/);
    assert.match(card, /£300\.00/);
    assert.match(card, /Total/);
    await assertAccessible(page, 'the money page with a refund');

    const href = await page.locator('a:has-text("Letter explaining the refund")').first().getAttribute('href');
    const letter = await page.request.get(`${base}${href}`);
    assert.equal(letter.status(), 200);
    assert.equal(letter.headers()['content-type'], 'application/pdf');
    const text = await pdfText(Buffer.from(await letter.body()));
    assert.match(text, /Section 117 aftercare is free/);
    assert.match(text, /£300\.00/);
    assert.match(text, /Ombudsman/);
  });

  test('finance views the recharge statement and spend for a period from the header', async () => {
    const page = await bed.signedInPage('finance');
    await page.goto(`${base}/register`);
    await follow(page, '.nhsuk-header a:has-text("Finance")');
    assert.equal(new URL(page.url()).pathname, '/finance');
    await assertAccessible(page, 'the finance page');
    await fillDate(page, 'from', '2024-04-01');
    await fillDate(page, 'to', '2024-04-28');
    await follow(page, 'button:has-text("Show the statement")');
    const statement = await page.locator('main').innerText();
    assert.match(statement, /Recharge statement, 1 April 2024 to 28 April 2024/);
    assert.match(statement, /The ICB owes the local authority £1,400\.00/);
    assert.match(statement, /Spend by body, category and provider/);
    await assertAccessible(page, 'the recharge statement');
    const csvHref = await page.locator('a:has-text("Download the recharge statement (CSV)")').getAttribute('href');
    const csv = await page.request.get(`${base}${csvHref}`);
    assert.equal(csv.status(), 200);
    assert.match(await csv.text(), /^person_id,nhs_number/);

    await fillDate(page, 'to', '2023-01-01');
    await follow(page, 'button:has-text("Show the statement")');
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /end of the period must be on or after/);
    await assertAccessible(page, 'the finance page with an error');
  });

  test('a council lead records a top-up preference, signs the agreement, and records and updates a dispute', async () => {
    const page = await bed.signedInPage('laApprover');
    await page.goto(`${base}/people/${personId}/money`);
    await page.click('summary:has-text("Record a preference for accommodation with a top-up")');
    await page.fill('#preferredAccommodation', 'Riverside House');
    await follow(page, 'button:has-text("Record the preference")');
    await follow(page, 'a:has-text("Complete or sign the agreement")');
    await assertAccessible(page, 'the top-up agreement page');

    // Signing with terms missing is refused with CHG-3.
    await fillDate(page, 'signedOn', '2024-05-01');
    await follow(page, 'button:has-text("Save the agreement")');
    assert.match(await page.locator('.nhsuk-error-summary').textContent() ?? '', /CHG-3/);
    await assertAccessible(page, 'the top-up agreement page with errors');

    await page.check('#conditions-accommodationType');
    for (const name of ['sameTypeAsDecided', 'suitable', 'available', 'providerAcceptsTerms']) await page.check(`#conditions-${name}`);
    await page.fill('#terms-additionalCostPencePerWeek', '50.00');
    await page.fill('#terms-localAuthorityPaysPencePerWeek', '700.00');
    await page.selectOption('#terms-paymentFrequency', 'monthly');
    await page.selectOption('#terms-payee', 'provider');
    await page.fill('#terms-reviewProvision', 'Every year');
    await page.fill('#terms-consequencesOfStoppingPayment', 'We talk with you about what happens next');
    await page.fill('#terms-consequencesOfPriceRise', 'We agree how a rise is shared');
    await page.fill('#terms-consequencesOfMeansChange', 'We review the agreement');
    await page.check('#payer');
    await follow(page, 'button:has-text("Save the agreement")');
    assert.equal(new URL(page.url()).pathname, `/people/${personId}/money`);
    assert.match(await page.locator('#top-ups ~ .nhsuk-card').first().innerText(), /Agreement signed/);

    await page.click('summary:has-text("Record a dispute")');
    await page.fill('#partyA-code', 'E09000099');
    await page.fill('#partyB-code', 'E09000098');
    await page.check('#subject');
    await page.fill('#interimFunderCode', 'E09000099');
    await fillDate(page, 'raisedOn', '2024-01-10');
    await follow(page, 'button:has-text("Record the dispute")');
    assert.match(await page.locator('main').innerText(), /Referral overdue/);
    await assertAccessible(page, 'the money page with a top-up and a dispute');
    await follow(page, 'a:has-text("Update")');
    await assertAccessible(page, 'the dispute page');
    await fillDate(page, 'resolvedOn', '2024-02-01');
    await follow(page, 'button:has-text("Save")');
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /how the dispute was resolved/i);
    await page.fill('#resolution', 'Northbridge accepted responsibility');
    await follow(page, 'button:has-text("Save")');
    assert.match(await page.locator('#disputes ~ table').first().innerText(), /Resolved/);
  });
});
