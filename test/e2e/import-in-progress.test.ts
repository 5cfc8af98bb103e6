// Moving in on the embedded database (ADR 0011 round 5), in a real browser: while a commit runs, its
// status page says that the rows are saved a few hundred at a time (the register shows the people
// saved so far) and that a failed import is removed again; the progress line keeps itself up to date
// in place with JavaScript, and without it the page refreshes itself (a <noscript> meta refresh) until
// "Stop refreshing this page" (WCAG 2.2.1); a "Cancel the import" button; axe on each state. The job
// is made running by its server (the test app's own owner and a fresh heartbeat), so the page is seen
// in that state whatever the speed of the machine.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { insertImportJob, markImportJobRunning } from '../../src/data/imports-repository.ts';
import { USERS } from '../support/app.ts';
import { browserSkipReason } from '../support/browser.ts';
import { assertAccessible, startTestBed, type TestBed } from './helpers.ts';

const skip = browserSkipReason();

describe('an import in progress on the embedded database, in the browser', { skip }, () => {
  let bed: TestBed;

  before(async () => {
    bed = await startTestBed();
  });

  after(async () => {
    await bed?.close();
  });

  /** A commit job shown as running on this server, with `total` rows to do. */
  async function runningJob(total: number): Promise<string> {
    const lead = (await findUserByEmail(bed.t.database.db, USERS.laApprover.email))!;
    const id = randomUUID();
    await insertImportJob(bed.t.database.db, { id, kind: 'register', mode: 'commit', status: 'queued', file_name: 'june.csv', sha256: 'a'.repeat(64), size_bytes: 10, file_base64: null, mapping: {}, created_by: lead.id, organisation_id: lead.organisation_id, dry_run_id: null });
    await markImportJobRunning(bed.t.database.db, id, total, undefined, { owner: bed.t.services.imports.owner, at: new Date() });
    return id;
  }

  test('REG-1: a commit being saved in parts says the register shows the people saved so far, and that a failure removes them; its progress keeps itself up to date in place', async () => {
    assert.equal(bed.t.services.imports.commits, 'per-chunk');
    const id = await runningJob(5000);
    const page = await bed.signedInPage('laApprover');
    await page.goto(`${bed.base}/imports/${id}`);
    const main = await page.locator('main').innerText();
    assert.match(main, /Working on the file/);
    assert.match(main, /0 of 5000 rows imported/);
    assert.match(main, /the register shows the people saved so far/);
    assert.match(main, /what it saved is removed again/);
    assert.equal(await page.getByRole('button', { name: 'Cancel the import' }).count(), 1);
    await assertAccessible(page, 'an import in progress');
    // With JavaScript the page does not reload itself: the progress line is brought up to date in place.
    assert.equal(await page.locator('head meta[http-equiv="refresh"]').count(), 0, 'no meta refresh while JavaScript runs');
    await page.evaluate(() => { (globalThis as unknown as { s117Marker: number }).s117Marker = 117; });
    await bed.t.database.db.updateTable('import_jobs').set({ progress_done: 1500 }).where('id', '=', id).execute();
    await page.locator('[data-s117-progress-line]', { hasText: '1500 of 5000 rows imported' }).waitFor({ timeout: 20_000 });
    assert.equal(await page.evaluate(() => (globalThis as unknown as { s117Marker?: number }).s117Marker), 117, 'the same document: not reloaded');
    assert.equal(new URL(page.url()).pathname, `/imports/${id}`);
    // Once the work is done, the page is opened again once, showing how it ended.
    await bed.t.database.db.updateTable('import_jobs').set({ status: 'failed', error: 'The import was cancelled: nothing of it was saved.', finished_at: new Date() }).where('id', '=', id).execute();
    await page.getByText('The import failed').waitFor({ timeout: 20_000 });
    assert.match(await page.locator('main').innerText(), /nothing of it was saved/);
    await assertAccessible(page, 'an import that failed');
  });

  test('without JavaScript the page refreshes itself until the person stops it (WCAG 2.2.1)', async () => {
    const id = await runningJob(200);
    const page = await bed.signedInPage('laApprover', { javaScriptEnabled: false });
    await page.goto(`${bed.base}/imports/${id}`);
    assert.equal(await page.locator('head meta[http-equiv="refresh"]').count(), 1, 'the <noscript> refresh applies without JavaScript');
    await page.getByRole('link', { name: 'Stop refreshing this page' }).click();
    await page.waitForURL(`${bed.base}/imports/${id}?refresh=off`);
    assert.equal(await page.locator('meta[http-equiv="refresh"]').count(), 0);
    assert.match(await page.locator('main').innerText(), /This page does not refresh itself/);
    await page.getByRole('link', { name: 'Refresh', exact: true }).waitFor();
  });

  test('"Cancel the import" on a job this server is not committing leaves it as it is and shows the page again', async () => {
    const id = await runningJob(300);
    const page = await bed.signedInPage('laApprover');
    await page.goto(`${bed.base}/imports/${id}?refresh=off`);
    await page.getByRole('button', { name: 'Cancel the import' }).click();
    await page.waitForURL(`${bed.base}/imports/${id}`);
    assert.match(await page.locator('main').innerText(), /Working on the file/);
  });
});
