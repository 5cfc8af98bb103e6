// Shared steps of the browser tests: the test bed (the app listening on this machine and Chromium),
// accessibility checks (axe, WCAG 2.2 AA), the NHS date input, following a link or button to the
// next page, and reading the error summary.
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { createTestApp, PASSWORD, USERS, type TestApp, type UserKey } from '../support/app.ts';
import { CHROMIUM_ARGS, chromiumPath } from '../support/browser.ts';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Runs axe on the page as it is and fails with every violation spelt out. */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const report = results.violations
    .map((v) => `- ${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\n/g, ' ')}`).join('\n')}`)
    .join('\n');
  assert.equal(results.violations.length, 0, `axe found problems on ${what} (${page.url()}):\n${report}`);
}

/** Fills the NHS date input of a field (its day box carries the field's id). */
export async function fillDate(page: Page, id: string, iso: string): Promise<void> {
  const [year, month, day] = iso.split('-');
  await page.fill(`#${id}`, String(Number(day)));
  await page.fill(`#${id}-month`, String(Number(month)));
  await page.fill(`#${id}-year`, year!);
}

/** Clicks a link or button and waits until the page it leads to has loaded. */
export async function follow(page: Page, selector: string): Promise<void> {
  const loaded = page.waitForEvent('load');
  await page.click(selector);
  await loaded;
}

/** The error summary's messages as people read them: each item's text, its "Legal basis" detail left out. */
export async function errorSummary(page: Page): Promise<string[]> {
  return page.locator('.nhsuk-error-summary__list > li').evaluateAll((items) =>
    items.map((item) => {
      const copy = item.cloneNode(true) as typeof item;
      for (const detail of copy.querySelectorAll('details')) detail.remove();
      return (copy.textContent ?? '').trim();
    }),
  );
}

/** The rule ids named in the error summary's "Legal basis" details. */
export async function errorSummaryRules(page: Page): Promise<string[]> {
  return page.locator('.nhsuk-error-summary__list .s117-rule').allTextContents();
}

/**
 * Lets the context reach only this machine's test server, and records whatever a page asked of
 * another origin (issue 9: the register must work on a closed network). Tests assert the list is empty.
 */
export const requestsToOtherOrigins: string[] = [];
export async function keepToThisMachine(context: BrowserContext): Promise<void> {
  await context.route((url) => url.hostname !== '127.0.0.1', (route) => {
    requestsToOtherOrigins.push(route.request().url());
    return route.abort();
  });
}

/**
 * A fresh browser context, reaching only this machine's test server, signed in as the user through
 * the sign-in form. The caller closes the context.
 */
export async function openSignedInPage(browser: Browser, base: string, email: string, options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  await keepToThisMachine(context);
  const page = await context.newPage();
  await page.goto(`${base}/sign-in`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await follow(page, 'button:has-text("Sign in")');
  return { context, page };
}

/**
 * Chooses an organisation in a list of organisations by its code: the plain select without
 * JavaScript, or the type-ahead box the register's script makes of it (static/organisations.js), in
 * which the suggestion "Name (CODE)" is typed as a person would pick it.
 */
export async function chooseOrganisation(page: Page, id: string, code: string): Promise<void> {
  const field = page.locator(`#${id}`);
  if ((await field.evaluate((el) => el.tagName)) === 'SELECT') return void (await field.selectOption(code));
  const suggestion = await page.locator(`datalist#${id}-names option[value$="(${code})"]`).getAttribute('value');
  await field.fill(suggestion ?? code);
}

/** The code chosen in a list of organisations, whether a select or the type-ahead box. */
export async function chosenOrganisation(page: Page, id: string): Promise<string> {
  const value = await page.inputValue(`#${id}`);
  return /\(([A-Z0-9]{3,9})\)$/.exec(value)?.[1] ?? value;
}

/** What every browser test starts from: the app on a fresh PGlite database, listening on this machine, and Chromium. */
export interface TestBed {
  t: TestApp;
  /** The app's address (http://127.0.0.1:port). */
  base: string;
  browser: Browser;
  /** A page in a fresh context, signed in as the user through the sign-in form; closed with the bed. */
  signedInPage(user: UserKey, options?: BrowserContextOptions): Promise<Page>;
  /** A page in a fresh context, not signed in, reaching only this machine; closed with the bed. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** Closes every context opened through the bed, Chromium and the app. */
  close(): Promise<void>;
}

export async function startTestBed(): Promise<TestBed> {
  const t = await createTestApp('pglite');
  const contexts: BrowserContext[] = [];
  let browser: Browser | undefined;
  const close = async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t.close();
  };
  try {
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const chromiumBrowser = (browser = await chromium.launch({ executablePath: chromiumPath()!, args: CHROMIUM_ARGS }));
    return {
      t, base, browser: chromiumBrowser, close,
      async signedInPage(user, options = {}) {
        const { context, page } = await openSignedInPage(chromiumBrowser, base, USERS[user].email, options);
        contexts.push(context);
        return page;
      },
      async newPage(options = {}) {
        const context = await chromiumBrowser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
        await keepToThisMachine(context);
        contexts.push(context);
        return context.newPage();
      },
    };
  } catch (error) {
    await close(); // PGlite left open would end the process with code 99
    throw error;
  }
}
