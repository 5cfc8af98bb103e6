// The care and support plan in a real browser: from a detained person to a finalised, signed plan
// with two needs (one s117, one not), the check page before finalising (what stops it, what to check), the
// versions, the person's copy as a PDF (its text read back), the register's PLAN-7 warning, and
// axe (WCAG 2.2 AA) on every new page. Skipped where Chromium is not installed, except in CI.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { actorFromUser, type Actor } from '../../src/services/kernel/actor.ts';
import { USERS, type TestApp } from '../support/app.ts';
import { browserSkipReason } from '../support/browser.ts';
import { pdfText } from '../support/pdf.ts';
import { detainedPerson } from '../support/plans.ts';
import { assertAccessible, errorSummary, errorSummaryRules, fillDate, follow, startTestBed, type TestBed } from './helpers.ts';

const skip = browserSkipReason();

describe('care and support plan pages in the browser', { skip }, () => {
  let t: TestApp;
  let bed: TestBed;
  let base: string;
  let actor: Actor;

  before(async () => {
    bed = await startTestBed();
    ({ t, base } = bed);
    actor = actorFromUser((await findUserByEmail(t.database.db, USERS.practitioner.email))!);
  });

  after(async () => {
    await bed?.close();
  });

  async function addNeed(page: Page, need: { domain: string; description: string; limbs: 'yes' | 'no'; rationale: string; howMet: string; who: string; s117: 'yes' | 'no' }) {
    await follow(page, 'a:has-text("Add a need")');
    await page.check(`input[name="domain"][value="${need.domain}"]`);
    await page.fill('#description', need.description);
    await page.check(`input[name="arisesFromMentalDisorder"][value="${need.limbs}"]`);
    await page.check(`input[name="reducesRiskOfDeterioration"][value="${need.limbs}"]`);
    await page.fill('#rationale', need.rationale);
    await page.fill('#howMet', need.howMet);
    await page.fill('#who', need.who);
    await page.check(`input[name="s117"][value="${need.s117}"]`);
    await follow(page, 'button:has-text("Save need")');
  }

  test('a practitioner plans a detained person’s aftercare to a finalised, signed plan and downloads the person’s copy', async () => {
    const person = await detainedPerson(t.services, actor, { givenName: 'Ruth', familyName: 'Planner' });
    const page = await bed.signedInPage('practitioner');
    await page.goto(`${base}/people/${person.id}`);
    await assertAccessible(page, 'the person page with the plan section');
    await follow(page, 'a:has-text("Start the care and support plan")');
    assert.equal(new URL(page.url()).pathname, `/people/${person.id}/plan`);
    assert.match(await page.locator('main').innerText(), /Draft/);
    await assertAccessible(page, 'the empty plan');

    // A need with nothing filled in says what is missing.
    await follow(page, 'a:has-text("Add a need")');
    await assertAccessible(page, 'the need form');
    await follow(page, 'button:has-text("Save need")');
    const needErrors = await errorSummary(page);
    assert.ok(needErrors.includes('Select the area of life this need is about'), needErrors.join('\n'));
    assert.ok(needErrors.includes('Describe the need'), needErrors.join('\n'));
    await assertAccessible(page, 'the need form with errors');
    // s117 with the limbs answered no is refused (SCOPE-1), and a need without an owner (CMP-2).
    await page.check('input[name="domain"][value="physical-health"]');
    await page.fill('#description', 'Knee pain');
    await page.check('input[name="arisesFromMentalDisorder"][value="no"]');
    await page.check('input[name="reducesRiskOfDeterioration"][value="no"]');
    await page.fill('#rationale', 'Not linked');
    await page.fill('#howMet', 'GP');
    await page.check('input[name="s117"][value="yes"]');
    await follow(page, 'button:has-text("Save need")');
    const ruleErrors = await errorSummary(page);
    assert.ok(ruleErrors.some((e) => /both limbs/.test(e)), ruleErrors.join('\n'));
    assert.ok(ruleErrors.some((e) => /owner/.test(e)), ruleErrors.join('\n'));
    // The rules are named behind each message's Legal basis detail (issue 9 item 6).
    const rules = await errorSummaryRules(page);
    assert.ok(rules.includes('SCOPE-1') && rules.includes('CMP-2'), rules.join(', '));
    assert.equal(await page.inputValue('#description'), 'Knee pain');
    await page.goto(`${base}/people/${person.id}/plan`);

    await addNeed(page, { domain: 'continuing-mental-health-care', description: 'Help to take medication every day', limbs: 'yes', rationale: 'Stopping medication led to the last admission', howMet: 'Support worker visits each morning', who: 'Northbridge CMHT', s117: 'yes' });
    assert.equal(new URL(page.url()).pathname, `/people/${person.id}/plan`);
    await addNeed(page, { domain: 'physical-health', description: 'Treatment for a knee injury', limbs: 'no', rationale: 'Not linked to the mental disorder', howMet: 'Physiotherapy through the GP', who: 'GP practice', s117: 'no' });
    const planText = await page.locator('main').innerText();
    assert.match(planText, /Met under section 117[\s\S]*Help to take medication every day[\s\S]*Not section 117[\s\S]*Treatment for a knee injury/);
    await assertAccessible(page, 'the plan with two needs');

    // Finalising is checked first (issue 9 item 3): without a contingency plan or signature the check
    // page says what stops it and offers no Finalise.
    await follow(page, 'a:has-text("Check and finalise the plan")');
    assert.equal(new URL(page.url()).pathname, `/people/${person.id}/plan/finalise`);
    const stops = page.locator('.nhsuk-card--warning').first();
    assert.match(await stops.innerText(), /The plan cannot be finalised yet/);
    assert.match(await stops.innerText(), /contingency plan/);
    // The rules are named behind each line's Legal basis detail (issue 9 item 6).
    const stopRules = await stops.locator('.s117-rule').allTextContents();
    assert.ok(stopRules.includes('PLAN-5') && stopRules.includes('PLAN-6'), stopRules.join(', '));
    assert.equal(await page.locator('button:has-text("Finalise the plan")').count(), 0);
    await assertAccessible(page, 'the check page of a plan that cannot be finalised yet');

    // The rest of the plan: contingency, signature, copy date, sharing.
    await page.goto(`${base}/people/${person.id}/plan/details`);
    await assertAccessible(page, 'the plan details form');
    await page.fill('#goals', 'Go back to college');
    // PLAN-3: one keyworker: the plan names the allocated one, changed only on the keyworker page (issue 9 item 5).
    assert.equal(await page.locator('#keyworker-name').count(), 0, 'no free-text keyworker in the plan');
    assert.equal(await page.locator(`a[href="/people/${person.id}/keyworker"]`).count(), 1);
    // REV-1, one date for one fact (issue 9 item 10): the plan states the register's review date; the form takes none.
    assert.equal(await page.locator('#nextReviewOn').count(), 0, 'no typed review date in the plan');
    assert.match(await page.locator('main').innerText(), /Next review: /);
    await page.fill('#contingency-triggers', 'Stopping medication');
    await page.fill('#contingency-actions', 'Keyworker visits within 2 days');
    await page.fill('#contingency-crisisContacts', 'Crisis team: 0300 555 0199');
    await page.fill('#contingency-onAdmission', 'Neighbour feeds the cat');
    await fillDate(page, 'signature-signedOn', '2025-03-01');
    await fillDate(page, 'copyGivenOn', '2025-03-01');
    await page.fill('#sharing-0-name', 'Ama Sister');
    await page.fill('#sharing-0-relationship', 'sister');
    await fillDate(page, 'sharing-0-consentedOn', '2025-03-01');
    await follow(page, 'button:has-text("Save")');
    assert.equal(new URL(page.url()).pathname, `/people/${person.id}/plan`, (await errorSummary(page)).join('\n'));

    // The check page: the plan as it would become final, what to check (no keyworker allocated), then Finalise.
    await follow(page, 'a:has-text("Check and finalise the plan")');
    const check = await page.locator('main').innerText();
    assert.match(check, /Check before you finalise[\s\S]*No keyworker is allocated/);
    assert.match(check, /Help to take medication every day[\s\S]*Stopping medication led to the last admission/);
    assert.match(check, /Crisis team: 0300 555 0199/);
    assert.match(check, /Signed on 1 March 2025/);
    await assertAccessible(page, 'the check page before finalising a plan');
    await follow(page, 'button:has-text("Finalise the plan")');
    assert.equal(new URL(page.url()).pathname, `/people/${person.id}/plan`);
    assert.match(await page.locator('.nhsuk-notification-banner--success').innerText(), /Plan finalised/);
    assert.match(await page.locator('main').innerText(), /Final[\s\S]*Version 1 is final/);
    await assertAccessible(page, 'the final plan with its success banner');

    await follow(page, 'a:has-text("All versions of the plan")');
    assert.match(await page.locator('table').innerText(), /Version 1/);
    await assertAccessible(page, 'the plan versions');
    await follow(page, 'table a:has-text("Version 1")');
    assert.match(await page.locator('main').innerText(), /Help to take medication every day/);
    await assertAccessible(page, 'a final version');

    // The person's copy, standard and large print.
    const pdf = await page.context().request.get(`${base}/people/${person.id}/plan.pdf`);
    assert.equal(pdf.status(), 200);
    const text = (await pdfText(await pdf.body())).replace(/\s+/g, ' ');
    for (const expected of ['free', 'Help to take medication every day', 'Treatment for a knee injury', '0300 555 0199']) assert.ok(text.includes(expected), expected);
    const large = await page.context().request.get(`${base}/people/${person.id}/plan.pdf?largePrint=true`);
    assert.equal(large.status(), 200);

    // The remove page of a need (not submitted).
    await page.goto(`${base}/people/${person.id}/plan`);
    await follow(page, 'a:has-text("Remove")');
    assert.match(await page.locator('h1').innerText(), /Remove this need/);
    await assertAccessible(page, 'the remove-a-need page');
  });

  test('PLAN-7: the register shows a warning for a person who left hospital without a final plan', async () => {
    await detainedPerson(t.services, actor, { givenName: 'Left', familyName: 'Unplanned', leftHospitalOn: '2025-03-01' });
    const page = await bed.signedInPage('practitioner');
    await page.goto(`${base}/register?q=Unplanned`);
    assert.match(await page.locator('table tbody tr').innerText(), /Not ready for discharge[\s\S]*without a final care and support plan/);
    await assertAccessible(page, 'the register with a discharge warning');
  });
});
