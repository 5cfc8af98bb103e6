// The person's own pages in a real browser (issue 11): signing in through a real local OpenID
// provider as NHS login, every page of their view checked with axe (WCAG 2.2 AA), asking for a review
// and sharing their plan without JavaScript, and the kind page for someone with no record.
// Skipped where Chromium is not installed, except in CI.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/app.ts';
import { browserSkipReason, CHROMIUM_ARGS, chromiumPath } from '../support/browser.ts';
import { actorOf, identityFor, PERSON, personWithAftercare, startTestProvider } from '../support/your-aftercare.ts';
import type { RunningIdentityProvider } from '../../src/cli/identity-provider.ts';
import { assertAccessible, errorSummary, follow } from './helpers.ts';

const skip = browserSkipReason();

describe('the person’s own pages in the browser', { skip }, () => {
  let t: TestApp;
  let idp: RunningIdentityProvider;
  let browser: Browser;
  let base: string;
  const contexts: BrowserContext[] = [];

  before(async () => {
    t = await createTestApp('pglite');
    base = (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
    idp = await startTestProvider(base);
    t.services.signIn.configure(identityFor(idp.issuer, { publicUrl: base }));
    const practitioner = await actorOf(t, 'laPractitioner');
    await personWithAftercare(t.services, practitioner, practitioner.userId, { nhsNumber: PERSON.nhsNumber });
    browser = await chromium.launch({ executablePath: chromiumPath()!, args: CHROMIUM_ARGS });
  });

  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
    await idp?.close();
  });

  /** A browser reaching only this machine, signed in through the provider's login form as `login` (axe needs JavaScript). */
  async function signIn(login: string, javaScriptEnabled = true): Promise<Page> {
    const context = await browser.newContext({ javaScriptEnabled });
    await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort());
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${base}/your-aftercare`);
    assert.equal(new URL(page.url()).pathname, '/your-aftercare/sign-in');
    if (javaScriptEnabled) await assertAccessible(page, 'the person’s sign-in page');
    await page.click('a:has-text("Continue to NHS login")');
    await page.fill('input[name="login"]', login);
    await page.fill('input[name="password"]', 'any');
    await page.click('button[type="submit"]');
    await page.waitForLoadState();
    return page;
  }

  test('sign in with NHS login; every page passes axe', async () => {
    const page = await signIn('person-p9');
    assert.equal(new URL(page.url()).pathname, '/your-aftercare');
    assert.match(await page.locator('main').innerText(), /You get free aftercare/);
    assert.equal(await page.locator('a[href="/register"], a[href="/caseload"]').count(), 0, 'no staff navigation');
    await assertAccessible(page, 'your aftercare');
    for (const [path, what] of [
      ['/your-aftercare/plan', 'your plan'], ['/your-aftercare/plan/easy-read', 'easy read plan'], ['/your-aftercare/letters', 'your letters'],
      ['/your-aftercare/review', 'ask for a review'], ['/your-aftercare/something-wrong', 'tell us something is wrong'], ['/your-aftercare/advocate', 'ask for an advocate'],
      ['/your-aftercare/sharing', 'who can see your plan'],
    ] as const) {
      await page.goto(`${base}${path}`);
      await assertAccessible(page, what);
    }

    await page.goto(`${base}/your-aftercare/something-wrong`);
    await follow(page, 'button:has-text("Send")');
    assert.deepEqual(await errorSummary(page), ['Tell us what is wrong']);
    await assertAccessible(page, 'tell us something is wrong, refused');

    await page.goto(`${base}/your-aftercare/review`);
    await page.fill('#reason', 'I am not sleeping');
    await follow(page, 'button:has-text("Send")');
    assert.equal(new URL(page.url()).pathname, '/your-aftercare');
    assert.match(await page.locator('main').innerText(), /We have your request for a review/);
    await assertAccessible(page, 'after asking for a review');

    await page.goto(`${base}/your-aftercare/sharing`);
    await page.fill('#name', 'Cara Cousin');
    await follow(page, 'button:has-text("Share my plan")');
    assert.match(await page.locator('main').innerText(), /Cara Cousin/);
    await follow(page, 'button:has-text("Stop sharing with Cara Cousin")');
    assert.doesNotMatch(await page.locator('main').innerText(), /Cara Cousin,/);
    await assertAccessible(page, 'who can see your plan, after a change');

    await follow(page, 'button:has-text("Sign out")');
    assert.match(await page.locator('main').innerText(), /You have signed out/);
    await assertAccessible(page, 'signed out');
  });

  test('without JavaScript: sign in, tell us something is wrong, and sign out', async () => {
    const page = await signIn('person-p9', false);
    assert.equal(new URL(page.url()).pathname, '/your-aftercare');
    await page.goto(`${base}/your-aftercare/something-wrong`);
    await page.fill('#subject', 'Nobody came on Tuesday');
    await follow(page, 'button:has-text("Send")');
    assert.match(await page.locator('main').innerText(), /Thank you for telling us/);
    await follow(page, 'button:has-text("Sign out")');
    assert.match(await page.locator('main').innerText(), /You have signed out/);
  });

  test('someone with no record sees a kind page that says whom to contact', async () => {
    const page = await signIn('stranger');
    assert.match(await page.locator('main').innerText(), /We could not find you/);
    await assertAccessible(page, 'no record');
  });
});
