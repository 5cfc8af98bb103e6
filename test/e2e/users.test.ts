// Issue 15, probe 12: the admins' users page in a real browser: revoke a token, disable a user and
// enable them again, each by a button (a plain form with CSRF); axe (WCAG 2.2 AA) on
// the page before and after each change. Skipped where Chromium is not installed, except in CI.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PASSWORD, USERS, type TestApp } from '../support/app.ts';
import { browserSkipReason } from '../support/browser.ts';
import { assertAccessible, follow, startTestBed, type TestBed } from './helpers.ts';

const skip = browserSkipReason();

describe('the users page in the browser', { skip }, () => {
  let t: TestApp;
  let bed: TestBed;
  let base: string;
  const apiStatus = async (key: 'auditor' | 'finance') => (await t.app.inject({ method: 'GET', url: '/api/v1/people', headers: t.as(key) })).statusCode;

  before(async () => {
    bed = await startTestBed();
    ({ t, base } = bed);
  });
  after(async () => {
    await bed?.close();
  });

  test('an admin revokes a token, disables a user and enables them again', async () => {
    const page = await bed.signedInPage('admin');
    // Under "More" in the header (issue 9 item 5).
    await page.goto(`${base}/more`);
    assert.equal(await page.locator('main a[href="/users"]').count(), 1);
    await page.goto(`${base}/users`);
    assert.equal(new URL(page.url()).pathname, '/users');
    await assertAccessible(page, 'the users page');

    assert.equal(await apiStatus('auditor'), 200);
    await follow(page, `button:has-text("Revoke"):has-text("${USERS.auditor.email}")`);
    assert.match(await page.locator('main').innerText(), /The API token was revoked/);
    assert.equal(await apiStatus('auditor'), 401);
    await assertAccessible(page, 'the users page after revoking a token');

    await follow(page, `button:has-text("Disable"):has-text("${USERS.finance.email}")`);
    assert.match(await page.locator('main').innerText(), /The user was disabled/);
    assert.equal(await apiStatus('finance'), 401);
    await assert.rejects(t.services.accounts.signIn(USERS.finance.email, PASSWORD, null));
    await assertAccessible(page, 'the users page after disabling a user');

    await follow(page, `button:has-text("Enable"):has-text("${USERS.finance.email}")`);
    assert.match(await page.locator('main').innerText(), /The user was enabled/);
    assert.ok((await t.services.accounts.signIn(USERS.finance.email, PASSWORD, null)).sessionToken);
    await assertAccessible(page, 'the users page after enabling a user');
  });
});

