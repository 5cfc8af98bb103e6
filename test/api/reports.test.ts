// api-contract "Reports": GET /api/v1/reports/register (+ .csv, .xlsx) over the people the caller may
// see, as of a date, with its problems; and no report counts a person the caller may not see.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { createTestApp, ORGS, type TestApp } from '../support/app.ts';
import { pdfInfo, pdfText } from '../support/pdf.ts';
import { testEngines } from '../support/databases.ts';
import { assertInvalid, assertProblem, call, created, createPerson, tomorrow } from './helpers.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`reports API on ${engine}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine);
      // Northbridge's person: section 3 from January 2024, left hospital on 1 March 2024.
      const ours = await createPerson(t, { nhsNumber: null, givenName: 'Robin' });
      const stay = await created(t, `/api/v1/people/${ours.id}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-10', dischargedOn: '2024-03-01' });
      await created(t, `/api/v1/people/${ours.id}/legal-statuses`, { section: '3', startDate: '2024-01-10', endDate: '2024-03-01', admissionId: stay.id });
      // Southvale's person, registered by Southvale: Northbridge may not see them.
      const theirs = await createPerson(t, { nhsNumber: null, givenName: 'Sam', residence: { localAuthority: ORGS.otherLa.code, since: '2010-01-01' }, gp: { practiceCode: 'F84004', icb: ORGS.otherIcb.code, since: '2010-01-01' } }, 'otherLaPractitioner');
      const theirStay = await created(t, `/api/v1/people/${theirs.id}/admissions`, { hospital: 'Southvale Hospital', admittedOn: '2024-01-12', dischargedOn: '2024-03-05' }, 'otherLaPractitioner');
      await created(t, `/api/v1/people/${theirs.id}/legal-statuses`, { section: '37', startDate: '2024-01-12', endDate: '2024-03-05', admissionId: theirStay.id }, 'otherLaPractitioner');
    });
    after(async () => {
      await t?.close();
    });

    test('GET /reports/register answers {asOf, byStatus, newEntitlements, endings, reviewsInDate, reviewsOverdue, ...} over the people the caller may see', async () => {
      const res = await call(t, 'GET', '/api/v1/reports/register?asOf=2024-03-31&localAuthority=&icb=', undefined, 'laApprover');
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.asOf, '2024-03-31');
      assert.equal(body.byStatus.active, 1);
      assert.equal(body.newEntitlements, 1);
      assert.equal(body.endings, 0);
      assert.equal(body.reviewsInDate, 1);
      assert.equal(body.reviewsOverdue, 0);
      assert.equal(body.peopleRead, 1, 'only Northbridge’s person is read');
      assert.equal(body.months.length, 12);
      assert.deepEqual(body.newEntitlementsBySection, { '3': 1 });
      // In May the first review (due 12 April) is overdue.
      const may = (await call(t, 'GET', '/api/v1/reports/register?asOf=2024-05-31', undefined, 'auditor')).json();
      assert.equal(may.reviewsOverdue, 1);
      assert.equal(may.overdueBy['31-90-days'], 1);
    });

    test('no report counts or lists a person the caller’s organisation may not see', async () => {
      for (const user of ['laApprover', 'icbApprover', 'finance', 'auditor'] as const) {
        const body = (await call(t, 'GET', '/api/v1/reports/register?asOf=2024-03-31', undefined, user)).json();
        assert.equal(body.peopleRead, 1, user);
        assert.equal(body.newEntitlementsBySection['37'], undefined, `${user} must not count Southvale’s section 37`);
        // Even filtering by the other council counts nobody.
        const filtered = (await call(t, 'GET', `/api/v1/reports/register?asOf=2024-03-31&localAuthority=${ORGS.otherLa.code}`, undefined, user)).json();
        assert.equal(filtered.byStatus.active, 0, user);
        const csv = (await call(t, 'GET', `/api/v1/reports/register.csv?asOf=2024-03-31&localAuthority=${ORGS.otherLa.code}`, undefined, user)).body;
        assert.ok(!/newEntitlements,RPT-2,section 37/.test(csv), user);
      }
      const southvale = (await call(t, 'GET', '/api/v1/reports/register?asOf=2024-03-31', undefined, 'otherLaApprover')).json();
      assert.deepEqual([southvale.peopleRead, southvale.newEntitlementsBySection], [1, { '37': 1 }]);
      const admin = (await call(t, 'GET', '/api/v1/reports/register?asOf=2024-03-31', undefined, 'admin')).json();
      assert.deepEqual([admin.peopleRead, admin.byStatus.active], [2, 2]);
      const byLa = (await call(t, 'GET', `/api/v1/reports/register?asOf=2024-03-31&localAuthority=${ORGS.otherLa.code.toLowerCase()}`, undefined, 'admin')).json();
      assert.deepEqual([byLa.filter.localAuthority, byLa.byStatus.active], [ORGS.otherLa.code, 1]);
      const byIcb = (await call(t, 'GET', `/api/v1/reports/register?asOf=2024-03-31&icb=${ORGS.icb.code}`, undefined, 'admin')).json();
      assert.equal(byIcb.byStatus.active, 1);
    });

    test('only approvers, finance, auditors and admins may read reports (403)', async () => {
      assertProblem(await call(t, 'GET', '/api/v1/reports/register', undefined, 'practitioner'), 403);
      assertProblem(await call(t, 'GET', '/api/v1/reports/register.csv', undefined, 'laPractitioner'), 403);
      assertProblem(await t.app.inject({ method: 'GET', url: '/api/v1/reports/register' }), 401);
    });

    test('a wrong date, a future date or a wrong code is 422 naming the field', async () => {
      assertInvalid(await call(t, 'GET', '/api/v1/reports/register?asOf=2024-02-30', undefined, 'laApprover'), 'asOf');
      assertInvalid(await call(t, 'GET', `/api/v1/reports/register?asOf=${tomorrow()}`, undefined, 'laApprover'), 'asOf');
      assertInvalid(await call(t, 'GET', '/api/v1/reports/register?localAuthority=nowhere', undefined, 'laApprover'), 'localAuthority');
      assertInvalid(await call(t, 'GET', '/api/v1/reports/register.xlsx?icb=%3D1%2B1', undefined, 'laApprover'), 'icb');
      assertInvalid(await call(t, 'GET', '/api/v1/reports/register?months=99', undefined, 'laApprover'), 'months');
    });

    test('the CSV and XLSX downloads hold the same figures', async () => {
      const csv = await call(t, 'GET', '/api/v1/reports/register.csv?asOf=2024-03-31', undefined, 'finance');
      assert.equal(csv.statusCode, 200, csv.body);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      assert.match(String(csv.headers['content-disposition']), /attachment; filename="s117-register-report-2024-03-31.csv"/);
      const lines = csv.body.split('\r\n');
      assert.equal(lines[0], 'measure,rule,breakdown,periodFrom,asOf,value');
      assert.ok(lines.includes('byStatus,RPT-1,active,2024-03-01,2024-03-31,1'));
      assert.ok(lines.includes('newEntitlements,RPT-2,all,2024-03-01,2024-03-31,1'));
      const xlsx = await call(t, 'GET', '/api/v1/reports/register.xlsx?asOf=2024-03-31', undefined, 'finance');
      assert.equal(xlsx.statusCode, 200, xlsx.body);
      assert.match(String(xlsx.headers['content-type']), /spreadsheetml/);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const rows: string[] = [];
      book.getWorksheet('Figures')!.eachRow((row, n) => { if (n > 2) rows.push((row.values as unknown[]).slice(1).join(',')); });
      assert.deepEqual(rows, lines.slice(1).filter(Boolean));
      assert.ok(book.getWorksheet('Definitions')!.rowCount > 10);
    });

    test('the board pack is a tagged PDF with the figures, the charts’ descriptions and the definitions', async () => {
      const res = await call(t, 'GET', '/api/v1/reports/board-pack.pdf?asOf=2024-03-31', undefined, 'icbApprover');
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'application/pdf');
      const pdf = new Uint8Array(res.rawPayload);
      const text = (await pdfText(pdf)).replace(/\s+/g, ' ');
      assert.match(text, /board report as of 31 March 2024/);
      assert.match(text, /People on the register by status at each month end/);
      assert.match(text, /RPT-10/);
      const info = await pdfInfo(pdf);
      assert.deepEqual([info['Title'], info['Tagged']], ['Section 117 aftercare: board report as of 31 March 2024', 'yes']);
      assert.match(Buffer.from(pdf).toString('latin1'), /\/StructTreeRoot/);
      assert.match(Buffer.from(pdf).toString('latin1'), /\/S \/Figure/);
      assertProblem(await call(t, 'GET', '/api/v1/reports/board-pack.pdf', undefined, 'practitioner'), 403);
    });

    test('each report read is audited with its filters and how many people were read, never who', async () => {
      await call(t, 'GET', '/api/v1/reports/register?asOf=2024-03-31', undefined, 'icbApprover');
      const events = await t.database.db.selectFrom('audit_events').selectAll().where('action', '=', 'reports.register').execute();
      assert.ok(events.length > 0);
      const last = events.at(-1)!;
      const details = typeof last.details === 'string' ? JSON.parse(last.details) : last.details;
      assert.equal(details.asOf, '2024-03-31');
      assert.equal(typeof details.peopleRead, 'number');
      assert.equal(last.person_id, null);
    });

    test('ADR 0014: after the nightly refresh the same report comes from the summaries, says when they were made, and still counts only whom the caller may see', async () => {
      const before = await call(t, 'GET', '/api/v1/reports/register?months=6', undefined, 'laApprover');
      assert.equal(before.statusCode, 200, before.body);
      assert.equal(before.json().summaryBuiltAt, null);
      await t.services.reports.refreshSummaries();
      const res = await call(t, 'GET', '/api/v1/reports/register?months=6', undefined, 'laApprover');
      assert.equal(res.statusCode, 200, res.body);
      const { summaryBuiltAt, inStepAt, ...figures } = res.json();
      assert.match(summaryBuiltAt, /^\d{4}-\d\d-\d\dT/);
      assert.match(inStepAt, /^\d{4}-\d\d-\d\dT/);
      const { summaryBuiltAt: _, inStepAt: __, ...expected } = before.json();
      assert.deepEqual(figures, expected);
      assert.equal(figures.peopleRead, 1, 'Southvale’s person is not in Northbridge’s summaries');
      const events = await t.database.db.selectFrom('audit_events').select(['action', 'details']).where('action', 'in', ['reports.refresh', 'reports.register']).orderBy('seq', 'desc').limit(2).execute();
      const details = events.map((e) => (typeof e.details === 'string' ? JSON.parse(e.details) : e.details));
      assert.equal(events[0]!.action, 'reports.register');
      assert.equal(details[0].summaryBuiltAt, summaryBuiltAt);
      assert.equal(events[1]!.action, 'reports.refresh');
      assert.equal(details[1].people, 2);
      const pdf = await call(t, 'GET', '/api/v1/reports/board-pack.pdf?months=6', undefined, 'finance');
      const text = (await pdfText(new Uint8Array(pdf.rawPayload))).replace(/\s+/g, ' ');
      assert.match(text, /Spend each month: each body’s agreed share and what it paid/);
      assert.match(text, /with a final plan before they left/);
      assert.match(text, /Charges for s117 services and refunds/);
    });

    test('ADR 0014 (issue 13 item 5): a person recorded after the refresh counts at once from the summaries, for the organisation that sees them only', async () => {
      await t.services.reports.refreshSummaries();
      const read = async (who: 'laApprover' | 'otherLaApprover') => (await call(t, 'GET', '/api/v1/reports/register?months=6', undefined, who)).json();
      const [ours, theirs] = [await read('laApprover'), await read('otherLaApprover')];
      const late = await createPerson(t, { nhsNumber: null, givenName: 'Late', residence: { localAuthority: ORGS.otherLa.code, since: '2010-01-01' }, gp: { practiceCode: 'F84004', icb: ORGS.otherIcb.code, since: '2010-01-01' } }, 'otherLaPractitioner');
      const stay = await created(t, `/api/v1/people/${late.id}/admissions`, { hospital: 'Southvale Hospital', admittedOn: '2024-02-12', dischargedOn: '2024-04-05' }, 'otherLaPractitioner');
      await created(t, `/api/v1/people/${late.id}/legal-statuses`, { section: '3', startDate: '2024-02-12', endDate: '2024-04-05', admissionId: stay.id }, 'otherLaPractitioner');
      const [oursNow, theirsNow] = [await read('laApprover'), await read('otherLaApprover')];
      assert.ok(theirsNow.summaryBuiltAt, 'from the summaries, before any summariser ran');
      assert.match(theirsNow.inStepAt, /^\d{4}-\d\d-\d\dT/);
      assert.equal(theirsNow.peopleRead, theirs.peopleRead + 1);
      assert.equal(theirsNow.byStatus.active, theirs.byStatus.active + 1);
      const { inStepAt: _, ...oursFigures } = oursNow;
      const { inStepAt: __, ...oursBefore } = ours;
      assert.deepEqual(oursFigures, oursBefore, 'Northbridge may not see the person: nothing of them in its report');
    });

    test('the routes are in the OpenAPI document', async () => {
      const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      for (const path of ['/api/v1/reports/register', '/api/v1/reports/register.csv', '/api/v1/reports/register.xlsx', '/api/v1/reports/board-pack.pdf']) assert.ok(doc.paths[path], path);
    });
  });
}
