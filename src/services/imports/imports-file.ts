// Moving in (issue 10): reading an uploaded .xlsx or .csv into a header row and rows of cells, with
// well-kept libraries (exceljs, csv-parse). Anything that cannot be read safely is refused with one
// clear sentence and nothing is imported: an empty file, a file that is not a spreadsheet, a
// password-protected or old-style workbook, a file over the size limit, formulas, merged cells,
// hidden sheets, a header row that cannot be found.
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { suggestMapping, type ImportKind } from '../../domain/import-mapping.ts';
import type { RawRow } from '../../domain/import-rows.ts';
import type { Cell } from '../../domain/import-values.ts';
import { BadRequestError } from '../kernel/validation.ts';

/** The largest file accepted: a 50,000-row register is about 10 MB as CSV and less as .xlsx. */
export const MAX_IMPORT_BYTES = 25 * 1024 * 1024;
/** How far down the header row is looked for (titles and notes often sit above it). */
const HEADER_SEARCH_ROWS = 20;

export interface SpreadsheetContent {
  format: 'xlsx' | 'csv';
  /** The sheet read, for a workbook. */
  sheet: string | null;
  /** The header row's own row number in the file (1 when it is on the first line). */
  headerRow: number;
  headers: string[];
  rows: RawRow[];
}

/** The file cannot be read: a one-line reason for a person (400 on the API, exit 1 on the command line). */
export class FileProblem extends BadRequestError {
  constructor(message: string) {
    super([{ field: 'file', message }]);
    this.message = message;
  }
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const startsWith = (buf: Uint8Array, magic: number[]) => magic.every((b, i) => buf[i] === b);

export async function readSpreadsheet(kind: ImportKind, content: Uint8Array, fileName: string): Promise<SpreadsheetContent> {
  if (content.byteLength === 0) throw new FileProblem('The file is empty: choose the spreadsheet again');
  if (content.byteLength > MAX_IMPORT_BYTES) {
    throw new FileProblem(`The file is ${(content.byteLength / 1024 / 1024).toFixed(0)} MB: the limit is ${MAX_IMPORT_BYTES / 1024 / 1024} MB. Split it into smaller files, or save it as .xlsx, which is smaller than .csv`);
  }
  const buffer = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  if (startsWith(buffer, OLE)) {
    if (buffer.includes(Buffer.from('EncryptionInfo', 'utf16le'))) throw new FileProblem('The workbook is password-protected: open it, remove the password (File, Info, Protect Workbook), save it and import it again');
    throw new FileProblem('This is an old-style Excel file (.xls): open it and save it as an Excel Workbook (.xlsx) or as CSV, then import that');
  }
  if (startsWith(buffer, ZIP)) return readWorkbook(kind, buffer);
  if (/\.(xlsx|xlsm|xls|ods|numbers)$/i.test(fileName)) throw new FileProblem('The file is named as a workbook but is not one: save it from the spreadsheet program as .xlsx or .csv');
  return readCsv(kind, buffer);
}

// ---------------------------------------------------------------------------------------------
// CSV

function decodeText(buffer: Buffer): string {
  if (buffer[0] === 0xff && buffer[1] === 0xfe) return new TextDecoder('utf-16le').decode(buffer.subarray(2));
  if (buffer[0] === 0xfe && buffer[1] === 0xff) return new TextDecoder('utf-16be').decode(buffer.subarray(2));
  const body = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? buffer.subarray(3) : buffer;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    // Excel's "CSV" on Windows writes Windows-1252 (a £ is one byte, 0xA3).
    return new TextDecoder('windows-1252').decode(body);
  }
}

function readCsv(kind: ImportKind, buffer: Buffer): SpreadsheetContent {
  const sample = buffer.subarray(0, 4096);
  if (sample.includes(0)) throw new FileProblem('This is not a spreadsheet: choose an Excel workbook (.xlsx) or a CSV file');
  const text = decodeText(buffer).replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new FileProblem('The file is empty: choose the spreadsheet again');
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, relax_quotes: true, skip_empty_lines: false, delimiter: detectDelimiter(text) }) as string[][];
  } catch (error) {
    throw new FileProblem(`The CSV file cannot be read: ${(error as Error).message.split('\n')[0]}`);
  }
  return fromGrid(kind, 'csv', null, records.map((cells, i) => ({ row: i + 1, values: cells })));
}

/** Comma, or the semicolon or tab some exports use, whichever the first line has most of. */
function detectDelimiter(text: string): string {
  const first = text.slice(0, text.search(/\r?\n|$/));
  const counts = [',', ';', '\t'].map((d) => [d, first.split(d).length] as const);
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
}

// ---------------------------------------------------------------------------------------------
// Workbooks

async function readWorkbook(kind: ImportKind, buffer: Buffer): Promise<SpreadsheetContent> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch {
    throw new FileProblem('This is not a spreadsheet the register can read: save it from the spreadsheet program as an Excel Workbook (.xlsx) or CSV');
  }
  const sheets = workbook.worksheets;
  const hidden = sheets.filter((s) => s.state !== 'visible').map((s) => `"${s.name}"`);
  if (hidden.length > 0) {
    throw new FileProblem(`The workbook has hidden sheets (${hidden.join(', ')}): unhide or delete them, so that what is imported is what you can see, and import it again`);
  }
  const sheet = sheets.find((s) => s.actualRowCount > 0);
  if (!sheet) throw new FileProblem('The workbook has no rows: choose the file with the register in it');
  const others = sheets.filter((s) => s !== sheet && s.actualRowCount > 0);
  if (others.length > 0) {
    throw new FileProblem(`The workbook has more than one sheet with data ("${sheet.name}", ${others.map((s) => `"${s.name}"`).join(', ')}): keep only the register's sheet, or save it as CSV, and import it again`);
  }
  const merges = (sheet.model as { merges?: string[] }).merges ?? [];
  if (merges.length > 0) {
    throw new FileProblem(`The sheet has merged cells (${merges.slice(0, 5).join(', ')}${merges.length > 5 ? ', …' : ''}): unmerge them and fill in every row, so that each row stands on its own, then import it again`);
  }
  const formulas: string[] = [];
  const grid: { row: number; values: Cell[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values: Cell[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      if (cell.type === ExcelJS.ValueType.Formula) formulas.push(cell.address);
      values[col - 1] = cellValue(cell.value);
    });
    grid.push({ row: rowNumber, values: Array.from(values, (v) => v ?? null) });
  });
  if (formulas.length > 0) {
    throw new FileProblem(`The sheet has formulas (${formulas.slice(0, 5).join(', ')}${formulas.length > 5 ? ', …' : ''}): the register imports values only. Copy the sheet and paste it as values, then import it again`);
  }
  return fromGrid(kind, 'xlsx', sheet.name, grid);
}

function cellValue(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object' && 'richText' in value) return value.richText.map((t) => t.text).join('');
  if (typeof value === 'object' && 'text' in value && typeof value.text === 'string') return value.text;
  if (typeof value === 'object' && 'error' in value) return String(value.error);
  return null;
}

// ---------------------------------------------------------------------------------------------
// The header row and the rows under it

function fromGrid(kind: ImportKind, format: 'xlsx' | 'csv', sheet: string | null, grid: { row: number; values: Cell[] }[]): SpreadsheetContent {
  const isEmpty = (values: Cell[]) => values.every((v) => v === null || (typeof v === 'string' && v.trim() === ''));
  const nonEmpty = grid.filter((r) => !isEmpty(r.values));
  if (nonEmpty.length === 0) throw new FileProblem('The file has no rows: choose the spreadsheet again');
  // The header is the first row, near the top, in which at least two cells name a field.
  // Failing that, the first row of two or more words without digits (headers the register does not
  // know, which the person then maps by hand).
  const top = nonEmpty.slice(0, HEADER_SEARCH_ROWS);
  const wordsOnly = (r: { values: Cell[] }) => {
    const filled = r.values.filter((v) => v !== null && String(v).trim() !== '');
    return filled.length >= 2 && filled.every((v) => typeof v === 'string' && !/\d/.test(v));
  };
  const header = top.find((r) => Object.keys(suggestMapping(kind, r.values.map(headerText))).length >= 2) ?? top.find(wordsOnly);
  if (!header) {
    throw new FileProblem(`No header row was found in the first ${HEADER_SEARCH_ROWS} rows: the file needs a row naming its columns (for example NHS number, Surname, Date of birth)`);
  }
  const headers = header.values.map((v, i) => headerText(v) || `Column ${i + 1}`);
  const duplicate = headers.find((h, i) => headers.indexOf(h) !== i);
  if (duplicate) throw new FileProblem(`Two columns have the same header, "${duplicate}": rename one of them and import again`);
  const rows: RawRow[] = grid
    .filter((r) => r.row > header.row && !isEmpty(r.values))
    .map((r) => ({ row: r.row, cells: Object.fromEntries(headers.map((h, i) => [h, typeof r.values[i] === 'string' ? (r.values[i] as string) : (r.values[i] ?? null)])) }));
  if (rows.length === 0) throw new FileProblem(`The file has a header row (row ${header.row}) but no rows under it`);
  return { format, sheet, headerRow: header.row, headers, rows };
}

function headerText(v: Cell): string {
  if (v === null) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).trim();
}
