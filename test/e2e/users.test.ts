// Issue 15, probe 12: the admins' users page in a real browser: revoke a token, disable a user and
// enable them again, each by a button (a plain form with CSRF); axe (WCAG 2.2 AA) on
// the page before and after each change. Skipped where Chromium is not installed, except in CI.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { createTestApp, PASSWORD, USERS, type TestApp } from '../support/app.ts';
import { browserSkipReason, CHROMIUM_ARGS, chromiumPath } from '../support/browser.ts';
import { assertAccessible, follow, openSignedInPage } from './helpers.ts';

const skip = browserSkipReason();

describe('the users page in the browser', { skip }, () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const contexts: BrowserContext[] = [];
  const apiStatus = async (key: 'auditor' | 'finance') => (await t.app.inject({ method: 'GET', url: '/api/v1/people', headers: t.as(key) })).statusCode;

  before(async () => {
    t = await createTestApp('pglite');
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: chromiumPath()!, args: CHROMIUM_ARGS });
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
  });

  test('an admin revokes a token, disables a user and enables them again', async () => {
    const { context, page } = await openSignedInPage(browser, base, USERS.admin.email);
    contexts.push(context);
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

