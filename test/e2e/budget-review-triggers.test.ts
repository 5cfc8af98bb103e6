// Issue 15, money 3: a suspected breach or a change in capacity (DP-1(d)) recorded from the web page,
// not only the API: the form, its errors, and the review due at once; axe (WCAG 2.2 AA) on the form
// and its errors. Skipped where Chromium is not installed, except in CI.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { actorFromUser } from '../../src/services/kernel/actor.ts';
import { USERS, type TestApp } from '../support/app.ts';
import { browserSkipReason } from '../support/browser.ts';
import { NORTHBRIDGE_PERSON } from '../support/services.ts';
import { assertAccessible, errorSummary, fillDate, follow, startTestBed, type TestBed } from './helpers.ts';

const skip = browserSkipReason();

describe('budget review triggers and reductions in the browser', { skip }, () => {
  let t: TestApp;
  let bed: TestBed;
  let base: string;
  let personId: string;
  let budgetId: string;

  before(async () => {
    bed = await startTestBed();
    ({ t, base } = bed);
    const la = actorFromUser((await findUserByEmail(t.database.db, USERS.laPractitioner.email))!);
    const trust = actorFromUser((await findUserByEmail(t.database.db, USERS.practitioner.email))!);
    personId = (await t.services.people.create(trust, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: 'Tess', familyName: 'Trigger' })).id;
    const stay = await t.services.legalHistory.addAdmission(trust, personId, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-10', dischargedOn: '2024-03-01' });
    await t.services.legalHistory.addLegalStatus(trust, personId, { section: '3', startDate: '2024-01-10', endDate: '2024-03-01', admissionId: stay.id });
    const pa = await t.services.careServices.create(la, personId, { description: 'Personal assistant hours', category: 'social-care', s117: true, provider: 'Self-employed PA', weeklyCostPence: 20000, startDate: '2024-03-01', funding: { localAuthorityPercent: 100, icbPercent: 0 } });
    budgetId = (await t.services.budgets.create(la, personId, { kind: 'direct-payment', serviceIds: [pa.id], startDate: '2024-03-01', amountPencePerWeek: 20000 })).id;
  });
  after(async () => {
    await bed?.close();
  });

  test('record a change in capacity from the services page: a review is due by that day', async () => {
    const page = await bed.signedInPage('laPractitioner');
    await page.goto(`${base}/people/${personId}/services`);
    await follow(page, `a[href="/people/${personId}/budgets/${budgetId}/review-triggers/new"]`);
    await assertAccessible(page, 'the review trigger form');
    await follow(page, 'button:has-text("Save")');
    assert.ok((await errorSummary(page)).length >= 1);
    await assertAccessible(page, 'the review trigger form with errors');
    await page.check('input[name="kind"][value="change-in-capacity"]');
    await fillDate(page, 'occurredOn', '2025-01-15');
    await follow(page, 'button:has-text("Save")');
    assert.equal(new URL(page.url()).pathname, `/people/${personId}/services`);
    const budget = (await t.services.budgets.list(actorFromUser((await findUserByEmail(t.database.db, USERS.laPractitioner.email))!), personId)).items.find((b) => b.id === budgetId)!;
    assert.deepEqual(budget.reviewTriggers.map((x) => [x.kind, x.occurredOn]), [['change-in-capacity', '2025-01-15']]);
    assert.ok(budget.reviewDueOn! <= '2025-01-15', 'a review is due by the day it happened at the latest');
  });

  test('reduce a budget after notice from the services page (DP-2 form)', async () => {
    const page = await bed.signedInPage('laPractitioner');
    await page.goto(`${base}/people/${personId}/services`);
    await follow(page, `a[href="/people/${personId}/budgets/${budgetId}/reductions/new"]`);
    await assertAccessible(page, 'the reduction form');
    await page.fill('#newAmountPencePerWeek', 'lots');
    await follow(page, 'button:has-text("Save the reduction")');
    assert.ok((await errorSummary(page)).length >= 1);
    await assertAccessible(page, 'the reduction form with errors');
    await page.fill('#newAmountPencePerWeek', '150.00');
    await fillDate(page, 'noticeGivenOn', '2025-01-01');
    await fillDate(page, 'effectiveOn', '2025-02-01');
    await follow(page, 'button:has-text("Save the reduction")');
    assert.equal(new URL(page.url()).pathname, `/people/${personId}/services`);
    const budget = (await t.services.budgets.list(actorFromUser((await findUserByEmail(t.database.db, USERS.laPractitioner.email))!), personId)).items.find((b) => b.id === budgetId)!;
    assert.deepEqual(budget.reductions.map((r) => [r.newAmountPencePerWeek, r.effectiveOn]), [[15000, '2025-02-01']]);
  });
});
