// Keyworker, "My caseload", the planning task list, a planning meeting from scheduling to held with
// attendance, advocacy and tribunal recommendations, in Debian's Chromium, with axe (WCAG 2.2 AA) on
// every new page. Skipped with a reason where Chromium is missing, except in CI.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addDays, todayInLondon } from '../../src/domain/dates.ts';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { actorFromUser } from '../../src/services/kernel/actor.ts';
import { USERS, type TestApp } from '../support/app.ts';
import { browserSkipReason } from '../support/browser.ts';
import { assertAccessible, fillDate, follow, startTestBed, type TestBed } from './helpers.ts';

const skip = browserSkipReason();
const today = todayInLondon();

describe('keyworker, planning meetings and advocacy in the browser', { skip }, () => {
  let t: TestApp;
  let bed: TestBed;
  let base: string;
  let personId: string;

  before(async () => {
    bed = await startTestBed();
    ({ t, base } = bed);
    // A person detained under section 3, registered by the trust's practitioner.
    const practitioner = actorFromUser((await findUserByEmail(t.database.db, USERS.practitioner.email))!);
    const person = await t.services.people.create(practitioner, {
      givenName: 'Jordan', familyName: 'Planwell', dateOfBirth: '1985-02-03',
      residence: { localAuthority: 'E09000099', since: '2010-01-01' }, gp: { icb: 'QZZ', since: '2010-01-01' },
    });
    const stay = await t.services.legalHistory.addAdmission(practitioner, person.id, { hospital: 'Northbridge Hospital', admittedOn: addDays(today, -14) });
    await t.services.legalHistory.addLegalStatus(practitioner, person.id, { section: '3', startDate: addDays(today, -14), admissionId: stay.id });
    personId = person.id;
  });

  after(async () => {
    await bed?.close();
  });

  test('allocate a keyworker, who then sees the person in My caseload', async () => {
    const page = await bed.signedInPage('practitioner');
    await page.goto(`${base}/people/${personId}`);
    assert.match(await page.locator('main').innerText(), /No keyworker is allocated/);
    await assertAccessible(page, 'the person page with the keyworker, meetings and advocacy sections');
    await follow(page, 'a:has-text("Allocate a keyworker")');
    assert.equal(new URL(page.url()).pathname, `/people/${personId}/keyworker`);
    await assertAccessible(page, 'the keyworker page');
    await follow(page, 'button:has-text("Save keyworker")');
    assert.match(await page.title(), /^Error: Keyworker/);
    await assertAccessible(page, 'the keyworker page with an error');
    await page.selectOption('#userId', { label: 'Council Practitioner (practitioner, Northbridge Borough Council)' });
    await page.fill('#jobTitle', 'Care co-ordinator');
    await page.fill('#phone', '01632 960 001');
    await follow(page, 'button:has-text("Save keyworker")');
    assert.equal(new URL(page.url()).pathname, `/people/${personId}`);
    assert.match(await page.locator('main').innerText(), /Council Practitioner, Care co-ordinator/);

    const keyworker = await bed.signedInPage('laPractitioner');
    await follow(keyworker, '.nhsuk-header a:has-text("My caseload")');
    assert.equal(new URL(keyworker.url()).pathname, '/caseload');
    assert.match(await keyworker.locator('table').innerText(), /Jordan Planwell/);
    assert.match(await keyworker.locator('table').innerText(), /Needed since/);
    await assertAccessible(keyworker, 'My caseload');
    await keyworker.goto(`${base}/register?caseload=mine`);
    assert.match(await keyworker.locator('table').innerText(), /Jordan Planwell/);
    await assertAccessible(keyworker, 'the register with the keyworker filters');
    await page.goto(`${base}/register`);
    await page.selectOption('#keyworker', { label: 'Test Practitioner' });
    await follow(page, 'button:has-text("Search")');
    assert.match(await page.locator('main').innerText(), /No one matches your search/, 'the trust practitioner is nobody’s keyworker');
  });

  test('the keyworker schedules and holds a planning meeting with attendance, closing the planning task', async () => {
    const page = await bed.signedInPage('laPractitioner');
    await follow(page, '.nhsuk-header a:has-text("Planning tasks")');
    assert.match(await page.locator('main').innerText(), /Jordan Planwell/);
    await assertAccessible(page, 'the planning tasks page');

    await page.goto(`${base}/people/${personId}/meetings`);
    await assertAccessible(page, 'the planning meetings page');
    await follow(page, 'a:has-text("Schedule a planning meeting")');
    await assertAccessible(page, 'the schedule-a-meeting form');
    assert.equal(await page.isChecked('input[name="invitees"][value="person"]'), true, 'the PLAN-2 roles are ticked');
    assert.equal(await page.isChecked('input[name="invitees"][value="carer-family"]'), false);
    await follow(page, 'button:has-text("Schedule meeting")');
    assert.match(await page.title(), /^Error: Schedule a planning meeting/);
    await assertAccessible(page, 'the schedule-a-meeting form with an error');
    await fillDate(page, 'scheduledFor', today);
    await page.fill('#place', 'Ward 3');
    await page.check('input[name="invitees"][value="gp"]');
    await follow(page, 'button:has-text("Schedule meeting")');
    assert.match(new URL(page.url()).pathname, new RegExp(`^/people/${personId}/meetings/[0-9a-f-]{36}$`));
    await assertAccessible(page, 'the record-the-meeting form');

    await fillDate(page, 'heldOn', today);
    const radios = page.locator('input[type="radio"][value="attended"]');
    await radios.first().check();
    await page.locator('input[type="radio"][value="apologies"]').nth(1).check();
    await page.fill('#personViews', 'I want to go back to my flat and see my sister.');
    await page.fill('#minutes', 'Agreed supported accommodation and weekly visits.');
    await follow(page, 'button:has-text("Save the meeting record")');
    assert.equal(new URL(page.url()).pathname, `/people/${personId}/meetings`);
    const text = await page.locator('main').innerText();
    assert.match(text, /The person: Attended/);
    assert.match(text, /Advocate or IMHA: Sent apologies/);
    assert.match(text, /I want to go back to my flat/);
    assert.match(text, /A planning meeting was held on/);

    await page.goto(`${base}/planning/tasks`);
    assert.doesNotMatch(await page.locator('main').innerText(), /Jordan Planwell/);
  });

  test('advocacy: IMHA eligibility with its reason, a referral and a tribunal recommendation with its response', async () => {
    const page = await bed.signedInPage('practitioner');
    await page.goto(`${base}/people/${personId}/advocacy`);
    const text = await page.locator('main').innerText();
    assert.match(text, /Qualifies for an IMHA/);
    assert.match(text, /liable to be detained under section 3/);
    assert.match(text, /Offer a Care Act advocate/);
    await assertAccessible(page, 'the advocacy page');

    await follow(page, 'a:has-text("Record a referral to an advocate")');
    await assertAccessible(page, 'the referral form');
    await page.check('#kind');
    await fillDate(page, 'referredOn', today);
    await page.fill('#provider', 'Northbridge Advocacy');
    // Lacking capacity with no record-holder decision: ADV-3 refuses it, naming the field.
    await page.check('#consentToRecords-personHasCapacity-2');
    await follow(page, 'button:has-text("Save referral")');
    assert.match(await page.title(), /^Error: Record a referral/);
    assert.equal(await page.locator('.nhsuk-error-summary a[href="#consentToRecords-recordHolderAllows"]').count(), 1);
    await assertAccessible(page, 'the referral form with an ADV-3 error');
    await page.check('#consentToRecords-personHasCapacity');
    await page.check('#consentToRecords-consented');
    await follow(page, 'button:has-text("Save referral")');
    assert.equal(new URL(page.url()).pathname, `/people/${personId}/advocacy`);
    assert.match(await page.locator('main').innerText(), /Allowed\. The person consented/);

    await follow(page, 'a:has-text("Record a tribunal recommendation")');
    await assertAccessible(page, 'the tribunal recommendation form');
    await fillDate(page, 'hearingOn', today);
    await page.fill('#recommendation', 'Plan aftercare in supported accommodation.');
    await follow(page, 'button:has-text("Save recommendation")');
    await follow(page, 'a:has-text("Record the response")');
    await assertAccessible(page, 'the tribunal response form');
    await page.fill('#response', 'Agreed; a placement is being sought.');
    await fillDate(page, 'respondedOn', today);
    await follow(page, 'button:has-text("Save response")');
    assert.match(await page.locator('main').innerText(), /Agreed; a placement is being sought/);
  });

  test('a planning meeting can be scheduled without JavaScript', async () => {
    const page = await bed.signedInPage('practitioner', { javaScriptEnabled: false });
    await page.goto(`${base}/people/${personId}/meetings/new`);
    await page.check('#trigger-2');
    await fillDate(page, 'scheduledFor', today);
    await page.check('#personWantsCarerOrFamily');
    await page.check('input[name="invitees"][value="carer-family"]');
    const loaded = page.waitForEvent('load');
    await follow(page, 'button:has-text("Schedule meeting")');
    await loaded;
    assert.match(new URL(page.url()).pathname, new RegExp(`^/people/${personId}/meetings/[0-9a-f-]{36}$`));
    assert.match(await page.locator('main').innerText(), /After a tribunal hearing/);
    assert.match(await page.locator('main').innerText(), /Carer or family member/);
  });
});
