// RESP-7 in Chromium: a split awaiting the ICB's approval is shown on the services page, the ICB's
// lead approves it with the "Approve the split" button (no JavaScript needed), and axe passes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { ORGS, type TestApp } from '../support/app.ts';
import { browserSkipReason } from '../support/browser.ts';
import { assertAccessible, follow, startTestBed, type TestBed } from './helpers.ts';

const skip = browserSkipReason();

describe('RESP-7 split approval in the browser', { skip }, () => {
  let t: TestApp;
  let bed: TestBed;
  let base: string;
  let personId: string;

  before(async () => {
    bed = await startTestBed();
    ({ t, base } = bed);
    const post = async (url: string, payload: object, as: 'practitioner' | 'laApprover' | 'laPractitioner') => {
      const res = await t.app.inject({ method: 'POST', url, headers: t.as(as), payload });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as { id: string };
    };
    await post('/api/v1/funding-policies', { partnershipName: 'Northbridge', localAuthority: ORGS.la.code, icb: ORGS.icb.code, effectiveFrom: '2020-01-01', splits: { accommodation: { localAuthorityPercent: 50, icbPercent: 50 } } }, 'laApprover');
    personId = (await post('/api/v1/people', { nhsNumber: testNhsNumber(8118), givenName: 'Sam', familyName: 'Splittest', dateOfBirth: '1975-02-03', residence: { localAuthority: ORGS.la.code, since: '2010-01-01' }, gp: { icb: ORGS.icb.code, since: '2010-01-01' } }, 'practitioner')).id;
    await post(`/api/v1/people/${personId}/services`, { description: 'Care home', category: 'accommodation', s117: true, provider: 'Meadow View', funding: { localAuthorityPercent: 30, icbPercent: 70 }, fundingOverrideReason: 'Nursing needs agreed at the panel', weeklyCostPence: 70000, startDate: '2024-04-01', accommodation: { type: 'care-home', enhancedFeatures: ['24-hour-staff'] } }, 'laPractitioner');
  });

  after(async () => {
    await bed?.close();
  });

  test('RESP-7: the ICB’s lead sees the awaited split and approves it; 30/70 then applies', async () => {
    const page = await bed.signedInPage('icbApprover');
    await page.goto(`${base}/people/${personId}/services`);
    assert.match(await page.locator('main').innerText(), /Split awaiting approval/);
    assert.match(await page.locator('main').textContent() ?? '', /Split awaiting approval[\s\S]{0,400}RESP-7/, 'the rule behind its legal basis');
    await assertAccessible(page, 'the services page with a split awaiting approval');
    await follow(page, 'button:has-text("Approve the split")');
    const text = await page.locator('main').innerText();
    assert.doesNotMatch(text, /Split awaiting approval/);
    assert.match(text, /Local authority.*30%|\(30%\)/);
    assert.match(text, /approved by the ICB/);
  });
});
