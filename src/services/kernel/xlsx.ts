// XLSX workbooks for downloads, written by exceljs. Every value is written as a typed cell (text,
// number or date) and never as a formula: a name that starts with "=" stays text (no spreadsheet
// injection), unlike CSV, where csv.ts has to quote it.
import ExcelJS from 'exceljs';

export type XlsxValue = string | number | null;

export interface XlsxSheet {
  name: string;
  header: readonly string[];
  rows: readonly (readonly XlsxValue[])[];
  /** Column widths in characters; by default from each header's length. */
  widths?: readonly number[];
}

export async function toXlsx(sheets: readonly XlsxSheet[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Section 117 Aftercare Register';
  for (const sheet of sheets) {
    const worksheet = workbook.addWorksheet(sheet.name.slice(0, 31));
    worksheet.addRow([...sheet.header]).font = { bold: true };
    for (const row of sheet.rows) {
      // addRow would read a "{formula: ...}" object as a formula; plain strings and numbers it keeps.
      worksheet.addRow(row.map((value) => (value === null ? null : value)));
    }
    worksheet.views = [{ state: 'frozen', ySplit: 1 }];
    sheet.header.forEach((title, index) => {
      worksheet.getColumn(index + 1).width = sheet.widths?.[index] ?? Math.min(40, Math.max(12, title.length + 2));
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
