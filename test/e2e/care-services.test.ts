// Services and funding pages in Chromium: recording an s117 service, the CHG-1 refusal in the error
// summary, budgets, ending a service, the funding policy page, and axe (WCAG 2.2 AA) on every page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { ORGS, type TestApp } from '../support/app.ts';
import { browserSkipReason } from '../support/browser.ts';
import { assertAccessible, chooseOrganisation, fillDate, follow, startTestBed, type TestBed } from './helpers.ts';

const skip = browserSkipReason();

describe('services and funding pages in the browser', { skip }, () => {
  let t: TestApp;
  let bed: TestBed;
  let base: string;
  let personId: string;

  before(async () => {
    bed = await startTestBed();
    ({ t, base } = bed);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers: t.as('practitioner'),
      payload: { nhsNumber: testNhsNumber(8117), givenName: 'Jo', familyName: 'Servicetest', dateOfBirth: '1975-02-03', residence: { localAuthority: ORGS.la.code, since: '2010-01-01' }, gp: { icb: ORGS.icb.code, since: '2010-01-01' } },
    });
    assert.equal(res.statusCode, 201, res.body);
    personId = res.json().id;
  });

  after(async () => {
    await bed?.close();
  });

  test('a council practitioner records an s117 service; a contribution is refused naming CHG-1', async () => {
    const page = await bed.signedInPage('laPractitioner');
    await page.goto(`${base}/people/${personId}`);
    await follow(page, 'a:has-text("Services, funding and budgets")');
    assert.equal(new URL(page.url()).pathname, `/people/${personId}/services`);
    assert.match(await page.locator('h1').innerText(), /Services and funding/);
    await assertAccessible(page, 'the empty services page');

    await follow(page, 'a:has-text("Add a service")');
    // The kind of service first (issue 9 item 7), then the form with its sections.
    await page.check('input[name="category"][value="accommodation"]');
    await follow(page, 'button:has-text("Continue")');
    await assertAccessible(page, 'the add-a-service form');
    await page.fill('#description', 'Supported living with staff on site');
    await page.check('#s117');
    await page.check('#scope-arisesFromMentalDisorder');
    await page.check('#scope-reducesRiskOfDeterioration');
    await page.fill('#scope-rationale', 'Staff support keeps them well and out of hospital');
    await page.fill('#provider', 'Northbridge Housing Trust');
    await page.fill('#funding-localAuthorityPercent', '60');
    await page.fill('#funding-icbPercent', '40');
    await page.fill('#weeklyCostPence', '1,000.50');
    await page.fill('#personContributionPence', '25');
    await fillDate(page, 'startDate', '2024-05-01');
    await page.selectOption('#accommodation-type', 'supported-living');
    await page.check('input[name="accommodation-enhancedFeatures"][value="24-hour-staff"]');
    await follow(page, 'button:has-text("Save service")');

    // The rule is behind each message's "Legal basis" detail (issue 9 item 6).
    const summary = await page.locator('.nhsuk-error-summary__list li').allTextContents();
    assert.ok(summary.some((s) => s.includes('CHG-1')), summary.join('\n'));
    assert.match(await page.title(), /^Error: /);
    assert.equal(await page.inputValue('#description'), 'Supported living with staff on site');
    assert.ok(await page.isChecked('input[name="accommodation-enhancedFeatures"][value="24-hour-staff"]'));
    await assertAccessible(page, 'the service form with the CHG-1 error');

    await page.fill('#personContributionPence', '');
    await follow(page, 'button:has-text("Save service")');
    assert.equal(new URL(page.url()).pathname, `/people/${personId}/services`);
    const table = await page.locator('table').first().innerText();
    assert.match(table, /Supported living with staff on site/);
    assert.match(table, /Section 117/);
    assert.match(table, /£1,000\.50 a week/);
    assert.match(table, /local authority £600\.30 \(60%\)/);
    assert.match(table, /Planned, not yet confirmed/);
    await assertAccessible(page, 'the services page with a service');

    // Confirm it (PLAN-7), then the end form.
    await follow(page, 'button:has-text("Confirm")');
    assert.match(await page.locator('table').first().innerText(), /Confirmed/);
    await follow(page, 'a:has-text("Change")');
    assert.equal(await page.inputValue('#weeklyCostPence'), '1000.50');
    await assertAccessible(page, 'the change-a-service form');
    await page.goBack();
    await follow(page, 'table a:has-text("End")');
    await assertAccessible(page, 'the end-a-service form');
  });

  test('issue 9: the same service added again is asked about first, and added once said to be another', async () => {
    const page = await bed.signedInPage('laPractitioner');
    const add = async () => {
      await page.goto(`${base}/people/${personId}/services/new?category=healthcare`);
      await page.fill('#description', 'Weekly depot clinic');
      await page.check('#s117');
      await page.fill('#provider', 'Northbridge Mental Health NHS Foundation Trust');
      await page.fill('#funding-localAuthorityPercent', '0');
      await page.fill('#funding-icbPercent', '100');
      await page.fill('#weeklyCostPence', '95');
      await fillDate(page, 'startDate', '2024-06-01');
      await follow(page, 'button:has-text("Save service")');
    };
    await add();
    assert.equal(new URL(page.url()).pathname, `/people/${personId}/services`);
    await add();
    const summary = await page.locator('.nhsuk-error-summary__list li').allInnerTexts();
    assert.match(summary.join(' '), /Weekly depot clinic from Northbridge Mental Health NHS Foundation Trust is already recorded, from 1 June 2024/);
    await assertAccessible(page, 'the service form asking about the same service');
    await page.check('input[name="sameServiceConfirmed"][value="yes"]');
    await follow(page, 'button:has-text("Save service")');
    assert.equal(new URL(page.url()).pathname, `/people/${personId}/services`);
    assert.equal(await page.locator('table').first().locator('tbody tr', { hasText: 'Weekly depot clinic' }).count(), 2);
  });

  test('budgets, the funding policy page and the export link', async () => {
    const page = await bed.signedInPage('laApprover');
    await page.goto(`${base}/funding-policies`);
    await assertAccessible(page, 'the funding policies page');
    await page.fill('#partnershipName', 'Northbridge partnership');
    await chooseOrganisation(page, 'localAuthority', ORGS.la.code);
    await chooseOrganisation(page, 'icb', ORGS.icb.code);
    await fillDate(page, 'effectiveFrom', '2020-01-01');
    await page.fill('#splits-healthcare-localAuthorityPercent', '0');
    await page.fill('#splits-healthcare-icbPercent', '90');
    await follow(page, 'button:has-text("Save new version")');
    assert.ok((await page.locator('.nhsuk-error-summary__list li').allTextContents()).some((s) => s.includes('RESP-1')));
    await assertAccessible(page, 'the funding policy form with an error');
    await page.fill('#splits-healthcare-icbPercent', '100');
    await follow(page, 'button:has-text("Save new version")');
    assert.match(await page.locator('h2').first().innerText(), /version 1/);

    await page.goto(`${base}/people/${personId}/budgets/new`);
    await assertAccessible(page, 'the add-a-budget form');
    await page.check('#kind');
    await page.check('input[name="serviceIds"]');
    await page.check('input[name="payeeRelationship"][value="close-relative"]');
    await page.check('#payeeLivesInSameHousehold');
    await page.fill('#amountPencePerWeek', '300');
    await fillDate(page, 'startDate', '2024-06-01');
    await follow(page, 'button:has-text("Save budget")');
    assert.ok((await page.locator('.nhsuk-error-summary__list li').allTextContents()).some((s) => s.includes('DP-1')));
    await assertAccessible(page, 'the budget form with an error');
    await page.fill('#necessityReason', 'No other carer is available in the evenings');
    await follow(page, 'button:has-text("Save budget")');
    assert.equal(new URL(page.url()).pathname, `/people/${personId}/services`);
    assert.match(await page.locator('table').nth(1).innerText(), /1 December 2024/);
    await follow(page, 'a:has-text("Record a review")');
    await assertAccessible(page, 'the budget review form');

    // Changing a budget: every rule is checked again (DP-1(a)); then ending it with a reason.
    await page.goto(`${base}/people/${personId}/services`);
    await follow(page, 'a[href*="/budgets/"][href$="/change"]');
    await assertAccessible(page, 'the change-a-budget form');
    assert.equal(await page.inputValue('#amountPencePerWeek'), '300.00');
    await page.fill('#amountPencePerWeek', '320.00');
    await page.check('input[name="drugOrAlcoholRequirement"][value="yes"]');
    await follow(page, 'button:has-text("Save changes")');
    assert.ok((await page.locator('.nhsuk-error-summary__list li').allTextContents()).some((s) => s.includes('DP-1')));
    await assertAccessible(page, 'the change-a-budget form with an error');
    await page.check('input[name="drugOrAlcoholRequirement"][value="no"]');
    await follow(page, 'button:has-text("Save changes")');
    assert.equal(new URL(page.url()).pathname, `/people/${personId}/services`);
    assert.match(await page.locator('table').nth(1).innerText(), /£320\.00 a week/);

    await follow(page, 'a[href*="/budgets/"][href$="/end"]');
    await assertAccessible(page, 'the end-a-budget form');
    await fillDate(page, 'endDate', '2025-03-31');
    await follow(page, 'button:has-text("End the budget")');
    assert.ok((await page.locator('.nhsuk-error-summary__list li').allInnerTexts()).some((s) => /reason/i.test(s)));
    await assertAccessible(page, 'the end-a-budget form with an error');
    await page.fill('#reason', 'The person chose a managed service');
    await follow(page, 'button:has-text("End the budget")');
    assert.equal(new URL(page.url()).pathname, `/people/${personId}/services`);
    assert.match(await page.locator('table').nth(1).innerText(), /to 31 March 2025/);
    assert.equal(await page.locator('a[href*="/budgets/"][href$="/end"]').count(), 0);

    const finance = await bed.signedInPage('finance');
    await finance.goto(`${base}/people/${personId}/services`);
    assert.equal(await finance.locator('a:has-text("must not be charged")').count(), 1);
    const csv = await finance.request.get(`${base}/finance/no-charge.csv`);
    assert.equal(csv.status(), 200);
    assert.match(await csv.text(), /Supported living with staff on site/);
  });
});
