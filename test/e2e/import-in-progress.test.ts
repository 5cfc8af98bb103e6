// Moving in on the embedded database (ADR 0011 round 5), in a real browser: while a commit runs, its
// status page says that the rows are saved a few hundred at a time (the register shows the people
// saved so far) and that a failed import is removed again; with axe (WCAG 2.2 AA, but for the page's
// self-refresh: see below). The job is made
// running by its server (the test app's own owner and a fresh heartbeat), so the page is seen in that
// state whatever the speed of the machine.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { insertImportJob, markImportJobRunning } from '../../src/data/imports-repository.ts';
import { createTestApp, USERS, type TestApp } from '../support/app.ts';
import { browserSkipReason, CHROMIUM_ARGS, chromiumPath } from '../support/browser.ts';
import { AxeBuilder } from '@axe-core/playwright';
import { openSignedInPage, WCAG_TAGS } from './helpers.ts';

const skip = browserSkipReason();

describe('an import in progress on the embedded database, in the browser', { skip }, () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const contexts: BrowserContext[] = [];

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

  test('REG-1: a commit being saved in parts says the register shows the people saved so far, and that a failure removes them', async () => {
    assert.equal(t.services.imports.commits, 'per-chunk');
    const lead = (await findUserByEmail(t.database.db, USERS.laApprover.email))!;
    const id = randomUUID();
    await insertImportJob(t.database.db, { id, kind: 'register', mode: 'commit', status: 'queued', file_name: 'june.csv', sha256: 'a'.repeat(64), size_bytes: 10, file_base64: null, mapping: {}, created_by: lead.id, organisation_id: lead.organisation_id, dry_run_id: null });
    await markImportJobRunning(t.database.db, id, 5000, undefined, { owner: t.services.imports.owner, at: new Date() });
    const { context, page } = await openSignedInPage(browser, base, USERS.laApprover.email);
    contexts.push(context);
    await page.goto(`${base}/imports/${id}`);
    const main = await page.locator('main').innerText();
    assert.match(main, /Working on the file/);
    assert.match(main, /the register shows the people saved so far/);
    assert.match(main, /what it saved is removed again/);
    // axe, but for its meta-refresh rule: the working page refreshes itself every 2 s by design (ADR
    // 0011 "Jobs": progress without JavaScript), which WCAG 2.2.1 flags. Found here, not changed in
    // this round (the moving-in browser test checks this page only once the work is done): reported.
    const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).disableRules(['meta-refresh']).analyze();
    assert.deepEqual(results.violations.map((v) => v.id), []);
    assert.equal(await page.locator('meta[http-equiv="refresh"]').count(), 1);
  });
});
