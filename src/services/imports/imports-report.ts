// Moving in (issue 10): the validation and reconciliation report as CSV and as an Excel workbook.
// A cell that begins with = + - @ is data, never a formula, in both: the CSV writer quotes it
// (kernel/csv.ts) and the workbook stores every cell as text or a number, never a formula.
import ExcelJS from 'exceljs';
import { toCsv, type CsvValue } from '../kernel/csv.ts';
import type { ImportReport } from './imports-service.ts';

export const REPORT_COLUMNS = ['row', 'column', 'value', 'problem', 'action', 'severity', 'rule'] as const;

/** Problems first (row by row), then the reconciliation's disagreements (severity "reconciliation"). */
export function reportLines(report: Pick<ImportReport, 'findings' | 'reconciliation'>): CsvValue[][] {
  return [
    ...report.findings.map((f) => [f.row, f.column, f.value, f.problem, f.action, f.severity, f.rule ?? '']),
    ...report.reconciliation.map((r) => [r.row, '', '', r.detail, '', 'reconciliation', `${r.rule} ${r.kind}`]),
  ];
}

export function reportCsv(report: Pick<ImportReport, 'findings' | 'reconciliation'>): string {
  return toCsv([[...REPORT_COLUMNS], ...reportLines(report)]);
}

export async function reportXlsx(report: Pick<ImportReport, 'findings' | 'reconciliation'>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Import report');
  sheet.addRow([...REPORT_COLUMNS]).font = { bold: true };
  for (const line of reportLines(report)) {
    // A string is written as a text cell, never a formula: "=HYPERLINK(...)" stays text.
    sheet.addRow(line.map((v) => v ?? ''));
  }
  sheet.columns.forEach((c, i) => { c.width = [6, 20, 20, 60, 50, 14, 24][i] ?? 20; });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
