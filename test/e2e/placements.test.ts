// Issue 15, "every feature has its page", in Chromium: a practitioner records a placement a council
// arranged (MHA25-3) from the person page, choosing the councils by name; the placement is listed;
// its end is recorded; with S117_MHA2025_DEEMED_RESIDENCE on, the council lead's responsibility page
// proposes the council that placed them, in plain words with MHA25-3 behind "Legal basis". The NHS
// error summary, the success banner, and axe (WCAG 2.2 AA) on every page and state.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { createOtherApp, ORGS, USERS, type TestApp, type UserKey } from '../support/app.ts';
import { browserSkipReason } from '../support/browser.ts';
import { assertAccessible, chooseOrganisation, errorSummary, fillDate, follow, openSignedInPage, startTestBed, type TestBed } from './helpers.ts';

const skip = browserSkipReason();

describe('placements (MHA25-3) in the browser', { skip }, () => {
  let t: TestApp;
  let bed: TestBed;
  let base: string;
  let personId: string;

  async function api(method: 'POST' | 'PATCH' | 'GET', url: string, payload: unknown, user: UserKey) {
    const res = await t.app.inject({ method, url: `/api/v1${url}`, headers: t.as(user), ...(payload !== undefined && { payload: payload as Record<string, unknown> }) });
    assert.ok(res.statusCode < 300, res.body);
    return res.json();
  }

  before(async () => {
    bed = await startTestBed();
    ({ t, base } = bed);
    personId = (await api('POST', '/people', { nhsNumber: testNhsNumber(8311), givenName: 'Zoë', familyName: 'Łukasiewicz-Nguyễn', dateOfBirth: '1975-02-03', residence: { localAuthority: ORGS.la.code, since: '2010-01-01' }, gp: { icb: ORGS.icb.code, since: '2010-01-01' } }, 'laPractitioner')).id;
    const first = (await api('POST', `/people/${personId}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-10', dischargedOn: '2024-05-31' }, 'laPractitioner')).id;
    await api('POST', `/people/${personId}/legal-statuses`, { section: '3', startDate: '2024-01-10', endDate: '2024-05-31', admissionId: first }, 'laPractitioner');
  });

  after(async () => {
    await bed?.close();
  });

  test('a practitioner records a placement, sees it listed, and the proposal changes with the setting on', async () => {
    const page = await bed.signedInPage('laPractitioner');
    await page.goto(`${base}/people/${personId}`);
    await follow(page, 'a:has-text("Record a placement (care home, supported living, shared lives)")');
    assert.match(await page.locator('h1').innerText(), /Record a placement/);
    await assertAccessible(page, 'the placement form');

    await page.fill('#description', 'Meadow View');
    await follow(page, 'button:has-text("Save placement")');
    assert.deepEqual(await errorSummary(page), ['Select the kind of accommodation', 'Choose the council of the area the accommodation is in', 'Choose the council that arranged it', 'Enter the date they moved in']);
    assert.match(await page.title(), /^Error: /);
    assert.equal(await page.inputValue('#description'), 'Meadow View');
    await assertAccessible(page, 'the placement form with errors');

    await page.check('input[name="kind"][value="care-home"]');
    await chooseOrganisation(page, 'localAuthority', 'E09000098');
    await chooseOrganisation(page, 'arrangedBy', 'E09000099');
    await page.check('input[name="s117"][value="yes"]');
    await fillDate(page, 'from', '2024-05-31');
    await follow(page, 'button:has-text("Save placement")');
    assert.equal(new URL(page.url()).pathname, `/people/${personId}`);
    assert.match(await page.content(), /Placement recorded/);
    const row = await page.locator('table.s117-placements tbody tr').first().innerText();
    assert.match(row, /Care home/);
    assert.match(row, /Southvale Borough Council/);
    assert.match(row, /Northbridge Borough Council/);
    assert.match(row, /From 31 May 2024, still there/);
    await assertAccessible(page, 'the person page with a placement');

    // Detained again from the care home in Southvale's area.
    await api('PATCH', `/people/${personId}`, { residence: { localAuthority: ORGS.otherLa.code, since: '2024-05-31' } }, 'laPractitioner');
    const second = (await api('POST', `/people/${personId}/admissions`, { hospital: 'Southvale Hospital', admittedOn: '2025-11-01' }, 'laPractitioner')).id;
    await api('POST', `/people/${personId}/legal-statuses`, { section: '3', startDate: '2025-11-01', admissionId: second }, 'laPractitioner');

    // A register configured with S117_MHA2025_DEEMED_RESIDENCE on, on the same records.
    const on = await createOtherApp(t, { mha2025DeemedResidence: true });
    const onBase = await on.listen({ port: 0, host: '127.0.0.1' });
    const { context, page: lead } = await openSignedInPage(bed.browser, onBase, USERS.laApprover.email);
    try {
      await lead.goto(`${onBase}/people/${personId}`);
      await follow(lead, 'a:has-text("Confirm the responsible local authority and ICB") >> nth=0');
      const proposal = await lead.locator('.s117-proposal').first().innerText();
      assert.match(proposal, /The register proposes Northbridge Borough Council/);
      assert.match(proposal, /arranged their place in a care home in the area of Southvale Borough Council/);
      assert.ok(!proposal.includes('(MHA25-3)'), 'the rule id is behind "Legal basis", not in the sentence');
      await lead.locator('.s117-proposal summary:has-text("Legal basis")').first().click();
      assert.match(await lead.locator('.s117-proposal .s117-legal-basis').first().innerText(), /MHA25-3: Deeming for ordinary residence/);
      await assertAccessible(lead, 'the responsibility page proposing the council that placed them');
    } finally {
      await context.close();
      await on.close();
    }
  });

  test('a practitioner records the end of the placement', async () => {
    const page = await bed.signedInPage('laPractitioner');
    await page.goto(`${base}/people/${personId}#placements`);
    await follow(page, 'table.s117-placements a:has-text("Record the end")');
    assert.match(await page.locator('h1').innerText(), /Record the end of a placement/);
    await assertAccessible(page, 'the end of a placement form');
    await follow(page, 'button:has-text("Save")');
    assert.deepEqual(await errorSummary(page), ['Enter the last day they lived there']);
    await assertAccessible(page, 'the end of a placement form with an error');
    await fillDate(page, 'to', '2025-10-31');
    await follow(page, 'button:has-text("Save")');
    assert.equal(new URL(page.url()).pathname, `/people/${personId}`);
    assert.match(await page.content(), /End of the placement recorded/);
    assert.match(await page.locator('table.s117-placements tbody tr').first().innerText(), /From 31 May 2024 to 31 October 2025/);
  });
});
