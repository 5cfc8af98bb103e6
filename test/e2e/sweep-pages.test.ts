// Issue 15, "every feature has its page" (the sweep), in Chromium: a practitioner records an IMHA
// referral's outcome and the records-access decision (ADV-3) from the advocacy page; finance imports
// charges from the finance system's CSV from the finance area. The NHS error summary, the success
// message, and axe (WCAG 2.2 AA) on each page and state.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { todayInLondon } from '../../src/domain/dates.ts';
import { ORGS, type TestApp, type UserKey } from '../support/app.ts';
import { browserSkipReason } from '../support/browser.ts';
import { assertAccessible, errorSummary, errorSummaryRules, fillDate, follow, startTestBed, type TestBed } from './helpers.ts';

const skip = browserSkipReason();
const NHS_NUMBER = testNhsNumber(8312);

describe('pages for API-only operations in the browser', { skip }, () => {
  let t: TestApp;
  let bed: TestBed;
  let base: string;
  let personId: string;

  async function api(method: 'POST', url: string, payload: unknown, user: UserKey) {
    const res = await t.app.inject({ method, url: `/api/v1${url}`, headers: t.as(user), payload: payload as Record<string, unknown> });
    assert.ok(res.statusCode < 300, res.body);
    return res.json();
  }

  before(async () => {
    bed = await startTestBed();
    ({ t, base } = bed);
    personId = (await api('POST', '/people', { nhsNumber: NHS_NUMBER, givenName: 'Zoë', familyName: 'Łukasiewicz-Nguyễn', dateOfBirth: '1975-02-03', residence: { localAuthority: ORGS.la.code, since: '2010-01-01' }, gp: { icb: ORGS.icb.code, since: '2010-01-01' } }, 'laPractitioner')).id;
    const admission = (await api('POST', `/people/${personId}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2025-01-10' }, 'laPractitioner')).id;
    await api('POST', `/people/${personId}/legal-statuses`, { section: '3', startDate: '2025-01-10', admissionId: admission }, 'laPractitioner');
    await api('POST', `/people/${personId}/advocacy-referrals`, { kind: 'imha', referredOn: todayInLondon(), provider: 'Northbridge Advocacy' }, 'laPractitioner');
  });

  after(async () => {
    await bed?.close();
  });

  test('a practitioner records an IMHA referral’s outcome and the records-access decision (ADV-3)', async () => {
    const page = await bed.signedInPage('laPractitioner');
    await page.goto(`${base}/people/${personId}/advocacy`);
    await follow(page, 'a:has-text("Record the outcome, the advocate’s involvement or the records-access decision")');
    assert.match(await page.locator('h1').innerText(), /Update a referral to an advocate/);
    await assertAccessible(page, 'the referral update form');
    await page.fill('#outcome', 'Supported at the planning meeting');
    await page.check('input[name="consentToRecords-personHasCapacity"][value="yes"]');
    await fillDate(page, 'consentToRecords-decidedOn', '2025-01-20');
    await follow(page, 'button:has-text("Save")');
    assert.deepEqual(await errorSummary(page), ['Say whether the person consents to the IMHA seeing their records']);
    assert.deepEqual(await errorSummaryRules(page), ['ADV-3'], 'the rule is behind the legal basis detail');
    assert.equal(await page.inputValue('#outcome'), 'Supported at the planning meeting');
    await assertAccessible(page, 'the referral update form with an error');
    await page.check('input[name="consentToRecords-consented"][value="yes"]');
    await follow(page, 'button:has-text("Save")');
    assert.equal(new URL(page.url()).pathname, `/people/${personId}/advocacy`);
    const content = await page.content();
    assert.match(content, /Referral updated/);
    assert.match(content, /Supported at the planning meeting/);
    assert.match(content, /The person consented on 20 January 2025/);
  });

  test('finance imports charges from the finance system’s CSV', async () => {
    const page = await bed.signedInPage('finance');
    await page.goto(`${base}/finance`);
    await follow(page, 'a:has-text("Import charges from the finance system")');
    assert.match(await page.locator('h1').innerText(), /Import charges from the finance system/);
    await assertAccessible(page, 'the charge import form');
    const header = 'nhsNumber,periodFrom,periodTo,amountPence,paidOn,description';
    await page.setInputFiles('input[type="file"][name="file"]', { name: 'charges.csv', mimeType: 'text/csv', buffer: Buffer.from(`${header}\n${NHS_NUMBER},2025-02-01,2025-02-28,lots,2025-03-03,Home care\n`) });
    await follow(page, 'button:has-text("Import charges")');
    assert.deepEqual(await errorSummary(page), ['Nothing was imported: one line has a problem. Correct the file and import it again']);
    assert.match(await page.locator('table').innerText(), /amountPence/);
    await assertAccessible(page, 'the charge import form with the problems of a file');
    await page.setInputFiles('input[type="file"][name="file"]', { name: 'charges.csv', mimeType: 'text/csv', buffer: Buffer.from(`${header}\n${NHS_NUMBER},2025-02-01,2025-02-28,12550,2025-03-03,Home care\n`) });
    await follow(page, 'button:has-text("Import charges")');
    assert.equal(new URL(page.url()).pathname, '/finance/charges/import');
    assert.match(await page.locator('.s117-import-done').innerText(), /1 charge was recorded/);
    await assertAccessible(page, 'the charge import page after an import');
  });
});
