// Moving in (issue 10): the files the import tests read, made here (synthetic people, 999-range NHS
// numbers): three councils' registers shaped differently, one MHSDS-style detentions extract, and
// the bad files each refused with a clear message. writeFixture puts one in test/fixtures/ for the
// command line and for a person to open.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';

/** The day the import tests run on (so that reviews and future dates do not move with the calendar). */
export const IMPORT_TODAY = new Date('2025-06-01T12:00:00Z');

export const NHS = {
  entitled: testNhsNumber(7001),
  section2Only: testNhsNumber(7002),
  notMarked: testNhsNumber(7003),
  charged: testNhsNumber(7005),
  otherCouncil: testNhsNumber(7006),
  badSplit: testNhsNumber(7007),
  endedInSheet: testNhsNumber(7008),
  twice: testNhsNumber(7009),
  southCsv1: testNhsNumber(7101),
  southCsv2: testNhsNumber(7102),
  southCsv3: testNhsNumber(7103),
  notOnRegister: testNhsNumber(7201),
};

const spaced = (n: string) => `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
const wrongCheckDigit = (n: string) => n.slice(0, 9) + String((Number(n[9]) + 1) % 10);
const utc = (iso: string) => new Date(`${iso}T00:00:00Z`);
const excelSerial = (iso: string) => Math.round((Date.parse(`${iso}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / 86_400_000);

/**
 * Council A (Northbridge): a workbook with a title above the header (header on row 3), workbook
 * dates and Excel serial dates, one row a person, a service on each row.
 */
export async function northbridgeWorkbook(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('s117 register');
  sheet.addRow(['Northbridge Borough Council: section 117 register (synthetic)']);
  sheet.addRow([]);
  sheet.addRow(['NHS No.', 'Surname', 'Forename', 'D.O.B', 'MHA Section', 'Date Detained', 'Discharge date', 'Responsible LA', 'ICB', 'S117 Y/N', 'Service', 'Provider', 'Weekly cost', 'LA share', 'ICB share', 'Charge', 'Last review', 'Next review', 'End date', 'End reason']);
  const rows: unknown[][] = [
    // row 4: entitled after s3, review overdue in the sheet
    [spaced(NHS.entitled), 'Alpha', 'Ann', utc('1980-05-01'), 'S3', utc('2024-01-10'), excelSerial('2024-03-01'), 'E09000099', 'QZZ', 'Yes', 'Supported living', 'Acme Care', 450, 50, 50, null, utc('2024-04-01'), utc('2025-01-01'), null, null],
    // row 5: marked s117 but detained only under section 2
    [NHS.section2Only, 'Bravo', 'Ben', '02/06/1975', '2', '01/02/2024', '20/02/2024', 'E09000099', 'QZZ', 'Y', null, null, null, null, null, null, null, null, null, null],
    // row 6: a restricted hospital order, still in hospital, the sheet says not s117
    [NHS.notMarked, 'Charlie', 'Cara', '3 Mar 1990', 'Section 37/41', '1 May 2023', null, 'Northbridge Borough Council', 'QZZ', 'No', null, null, null, null, null, null, null, null, null, null],
    // row 7: a wrong check digit
    [wrongCheckDigit(testNhsNumber(7004)), 'Delta', 'Dan', '04/04/1984', '3', '01/01/2024', '01/03/2024', 'E09000099', 'QZZ', 'Yes', null, null, null, null, null, null, null, null, null, null],
    // row 8: charged for an s117 service
    [NHS.charged, 'Echo', 'Eve', '05/05/1985', '3', '01/01/2024', '01/03/2024', 'E09000099', 'QZZ', 'Yes', 'Day centre', 'Acme Care', 120, 100, 0, 25, null, null, null, null],
    // row 9: another council's person
    [NHS.otherCouncil, 'Foxtrot', 'Fay', '06/06/1986', '3', '01/01/2024', '01/03/2024', 'E09000098', 'QZY', 'Yes', null, null, null, null, null, null, null, null, null, null],
    // row 10: a split that is not 100
    [NHS.badSplit, 'Golf', 'Gus', '07/07/1987', '3', '01/01/2024', '01/03/2024', 'E09000099', 'QZZ', 'Yes', 'Home care', 'Acme Care', 200, 60, 30, null, null, null, null, null],
    // row 11: ended in the sheet, no joint decision
    [NHS.endedInSheet, 'Hotel', 'Hana', '08/08/1988', '3', '01/01/2023', '01/03/2023', 'E09000099', 'QZZ', 'Yes', null, null, null, null, null, null, null, null, utc('2025-01-01'), 'No longer needs aftercare'],
    // rows 12 and 13: the same person twice
    [NHS.twice, 'India', 'Ian', '09/09/1989', '3', '01/01/2024', '01/03/2024', 'E09000099', 'QZZ', 'Yes', null, null, null, null, null, null, null, null, null, null],
    [NHS.twice, 'India', 'Ian', '09/09/1989', '3', '01/01/2024', '01/04/2024', 'E09000099', 'QZZ', 'Yes', null, null, null, null, null, null, null, null, null, null],
  ];
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * Council B (Southvale-shaped, but coded for Northbridge so the test lead may import it): a CSV
 * saved by Excel on Windows (Windows-1252, £ as one byte), one name column "Surname, Forename",
 * dates as "1 Mar 1980", NHS numbers with spaces, an ambiguous date and a date in the future.
 */
export function windowsCsv(): Buffer {
  const lines = [
    'Client Name,DOB,NHS Number,Section,Admission date,Date discharged,Council,CCG,Entitled,Weekly amount',
    `"Kilo, Kim",1 Mar 1980,${spaced(NHS.southCsv1)},3,1 Jan 2024,1 Mar 2024,E09000099,QZZ,yes,£300.00`,
    `"Lima, Leo",01/03/24,${spaced(NHS.southCsv2)},3,1 Jan 2024,1 Mar 2024,E09000099,QZZ,yes,"£1,250.50"`,
    `"Mike, Mo",2 Feb 1972,${spaced(NHS.southCsv3)},3,1 Jan 2030,,E09000099,QZZ,yes,`,
  ];
  const text = `${lines.join('\r\n')}\r\n`;
  // Every character here is in Windows-1252; £ is 0xA3.
  return Buffer.from(Array.from(text, (ch) => (ch === '£' ? 0xa3 : ch.charCodeAt(0))));
}

/** Council C: UTF-8 with a BOM, semicolons, local ids and no NHS numbers, separate name columns. */
export function localIdCsv(): Buffer {
  const lines = [
    'Client ID;First name;Last name;Date of birth;Legal status;Section start date;Left hospital;Responsible local authority;Responsible ICB;s117;Next review due',
    'NB-1001;Nia;November;1979-11-11;s3;2024-02-01;2024-04-01;E09000099;QZZ;yes;2026-01-01',
    'NB-1002;Omar;Oscar;1966-06-16;informal;;;E09000099;QZZ;no;',
    'NB-1003;Zoë;Papa;1991-01-21;45A;2022-09-01;2024-05-01;E09000099;QZZ;yes;2026-02-01',
  ];
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${lines.join('\n')}\n`, 'utf8')]);
}

/** The trust's MHSDS-style extract: MHS401 legal status periods and MHS501 spells, one row each. */
export function detentionsCsv(): Buffer {
  const lines = [
    'NHSNumber,LegalStatusCode,StartDateMHALegalStatusClass,ExpiryDateMHALegalStatusClass,StartDateHospProvSpell,DischDateHospProvSpell',
    // row 2: the same s3 the register already has (nothing new)
    `${NHS.entitled},03,2024-01-10,2024-03-01,,`,
    // row 3: a later section 3 for the person the sheet marked s117 after a section 2
    `${NHS.section2Only},03,2024-06-01,2024-09-01,2024-06-01,2024-09-01`,
    // row 4: someone detained under s37 who is not on the register
    `${NHS.notOnRegister},10,2024-03-01,,2024-03-01,`,
    // row 5: an unknown legal status code
    `${NHS.notMarked},77,2024-01-01,,,`,
  ];
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

// ---------------------------------------------------------------------------------------------
// Bad files

export async function workbookWith(change: (wb: ExcelJS.Workbook, sheet: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Register');
  sheet.addRow(['NHS number', 'Surname', 'Forename', 'Date of birth']);
  sheet.addRow([NHS.entitled, 'Alpha', 'Ann', '01/05/1980']);
  sheet.addRow([NHS.charged, 'Echo', 'Eve', '05/05/1985']);
  change(workbook, sheet);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** What an encrypted Office file starts with (a compound file holding an EncryptionInfo stream). */
export function passwordProtectedWorkbook(): Buffer {
  return Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504), Buffer.from('EncryptionInfo', 'utf16le'), Buffer.alloc(512)]);
}

export function notASpreadsheet(): Buffer {
  return Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0, 1, 2, 3, 0, 255])]);
}

/** Writes a fixture to test/fixtures/ (atomically: test files run in parallel) and answers its path. */
export function writeFixture(name: string, content: Buffer): string {
  const dir = path.resolve('test/fixtures');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, content);
  renameSync(temp, file);
  return file;
}
