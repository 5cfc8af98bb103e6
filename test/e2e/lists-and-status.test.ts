// Issue 9 items 4 and 9 in a real browser: the complaints and disputes lists across people (from the
// navigation, filtered, linked to the person), the status panel explaining the status in plain
// words with what to record next, and leaving hospital with the section open (the question that
// leads to the form recording the answer); axe (WCAG 2.2 AA) on every page state. Skipped where Chromium is not
// installed, except in CI.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatNhsNumber } from '../../src/domain/nhs-number.ts';
import { ORGS, type TestApp } from '../support/app.ts';
import { browserSkipReason } from '../support/browser.ts';
import { call, created, createPerson, nextNhsNumber } from '../api/helpers.ts';
import { assertAccessible, errorSummary, fillDate, follow, requestsToOtherOrigins, startTestBed, type TestBed } from './helpers.ts';

const skip = browserSkipReason();

describe('lists across people and the status explained, in the browser', { skip, timeout: 900_000 }, () => {
  let t: TestApp;
  let bed: TestBed;
  let base: string;
  let person: { id: string; nhsNumber: string | null };

  before(async () => {
    bed = await startTestBed();
    ({ t, base } = bed);
    person = await createPerson(t, { givenName: 'Rosalind', familyName: 'Browserlisted', nhsNumber: nextNhsNumber() }, 'laPractitioner');
    await created(t, `/api/v1/people/${person.id}/complaints`, { against: 'both', route: 'formal', receivedOn: '2026-01-10', subject: 'Services late after discharge' }, 'laPractitioner');
    await created(t, `/api/v1/people/${person.id}/disputes`, { partyA: { kind: 'local-authority', code: ORGS.la.code }, partyB: { kind: 'icb', code: ORGS.icb.code }, subject: 'funding-split', interimFunderCode: ORGS.la.code, raisedOn: '2026-01-05' }, 'laApprover');
    // Detained under section 3; leaving hospital recorded while the section is still in force.
    const stay = await created(t, `/api/v1/people/${person.id}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2026-01-02', provider: ORGS.trust.code }, 'laPractitioner');
    await created(t, `/api/v1/people/${person.id}/legal-statuses`, { section: '3', startDate: '2026-01-02', admissionId: stay.id }, 'laPractitioner');
    const left = await call(t, 'PATCH', `/api/v1/people/${person.id}/admissions/${stay.id}`, { dischargedOn: '2026-02-01' }, 'laPractitioner');
    assert.equal(left.statusCode, 200, left.body);
  });
  after(async () => {
    await bed?.close();
  });

  test('an auditor finds the complaints list in the navigation, filters it and opens the person’s complaint', async () => {
    const page = await bed.signedInPage('auditor');
    // Under "More" in the header (issue 9 item 5: an auditor's header keeps the lists they use most), then followed.
    assert.equal(await page.locator('a.nhsuk-header__navigation-link[href="/complaints"]').count(), 0);
    await follow(page, 'a.nhsuk-header__navigation-link[href="/more"]');
    await follow(page, 'main a[href="/complaints"]');
    assert.equal(new URL(page.url()).pathname, '/complaints');
    const row = await page.innerText('table tbody');
    assert.match(row, /Rosalind Browserlisted/);
    assert.ok(row.includes(formatNhsNumber(person.nhsNumber!)));
    await assertAccessible(page, 'the complaints list');
    await fillDate(page, 'from', '2026-02-31');
    await follow(page, 'button:has-text("Show complaints")');
    assert.deepEqual(await errorSummary(page), ['The start date must be a real date']);
    await assertAccessible(page, 'the complaints list with an error');
    await fillDate(page, 'from', '2027-01-01');
    await follow(page, 'button:has-text("Show complaints")');
    assert.match(await page.innerText('main'), /No complaints match these filters/);
    await assertAccessible(page, 'the complaints list with nothing to show');
    await page.goto(`${base}/complaints`);
    await follow(page, 'table tbody a:has-text("Rosalind Browserlisted")');
    assert.equal(new URL(page.url()).pathname, `/people/${person.id}/complaints`);
    assert.match(await page.innerText('main'), /Services late after discharge/);
  });

  test('finance has the disputes list (not the complaints list) and reaches the person’s disputes from it', async () => {
    const page = await bed.signedInPage('finance');
    assert.equal(await page.locator('a.nhsuk-header__navigation-link[href="/complaints"]').count(), 0);
    // Under "More" (issue 9 item 5), without the complaints list.
    await page.goto(`${base}/more`);
    assert.equal(await page.locator('main a[href="/complaints"]').count(), 0);
    assert.equal(await page.locator('main a[href="/disputes"]').count(), 1);
    await page.goto(`${base}/disputes`);
    assert.equal(new URL(page.url()).pathname, '/disputes');
    const row = await page.innerText('table tbody');
    assert.match(row, /Rosalind Browserlisted/);
    assert.match(row, new RegExp(ORGS.icb.name));
    await assertAccessible(page, 'the disputes list');
    await follow(page, 'table tbody a:has-text("Rosalind Browserlisted")');
    assert.equal(new URL(page.url()).pathname, `/people/${person.id}/money`);
  });

  test('the status panel says why the person is still in planning and what to record next, the rules behind a legal basis', async () => {
    const page = await bed.signedInPage('laPractitioner');
    await page.goto(`${base}/people/${person.id}`);
    const panel = page.locator('.s117-status-summary');
    const words = await panel.innerText();
    assert.match(words, /Rosalind has been detained under section 3 since 2 January 2026/);
    assert.match(words, /Leaving hospital on 1 February 2026 is recorded, but section 3 is still recorded as in force/);
    assert.match(words, /What to record next: Record the date section 3 ended, or record section 17 leave/);
    assert.equal(await panel.locator('details.s117-legal-basis').count(), 1);
    assert.doesNotMatch(await panel.locator('p').allInnerTexts().then((p) => p.join(' ')), /\b(ELIG|PLAN)-\d/);
    await panel.locator('details.s117-legal-basis summary').click();
    assert.match(await panel.locator('details.s117-legal-basis').innerText(), /ELIG-3/);
    await assertAccessible(page, 'the person page with the status explained');
  });

  test('issue 9 item 4: leaving hospital recorded with the section open asks what happened, and each answer leads to the form that records it', async () => {
    const other = await createPerson(t, { givenName: 'Ezra', familyName: 'Stillsectioned', nhsNumber: nextNhsNumber() }, 'laPractitioner');
    const stay = await created(t, `/api/v1/people/${other.id}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2026-01-02', provider: ORGS.trust.code }, 'laPractitioner');
    await created(t, `/api/v1/people/${other.id}/legal-statuses`, { section: '3', startDate: '2026-01-02', admissionId: stay.id }, 'laPractitioner');
    const page = await bed.signedInPage('laPractitioner');
    await page.goto(`${base}/people/${other.id}`);
    await follow(page, 'a:has-text("Record leaving hospital")');
    await fillDate(page, 'dischargedOn', '2026-02-01');
    await follow(page, 'button:has-text("Save")');
    // The question, after the change's banner.
    assert.equal(new URL(page.url()).pathname, `/people/${other.id}/admissions/${stay.id}/what-next`);
    assert.match(await page.locator('.nhsuk-notification-banner--success').innerText(), /Leaving hospital recorded/);
    assert.match(await page.locator('h1').innerText(), /The section is still in force: what happened\?/);
    await assertAccessible(page, 'the question after leaving hospital with the section open');
    await follow(page, 'button:has-text("Continue")');
    assert.deepEqual(await errorSummary(page), ['Select whether the section ended or they are on section 17 leave']);
    await assertAccessible(page, 'the question unanswered');
    // Section 17 leave: the leave form.
    await page.check('input[name="answer"][value="section-17-leave"]');
    await follow(page, 'button:has-text("Continue")');
    assert.equal(new URL(page.url()).pathname, `/people/${other.id}/leave/new`);
    // The section ended: the form that ends it; once saved, aftercare starts.
    await page.goBack();
    await page.check('input[name="answer"][value="section-ended"]');
    await follow(page, 'button:has-text("Continue")');
    assert.match(new URL(page.url()).pathname, new RegExp(`^/people/${other.id}/legal-statuses/[0-9a-f-]{36}/end$`));
    await assertAccessible(page, 'ending the section after the question');
    await fillDate(page, 'endDate', '2026-02-01');
    await follow(page, 'button:has-text("Save")');
    assert.equal(new URL(page.url()).pathname, `/people/${other.id}`);
    assert.equal((await page.locator('main .nhsuk-tag').first().innerText()).trim(), 'Active');
  });

  test('no page asked another origin for anything', () => {
    assert.deepEqual(requestsToOtherOrigins, []);
  });
});
