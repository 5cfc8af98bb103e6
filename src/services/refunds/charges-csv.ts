// Reads the finance system's CSV of charges (RFC 4180: quoted fields, doubled quotes, CRLF, LF or CR
// line ends, a byte-order mark) into records with csv-parse. Blank lines are kept as empty records so
// that each record's position still names its line in the answer; space around a field is trimmed.
import { CsvError, parse } from 'csv-parse/sync';
import { ValidationError } from '../kernel/errors.ts';

export function readChargesCsv(text: string): string[][] {
  try {
    return parse(text, { bom: true, relax_column_count: true, trim: true, record_delimiter: ['\r\n', '\n', '\r'] }) as string[][];
  } catch (error) {
    // The parser's own message quotes the field, which may be personal data: say what is wrong instead.
    if (!(error instanceof CsvError)) throw error;
    const message =
      error.code === 'CSV_QUOTE_NOT_CLOSED'
        ? 'A quoted field is not closed by the end of the file'
        : `Line ${error.lines} has a quote in the wrong place: put the whole field in quotes and double any quote inside it`;
    throw new ValidationError([{ field: 'csv', message }]);
  }
}
