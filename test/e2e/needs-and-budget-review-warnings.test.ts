// In a real browser: a service linked to a plan need from the service form's select, shown under the
// need on the plan page; the person page's warning when the aftercare review and a direct payment's
// review are overdue; the dashboard's "Which review" column. Axe (WCAG 2.2 AA) on each changed page.
// Skipped where Chromium is not installed, except in CI.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import * as budgetsRepo from '../../src/data/budgets-repository.ts';
import { findPerson } from '../../src/data/people-repository.ts';
import { addMonths, todayInLondon } from '../../src/domain/dates.ts';
import { DEFAULT_LAW_SETTINGS } from '../../src/domain/aftercare.ts';
import { DEFAULT_REVIEW_SETTINGS } from '../../src/domain/reviews.ts';
import { refreshProjections } from '../../src/services/kernel/projections.ts';
import { actorFromUser } from '../../src/services/kernel/actor.ts';
import { createTestApp, USERS, type TestApp } from '../support/app.ts';
import { browserSkipReason, CHROMIUM_ARGS, chromiumPath } from '../support/browser.ts';
import { completePlanInput, detainedPerson } from '../support/plans.ts';
import { assertAccessible, fillDate, follow, openSignedInPage } from './helpers.ts';

const skip = browserSkipReason();

describe('services linked to needs and budget review warnings in the browser', { skip }, () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let personId: string;
  let page: Page;

  before(async () => {
    t = await createTestApp('pglite');
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const user = (await findUserByEmail(t.database.db, USERS.laPractitioner.email))!;
    const actor = actorFromUser(user);
    personId = (await detainedPerson(t.services, actor, { givenName: 'Browser', familyName: 'Linked', leftHospitalOn: '2025-02-01' })).id;
    await t.services.plans.update(actor, personId, null, completePlanInput());
    // A direct payment that began 7 months ago: its first review (6 months) is overdue.
    const paid = await t.services.careServices.create(actor, personId, {
      description: 'Personal assistant', category: 'social-care', s117: true, provider: 'Chosen by the person',
      scope: { arisesFromMentalDisorder: true, reducesRiskOfDeterioration: true, rationale: 'Support to stay well' },
      funding: { localAuthorityPercent: 100, icbPercent: 0 }, weeklyCostPence: 15000, startDate: '2025-03-01',
    });
    const start = addMonths(todayInLondon(), -7);
    await budgetsRepo.insertBudget(t.database.db, {
      id: randomUUID(), person_id: personId, kind: 'direct-payment', holder_body: 'local-authority', holder_code: 'E09000099', service_ids: [paid.id],
      payee_relationship: 'self', payee_is_close_relative_in_household: false, necessity_reason: null, start_date: start, end_date: null, amount_pence_per_week: 15000, offered_on: start, created_by: user.id,
    });
    await t.database.db.transaction().execute(async (trx) => refreshProjections(trx, (await findPerson(trx, personId))!, todayInLondon(), DEFAULT_REVIEW_SETTINGS, DEFAULT_LAW_SETTINGS));
    browser = await chromium.launch({ executablePath: chromiumPath()!, args: CHROMIUM_ARGS });
    ({ page } = await openSignedInPage(browser, base, USERS.laPractitioner.email));
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('the service form offers the plan’s needs, and the plan shows the service under its need', async () => {
    await page.goto(`${base}/people/${personId}/services/new?category=social-care`);
    const options = await page.locator('#needId option').allInnerTexts();
    assert.ok(options.some((o) => o.includes('Help to take medication every day')), options.join('\n'));
    await assertAccessible(page, 'the add-a-service form with the need select');
    await page.fill('#description', 'Morning medication prompts');
    await page.check('#s117');
    await page.fill('#provider', 'Northbridge Support Ltd');
    await page.selectOption('#needId', { label: 'Help to take medication every day (section 117)' });
    await page.fill('#funding-localAuthorityPercent', '50');
    await page.fill('#funding-icbPercent', '50');
    await page.fill('#weeklyCostPence', '120.00');
    await fillDate(page, 'startDate', '2025-02-01');
    await follow(page, 'button:has-text("Save service")');
    assert.match(page.url(), /\/services$/, await page.locator('.nhsuk-error-summary').allInnerTexts().then((t) => t.join('\n')));

    await page.goto(`${base}/people/${personId}/plan`);
    const need = page.locator('.nhsuk-summary-list', { hasText: 'Help to take medication every day' });
    const linked = await need.locator('.nhsuk-summary-list__row', { hasText: 'Services that meet it' }).innerText();
    assert.match(linked, /Morning medication prompts, Northbridge Support Ltd: planned, not yet confirmed; section 117; £120\.00 a week/);
    assert.match(await page.locator('.nhsuk-summary-list', { hasText: 'Treatment for a knee injury' }).innerText(), /None linked yet/);
    await assertAccessible(page, 'the plan with services under its needs');
  });

  test('the person page warns that the aftercare review and the direct payment review are overdue', async () => {
    await page.goto(`${base}/people/${personId}`);
    const warning = await page.locator('.nhsuk-card--warning', { hasText: 'Review overdue' }).innerText();
    assert.match(warning, /Aftercare review/);
    assert.match(warning, /Direct payment review/);
    assert.match(await page.locator('#budget-reviews').innerText(), /Direct payment review due by: .*\(overdue\)/);
    await assertAccessible(page, 'the person page with overdue reviews');

    await page.goto(`${base}/reviews`);
    const row = await page.locator('tr', { hasText: 'Browser Linked' }).innerText();
    assert.match(row, /Aftercare review, Direct payment review/);
    await assertAccessible(page, 'the reviews dashboard');
  });
});
