// Issue 15 (task B): the duplicate records pages in a real browser, with axe (WCAG 2.2 AA) on every
// state: the list from the navigation, the question with its error summary, check your answers, the
// decision recorded (kept separate with a reason, then a merge), and the empty list. Skipped where
// Chromium is not installed, except in CI.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ORGS, USERS, type TestApp } from '../support/app.ts';
import { browserSkipReason } from '../support/browser.ts';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { actorFromUser } from '../../src/services/kernel/actor.ts';
import { assertAccessible, errorSummary, errorSummaryRules, follow, startTestBed, type TestBed } from './helpers.ts';

const skip = browserSkipReason();

describe('the duplicate records pages in the browser', { skip }, () => {
  let t: TestApp;
  let bed: TestBed;
  let base: string;
  const registered: string[] = [];

  before(async () => {
    bed = await startTestBed();
    ({ t, base } = bed);
    const actor = async (email: string) => actorFromUser((await findUserByEmail(t.database.db, email))!);
    const northbridge = await actor(USERS.laPractitioner.email);
    const southvale = await actor(USERS.otherLaPractitioner.email);
    for (const nhsNumber of ['9990000069', '9990000077']) {
      const person = await t.services.people.create(northbridge, { nhsNumber, givenName: 'Robin', familyName: nhsNumber === '9990000069' ? 'Firstpair' : 'Secondpair', dateOfBirth: '1970-01-01', residence: { localAuthority: ORGS.la.code, since: '2000-01-01' }, gp: { icb: ORGS.icb.code, since: '2000-01-01' } });
      registered.push(person.id);
      await t.services.people.create(southvale, { nhsNumber, givenName: 'Zed', familyName: 'Laterecord', dateOfBirth: '1970-01-01' });
    }
  });
  after(async () => {
    await bed?.close();
  });

  test('the council’s s117 lead lists the pairs, keeps one separate with a reason and merges the other, checking the answers first', async () => {
    const page = await bed.signedInPage('laApprover');
    // Under "More" in the header (issue 9 item 5).
    await page.goto(`${base}/more`);
    assert.equal(await page.locator('main a[href="/people/duplicates"]').count(), 1);
    await page.goto(`${base}/people/duplicates`);
    assert.equal(new URL(page.url()).pathname, '/people/duplicates');
    const list = await page.locator('main').innerText();
    assert.match(list, /Firstpair/);
    assert.match(list, /Secondpair/);
    assert.match(list, /Southvale Borough Council/);
    assert.doesNotMatch(list, /Zed|Laterecord/);
    await assertAccessible(page, 'the duplicate records list');

    // The first pair: nothing chosen, then "not the same" without a reason: the error summary.
    await follow(page, 'a:has-text("Decide"):has-text("Firstpair")');
    await assertAccessible(page, 'the question');
    await follow(page, 'button:has-text("Continue")');
    assert.deepEqual(await errorSummary(page), ['Select whether these are the same person']);
    await assertAccessible(page, 'the question with an error');
    await page.check('#decision-2');
    await follow(page, 'button:has-text("Continue")');
    assert.deepEqual(await errorSummary(page), ['Enter why these are not the same person']);
    assert.deepEqual(await errorSummaryRules(page), ['REG-2'], 'the rule is behind the legal basis detail');
    await page.fill('#reason', 'Different people: the trust is checking the NHS number it gave');
    await follow(page, 'button:has-text("Continue")');
    assert.match(await page.locator('h1').innerText(), /Check your answers/);
    assert.match(await page.locator('main').innerText(), /Not the same person: keep them separate/);
    await assertAccessible(page, 'check your answers (keep separate)');
    await follow(page, 'button:has-text("Keep the records separate")');
    assert.match(await page.locator('main').innerText(), /kept separate, with your reason/);
    assert.doesNotMatch(await page.locator('main').innerText(), /Firstpair/);
    await assertAccessible(page, 'the list after keeping a pair separate');

    // The second pair: merge, with the warning on the check page.
    await follow(page, 'a:has-text("Decide"):has-text("Secondpair")');
    await page.check('#decision');
    await follow(page, 'button:has-text("Continue")');
    assert.match(await page.locator('main').innerText(), /A merge cannot be undone from this page/);
    await assertAccessible(page, 'check your answers (merge)');
    await follow(page, 'button:has-text("Merge the records")');
    assert.match(await page.locator('main').innerText(), /The records were merged/);
    assert.match(await page.locator('main').innerText(), /Nothing is waiting for a decision/);
    await assertAccessible(page, 'the empty list after a merge');

    const closed = await t.database.db.selectFrom('people').select(['merged_into']).where('nhs_number', '=', '9990000077').where('merged_into', 'is not', null).execute();
    assert.deepEqual(closed, [{ merged_into: registered[1] }]);
  });

  test('a practitioner has no link to the list, and the page refuses them', async () => {
    const page = await bed.signedInPage('laPractitioner');
    assert.equal(await page.locator('a.nhsuk-header__navigation-link[href="/people/duplicates"]').count(), 0);
    await page.goto(`${base}/more`);
    assert.equal(await page.locator('main a[href="/people/duplicates"]').count(), 0, 'nor on the More page');
    const res = await page.goto(`${base}/people/duplicates`);
    assert.equal(res?.status(), 403);
  });
});
