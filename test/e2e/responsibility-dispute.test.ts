// RESP-6 (issue 15 probe 7) in Chromium: a council's lead whose confirmation names another ICB for the
// ICB's part records the council's part and opens a dispute; the money page says so in a banner that
// links to its disputes, and axe passes on it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { ORGS, type TestApp } from '../support/app.ts';
import { browserSkipReason } from '../support/browser.ts';
import { assertAccessible, follow, startTestBed, type TestBed } from './helpers.ts';

const skip = browserSkipReason();

describe('RESP-6: naming another body’s part opens a dispute, in the browser', { skip }, () => {
  let t: TestApp;
  let bed: TestBed;
  let base: string;
  let personId: string;
  let episodeId: string;

  before(async () => {
    bed = await startTestBed();
    ({ t, base } = bed);
    const post = async (url: string, payload: object) => {
      const res = await t.app.inject({ method: 'POST', url, headers: t.as('practitioner'), payload });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as { id: string };
    };
    personId = (await post('/api/v1/people', { nhsNumber: testNhsNumber(8126), givenName: 'Sam', familyName: 'Disputetest', dateOfBirth: '1975-02-03', residence: { localAuthority: ORGS.la.code, since: '2010-01-01' }, gp: { icb: ORGS.icb.code, since: '2010-01-01' } })).id;
    const stay = await post(`/api/v1/people/${personId}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01' });
    episodeId = (await post(`/api/v1/people/${personId}/legal-statuses`, { section: '3', startDate: '2024-01-01', admissionId: stay.id })).id;
  });

  after(async () => {
    await bed?.close();
  });

  test('RESP-6: the council’s part is confirmed, a dispute with the ICB opened, and the banner links to it', async () => {
    const page = await bed.signedInPage('laApprover');
    await page.goto(`${base}/people/${personId}/episodes/${episodeId}/responsibility`);
    // The ICB's part is not the council's to change here; a form sent with another ICB stands for that.
    await page.locator('input[name="icb-code"]').evaluate((el, code) => ((el as unknown as { value: string }).value = code), ORGS.otherIcb.code);
    await page.locator('input[name="icb-basis"]').evaluate((el) => ((el as unknown as { value: string }).value = 'Their GP moved to Southvale before the detention'));
    await page.fill('[name="localAuthority-basis"]', 'Tenancy in Northbridge since 2010');
    await follow(page, 'button:has-text("Continue")');
    await follow(page, 'button:has-text("Confirm responsibility")');
    assert.equal(new URL(page.url()).pathname, `/people/${personId}/money`);
    const banner = await page.locator('.nhsuk-notification-banner').innerText();
    assert.match(banner, /A dispute has been opened/);
    await assertAccessible(page, 'the money page with the dispute banner');
    await page.click('.nhsuk-notification-banner a:has-text("See the dispute")');
    assert.match(await page.locator('#disputes').innerText(), /Disputes between the bodies/);
    assert.match(await page.locator('main').innerText(), /Which ICB is responsible/, 'the dispute opened is listed');
  });

  test('RESP-6, a stale form: the ICB’s part changed after the page was opened; “This record changed since you opened it”, no dispute, and axe passes', async () => {
    const post = async (url: string, payload: object) => {
      const res = await t.app.inject({ method: 'POST', url, headers: t.as('practitioner'), payload });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as { id: string };
    };
    const person = (await post('/api/v1/people', { nhsNumber: testNhsNumber(8127), givenName: 'Kit', familyName: 'Staleform', dateOfBirth: '1980-04-05', residence: { localAuthority: ORGS.la.code, since: '2010-01-01' }, gp: { icb: ORGS.icb.code, since: '2010-01-01' } })).id;
    const stay = await post(`/api/v1/people/${person}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01' });
    const episode = (await post(`/api/v1/people/${person}/legal-statuses`, { section: '3', startDate: '2024-01-01', admissionId: stay.id })).id;
    const page = await bed.signedInPage('laApprover');
    await page.goto(`${base}/people/${person}/episodes/${episode}/responsibility`);
    await page.fill('[name="localAuthority-basis"]', 'Tenancy in Northbridge since 2010');
    // Meanwhile the ICB's lead confirms another ICB for its own part.
    const byIcb = await t.app.inject({ method: 'PUT', url: `/api/v1/people/${person}/episodes/${episode}/responsibility`, headers: t.as('icbApprover'), payload: { localAuthority: { code: ORGS.la.code, basis: 'x' }, icb: { code: ORGS.otherIcb.code, basis: 'GP moved before detention' } } });
    assert.equal(byIcb.statusCode, 200, byIcb.body);
    await follow(page, 'button:has-text("Continue")');
    const summary = await page.locator('.nhsuk-error-summary').innerText();
    assert.match(summary, /This record changed since you opened it/);
    assert.match(summary, /nothing was recorded and no dispute was opened/);
    assert.equal(await page.locator('input[name="icb-code"]').inputValue(), ORGS.otherIcb.code, 'the page shows the ICB’s part as it is now');
    assert.equal(await page.locator('[name="localAuthority-basis"]').inputValue(), 'Tenancy in Northbridge since 2010', 'what they typed is kept');
    await assertAccessible(page, 'the responsibility form refused as stale');
    const disputes = await t.database.db.selectFrom('disputes').select('id').where('person_id', '=', person).execute();
    assert.equal(disputes.length, 0, 'no dispute was opened');
    // Continuing from the page as it is now records the council's part, with no dispute.
    await follow(page, 'button:has-text("Continue")');
    await follow(page, 'button:has-text("Confirm responsibility")');
    assert.equal(new URL(page.url()).pathname, `/people/${person}`);
    assert.equal((await t.database.db.selectFrom('disputes').select('id').where('person_id', '=', person).execute()).length, 0);
  });
});
