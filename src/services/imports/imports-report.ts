// Moving in (issue 10): the validation and reconciliation report as CSV and as an Excel workbook.
// A cell that begins with = + - @ is data, never a formula, in both: the CSV writer quotes it
// (kernel/csv.ts) and the workbook stores every cell as text or a number, never a formula.
import { toCsv, type CsvValue } from '../kernel/csv.ts';
import { toXlsx } from '../kernel/xlsx.ts';
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
  // A string is written as a text cell, never a formula: "=HYPERLINK(...)" stays text.
  return toXlsx([{ name: 'Import report', header: REPORT_COLUMNS, rows: reportLines(report).map((line) => line.map((v) => v ?? '')), widths: [6, 20, 20, 60, 50, 14, 24] }]);
}
