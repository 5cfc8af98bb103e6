// CSV files for finance systems (RFC 4180: CRLF line ends, a field quoted when it holds a comma, a
// quote or a line break), written by csv-stringify. A spreadsheet runs a cell that starts with = + - @
// (or a tab or carriage return) as a formula, so such text gets a leading quote and stays data (CSV
// injection); a number (a negative balance) is left as a number.
import { stringify, type Options } from 'csv-stringify/sync';

export type CsvValue = string | number | null;

/** Text a spreadsheet would run as a formula. */
export const FORMULA_START = /^[=+\-@\t\r]/;

const OPTIONS: Options = {
  record_delimiter: '\r\n',
  // csv-stringify quotes a field holding the whole record delimiter; a lone CR or LF must be quoted too.
  quoted_match: /[\r\n]/,
  cast: { string: (text) => (FORMULA_START.test(text) ? `'${text}` : text) },
};

/** RFC 4180: CRLF line ends, quoted fields where needed, no formulas. */
export function toCsv(lines: readonly (readonly CsvValue[])[]): string {
  if (lines.length === 0) return '\r\n';
  return stringify(lines as CsvValue[][], OPTIONS);
}

/** One cell as it is written in a line of the file. */
export function csvCell(value: CsvValue): string {
  return toCsv([[value]]).slice(0, -2);
}
