// Issue 13: the report's downloads are formula-safe (CSV injection): text a spreadsheet would run as a
// formula (= + - @) is written as text with a leading quote, in the CSV and in the XLSX.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import ExcelJS from 'exceljs';
import { registerReport } from '../../src/domain/reports.ts';
import { DEFAULT_REVIEW_SETTINGS } from '../../src/domain/reviews.ts';
import { reportCsv, reportXlsx, type RegisterReportAnswer } from '../../src/services/reports/reports-export.ts';

function reportWithKeyworker(name: string): RegisterReportAnswer {
  const report = registerReport([], '2024-03-31', { localAuthority: null, icb: null }, DEFAULT_REVIEW_SETTINGS, 1);
  const row = { userId: 'u1', name, team: '@team', inDate: 1, overdue: 0 };
  return { ...report, reviewsByKeyworker: [row], months: [{ ...report.months[0]!, reviewsByKeyworker: [row] }], peopleRead: 1 } as RegisterReportAnswer;
}

test('RPT-7: a keyworker or team name that starts like a formula stays text in the CSV', () => {
  const csv = reportCsv(reportWithKeyworker('=HYPERLINK("http://x","y")'));
  assert.ok(!/\r\n(reviewsInDate|reviewsOverdue),RPT-\d+,=/.test(csv));
  assert.match(csv, /keyworker =HYPERLINK/);
  const line = csv.split('\r\n').find((l) => l.includes('HYPERLINK'))!;
  // The breakdown cell begins with "keyworker", so it cannot start a formula; the team's @ is inside it.
  assert.match(line, /^reviewsInDate,RPT-6,"?keyworker /);
});

test('RPT-7: the XLSX writes every text as a text cell, never a formula, and guards = + - @', async () => {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load((await reportXlsx(reportWithKeyworker('=1+1'))) as unknown as ArrayBuffer);
  const sheet = book.getWorksheet('Figures')!;
  let formulas = 0;
  let texts = 0;
  sheet.eachRow((row) => row.eachCell((cell) => {
    if (cell.type === ExcelJS.ValueType.Formula) formulas++;
    if (typeof cell.value === 'string') {
      texts++;
      assert.doesNotMatch(cell.value, /^[=+\-@]/, `cell ${cell.address} starts like a formula`);
    }
  }));
  assert.equal(formulas, 0);
  assert.ok(texts > 20);
});

test('issue 9 item 1: the export names each body, its code beside; a body the register does not know keeps its code', () => {
  const report = registerReport([], '2024-03-31', { localAuthority: null, icb: null }, DEFAULT_REVIEW_SETTINGS, 1);
  const month = { ...report.months[0]!, spend: [{ body: 'local-authority', code: 'E09000099', category: 'accommodation', agreedPence: 100, paidPence: 0 }, { body: 'icb', code: 'QXX', category: 'accommodation', agreedPence: 100, paidPence: 0 }], balances: [{ localAuthority: 'E09000099', icb: 'QXX', icbOwesLocalAuthorityPence: 50 }] };
  const csv = reportCsv({ ...report, months: [month], peopleRead: 1 } as RegisterReportAnswer, new Map([['E09000099', 'Northbridge Borough Council']]));
  assert.match(csv, /spend,RPT-15,local-authority Northbridge Borough Council \(E09000099\) accommodation agreed \(pence\)/);
  assert.match(csv, /spend,RPT-15,icb QXX accommodation agreed \(pence\)/);
  assert.match(csv, /balance: ICB QXX owes local authority Northbridge Borough Council \(E09000099\) \(pence\)/);
});
