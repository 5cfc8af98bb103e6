// Issue 9 items 1 and 7 in Chromium, with axe on every new page state: adding a person choosing the
// council and the ICB by name, with JavaScript (the type-ahead box, and the proposals made as the
// postcode and the GP practice are typed) and without it (the plain select, and the proposals made
// when the form is saved); the service form asking the kind of service first and showing only its
// sections (and, on the change form, showing them as the kind changes); and no request to another
// origin from any of these pages.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { ORGS, type TestApp, type UserKey } from '../support/app.ts';
import { browserSkipReason } from '../support/browser.ts';
import { assertAccessible, fillDate, follow, requestsToOtherOrigins, startTestBed, type TestBed } from './helpers.ts';

const skip = browserSkipReason();

describe('choosing organisations by name and the service form by kind, in the browser', { skip, timeout: 900_000 }, () => {
  let t: TestApp;
  let bed: TestBed;
  let base: string;
  let personId: string;

  async function signedIn(user: UserKey, options: { javaScriptEnabled?: boolean; withoutLiveProposals?: boolean } = {}): Promise<Page> {
    const page = await bed.signedInPage(user, { javaScriptEnabled: options.javaScriptEnabled ?? true });
    if (options.withoutLiveProposals) await page.context().route(`${base}/people/body-proposals`, (route) => route.abort());
    return page;
  }

  const personApi = async (id: string) => (await t.app.inject({ method: 'GET', url: `/api/v1/people/${id}`, headers: t.as('laPractitioner') })).json();
  const idOf = (page: Page) => /\/people\/([0-9a-f-]{36})$/.exec(new URL(page.url()).pathname)![1]!;

  before(async () => {
    bed = await startTestBed();
    ({ t, base } = bed);
    const res = await t.app.inject({
      method: 'POST', url: '/api/v1/people', headers: t.as('laPractitioner'),
      payload: { nhsNumber: testNhsNumber(9117), givenName: 'Sam', familyName: 'Kindtest', dateOfBirth: '1971-04-05', residence: { localAuthority: ORGS.la.code, since: '2010-01-01' }, gp: { icb: ORGS.icb.code, since: '2010-01-01' } },
    });
    assert.equal(res.statusCode, 201, res.body);
    personId = res.json().id;
  });

  after(async () => {
    await bed?.close();
  });

  test('with JavaScript: the lists become type-ahead boxes, proposed from the postcode and the practice as they are typed', async () => {
    const page = await signedIn('laPractitioner');
    await page.goto(`${base}/people/new`);
    const la = page.locator('#residence-localAuthority');
    assert.equal(await la.evaluate((el) => el.tagName), 'INPUT', 'the select became a text box');
    assert.equal(await la.getAttribute('list'), 'residence-localAuthority-names');
    const suggestions = await page.locator('datalist#residence-localAuthority-names option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
    assert.deepEqual(suggestions, ['Northbridge Borough Council (E09000099)', 'Southvale Borough Council (E09000098)']);
    assert.equal(await page.locator('label[for="residence-localAuthority"]').innerText(), 'Local authority');
    assert.ok(await page.locator('#residence-localAuthority-other').isHidden(), 'any code can be typed in the box itself');
    await assertAccessible(page, 'the add-a-person form with type-ahead boxes');

    await page.fill('#givenName', 'Tia');
    await page.fill('#familyName', 'Typeahead');
    await fillDate(page, 'dateOfBirth', '1985-07-08');
    await page.fill('#address-line1', '14 Mill Lane');
    await page.fill('#address-postcode', 'nb1 2ab');
    await page.press('#address-postcode', 'Tab');
    await page.locator('#residence-localAuthority-proposal', { hasText: 'Proposed from the postcode NB1 2AB' }).waitFor();
    assert.equal(await la.inputValue(), 'Northbridge Borough Council (E09000099)');
    await page.fill('#gp-practiceCode', 'Z98001');
    await page.press('#gp-practiceCode', 'Tab');
    await page.locator('#gp-icb-proposal', { hasText: 'Proposed from the GP practice Z98001' }).waitFor();
    assert.equal(await page.inputValue('#gp-icb'), 'NHS Southvale ICB (QZY)');
    assert.match(await page.innerText('#gp-icb-proposal'), /NHS Southvale ICB \(QZY\)\. Change it if the practice belongs to another ICB/);
    await assertAccessible(page, 'the add-a-person form with proposals');

    // The person knows better: they type the other ICB's name and pick it.
    await page.fill('#gp-icb', 'NHS Northbridge ICB (QZZ)');
    await fillDate(page, 'residence-since', '2016-01-04');
    await fillDate(page, 'gp-since', '2016-01-04');
    await follow(page, 'button:has-text("Add person")');
    assert.match(new URL(page.url()).pathname, /^\/people\/[0-9a-f-]{36}$/, await page.locator('main').innerText());
    const saved = await personApi(idOf(page));
    assert.equal(saved.residence.localAuthority, ORGS.la.code);
    assert.equal(saved.gp.icb, ORGS.icb.code);
    assert.equal(saved.gp.practiceCode, 'Z98001');
  });

  test('with JavaScript, a name typed that matches nothing is refused naming the field, and kept', async () => {
    const page = await signedIn('laPractitioner');
    await page.goto(`${base}/people/new`);
    await page.fill('#givenName', 'Uma');
    await page.fill('#familyName', 'Unknown');
    await fillDate(page, 'dateOfBirth', '1990-01-02');
    await page.fill('#residence-localAuthority', 'Northbri');
    await fillDate(page, 'residence-since', '2020-01-01');
    await follow(page, 'button:has-text("Add person")');
    assert.match(await page.title(), /^Error: /);
    assert.ok((await page.locator('.nhsuk-error-summary a[href="#residence-localAuthority"]').count()) === 1);
    assert.equal(await page.inputValue('#residence-localAuthority'), 'Northbri');
    await assertAccessible(page, 'the add-a-person form with an unknown organisation');
  });

  test('the proposals made when the form is saved are shown with the reason, accessible', async () => {
    // The page's own proposals are blocked here, so the form is saved with the lists unchosen.
    const page = await signedIn('laPractitioner', { withoutLiveProposals: true });
    await page.goto(`${base}/people/new`);
    await page.fill('#givenName', 'Vic');
    await page.fill('#familyName', 'Checkpage');
    await fillDate(page, 'dateOfBirth', '1979-03-04');
    await page.fill('#address-postcode', 'SV1 3GH');
    await page.fill('#gp-practiceCode', 'Z99001');
    await follow(page, 'button:has-text("Add person")');
    assert.equal(new URL(page.url()).pathname, '/people/new');
    assert.match(await page.innerText('#proposals-notice'), /proposed the local authority and the ICB/);
    assert.equal(await page.inputValue('#residence-localAuthority'), 'Southvale Borough Council (E09000098)');
    assert.equal(await page.inputValue('#gp-icb'), 'NHS Northbridge ICB (QZZ)');
    await assertAccessible(page, 'the add-a-person form with the proposals made on saving');
  });

  test('without JavaScript: plain selects, the proposals made on saving, then saved as chosen', async () => {
    const page = await signedIn('laPractitioner', { javaScriptEnabled: false });
    await page.goto(`${base}/people/new`);
    assert.equal(await page.locator('#residence-localAuthority').evaluate((el) => el.tagName), 'SELECT');
    assert.ok(await page.locator('#residence-localAuthority-other').isVisible(), 'the box for another council’s code');
    await page.fill('#givenName', 'Wyn');
    await page.fill('#familyName', 'Noscript');
    await fillDate(page, 'dateOfBirth', '1969-09-10');
    await page.fill('#address-postcode', 'SV2 6CD');
    await page.fill('#gp-practiceCode', 'Z98002');
    await fillDate(page, 'residence-since', '2012-02-03');
    await fillDate(page, 'gp-since', '2012-02-03');
    await follow(page, 'button:has-text("Add person")');
    assert.equal(new URL(page.url()).pathname, '/people/new', 'shown again with the proposals, not saved');
    assert.equal(await page.inputValue('#residence-localAuthority'), ORGS.otherLa.code);
    assert.equal(await page.inputValue('#gp-icb'), ORGS.otherIcb.code);
    assert.match(await page.innerText('#residence-localAuthority-proposal'), /Proposed from the postcode SV2 6CD: Southvale Borough Council \(E09000098\)/);
    assert.match(await page.innerText('#gp-icb-proposal'), /Proposed from the GP practice Z98002: NHS Southvale ICB \(QZY\)/);
    // Chosen by name from the list: the council proposed is right; the ICB is changed.
    await page.selectOption('#gp-icb', { label: `${ORGS.icb.name} (${ORGS.icb.code})` });
    await follow(page, 'button:has-text("Add person")');
    assert.match(new URL(page.url()).pathname, /^\/people\/[0-9a-f-]{36}$/);
    const saved = await personApi(idOf(page));
    assert.equal(saved.residence.localAuthority, ORGS.otherLa.code);
    assert.equal(saved.gp.icb, ORGS.icb.code);
  });

  test('add a service: the kind first, then only its sections; the change form shows them as the kind changes', async () => {
    const page = await signedIn('laPractitioner');
    await page.goto(`${base}/people/${personId}/services`);
    await follow(page, 'a:has-text("Add a service")');
    assert.match(await page.locator('h1').innerText(), /What kind of service is it\?/);
    await assertAccessible(page, 'the kind-of-service question');
    await follow(page, 'button:has-text("Continue")');
    assert.match((await page.locator('.nhsuk-error-summary').innerText()), /Select what kind of service it is/);
    await assertAccessible(page, 'the kind-of-service question with an error');

    await page.check('input[name="category"][value="healthcare"]');
    await follow(page, 'button:has-text("Continue")');
    assert.equal(await page.locator('#accommodation-type').count(), 0, 'no accommodation section for health care');
    assert.equal(await page.locator('input[name="accommodation-rentDecision-decision"]').count(), 0, 'no rent section');
    assert.equal(await page.locator('input[name="budget"]').count(), 3, 'a budget may pay for health care (DP-3)');
    assert.match(await page.locator('.nhsuk-summary-list').first().innerText(), /Kind of service\s+Health care/);
    const healthHeight = await page.evaluate<number>('document.body.scrollHeight');
    await assertAccessible(page, 'the add-a-service form for health care');

    await follow(page, 'a:has-text("Change")');
    assert.ok(await page.isChecked('input[name="category"][value="healthcare"]'), 'the kind chosen before');
    await page.check('input[name="category"][value="accommodation"]');
    await follow(page, 'button:has-text("Continue")');
    assert.equal(await page.locator('#accommodation-type').count(), 1);
    assert.ok((await page.evaluate<number>('document.body.scrollHeight')) > healthHeight, 'the accommodation sections make the longer form');
    await assertAccessible(page, 'the add-a-service form for accommodation');

    await page.goto(`${base}/people/${personId}/services/new?category=healthcare`);
    await page.fill('#description', 'Depot clinic');
    await page.check('#s117');
    await page.fill('#provider', 'Northbridge Mental Health Trust');
    await page.fill('#funding-localAuthorityPercent', '0');
    await page.fill('#funding-icbPercent', '100');
    await page.fill('#weeklyCostPence', '95');
    await fillDate(page, 'startDate', '2024-05-01');
    await follow(page, 'button:has-text("Save service")');
    assert.equal(new URL(page.url()).pathname, `/people/${personId}/services`, await page.locator('main').innerText());

    await follow(page, 'a:has-text("Change")');
    const accommodation = page.locator('[data-s117-section="accommodation"]');
    assert.ok(await accommodation.isHidden(), 'no accommodation section for health care');
    assert.ok(await page.locator('#accommodation-type').isDisabled(), 'nothing in a hidden section is posted');
    await page.selectOption('#category', 'accommodation');
    assert.ok(await accommodation.isVisible(), 'shown once the kind is accommodation');
    assert.ok(await page.locator('#accommodation-type').isEnabled());
    await assertAccessible(page, 'the change-a-service form with the accommodation section shown');
    await page.selectOption('#category', 'medication');
    assert.ok(await page.locator('[data-s117-section="budget"]').isHidden(), 'no budget for prescribed medication');
  });

  test('without JavaScript, the service form asks the kind and shows only its sections', async () => {
    const page = await signedIn('laPractitioner', { javaScriptEnabled: false });
    await page.goto(`${base}/people/${personId}/services/new`);
    await page.check('input[name="category"][value="medication"]');
    await follow(page, 'button:has-text("Continue")');
    assert.equal(await page.locator('#accommodation-type').count(), 0);
    assert.equal(await page.locator('input[name="budget"]').count(), 0);
    assert.equal(await page.inputValue('input[type="hidden"][name="category"]'), 'medication');
  });

  test('no page asked another origin for anything', () => {
    assert.deepEqual(requestsToOtherOrigins, []);
  });
});
