// A review imported from a previous register (issue 10, REV-1, migration 0116) in a real browser: the
// reviews page shows it held on its date, with no outcome invented and no outcome letter, the next
// review by the register's own timetable, and passes axe (WCAG 2.2 AA); the API answers it likewise. Skipped where Chromium is not
// installed, except in CI.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { formatDate } from '../../src/domain/dates.ts';
import { actorFromUser } from '../../src/services/kernel/actor.ts';
import { USERS } from '../support/app.ts';
import { browserSkipReason } from '../support/browser.ts';
import { assertAccessible, startTestBed, type TestBed } from './helpers.ts';

const skip = browserSkipReason();

describe('a review imported from the previous register, in the browser', { skip }, () => {
  let bed: TestBed;
  let personId: string;

  before(async () => {
    bed = await startTestBed();
    const lead = actorFromUser((await findUserByEmail(bed.t.database.db, USERS.laApprover.email))!);
    const content = Buffer.from([
      'NHS number,Surname,Forename,Date of birth,Section,Date detained,Discharge date,Responsible LA,ICB,s117,Last review,Next review',
      '9990000018,Imported,Iris,01/05/1980,3,10/01/2024,01/03/2024,E09000099,QZZ,Yes,01/04/2024,01/01/2025',
    ].join('\n'));
    const report = await bed.t.services.imports.run(lead, { kind: 'register', mode: 'commit', fileName: 'register.csv', content });
    assert.equal(report.created, 1, JSON.stringify(report.findings));
    personId = (await bed.t.database.db.selectFrom('people').select('id').where('nhs_number', '=', '9990000018').executeTakeFirstOrThrow()).id;
  });

  after(async () => {
    await bed?.close();
  });

  test('REV-1: held on its date, no outcome invented, no outcome letter, the next review by the register’s timetable; axe', async () => {
    const page = await bed.signedInPage('laApprover');
    await page.goto(`${bed.base}/people/${personId}/reviews`);
    const main = await page.locator('main').innerText();
    assert.ok(main.includes(`Review on ${formatDate('2024-04-01')}`), main);
    assert.ok(main.includes('Not recorded: imported from the previous register, which gave the date only'), main);
    assert.equal(await page.locator('a:has-text("Outcome letter")').count(), 0, 'no letter about an outcome nobody recorded');
    // 12 months after the review held (REV-1), not the sheet's 1 January 2025.
    assert.equal(await page.locator('#next-review-due').innerText(), formatDate('2025-04-01'));
    await assertAccessible(page, 'the reviews page with an imported review');
  });

  test('REV-1: the API answers the imported review with no outcome and no letter; its letter is 404', async () => {
    const res = await bed.t.app.inject({ method: 'GET', url: `/api/v1/people/${personId}/reviews`, headers: bed.t.as('laApprover') });
    assert.equal(res.statusCode, 200, res.body);
    const [review, ...more] = res.json().history as { id: string; heldOn: string; outcome: string | null; letterUrl: string | null; importedFromPreviousRegister: boolean }[];
    assert.equal(more.length, 0);
    assert.deepEqual([review!.heldOn, review!.outcome, review!.letterUrl, review!.importedFromPreviousRegister], ['2024-04-01', null, null, true]);
    assert.equal(res.json().nextDueOn, '2025-04-01');
    const letter = await bed.t.app.inject({ method: 'GET', url: `/api/v1/people/${personId}/reviews/${review!.id}/letter`, headers: bed.t.as('laApprover') });
    assert.equal(letter.statusCode, 404, letter.body);
  });
});
