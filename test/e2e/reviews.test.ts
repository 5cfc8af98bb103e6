// Reviews in a real browser: the dashboard lists an overdue person; recording a review moves the next
// due date 12 months on; a request brings it forward; arranging a review gives an invitation letter;
// axe (WCAG 2.2 AA) on every new page, including a form with errors. Skipped where Chromium is not
// installed, except in CI.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { addDays, addMonths, formatDate, todayInLondon } from '../../src/domain/dates.ts';
import { actorFromUser } from '../../src/services/kernel/actor.ts';
import { PASSWORD, USERS, type TestApp, type UserKey } from '../support/app.ts';
import { browserSkipReason } from '../support/browser.ts';
import { NORTHBRIDGE_PERSON } from '../support/services.ts';
import { assertAccessible, fillDate, follow, requestsToOtherOrigins, startTestBed, type TestBed } from './helpers.ts';

const skip = browserSkipReason();

describe('reviews in the browser', { skip }, () => {
  let t: TestApp;
  let bed: TestBed;
  let base: string;
  let personId: string;
  const today = todayInLondon();

  async function signIn(page: Page, user: UserKey): Promise<void> {
    await page.goto(`${base}/sign-in`);
    await page.fill('#email', USERS[user].email);
    await page.fill('#password', PASSWORD);
    await follow(page, 'button:has-text("Sign in")');
  }

  before(async () => {
    bed = await startTestBed();
    ({ t, base } = bed);
    const practitioner = actorFromUser((await findUserByEmail(t.database.db, USERS.practitioner.email))!);
    const person = await t.services.people.create(practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: 'Rowan', familyName: 'Reviewme' });
    personId = person.id;
    const stay = await t.services.legalHistory.addAdmission(practitioner, personId, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-10', dischargedOn: '2024-03-01' });
    await t.services.legalHistory.addLegalStatus(practitioner, personId, { section: '3', startDate: '2024-01-10', endDate: '2024-03-01', admissionId: stay.id });
  });

  after(async () => {
    await bed?.close();
  });

  test('the dashboard lists an overdue person; record a review, request one, arrange one', async () => {
    const page = await bed.newPage();
    await signIn(page, 'practitioner');

    await follow(page, 'a.nhsuk-header__navigation-link:has-text("Reviews due")');
    assert.equal(new URL(page.url()).pathname, '/reviews');
    assert.ok((await page.locator('main').innerText()).includes('Rowan Reviewme'));
    assert.ok(Number(await page.locator('#overdue-count').innerText()) >= 1);
    await assertAccessible(page, 'the reviews dashboard');
    await page.selectOption('#localAuthority', 'E09000099');
    await follow(page, 'button:has-text("Show")');
    assert.ok((await page.locator('main').innerText()).includes('Rowan Reviewme'));
    await assertAccessible(page, 'the filtered dashboard');

    await page.goto(`${base}/people/${personId}`);
    await follow(page, `a[href="/people/${personId}/reviews"]`);
    assert.equal(await page.locator('#next-review-due').innerText(), formatDate('2024-04-12'));
    assert.ok((await page.locator('main').innerText()).includes('Review overdue'));
    await assertAccessible(page, 'the reviews page');

    await follow(page, 'a:has-text("Record a review")');
    await assertAccessible(page, 'the record a review form');
    await follow(page, 'button:has-text("Save review")');
    const errors = await page.locator('.nhsuk-error-summary__list li').allInnerTexts();
    assert.ok(errors.some((e) => /date of the review/i.test(e)), errors.join(' | '));
    assert.ok(errors.some((e) => /outcome/i.test(e)), errors.join(' | '));
    await assertAccessible(page, 'the record a review form with errors');
    const heldOn = addDays(today, -1);
    await fillDate(page, 'heldOn', heldOn);
    await page.fill('#attendees', 'Rowan\nKeyworker');
    await page.check('#planWorking-2');
    await page.fill('#servicesChanged-0-service', 'Day centre');
    await page.selectOption('#servicesChanged-0-change', 'reduced');
    await page.check('#outcome');
    await follow(page, 'button:has-text("Save review")');
    assert.equal(new URL(page.url()).pathname, `/people/${personId}/reviews`);
    assert.equal(await page.locator('#next-review-due').innerText(), formatDate(addMonths(heldOn, 12)));
    assert.ok((await page.locator('main').innerText()).includes('Day centre: reduced'));

    await follow(page, 'a:has-text("Record a request for a review")');
    await assertAccessible(page, 'the request form');
    await page.check('#requestedBy-2');
    await fillDate(page, 'requestedOn', today);
    await page.fill('#reason', 'Finding things hard');
    await follow(page, 'button:has-text("Save request")');
    assert.equal(await page.locator('#next-review-due').innerText(), formatDate(addDays(today, 28)), 'the request brings the review forward');

    await follow(page, 'a:has-text("Arrange a review")');
    await assertAccessible(page, 'the arrange a review form');
    await fillDate(page, 'plannedOn', addDays(today, 14));
    await page.fill('#place', 'Northbridge Community Centre');
    await page.fill('#invited', 'You\nYour keyworker');
    await follow(page, 'button:has-text("Save and arrange review")');
    const href = await page.locator('a:has-text("Invitation letter (PDF)")').first().getAttribute('href');
    const letter = await page.request.get(`${base}${href}`);
    assert.equal(letter.status(), 200);
    assert.equal(letter.headers()['content-type'], 'application/pdf');
    await assertAccessible(page, 'the reviews page with history');
  });

  test('no page asked another origin for anything (fonts and icons are the register\'s own)', () => {
    assert.deepEqual(requestsToOtherOrigins, []);
  });
});
