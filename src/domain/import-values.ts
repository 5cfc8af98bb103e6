// Moving in (issue 10): reading one spreadsheet cell as a date, an NHS number, an amount, a share,
// a yes/no or a section. UK forms only; what could be read two ways is a problem for a person to
// settle, never a guess. Pure: no I/O.
import { isIsoDate, type IsoDate } from './dates.ts';
import { isValidNhsNumber, normaliseNhsNumber } from './nhs-number.ts';
import { isSectionCode, type SectionCode } from './sections.ts';

/** A cell as a workbook or CSV gives it: text, a number, a date (a workbook's date cell) or a boolean. */
export type Cell = string | number | boolean | Date | null;

export type Reading<T> = { ok: true; value: T } | { ok: false; problem: string; action: string };

const ok = <T>(value: T): Reading<T> => ({ ok: true, value });
const bad = <T>(problem: string, action: string): Reading<T> => ({ ok: false, problem, action });

const MONTHS: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6,
  jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10, nov: 11, november: 11, dec: 12, december: 12,
};

/** Excel's day 1 is 1 January 1900, and it counts a 29 February 1900 that never was: day 0 is 30 December 1899 from day 61. */
const EXCEL_EPOCH_UTC = Date.UTC(1899, 11, 30);
const EXCEL_SERIAL_MIN = 61; // 1 March 1900: before it the 1900 leap-year bug shifts the day
const EXCEL_SERIAL_MAX = 2_958_465; // 31 December 9999

export function isBlank(cell: Cell): boolean {
  return cell === null || (typeof cell === 'string' && cell.trim() === '');
}

/** The cell as text for the report (dates as YYYY-MM-DD). */
export function cellText(cell: Cell): string {
  if (cell === null) return '';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : cell.toISOString().slice(0, 10);
  return String(cell).trim();
}

const DATE_ACTION = 'Write the date as day/month/year with a four-digit year, for example 01/03/2024 or 1 Mar 2024';

function fromParts(year: number, month: number, day: number): IsoDate | null {
  const iso = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : null;
}

/**
 * A UK date: 01/03/2024 and 1/3/2024 (day first), 1 Mar 2024, 1 March 2024, 2024-03-01, an Excel
 * serial day number, or a workbook's date cell. A two-digit year or a month above 12 in the middle
 * (03/25/2024, an American date) could be read two ways: a problem, never a guess.
 */
export function readUkDate(cell: Cell): Reading<IsoDate> {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return bad('Not a date', DATE_ACTION);
    return ok(cell.toISOString().slice(0, 10)); // workbook dates carry no zone: their UTC day is the day typed
  }
  if (typeof cell === 'number') return readSerial(cell);
  if (typeof cell === 'boolean' || cell === null) return bad('Not a date', DATE_ACTION);
  const text = cell.trim().replace(/\s+/g, ' ');
  if (/^\d+(\.0+)?$/.test(text) && text.length <= 7) return readSerial(Number(text));
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (m) return checked(fromParts(Number(m[1]), Number(m[2]), Number(m[3])), text);
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(text);
  if (m) {
    const [day, month, year] = [Number(m[1]), Number(m[2]), m[3]!];
    if (year.length === 2) return bad(`"${text}" has a two-digit year: it could be 19${year} or 20${year}`, DATE_ACTION);
    if (month > 12 && day <= 12) return bad(`"${text}" looks like a month/day/year (American) date: as a UK date it has no month ${month}`, DATE_ACTION);
    return checked(fromParts(Number(year), month, day), text);
  }
  m = /^(\d{1,2})(?:st|nd|rd|th)? ([A-Za-z]+)\.?,? (\d{2}|\d{4})$/.exec(text);
  if (m) {
    const month = MONTHS[m[2]!.toLowerCase()];
    if (!month) return bad(`"${text}" has no month we recognise`, DATE_ACTION);
    if (m[3]!.length === 2) return bad(`"${text}" has a two-digit year: it could be 19${m[3]} or 20${m[3]}`, DATE_ACTION);
    return checked(fromParts(Number(m[3]), month, Number(m[1])), text);
  }
  return bad(`"${text}" is not a date in a form we read`, DATE_ACTION);
}

function checked(date: IsoDate | null, text: string): Reading<IsoDate> {
  return date ? ok(date) : bad(`"${text}" is not a real date`, DATE_ACTION);
}

function readSerial(serial: number): Reading<IsoDate> {
  if (!Number.isInteger(serial) || serial < EXCEL_SERIAL_MIN || serial > EXCEL_SERIAL_MAX) {
    return bad(`${serial} is not a date (nor an Excel date number from 1 March 1900)`, DATE_ACTION);
  }
  return ok(new Date(EXCEL_EPOCH_UTC + serial * 86_400_000).toISOString().slice(0, 10));
}

/** An NHS number with or without spaces or hyphens, checked with its Modulus 11 check digit. */
export function readNhsNumber(cell: Cell): Reading<string> {
  const digits = normaliseNhsNumber(typeof cell === 'number' ? String(cell) : cellText(cell));
  if (!/^\d{10}$/.test(digits)) return bad('An NHS number has 10 digits', 'Check the NHS number against the person’s record (spaces are fine)');
  if (!isValidNhsNumber(digits)) return bad('The NHS number’s check digit is wrong (Modulus 11): a digit is mistyped', 'Check the NHS number against the Personal Demographics Service or the GP record');
  return ok(digits);
}

/** An amount of money in pounds ("£1,234.50", 1234.5) as pence. */
export function readPounds(cell: Cell): Reading<number> {
  const text = typeof cell === 'number' ? String(cell) : cellText(cell).replace(/[£,\s]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(text)) return bad('Not an amount in pounds', 'Write the amount in pounds, for example 450.00');
  return ok(Math.round(Number(text) * 100));
}

/** A share as a percentage: 50, "50%", or 0.5 written as a fraction by a spreadsheet's percent format. */
export function readPercent(cell: Cell): Reading<number> {
  const text = cellText(cell).replace(/[%\s]/g, '');
  if (!/^\d+(\.\d+)?$/.test(text)) return bad('Not a percentage', 'Write the share as a percentage from 0 to 100, for example 50');
  let value = Number(text);
  if (typeof cell === 'number' && value > 0 && value <= 1 && !Number.isInteger(value)) value *= 100;
  if (value > 100) return bad('A share cannot be more than 100%', 'Write the share as a percentage from 0 to 100');
  return ok(Math.round(value * 100) / 100);
}

const YES = new Set(['yes', 'y', 'true', '1', 'x', 'entitled', 's117']);
const NO = new Set(['no', 'n', 'false', '0', 'not entitled']);

export function readYesNo(cell: Cell): Reading<boolean> {
  if (typeof cell === 'boolean') return ok(cell);
  const text = cellText(cell).toLowerCase();
  if (YES.has(text)) return ok(true);
  if (NO.has(text)) return ok(false);
  return bad(`"${cellText(cell)}" is not yes or no`, 'Write yes or no');
}

/** A section as councils write it: "3", "s3", "S.37/41", "Section 47/49", "45a", "CTO". */
export function readSection(cell: Cell): Reading<SectionCode> {
  const raw = cellText(cell);
  const text = raw.toLowerCase().replace(/^(section|sec\.?|s\.?)\s*/, '').replace(/\s+/g, '').replace(/\\/g, '/');
  const aliases: Record<string, SectionCode> = { '45a': '45A', cto: '17A', '17a': '17A', cd: 'CD', 'conditionaldischarge': 'CD', informal: 'informal', '37(41)': '37/41', '47(49)': '47/49', '48(49)': '48/49', '5/2': '5(2)', '5/4': '5(4)', '52': '5(2)', '54': '5(4)' };
  const code = aliases[text] ?? text;
  if (isSectionCode(code)) return ok(code);
  return bad(`"${raw}" is not a Mental Health Act section the register knows`, 'Write the section, for example 3, 37/41, 45A or 47/49');
}
