// The pages in a real browser (Debian's Chromium), on a real server over the embedded database:
// sign-in, the register, adding a person, recording a section 3 admission through to aftercare,
// the error summary, a stale form, confirming responsibility, and axe (WCAG 2.2 AA) on every page.
// Skipped with a reason where Chromium is not installed, except in CI, where that fails the run.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestApp, PASSWORD, USERS, type TestApp, type UserKey } from '../support/app.ts';
import { browserSkipReason, CHROMIUM_ARGS, chromiumPath } from '../support/browser.ts';
import { createPerson } from '../api/helpers.ts';
import { assertAccessible, chooseOrganisation, chosenOrganisation, errorSummary, fillDate, follow, keepToThisMachine, requestsToOtherOrigins } from './helpers.ts';

const skip = browserSkipReason();
const SUFFIX = ' – Section 117 Aftercare Register';

// A generous limit: a hung browser fails the run instead of stalling it (the run takes ~40 s).
describe('pages in the browser', { skip, timeout: 900_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const contexts: BrowserContext[] = [];

  async function newPage(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
    await keepToThisMachine(context);
    contexts.push(context);
    return context.newPage();
  }

  async function signIn(page: Page, user: UserKey, password = PASSWORD): Promise<void> {
    if (!page.url().includes('/sign-in')) await page.goto(`${base}/sign-in`);
    await page.fill('#email', USERS[user].email);
    await page.fill('#password', password);
    await follow(page, 'button:has-text("Sign in")');
  }

  before(async () => {
    t = await createTestApp('pglite');
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: chromiumPath()!, args: CHROMIUM_ARGS });
  });

  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
  });

  test('a page without sign-in goes to sign-in, and comes back after it', async () => {
    const page = await newPage();
    await page.goto(`${base}/people/new`);
    assert.equal(new URL(page.url()).pathname, '/sign-in');
    assert.equal(new URL(page.url()).searchParams.get('next'), '/people/new');
    assert.equal(await page.title(), `Sign in${SUFFIX}`);
    await assertAccessible(page, 'the sign-in page');
    await signIn(page, 'practitioner');
    assert.equal(new URL(page.url()).pathname, '/people/new');
  });

  test('a wrong password shows an error and does not sign in', async () => {
    const page = await newPage();
    await page.goto(`${base}/sign-in`);
    await signIn(page, 'practitioner', 'not-the-password');
    assert.equal(new URL(page.url()).pathname, '/sign-in');
    assert.match(await page.title(), /^Error: Sign in/);
    assert.deepEqual(await errorSummary(page), ['The email address or password is not right']);
    assert.equal(await page.inputValue('#email'), USERS.practitioner.email);
    await assertAccessible(page, 'the sign-in page with an error');
    await page.goto(`${base}/register`);
    assert.equal(new URL(page.url()).pathname, '/sign-in');
  });

  test('a trust practitioner registers a person and records a section 3 admission through to aftercare', async () => {
    const page = await newPage();
    await signIn(page, 'practitioner');
    assert.equal(new URL(page.url()).pathname, '/register');

    // A form posted without its CSRF token is refused and changes nothing.
    const forged = await page.request.post(`${base}/people/new`, { form: { givenName: 'Forged', familyName: 'Post', 'dateOfBirth-day': '1', 'dateOfBirth-month': '1', 'dateOfBirth-year': '1990' }, maxRedirects: 0 });
    assert.equal(forged.status(), 403);

    // The register, empty for this organisation.
    assert.equal(await page.title(), `Register${SUFFIX}`);
    await assertAccessible(page, 'the empty register');
    await page.fill('#q', 'Okafor');
    await follow(page, 'button:has-text("Search")');
    assert.match(await page.locator('.nhsuk-inset-text').innerText(), /No one matches your search/);

    // Adding a person: first with mistakes, which keep what was typed.
    await follow(page, 'a:has-text("Add a person")');
    assert.equal(await page.title(), `Add a person to the register${SUFFIX}`);
    await assertAccessible(page, 'the add-a-person form');
    await page.fill('#familyName', 'Okafor');
    await page.fill('#dateOfBirth', '31');
    await page.fill('#dateOfBirth-month', '2');
    await page.fill('#dateOfBirth-year', '1980');
    await page.fill('#nhsNumber', '999 000 0018');
    await follow(page, 'button:has-text("Add person")');
    assert.match(await page.title(), /^Error: Add a person/);
    assert.deepEqual(await errorSummary(page), ['Enter the given name', 'Date of birth must be a real date']);
    assert.equal(await page.locator('.nhsuk-error-summary a').first().getAttribute('href'), '#givenName');
    assert.equal(await page.locator('.nhsuk-error-summary a').nth(1).getAttribute('href'), '#dateOfBirth');
    assert.equal(await page.locator('#givenName-error').count(), 1);
    assert.equal(await page.inputValue('#familyName'), 'Okafor');
    assert.equal(await page.inputValue('#dateOfBirth'), '31');
    assert.equal(await page.inputValue('#nhsNumber'), '999 000 0018');
    await assertAccessible(page, 'the add-a-person form with errors');

    await page.fill('#givenName', 'Grace');
    await fillDate(page, 'dateOfBirth', '1980-02-28');
    await page.fill('#address-line1', '12 Mill Lane');
    await page.fill('#address-postcode', 'NB1 2AB');
    await chooseOrganisation(page, 'residence-localAuthority', 'E09000099');
    await fillDate(page, 'residence-since', '2015-06-01');
    await chooseOrganisation(page, 'gp-icb', 'QZZ');
    await fillDate(page, 'gp-since', '2015-06-01');
    await follow(page, 'button:has-text("Add person")');
    assert.match(new URL(page.url()).pathname, /^\/people\/[0-9a-f-]{36}$/);
    const personUrl = page.url();
    assert.equal(await page.title(), `Grace Okafor${SUFFIX}`);
    assert.equal((await page.locator('main .nhsuk-tag').first().innerText()).trim(), 'Not entitled');
    await assertAccessible(page, 'the person page (not entitled)');

    // The register finds them.
    await page.goto(`${base}/register?q=okafor`);
    const row = page.locator('table tbody tr');
    assert.equal(await row.count(), 1);
    assert.match(await row.innerText(), /Grace Okafor[\s\S]*999 000 0018[\s\S]*28 February 1980[\s\S]*Not entitled[\s\S]*None yet[\s\S]*None yet/);
    await assertAccessible(page, 'the register with results');
    await follow(page, 'table a:has-text("Grace Okafor")');
    assert.equal(page.url(), personUrl);

    // A hospital stay.
    await follow(page, 'a:has-text("Record a hospital stay")');
    assert.equal(await page.title(), `Record a hospital stay${SUFFIX}`);
    await assertAccessible(page, 'the hospital stay form');
    await page.fill('#hospital', 'Northbridge Hospital');
    await fillDate(page, 'admittedOn', '2024-03-01');
    await follow(page, 'button:has-text("Save hospital stay")');
    assert.equal(page.url(), personUrl);

    // Section 3 from the same day, in that stay.
    await follow(page, 'a:has-text("Record a legal status")');
    assert.equal(await page.title(), `Record a legal status${SUFFIX}`);
    await assertAccessible(page, 'the legal status form');
    assert.equal(await page.locator('#section option').count(), 23, 'every section code, and the prompt');
    await page.selectOption('#section', '3');
    await fillDate(page, 'startDate', '2024-03-01');
    await page.selectOption('#admissionId', { label: 'Northbridge Hospital, admitted 1 March 2024' });
    await follow(page, 'button:has-text("Save legal status")');
    assert.equal(page.url(), personUrl);
    assert.equal((await page.locator('main .nhsuk-tag').first().innerText()).trim(), 'Planning (detained)');

    // Section 17 leave: the decision has no default (ELIG-4), so an empty form says what is missing.
    await follow(page, 'a:has-text("Record section 17 leave")');
    assert.equal(await page.title(), `Record section 17 leave${SUFFIX}`);
    assert.equal(await page.locator('input[name="triggersAftercare"]:checked').count(), 0);
    await assertAccessible(page, 'the section 17 leave form');
    await follow(page, 'button:has-text("Save leave")');
    const leaveErrors = await errorSummary(page);
    assert.ok(leaveErrors.includes('Select yes if this leave starts aftercare, or no if it does not'), leaveErrors.join('\n'));
    assert.ok(leaveErrors.includes('Select the kind of leave'), leaveErrors.join('\n'));
    await assertAccessible(page, 'the section 17 leave form with errors');
    await page.goto(personUrl);

    // The end of the section.
    await follow(page, 'a:has-text("Record the end of this legal status")');
    assert.equal(await page.title(), `Record the end of a legal status${SUFFIX}`);
    await assertAccessible(page, 'the end of a legal status form');
    await fillDate(page, 'endDate', '2024-06-10');
    await follow(page, 'button:has-text("Save")');
    assert.equal(page.url(), personUrl);
    assert.equal((await page.locator('main .nhsuk-tag').first().innerText()).trim(), 'Entitled, awaiting discharge');

    // Leaving hospital; a second tab opened the same form before, so its copy is stale.
    const stale = await newPage();
    await signIn(stale, 'practitioner');
    const dischargeHref = await page.locator('a:has-text("Record leaving hospital")').getAttribute('href');
    await stale.goto(`${base}${dischargeHref}`);
    await follow(page, 'a:has-text("Record leaving hospital")');
    assert.equal(await page.title(), `Record leaving hospital${SUFFIX}`);
    await assertAccessible(page, 'the leaving hospital form');
    await fillDate(page, 'dischargedOn', '2024-06-10');
    await follow(page, 'button:has-text("Save")');
    assert.equal(page.url(), personUrl);

    await fillDate(stale, 'dischargedOn', '2024-06-11');
    await follow(stale, 'button:has-text("Save")');
    assert.match(await stale.locator('.nhsuk-error-summary').innerText(), /Someone else changed this record[\s\S]*Reload the page/);
    await assertAccessible(stale, 'a stale form (409)');

    // Aftercare is active, with the rules that decided it.
    assert.equal((await page.locator('main .nhsuk-tag').first().innerText()).trim(), 'Active');
    // Plain sentences; the rule ids are behind each sentence's "Legal basis" (issue 9, item 6).
    const why = await page.locator('.s117-explanation').first().innerText();
    assert.match(why, /10 June 2024/);
    assert.doesNotMatch(why, /\(ELIG-\d/);
    for (const summary of await page.locator('.s117-explanation').first().locator('summary').all()) await summary.click();
    assert.match(await page.locator('.s117-explanation').first().innerText(), /ELIG-3: Trigger[\s\S]*Source: Mental Health Act 1983/);
    const episode = await page.locator('main').innerText();
    assert.match(episode, /Section 3 \(admission for treatment\) from 1 March 2024/);
    assert.match(episode, /E09000099 \(proposed, not yet confirmed\)/);
    assert.match(episode, /QZZ \(proposed, not yet confirmed\)/);
    const timeline = await page.locator('.s117-timeline').innerText();
    assert.match(timeline, /Admitted to Northbridge Hospital[\s\S]*Section 3 \(admission for treatment\) began[\s\S]*Section 3 \(admission for treatment\) ended[\s\S]*Left Northbridge Hospital/);
    assert.equal(await page.locator('a:has-text("Confirm the responsible")').count(), 0, 'a practitioner cannot confirm responsibility');
    await assertAccessible(page, 'the person page (active)');

    // The register shows the status and the responsible bodies, and filters by them.
    await page.goto(`${base}/register?status=active&localAuthority=E09000099&icb=QZZ`);
    assert.equal(await page.locator('#status').inputValue(), 'active');
    assert.match(await page.locator('table tbody tr').innerText(), /Grace Okafor[\s\S]*Active[\s\S]*E09000099[\s\S]*QZZ/);
    await page.goto(`${base}/register?status=planning`);
    assert.equal(await page.locator('table tbody tr').count(), 0);
    await page.goto(personUrl);

    // Changing their details.
    await follow(page, 'a:has-text("Change their details")');
    assert.match(await page.title(), /^Change details of Grace Okafor/);
    assert.equal(await page.inputValue('#givenName'), 'Grace');
    assert.equal(await page.inputValue('#dateOfBirth-year'), '1980');
    await assertAccessible(page, 'the change details form');
    await chooseOrganisation(page, 'residence-localAuthority', 'E09000098');
    await fillDate(page, 'residence-since', '2025-01-06');
    await follow(page, 'button:has-text("Save changes")');
    assert.equal(page.url(), personUrl);
    const details = await page.locator('main dl').first().innerText();
    assert.match(details, /E09000098, since 6 January 2025[\s\S]*Earlier:[\s\S]*E09000099, from 1 June 2015/);
    // Responsibility stays with where they lived before the detention (RESP-2).
    assert.match(await page.locator('main').innerText(), /E09000099 \(proposed, not yet confirmed\)/);

    // Each body confirms its own part (issue 9 item 2): first the council's s117 lead, the local authority.
    const lead = await newPage();
    await lead.goto(personUrl);
    await signIn(lead, 'laApprover');
    assert.equal(lead.url(), personUrl);
    await follow(lead, 'a:has-text("Confirm the responsible local authority and ICB")');
    assert.equal(await lead.title(), `Confirm the responsible local authority${SUFFIX}`);
    assert.equal(await chosenOrganisation(lead, 'localAuthority-code'), 'E09000099');
    assert.equal(await lead.locator('#icb-code').count(), 0, 'the ICB’s part is not the council’s to change');
    assert.match(await lead.inputValue('#localAuthority-basis'), /ordinarily resident in Northbridge Borough Council \(E09000099\)/);
    await assertAccessible(lead, 'the confirm responsibility form');
    await lead.fill('#localAuthority-basis', '');
    await follow(lead, 'button:has-text("Continue")');
    assert.deepEqual(await errorSummary(lead), ['Say why this local authority is responsible']);
    await assertAccessible(lead, 'the confirm responsibility form with an error');
    await lead.fill('#localAuthority-basis', 'Tenancy in Northbridge before the detention.');
    await follow(lead, 'button:has-text("Continue")');
    assert.match(await lead.locator('h1').innerText(), /Check your answers/);
    await assertAccessible(lead, 'checking the answers before confirming responsibility');
    await follow(lead, 'button:has-text("Confirm responsibility")');
    assert.equal(lead.url(), personUrl);
    assert.match(await lead.locator('.nhsuk-notification-banner').innerText(), /Responsibility confirmed/);
    await assertAccessible(lead, 'the person page with a success banner');
    assert.match(await lead.locator('main').innerText(), /E09000099 \(confirmed\)[\s\S]*Confirmed by[\s\S]*QZZ \(proposed, not yet confirmed\)/);

    // Then the ICB's lead, the ICB, from "Awaiting your approval".
    const icbLead = await newPage();
    await icbLead.goto(`${base}/approvals`);
    await signIn(icbLead, 'icbApprover');
    await follow(icbLead, `a[href^="${new URL(personUrl).pathname}/episodes/"][href$="/responsibility"]`);
    assert.equal(await icbLead.locator('#localAuthority-code').count(), 0);
    await icbLead.fill('#icb-basis', 'Registered with a Northbridge practice when detained (Who Pays?).');
    await follow(icbLead, 'button:has-text("Continue")');
    await follow(icbLead, 'button:has-text("Confirm responsibility")');
    assert.equal(icbLead.url(), personUrl);
    assert.match(await icbLead.locator('main').innerText(), /E09000099 \(confirmed\)[\s\S]*QZZ \(confirmed\)/);

    // A practitioner who opens the confirmation form's address is refused.
    const refused = await page.goto(`${base}${new URL(personUrl).pathname}/episodes/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/responsibility`);
    assert.equal(refused?.status(), 403);
  });

  test('a record that does not exist shows the not-found page', async () => {
    const page = await newPage();
    await signIn(page, 'practitioner');
    const response = await page.goto(`${base}/people/00000000-0000-4000-8000-000000000000`);
    assert.equal(response?.status(), 404);
    assert.equal(await page.locator('h1').innerText(), 'Not found');
    await assertAccessible(page, 'the not-found page');
    assert.equal((await page.goto(`${base}/no-such-page`))?.status(), 404);
  });

  test('the forms work without JavaScript', async () => {
    const page = await newPage({ javaScriptEnabled: false });
    await page.goto(`${base}/sign-in`);
    await signIn(page, 'laPractitioner');
    await page.goto(`${base}/people/new`);
    await page.fill('#givenName', 'Idris');
    await page.fill('#familyName', 'Bell');
    await fillDate(page, 'dateOfBirth', '1975-11-02');
    await follow(page, 'button:has-text("Add person")');
    assert.match(new URL(page.url()).pathname, /^\/people\/[0-9a-f-]{36}$/);
    assert.equal(await page.locator('h1').innerText(), 'Idris Bell');

    // No residence or GP is recorded, so a detention leaves the responsible bodies to be decided.
    await follow(page, 'a:has-text("Record a legal status")');
    await page.selectOption('#section', '3');
    await fillDate(page, 'startDate', '2025-02-03');
    await follow(page, 'button:has-text("Save legal status")');
    assert.equal((await page.locator('main .nhsuk-tag').first().innerText()).trim(), 'Planning (detained)');
    // The rules are behind each decision's "Legal basis" detail (issue 9 item 6).
    const callout = await page.locator('.nhsuk-card--warning', { hasText: 'Decisions needed' }).textContent() ?? '';
    assert.match(callout, /Decisions needed[\s\S]*RESP-2[\s\S]*RESP-5/);

    // axe runs inside the page, so it needs a page with JavaScript.
    const withScript = await newPage();
    await withScript.goto(page.url());
    await signIn(withScript, 'laPractitioner');
    assert.equal(withScript.url(), page.url());
    await assertAccessible(withScript, 'the person page with decisions needed');
  });

  test('the register of many people: the total, sorting by a column and numbered pages, accessible', async () => {
    for (let i = 0; i < 52; i++) await createPerson(t, { givenName: 'Robin', familyName: `Pager${String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26))}` }, 'laPractitioner');
    const page = await newPage();
    await signIn(page, 'laPractitioner');
    await page.goto(`${base}/register?q=pager`);
    assert.match(await page.innerText('#register-total'), /^52 people match your search: showing 1 to 50, in order of name\.$/);
    await assertAccessible(page, 'the register with numbered pages and sortable columns');
    await follow(page, 'th[aria-sort="ascending"] a');
    assert.equal(await page.getAttribute('th:has-text("Name")', 'aria-sort'), 'descending');
    assert.match(await page.innerText('table tbody tr:first-child'), /PagerBZ/);
    await follow(page, 'a[aria-label="Page 2"]');
    assert.match(await page.innerText('#register-total'), /showing 51 to 52, in order of name \(Z to A\)\./);
    assert.match(await page.innerText('table tbody'), /PagerAA/);
    await assertAccessible(page, 'the second page of the register');
  });

  test('an auditor reads the audit trail, filtered by date, on an accessible page', async () => {
    const page = await newPage();
    await signIn(page, 'auditor');
    await follow(page, 'a.nhsuk-header__navigation-link:has-text("Audit trail")');
    assert.equal(await page.title(), `Audit trail${SUFFIX}`);
    assert.ok(await page.locator('table tbody tr').count() > 0, 'events are listed');
    await assertAccessible(page, 'the audit trail');
    await fillDate(page, 'from', '2999-01-01');
    await follow(page, 'button:has-text("Show events")');
    assert.match(await page.innerText('main'), /No events match these filters/);
    await page.fill('#from', '31');
    await page.fill('#from-month', '2');
    await follow(page, 'button:has-text("Show events")');
    assert.deepEqual(await errorSummary(page), ['The start date must be a real date']);
    await assertAccessible(page, 'the audit trail with an error');
  });

  test('no page asked another origin for anything (fonts and icons are the register\'s own)', () => {
    assert.deepEqual(requestsToOtherOrigins, []);
  });
});
