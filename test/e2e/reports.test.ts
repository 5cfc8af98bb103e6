// Reports in a real browser (issue 13): the Reports link for an s117 lead, the page with its charts
// as accessible SVG beside their tables, each definition one click away, the filters chosen by name,
// the downloads, and an error; axe (WCAG 2.2 AA) on each, with JavaScript on and off. Skipped where
// Chromium is not installed, except in CI.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { actorFromUser } from '../../src/services/kernel/actor.ts';
import { createTestApp, ORGS, USERS, type TestApp, type UserKey } from '../support/app.ts';
import { browserSkipReason, CHROMIUM_ARGS, chromiumPath } from '../support/browser.ts';
import { NORTHBRIDGE_PERSON } from '../support/services.ts';
import { assertAccessible, errorSummary, follow, openSignedInPage } from './helpers.ts';

const skip = browserSkipReason();

describe('reports in the browser', { skip }, () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const contexts: BrowserContext[] = [];

  /** A signed-in page; its context is closed at the end. */
  async function signedIn(user: UserKey, javaScriptEnabled = true): Promise<Page> {
    const { context, page } = await openSignedInPage(browser, base, USERS[user].email, { javaScriptEnabled, acceptDownloads: true });
    contexts.push(context);
    return page;
  }

  before(async () => {
    t = await createTestApp('pglite');
    const practitioner = actorFromUser((await findUserByEmail(t.database.db, USERS.practitioner.email))!);
    const person = await t.services.people.create(practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: 'Rory', familyName: 'Reported' });
    const stay = await t.services.legalHistory.addAdmission(practitioner, person.id, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-10', dischargedOn: '2024-03-01' });
    await t.services.legalHistory.addLegalStatus(practitioner, person.id, { section: '3', startDate: '2024-01-10', endDate: '2024-03-01', admissionId: stay.id });
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: chromiumPath()!, args: CHROMIUM_ARGS });
  });

  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
  });

  test('an s117 lead opens Reports from the header, filters by name, reads the charts and their tables, and downloads the pack', async () => {
    const page = await signedIn('laApprover');
    // The header may fold its last links into "More" at this width: the link is there either way.
    assert.equal(await page.locator('.nhsuk-header a[href="/reports"]').count() > 0, true);
    await page.goto(`${base}/reports`);
    await assertAccessible(page, 'the reports page');
    await page.fill('#asOf', '2024-03-31');
    await page.selectOption('#localAuthority', { label: ORGS.la.name });
    await follow(page, 'button:has-text("Show the report")');
    assert.match(page.url(), /localAuthority=E09000099/);
    assert.match(await page.locator('main').innerText(), /1 new entitlements/);
    const charts = page.locator('figure.s117-chart svg[role="img"]');
    // Five charts of the register, reviews and disputes; two of plans and two of money (issue 13).
    assert.equal(await charts.count(), 9);
    assert.match((await page.locator('#chart-spend-title').textContent()) ?? '', /Spend each month/);
    assert.ok(await page.locator('figure.s117-chart:has(#chart-plans-before-leaving-title) table').isVisible(), 'the plan chart’s table is beside it');
    assert.match(await page.locator('main').innerText(), /Just now, from the facts recorded/);
    assert.match((await charts.first().locator('title').textContent()) ?? '', /by status at each month end/);
    assert.match((await charts.first().locator('desc').textContent()) ?? '', /Active 1/);
    assert.ok(await page.locator('figure.s117-chart').first().locator('table').isVisible(), 'the table is beside the chart');
    // A definition is one click away.
    await page.locator('summary:has-text("How this is counted")').first().click();
    assert.ok(await page.locator('details[open]:not(.s117-legal-basis) .nhsuk-details__text p').first().isVisible());
    // The rule is named behind the figure's Legal basis detail (issue 9 item 6).
    assert.ok((await page.locator('.s117-legal-basis .s117-rule').allTextContents()).includes('RPT-1'));
    await assertAccessible(page, 'the reports page, filtered, with a definition open');
    const download = page.waitForEvent('download');
    await page.click('a:has-text("Board pack")');
    assert.match((await download).suggestedFilename(), /^s117-board-pack-2024-03-31\.pdf$/);
  });

  test('works without JavaScript, and a wrong date is explained', async () => {
    const page = await signedIn('auditor', false);
    await page.goto(`${base}/reports?asOf=2024-02-30`);
    assert.deepEqual(await errorSummary(page), ['Enter a real date in the form YYYY-MM-DD']);
    await page.goto(`${base}/reports?asOf=2024-03-31`);
    assert.equal(await page.locator('figure.s117-chart svg').count(), 9);
    // axe needs JavaScript: the same error page is checked in a browser with it on.
    const checked = await signedIn('auditor');
    await checked.goto(`${base}/reports?asOf=2024-02-30`);
    await assertAccessible(checked, 'the reports page with an error');
  });

  test('after the nightly refresh the page says the figures come from the summaries, and when they were made', async () => {
    await t.services.reports.refreshSummaries();
    const page = await signedIn('finance');
    await page.goto(`${base}/reports?months=3`);
    assert.match(await page.locator('main').innerText(), /From the summaries made on \d+ \w+ \d{4} at \d\d:\d\d/);
    assert.equal(await page.locator('figure.s117-chart svg[role="img"]').count(), 9);
    await assertAccessible(page, 'the reports page from the summaries');
  });

  test('a practitioner has no Reports link and is refused the page', async () => {
    const page = await signedIn('practitioner');
    assert.equal(await page.locator('.nhsuk-header a[href="/reports"]').count(), 0);
    const res = await page.goto(`${base}/reports`);
    assert.equal(res?.status(), 403);
  });

  test('ADR 0014 (issue 13 item 5): after the nightly summaries, a person recorded since counts at once, and the page says the figures are up to the moment', async () => {
    await t.services.reports.refreshSummaries();
    const practitioner = actorFromUser((await findUserByEmail(t.database.db, USERS.practitioner.email))!);
    const person = await t.services.people.create(practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: 'Sam', familyName: 'Since' });
    const stay = await t.services.legalHistory.addAdmission(practitioner, person.id, { hospital: 'Northbridge Hospital', admittedOn: '2024-02-10', dischargedOn: '2024-04-01' });
    await t.services.legalHistory.addLegalStatus(practitioner, person.id, { section: '3', startDate: '2024-02-10', endDate: '2024-04-01', admissionId: stay.id });
    const page = await signedIn('laApprover');
    await page.goto(`${base}/reports`);
    const text = await page.locator('main').innerText();
    assert.match(text, /From the summaries made on .+ and every fact recorded since: up to the moment/);
    assert.match((await page.locator('figure.s117-chart svg[role="img"]').first().locator('desc').textContent()) ?? '', /Active 2/, 'the person recorded after the summaries were made is counted');
    await assertAccessible(page, 'the reports page from the summaries');
  });
});
