// The change notifications page in a real browser: an admin sees each subscription with its
// deliveries, a failed one with why and when it is tried next; axe (WCAG 2.2 AA); a page without
// scripts of its own. Skipped where Chromium is not installed, except in CI.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { actorFromUser } from '../../src/services/kernel/actor.ts';
import { USERS, type TestApp } from '../support/app.ts';
import { browserSkipReason } from '../support/browser.ts';
import { NORTHBRIDGE_PERSON } from '../support/services.ts';
import { assertAccessible, follow, startTestBed, type TestBed } from './helpers.ts';

const skip = browserSkipReason();

describe('change notifications page in the browser', { skip }, () => {
  let t: TestApp;
  let bed: TestBed;
  let base: string;

  before(async () => {
    bed = await startTestBed();
    ({ t, base } = bed);
    const admin = actorFromUser((await findUserByEmail(t.database.db, USERS.admin.email))!);
    // A receiver that is not there: the delivery fails and waits for its retry.
    await t.services.subscriptions.create(admin, { url: 'http://127.0.0.1:9/hook', events: ['person.entitled'] });
    const person = await t.services.people.create(admin, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: 'Noa', familyName: 'Notified' });
    const stay = await t.services.legalHistory.addAdmission(admin, person.id, { hospital: 'Northbridge Hospital', admittedOn: '2025-01-10' });
    await t.services.legalHistory.addLegalStatus(admin, person.id, { section: '3', startDate: '2025-01-10', admissionId: stay.id });
    await t.services.deliveries.runOnce();
  });

  after(async () => {
    await bed?.close();
  });

  test('an admin sees the subscription, the failed delivery, why and when it is retried; the page is accessible (and has no script)', async () => {
    const page = await bed.signedInPage('admin');
    await page.goto(`${base}/subscriptions`);
    assert.equal(await page.locator('h1').innerText(), 'Change notifications');
    const row = page.locator('tbody tr').first();
    assert.match(await row.innerText(), /person\.entitled\s+Not yet delivered\s+1\s+Could not connect/);
    await assertAccessible(page, 'the change notifications page');
    assert.equal(await page.locator('main script').count(), 0);
  });

  test('someone who does not look after subscriptions is refused', async () => {
    const page = await bed.signedInPage('practitioner');
    const response = await page.goto(`${base}/subscriptions`);
    assert.equal(response?.status(), 403);
  });

  test('an admin stops a subscription after a confirmation page (issue 15: the API’s DELETE has its page); accessible', async () => {
    const page = await bed.signedInPage('admin');
    await page.goto(`${base}/subscriptions`);
    await follow(page, 'a:has-text("Stop notifications")');
    assert.equal(await page.locator('h1').innerText(), 'Stop change notifications');
    assert.match(await page.locator('main').innerText(), /http:\/\/127\.0\.0\.1:9\/hook/);
    await assertAccessible(page, 'the confirmation to stop notifications');
    await follow(page, 'button:has-text("Stop notifications")');
    assert.equal(new URL(page.url()).pathname, '/subscriptions');
    assert.match(await page.content(), /Notifications stopped/);
    assert.match(await page.content(), /No system is subscribed\./);
    await assertAccessible(page, 'the change notifications page after stopping one');
  });
});
