// Ending aftercare in a real browser: a forbidden reason refused with END-3 in the error summary,
// a lawful proposal, approval by the council's lead then the ICB's lead (END-1) ending in "Ended",
// the decision letter its text read back, a complaint, and axe (WCAG 2.2 AA) on every new page.
// Skipped where Chromium is not installed, except in CI.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { actorFromUser } from '../../src/services/kernel/actor.ts';
import { USERS, type TestApp } from '../support/app.ts';
import { browserSkipReason } from '../support/browser.ts';
import { pdfText } from '../support/pdf.ts';
import { assertAccessible, fillDate, follow, startTestBed, type TestBed } from './helpers.ts';

const skip = browserSkipReason();

describe('ending aftercare pages in the browser', { skip }, () => {
  let t: TestApp;
  let bed: TestBed;
  let base: string;

  before(async () => {
    bed = await startTestBed();
    ({ t, base } = bed);
  });

  after(async () => {
    await bed?.close();
  });

  test('END-1: a full ending with both approvals ends in "Ended"; END-3 is refused; the letter reads right', async () => {
    const actor = actorFromUser((await findUserByEmail(t.database.db, USERS.practitioner.email))!);
    const s = t.services;
    const person = await s.people.create(actor, { givenName: 'Dana', familyName: 'Ender', dateOfBirth: '1975-02-03', address: { line1: '4 Mill Lane', postcode: 'NB2 2BB' }, residence: { localAuthority: 'E09000099', since: '2010-01-01' }, gp: { icb: 'QZZ', since: '2010-01-01' } });
    const stay = await s.legalHistory.addAdmission(actor, person.id, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-10', dischargedOn: '2024-05-01' });
    await s.legalHistory.addLegalStatus(actor, person.id, { section: '3', startDate: '2024-01-10', endDate: '2024-05-01', admissionId: stay.id });

    // The practitioner proposes.
    const page = await bed.signedInPage('practitioner');
    await page.goto(`${base}/people/${person.id}`);
    await follow(page, 'a:has-text("Propose or approve ending aftercare")');
    assert.equal(new URL(page.url()).pathname, `/people/${person.id}/ending`);
    await assertAccessible(page, 'the ending page');
    await follow(page, 'a:has-text("Propose ending aftercare for this episode")');
    await assertAccessible(page, 'the proposal form');
    await page.check('input[name="reasonCode"][value="refused-services"]');
    await page.fill('#reasons', 'They say they do not want the support any more.');
    await fillDate(page, 'reassessedOn', '2025-01-15');
    await page.check('input[name="personInvolved"][value="yes"]');
    await page.fill('#involved', 'Their brother\nCare co-ordinator');
    await follow(page, 'button:has-text("Propose ending aftercare")');
    const errors = await page.locator('.nhsuk-error-summary__list').textContent();
    assert.match(errors ?? '', /not a lawful reason to end aftercare/);
    assert.ok((await page.locator('.nhsuk-error-summary__list .s117-rule').allTextContents()).includes('END-3'), 'END-3 named behind the legal basis detail');
    await assertAccessible(page, 'the proposal form with errors');
    await page.check('input[name="reasonCode"][value="no-longer-needed"]');
    await page.fill('#reasons', 'Reassessed with them: they manage well and no need arising from their mental disorder remains.');
    await page.fill('#continuingOutsideS117', 'Weekly gardening group');
    await follow(page, 'button:has-text("Propose ending aftercare")');
    // Check your answers first (issue 9 item 3).
    assert.match(await page.locator('h1').innerText(), /Check your answers/);
    await assertAccessible(page, 'checking the proposal');
    await follow(page, 'button:has-text("Propose ending aftercare")');
    assert.equal(new URL(page.url()).pathname, `/people/${person.id}/ending`);
    assert.match(await page.locator('main').innerText(), /waiting for approval/);

    // The council's lead approves from "Awaiting your approval".
    const la = await bed.signedInPage('laApprover');
    await follow(la, 'a:has-text("Awaiting your approval")');
    assert.equal(new URL(la.url()).pathname, '/approvals');
    await assertAccessible(la, 'the approvals page');
    // The approver checks the record before deciding, and approves with a comment (issue 9 item 3).
    await follow(la, 'a:has-text("Check and decide")');
    await assertAccessible(la, 'the check page before approving an ending');
    await la.fill('#comment', 'Agreed at the s117 panel');
    await follow(la, 'button:has-text("Approve ending for the local authority")');
    await la.goto(`${base}/approvals`);
    assert.match(await la.locator('main').innerText(), /Nothing is waiting for your approval/);

    // The ICB's lead approves on the person's ending page: aftercare ends.
    const icb = await bed.signedInPage('icbApprover');
    await icb.goto(`${base}/people/${person.id}/ending`);
    await follow(icb, 'a:has-text("Check and approve ending for the icb")');
    assert.match(await icb.locator('main').innerText(), /Agreed at the s117 panel/, 'who approved, when, for which body, with their comment');
    await follow(icb, 'button:has-text("Approve ending for the icb")');
    const main = await icb.locator('main').innerText();
    assert.match(main, /Status: Ended/);
    assert.match(main, /approved: aftercare ended/);
    await assertAccessible(icb, 'the ending page after the joint decision');

    const href = await icb.locator('a:has-text("Download the decision letter")').first().getAttribute('href');
    const response = await icb.context().request.get(`${base}${href}`);
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-type'] ?? '', /application\/pdf/);
    const text = (await pdfText(Buffer.from(await response.body()))).replace(/\s+/g, ' ');
    assert.match(text, /Dana Ender/);
    assert.match(text, /4 Mill Lane/);
    assert.match(text, /no longer need section 117/);
    assert.match(text, /Weekly gardening group/);
    assert.match(text, /Local Government and Social Care Ombudsman/);
    assert.match(text, /mental health gets worse/);

    // Reinstatement form and complaints pages.
    await page.goto(`${base}/people/${person.id}/ending`);
    await follow(page, 'a:has-text("Ask for aftercare to be reinstated")');
    await assertAccessible(page, 'the reinstatement form');
    await page.goto(`${base}/people/${person.id}/complaints`);
    await assertAccessible(page, 'the complaints page');
    await follow(page, 'a:has-text("Record a complaint")');
    await assertAccessible(page, 'the complaint form');
    await page.check('input[name="against"][value="both"]');
    await page.check('input[name="route"][value="formal"]');
    await fillDate(page, 'receivedOn', '2025-02-01');
    await page.fill('#subject', 'Aftercare ended without asking me');
    await page.check('input[name="faults"][value="ending-without-reassessment"]');
    await follow(page, 'button:has-text("Save complaint")');
    assert.equal(new URL(page.url()).pathname, `/people/${person.id}/complaints`);
    assert.match(await page.locator('main').innerText(), /Within the Ombudsman’s 12-month window|window closed/);
    await follow(page, 'a:has-text("Change this complaint")');
    await assertAccessible(page, 'the complaint edit form');
    await follow(icb, 'a:has-text("Record that the letter was sent")');
    await assertAccessible(icb, 'the notice form');
  });
});
