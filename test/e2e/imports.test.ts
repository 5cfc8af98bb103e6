// Moving in, in a real browser: upload a council's workbook → check (and change) the column mapping,
// saving it → the report while the check runs and when it is done (problems, warnings,
// reconciliation) → import the valid rows → the batch in the list, with axe (WCAG 2.2 AA) on every
// page. The status page keeps itself up to date (in place with JavaScript, a meta refresh without it,
// and a Refresh link): the test opens it again until the work is done.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { USERS, type TestApp } from '../support/app.ts';
import { browserSkipReason } from '../support/browser.ts';
import { northbridgeWorkbook, writeFixture } from '../support/import-fixtures.ts';
import { assertAccessible, errorSummary, follow, startTestBed, type TestBed } from './helpers.ts';

const skip = browserSkipReason();

describe('moving in pages in the browser', { skip }, () => {
  let bed: TestBed;
  let t: TestApp;
  let base: string;

  before(async () => {
    // The real clock: a session cookie made on a fixed past day would have expired already.
    bed = await startTestBed();
    ({ t, base } = bed);
  });

  after(async () => {
    await bed?.close();
  });

  /** Follows the status page's own refresh (or its Refresh link) until the work is done. */
  async function untilFinished(page: Page): Promise<void> {
    for (let i = 0; i < 100 && (await page.locator('a:has-text("Refresh")').count()) > 0; i += 1) {
      await page.waitForTimeout(200);
      await page.goto(page.url());
    }
  }

  test('REG-1: upload → mapping → report → commit, accessible at every step', async () => {
    const file = writeFixture('northbridge-register.xlsx', await northbridgeWorkbook());
    const page = await bed.signedInPage('laApprover');
    await page.goto(`${base}/more`);
    assert.equal(await page.locator('main a[href="/imports"]').count(), 1); // under "More" in the header (issue 9 item 5)
    await page.goto(`${base}/imports`);
    await assertAccessible(page, 'the moving in page');
    await follow(page, 'a:has-text("Import a file")');
    await assertAccessible(page, 'the upload page');

    // Nothing chosen: both problems are named.
    await follow(page, 'button:has-text("Upload and check the columns")');
    assert.deepEqual(await errorSummary(page), ['Select the spreadsheet to import']);
    await assertAccessible(page, 'the upload page with an error');

    await page.check('input[name="kind"][value="register"]');
    await page.setInputFiles('input[name="file"]', file);
    await follow(page, 'button:has-text("Upload and check the columns")');
    assert.match(new URL(page.url()).pathname, /^\/imports\/[0-9a-f-]+\/mapping$/);
    await assertAccessible(page, 'the mapping page');
    assert.equal(await page.inputValue('#field-nhsNumber'), 'NHS No.');
    assert.equal(await page.inputValue('#field-dateOfBirth'), 'D.O.B');

    // Taking away a required column is refused with its name; then put back, and saved.
    await page.selectOption('#field-dateOfBirth', '');
    await follow(page, 'button:has-text("Check the file")');
    assert.deepEqual(await errorSummary(page), ['Choose the column that holds the date of birth']);
    await assertAccessible(page, 'the mapping page with an error');
    await page.selectOption('#field-dateOfBirth', 'D.O.B');
    await page.fill('#saveAs', 'Northbridge monthly');
    await follow(page, 'button:has-text("Check the file")');
    await untilFinished(page);
    await assertAccessible(page, 'the dry run report');
    const summary = await page.locator('.nhsuk-summary-list').innerText();
    assert.match(summary, /10 rows: 4 valid, 6 with problems/);
    const body = await page.locator('main').innerText();
    assert.match(body, /check digit/);
    assert.match(body, /Marked s117 but never detained under a qualifying section/);
    // The rule is behind the problem's "Legal basis" detail (issue 9 item 6).
    assert.match(await page.locator('main details.s117-legal-basis').allTextContents().then((t) => t.join(' ')), /CHG-1/);
    const csv = await page.context().request.get(`${page.url()}/report.csv`);
    assert.match(await csv.text(), /^row,column,value,problem/);

    await follow(page, 'button:has-text("Import the 4 valid rows")');
    await untilFinished(page);
    await assertAccessible(page, 'the import report');
    assert.match(await page.locator('h1').innerText(), /Import finished/);
    assert.match(await page.locator('.nhsuk-summary-list').innerText(), /4 created, 0 updated, 0 skipped/);

    await page.goto(`${base}/imports`);
    assert.match(await page.locator('main').innerText(), /4 created, 0 updated, 0 skipped/);
    await assertAccessible(page, 'the list of imports');
    const saved = await t.services.imports.inspect(await actorOf(t), { kind: 'register', fileName: 'northbridge.xlsx', content: await northbridgeWorkbook() });
    assert.deepEqual(saved.saved.map((s) => s.name), ['Northbridge monthly']);
  });
});

async function actorOf(t: TestApp) {
  const { findUserByEmail } = await import('../../src/data/accounts-repository.ts');
  const { actorFromUser } = await import('../../src/services/kernel/actor.ts');
  return actorFromUser((await findUserByEmail(t.database.db, USERS.laApprover.email))!);
}
