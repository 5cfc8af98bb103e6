// The register report as a table for download: CSV (RFC 4180, formula guard in kernel/csv.ts) and
// XLSX (exceljs; every text is written as a text cell, never a formula, and text that a spreadsheet
// would read as one (= + - @) gets the same leading quote as the CSV). One row per figure and month
// end, with the measure's rule, so a board's analyst can pivot it; the XLSX adds the definitions.
import ExcelJS from 'exceljs';
import { AFTERCARE_STATUSES } from '../../domain/aftercare.ts';
import { MEASURES, OVERDUE_BANDS, type MeasureId, type PeriodFigures, type RegisterReport } from '../../domain/reports.ts';
import { FORMULA_START, toCsv, type CsvValue } from '../kernel/csv.ts';

/** The register report as the service answers it. */
export interface RegisterReportAnswer extends RegisterReport {
  /** Keyworker rows with the keyworker's name (staff), as the page and the downloads show them. */
  reviewsByKeyworker: (RegisterReport['reviewsByKeyworker'][number] & { name: string | null })[];
  peopleRead: number;
  /** When the summaries the figures were added up from were made (ADR 0014); null: worked out from the facts just now. */
  summaryBuiltAt?: string | null;
  /** The moment the figures are in step with: every fact committed by then counts (ADR 0014). */
  inStepAt?: string;
}

export const EXPORT_HEADER = ['measure', 'rule', 'breakdown', 'periodFrom', 'asOf', 'value'] as const;

type Named = PeriodFigures & { reviewsByKeyworker: RegisterReportAnswer['reviewsByKeyworker'] };

/** Every figure of one period as [measure, breakdown, value]. */
function periodRows(m: Named, names: ReadonlyMap<string, string>): [MeasureId, string, number][] {
  const body = (code: string | null) => (code === null ? 'not known' : names.has(code) ? `${names.get(code)} (${code})` : code);
  const rows: [MeasureId, string, number][] = [];
  for (const s of AFTERCARE_STATUSES) rows.push(['byStatus', s, m.byStatus[s]]);
  rows.push(['newEntitlements', 'all', m.newEntitlements]);
  for (const [section, n] of Object.entries(m.newEntitlementsBySection)) rows.push(['newEntitlements', `section ${section}`, n ?? 0]);
  rows.push(['endings', 'all', m.endings]);
  for (const [reason, n] of Object.entries(m.endingsByReason)) rows.push(['endings', reason, n]);
  rows.push(['superseded', 'all', m.superseded], ['reinstated', 'all', m.reinstated], ['reviewsInDate', 'all', m.reviewsInDate], ['reviewsOverdue', 'all', m.reviewsOverdue]);
  for (const b of OVERDUE_BANDS) rows.push(['reviewsOverdue', `overdue ${b.id}`, m.overdueBy[b.id]]);
  for (const k of m.reviewsByKeyworker) {
    const who = `keyworker ${k.name ?? 'none allocated'}${k.team ? ` (${k.team})` : ''}`;
    rows.push(['reviewsInDate', who, k.inDate], ['reviewsOverdue', who, k.overdue]);
  }
  rows.push(['reviewsHeld', 'all', m.reviewsHeld], ['reviewsHeld', 'on time', m.reviewsHeldOnTime], ['outOfArea', 'all', m.outOfArea], ['plansFinalBeforeLeaving', 'all', m.plansFinalBeforeLeaving], ['plans', 'final', m.plansFinal], ['plans', 'contingency plan complete', m.plansWithContingency], ['plans', 'signed or reason recorded', m.plansSignedOrReason], ['complaints', 'received', m.complaintsReceived], ['complaints', 'open', m.complaintsOpen], ['complaints', 'open within the Ombudsman window', m.complaintsOpenWithinOmbudsmanWindow], ['money', 's117 charges paid (count)', m.s117ChargesPaid], ['money', 's117 charges paid (pence)', m.s117ChargesPence], ['money', 'refunds owed (pence)', m.refundsOwedPence], ['money', 'refunds paid (pence)', m.refundsPaidPence], ['money', 'refunds outstanding (pence)', m.refundsOutstandingPence], ['disputes', 'open', m.disputesOpen], ['disputes', 'past the 4-month clock', m.disputesPastFourMonths]);
  for (const [age, n] of Object.entries(m.disputesByAgeMonths)) rows.push(['disputes', `open ${age} months`, n]);
  rows.push(['budgets', 'direct payments', m.directPayments], ['budgets', 'personal health budgets', m.personalHealthBudgets], ['budgets', 'review overdue', m.budgetReviewsOverdue]);
  for (const x of m.spend) rows.push(['spend', `${x.body} ${body(x.code)} ${x.category} agreed (pence)`, x.agreedPence], ['spend', `${x.body} ${body(x.code)} ${x.category} paid (pence)`, x.paidPence]);
  for (const b of m.balances) rows.push(['spend', `balance: ICB ${body(b.icb)} owes local authority ${body(b.localAuthority)} (pence)`, b.icbOwesLocalAuthorityPence]);
  return rows;
}

/** The report's lines: a header, then each figure at each month end, earliest month first. */
export function reportLines(report: RegisterReportAnswer, names: ReadonlyMap<string, string> = new Map()): CsvValue[][] {
  const lines: CsvValue[][] = [[...EXPORT_HEADER]];
  for (const m of report.months) {
    for (const [measure, breakdown, value] of periodRows(m as Named, names)) lines.push([measure, MEASURES[measure].rule, breakdown, m.from, m.asOf, value]);
  }
  return lines;
}

export function reportCsv(report: RegisterReportAnswer, names?: ReadonlyMap<string, string>): string {
  return toCsv(reportLines(report, names));
}

const safeText = (text: string) => (FORMULA_START.test(text) ? `'${text}` : text);

export async function reportXlsx(report: RegisterReportAnswer, names?: ReadonlyMap<string, string>): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Section 117 Aftercare Register';
  book.title = `Section 117 register report as of ${report.asOf}`;
  const filters = `Local authority: ${report.filter.localAuthority ?? 'any'}; ICB: ${report.filter.icb ?? 'any'}`;
  const figures = book.addWorksheet('Figures');
  figures.addRow([`Section 117 register report as of ${report.asOf}. ${filters}. People read: ${report.peopleRead}.`]);
  const header = figures.addRow([...EXPORT_HEADER]);
  header.font = { bold: true };
  for (const line of reportLines(report, names).slice(1)) figures.addRow(line.map((v) => (typeof v === 'string' ? safeText(v) : v)));
  figures.columns.forEach((c, i) => { c.width = [18, 8, 40, 12, 12, 10][i] ?? 12; });
  figures.views = [{ state: 'frozen', ySplit: 2 }];
  const definitions = book.addWorksheet('Definitions');
  definitions.addRow(['measure', 'rule', 'definition']).font = { bold: true };
  for (const [id, m] of Object.entries(MEASURES)) definitions.addRow([id, m.rule, m.text]);
  definitions.getColumn(3).width = 120;
  definitions.getColumn(3).alignment = { wrapText: true };
  return Buffer.from(await book.xlsx.writeBuffer());
}
