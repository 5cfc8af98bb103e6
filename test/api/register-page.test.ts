// Issue 9, item 7: a register people can work with. The total, columns sorted on the server with
// aria-sort, numbered pages, and the filtered register downloaded as CSV and XLSX: formula-safe,
// only the people the caller may see, audited with every person in the file.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { SESSION_COOKIE } from '../../src/http/auth/index.ts';
import { pageNumbers } from '../../src/http/web/register.ts';
import { createOtherApp, createTestApp, PASSWORD, USERS, type TestApp, type UserKey } from '../support/app.ts';
import { createPerson } from './helpers.ts';

describe('the register page', () => {
  let t: TestApp;
  const sessions: Partial<Record<UserKey, string>> = {};

  async function page(url: string, as: UserKey = 'laPractitioner') {
    sessions[as] ??= (await t.services.accounts.signIn(USERS[as].email, PASSWORD, null)).sessionToken;
    return t.app.inject({ method: 'GET', url, cookies: { [SESSION_COOKIE]: sessions[as]! } });
  }

  before(async () => {
    t = await createTestApp('pglite');
    // 55 people the council registers (page size 50), one with a local id a spreadsheet would run.
    for (let i = 0; i < 55; i++) {
      const letters = String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26));
      await createPerson(t, { givenName: 'Sam', familyName: `Regtest${letters}`, dateOfBirth: `19${50 + (i % 40)}-01-15`, ...(i === 3 && { localId: '=HYPERLINK("http://x")' }) }, 'laPractitioner');
    }
  });
  after(async () => { await t?.close(); });

  test('numbered pages keep the first, the last and the ones either side of the current', () => {
    assert.deepEqual(pageNumbers(1, 1), [1]);
    assert.deepEqual(pageNumbers(1, 5), [1, 2, null, 5]);
    assert.deepEqual(pageNumbers(4, 9), [1, null, 3, 4, 5, null, 9]);
    assert.deepEqual(pageNumbers(9, 9), [1, null, 8, 9]);
    // The last page unknown (more people than the page counts): the next one, no last.
    assert.deepEqual(pageNumbers(1, 2, false), [1, 2]);
    assert.deepEqual(pageNumbers(7, 8, false), [1, null, 6, 7, 8]);
  });

  test('shows the total, a numbered second page, and sorts by a column with aria-sort', async () => {
    const first = await page('/register?q=Regtest');
    assert.equal(first.statusCode, 200);
    assert.match(first.body, /<strong>55 people<\/strong> match your search: showing 1 to 50/);
    assert.match(first.body, /aria-sort="ascending"[^>]*>\s*<a[^>]*href="\/register\?q=Regtest&amp;order=descending"/);
    assert.match(first.body, /href="\/register\?q=Regtest&amp;page=2"[^>]*aria-label="Page 2"|aria-label="Page 2"[^>]*href="\/register\?q=Regtest&amp;page=2"/);
    const second = await page('/register?q=Regtest&page=2');
    assert.match(second.body, /showing 51 to 55/);
    assert.match(second.body, /RegtestCC/);
    const descending = await page('/register?q=Regtest&order=descending');
    assert.ok(descending.body.indexOf('RegtestCC') < descending.body.indexOf('RegtestCB'), 'Z to A');
    assert.match(descending.body, /aria-sort="descending"/);
    const byBirth = await page('/register?q=Regtest&sort=dateOfBirth');
    assert.match(byBirth.body, /in order of date of birth/);
    assert.match(byBirth.body, /aria-sort="ascending"[^>]*>\s*<a[^>]*>\s*Date of birth/);
  });

  test('a page past the last shows the last; an unknown column is refused with a message', async () => {
    assert.match((await page('/register?q=Regtest&page=99')).body, /showing 51 to 55/);
    const bad = await page('/register?sort=shoeSize');
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /nhsuk-error-summary/);
  });

  test('downloads the filtered register as CSV and XLSX, formula-safe, and audits every person in it', async () => {
    const csv = await page('/register.csv?q=Regtest&order=descending');
    assert.equal(csv.statusCode, 200);
    assert.match(csv.headers['content-type'] as string, /^text\/csv/);
    assert.equal(csv.headers['cache-control'], 'no-store');
    const lines = csv.body.trim().split('\r\n');
    assert.equal(lines.length, 56);
    assert.match(lines[0]!, /^Given name,Family name,NHS number,Local ID,Date of birth,Status,Local authority,Local authority code,ICB,ICB code/);
    assert.match(lines[1]!, /^Sam,RegtestCC,/);
    assert.ok(lines.some((l) => l.includes(`"'=HYPERLINK(""http://x"")"`)), 'the formula is quoted as text');

    const xlsx = await page('/register.xlsx?q=Regtest');
    assert.equal(xlsx.statusCode, 200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Register')!;
    assert.equal(sheet.rowCount, 56);
    const cell = sheet.getRow(5).getCell(4);
    assert.equal(cell.type, ExcelJS.ValueType.String, 'a local id starting with = is text, not a formula');
    assert.equal(cell.value, '=HYPERLINK("http://x")');

    const events = await t.database.db.selectFrom('audit_events').selectAll().where('action', '=', 'register.export').execute();
    assert.equal(events.length, 2);
    const details = events[0]!.details as { personIds: string[]; text: boolean };
    assert.equal(details.personIds.length, 55);
    assert.equal(details.text, true, 'the search words themselves are not recorded');
    assert.ok(!JSON.stringify(events[0]!.details).includes('Regtest'));
  });

  test('another council downloads no one it may not see', async () => {
    const csv = await page('/register.csv?q=Regtest', 'otherLaPractitioner');
    assert.equal(csv.statusCode, 200);
    assert.equal(csv.body.trim().split('\r\n').length, 1, 'the header only');
  });

  test('past the count\'s cap the page says "more than", pages on while there are more, and the download stays whole', async () => {
    // Issue 14: counting every match on each view took seconds at 1,000,000 people; the page counts
    // up to a cap (1,000; 20 here) and says "more than" past it.
    await page('/register');
    const capped = await createOtherApp(t, { registerCountCap: 20 });
    try {
      const get = (url: string) => capped.inject({ method: 'GET', url, cookies: { [SESSION_COOKIE]: sessions.laPractitioner! } });
      const first = await get('/register?q=Regtest');
      assert.equal(first.statusCode, 200);
      assert.match(first.body, /<strong>More than 20 people<\/strong> match your search: showing 1 to 50, in order of name\./);
      assert.match(first.body, /href="\/register\?q=Regtest&amp;page=2"/);
      assert.doesNotMatch(first.body, /page=3/, 'no last page is offered when it is not known');
      const second = await get('/register?q=Regtest&page=2');
      assert.match(second.body, /More than 20 people<\/strong> match your search: showing 51 to 55/);
      assert.match(second.body, /RegtestCC/);
      assert.doesNotMatch(second.body, /page=3/, 'nothing follows the last person');
      const descending = await get('/register?q=Regtest&order=descending&page=2');
      assert.match(descending.body, /showing 51 to 55, in order of name \(Z to A\)/);
      assert.match(descending.body, /RegtestAA/);
      const past = await get('/register?q=Regtest&page=9');
      assert.equal(past.statusCode, 200);
      assert.match(past.body, /There is no one on page 9: the list ends before it\. <a href="\/register\?q=Regtest">Go to the first page<\/a>/);
      // Under the cap the total is exact.
      assert.match((await get('/register?q=RegtestC')).body, /<strong>3 people<\/strong> match your search/);
      const csv = await capped.inject({ method: 'GET', url: '/register.csv?q=Regtest', cookies: { [SESSION_COOKIE]: sessions.laPractitioner! } });
      assert.equal(csv.body.trim().split('\r\n').length, 56, 'the download has everyone');
    } finally {
      await capped.close();
    }
  });
});

describe('small things people met on the pages (issue 9)', () => {
  let t: TestApp;
  let session: string;
  before(async () => {
    t = await createTestApp('pglite');
    session = (await t.services.accounts.signIn(USERS.laPractitioner.email, PASSWORD, null)).sessionToken;
  });
  after(async () => { await t?.close(); });

  test('the reviews dashboard answers at its older address too', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/reviews/dashboard', cookies: { [SESSION_COOKIE]: session } });
    assert.equal(res.statusCode, 301);
    assert.equal(res.headers.location, '/reviews');
  });

  test('an NHS number with a wrong check digit is called that; the form’s own example is a valid number', async () => {
    const form = await t.app.inject({ method: 'GET', url: '/people/new', cookies: { [SESSION_COOKIE]: session } });
    const example = /for example (\d{3} \d{3} \d{4})/.exec(form.body)![1]!;
    const valid = await t.app.inject({ method: 'POST', url: '/api/v1/people', headers: t.as('laPractitioner'), payload: { givenName: 'Ex', familyName: 'Ample', dateOfBirth: '1980-01-01', nhsNumber: example } });
    assert.equal(valid.statusCode, 201, 'the example in the hint is accepted');
    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/people', headers: t.as('laPractitioner'), payload: { givenName: 'Ex', familyName: 'Ample', dateOfBirth: '1980-01-01', nhsNumber: '999 123 4567' } });
    assert.equal(wrong.statusCode, 422);
    assert.match(JSON.stringify(wrong.json()), /check digit/);
  });
});
