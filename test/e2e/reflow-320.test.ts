// Issue 9 item 10, WCAG 1.4.10 (reflow): at 320 CSS pixels wide no page of the main journey scrolls
// sideways (document.documentElement.scrollWidth <= 320), tables wrap or stack (the NHS responsive
// table), and the API documentation page reflows too and passes axe. On the demonstration data, so
// that the pages carry real tables (services, money, reviews). Skipped where Chromium is not
// installed, except in CI.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_PASSWORD, loadDemoData } from '../../src/cli/demo.ts';
import { buildApp } from '../../src/http/app.ts';
import { createServices } from '../../src/services/index.ts';
import { browserSkipReason, CHROMIUM_ARGS, chromiumPath } from '../support/browser.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { assertAccessible, follow, keepToThisMachine, requestsToOtherOrigins } from './helpers.ts';

const skip = browserSkipReason();
const NARROW = { width: 320, height: 640 };

describe('every page reflows at 320 px (WCAG 1.4.10)', { skip }, () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  const contexts: BrowserContext[] = [];

  before(async () => {
    database = await createTestDatabase('pglite');
    const services = createServices(database.db);
    await loadDemoData(services, () => {});
    app = await buildApp({ services, sessionSecret: 'test-secret-that-is-long-enough-for-cookies', production: false, logLevel: 'silent', rateLimit: false });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: chromiumPath()!, args: CHROMIUM_ARGS });
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await app?.close();
    await database?.dispose();
  });

  async function signedIn(email: string, viewport = NARROW): Promise<Page> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    await keepToThisMachine(context);
    const page = await context.newPage();
    await page.goto(`${base}/sign-in`);
    await page.fill('#email', email);
    await page.fill('#password', DEMO_PASSWORD);
    await follow(page, 'button:has-text("Sign in")');
    return page;
  }

  /** Where the page is wider than the screen: its width and the widest elements, to say what to fix. */
  async function overflow(page: Page): Promise<{ width: number; culprits: string[] }> {
    // A script (not a function) so that the DOM's types are not needed here.
    return page.evaluate(`(() => {
      const width = document.documentElement.scrollWidth;
      const limit = document.documentElement.clientWidth;
      const culprits = [];
      if (width > limit) {
        for (const el of Array.from(document.body.querySelectorAll('*'))) {
          const r = el.getBoundingClientRect();
          if (r.right > limit + 1 && r.width > 0 && getComputedStyle(el).position !== 'fixed') {
            const parentOverflows = el.parentElement && el.parentElement.getBoundingClientRect().right > limit + 1;
            if (!parentOverflows || el.children.length === 0) culprits.push(el.tagName.toLowerCase() + '.' + String(el.className).slice(0, 60) + ' (' + Math.round(r.right) + ')');
          }
          if (culprits.length >= 8) break;
        }
      }
      return { width, culprits };
    })()`);
  }

  async function assertReflows(page: Page, url: string): Promise<void> {
    const res = await page.goto(`${base}${url}`);
    assert.equal(res?.status(), 200, `${url} answered ${res?.status()}`);
    const { width, culprits } = await overflow(page);
    assert.ok(width <= 320, `${url} is ${width} px wide at 320 px: ${culprits.join(', ')}`);
  }

  test('the main journey’s pages, as the admin who sees everyone, have no horizontal scrolling at 320 px', async () => {
    const page = await signedIn('admin@demo.s117.test');
    await page.goto(`${base}/register?limit=500`);
    const ids = [...new Set(await page.locator('main a[href^="/people/"]').evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? "").filter((h) => /^\/people\/[0-9a-f-]{36}$/.test(h))))];
    assert.ok(ids.length >= 10, 'the register lists the demonstration people');
    const urls = ['/', '/register', '/people/new', '/reviews', '/caseload', '/finance', '/funding-policies', '/reports', '/audit', '/users', '/organisations'];
    for (const person of ids.slice(0, 6)) {
      urls.push(person, `${person}/edit`, `${person}/plan`, `${person}/services`, `${person}/reviews`, `${person}/money`, `${person}/ending`, `${person}/keyworker`);
    }
    const problems: string[] = [];
    for (const url of urls) {
      try {
        await assertReflows(page, url);
      } catch (error) {
        problems.push((error as Error).message.split('\n')[0]!);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('issue 9 item 5: each role’s header fits on one line on a wide screen, and with "More" it reflows at 320 px; the More page is axe-clean, reached by keyboard and without JavaScript', async () => {
    const users = ['admin', 'practitioner', 'la-approver', 'icb-approver', 'keyworker', 'finance', 'auditor'];
    for (const user of users) {
      const email = `${user}@demo.s117.test`;
      const wide = await signedIn(email, { width: 1280, height: 900 });
      await wide.goto(`${base}/register`);
      // nhsuk-frontend's script moves links that do not fit under its own "Browse More" button: none should need to.
      assert.equal(await wide.locator('.nhsuk-header__menu').isVisible(), false, `${user}: every header link fits at 1280 px`);
      // By keyboard: Tab to the header's "More" link and press Enter.
      for (let i = 0; i < 40 && !(await wide.evaluate('document.activeElement && document.activeElement.getAttribute("href") === "/more"')); i++) await wide.keyboard.press('Tab');
      const loaded = wide.waitForEvent('load');
      await wide.keyboard.press('Enter');
      await loaded;
      assert.equal(new URL(wide.url()).pathname, '/more', `${user}: the More link is reached by keyboard`);
      await assertAccessible(wide, `the More page for ${user}`);

      const narrow = await signedIn(email);
      for (const url of ['/register', '/more']) await assertReflows(narrow, url);
      await assertAccessible(narrow, `the More page for ${user} at 320 px`);
    }
    // Without JavaScript the header's links and the More page are plain links.
    const context = await browser.newContext({ viewport: NARROW, javaScriptEnabled: false });
    contexts.push(context);
    await keepToThisMachine(context);
    const page = await context.newPage();
    await page.goto(`${base}/sign-in`);
    await page.fill('#email', 'auditor@demo.s117.test');
    await page.fill('#password', DEMO_PASSWORD);
    await follow(page, 'button:has-text("Sign in")');
    await follow(page, 'a.nhsuk-header__navigation-link[href="/more"]');
    assert.match(await page.locator('main').innerText(), /Complaints[\s\S]*Disputes/);
    await follow(page, 'main a[href="/complaints"]');
    assert.equal(new URL(page.url()).pathname, '/complaints');
    assert.deepEqual(requestsToOtherOrigins, []);
  });

  test('tables stack at 320 px: each cell of the organisations table shows its column’s heading', async () => {
    const page = await signedIn('admin@demo.s117.test');
    await page.goto(`${base}/organisations`);
    assert.ok(await page.locator('main table .nhsuk-table-responsive__heading').first().isVisible(), 'the organisations table stacks');
    await assertAccessible(page, 'the organisations page at 320 px');
  });

  test('the API documentation page reflows at 320 px and passes axe', async () => {
    for (const viewport of [NARROW, { width: 1280, height: 900 }]) {
      const context = await browser.newContext({ viewport });
      contexts.push(context);
      await keepToThisMachine(context);
      const page = await context.newPage();
      await page.goto(`${base}/api/docs`);
      await page.waitForSelector('.opblock-tag', { timeout: 60_000 });
      if (viewport.width === 320) {
        const { width, culprits } = await overflow(page);
        assert.ok(width <= 320, `/api/docs is ${width} px wide at 320 px: ${culprits.join(', ')}`);
      }
      await assertAccessible(page, `the API documentation at ${viewport.width} px`);
      // An operation opened shows its parameters and responses, which must pass axe too.
      await page.locator('.opblock-summary').first().click();
      await page.waitForSelector('.opblock-body', { timeout: 30_000 });
      await assertAccessible(page, `an operation opened in the API documentation at ${viewport.width} px`);
      if (viewport.width === 320) {
        const { width, culprits } = await overflow(page);
        assert.ok(width <= 320, `/api/docs with an operation open is ${width} px wide at 320 px: ${culprits.join(', ')}`);
      }
    }
    assert.deepEqual(requestsToOtherOrigins, []);
  });
});
