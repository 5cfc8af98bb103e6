// Moving in (issue 10): each row of an imported register or detentions extract, read through the
// confirmed mapping into a record, with every problem found: the column, the value as written, what
// is wrong and what to do. A row with any error is not imported at all (never half); a warning is
// reported and the row is imported. Pure: no I/O.
import { compareDates, formatDate, type IsoDate } from './dates.ts';
import type { ColumnMapping, ImportKind } from './import-mapping.ts';
import { cellText, isBlank, readNhsNumber, readPercent, readPounds, readSection, readUkDate, readYesNo, type Cell, type Reading } from './import-values.ts';
import { readMhsdsLegalStatus } from './mhsds.ts';
import type { SectionCode } from './sections.ts';

export interface Finding {
  /** The spreadsheet's own row number (the header row is row 1 when it is on the first line). */
  row: number;
  /** The file's header for the column, or the field's name when no column holds it. */
  column: string;
  value: string;
  problem: string;
  action: string;
  severity: 'error' | 'warning';
  rule?: string;
}

export interface ServiceLine {
  name: string;
  provider: string | null;
  weeklyCostPence: number | null;
  laShare: number | null;
  icbShare: number | null;
  chargePence: number | null;
}

export interface RegisterRecord {
  row: number;
  nhsNumber: string | null;
  localId: string | null;
  givenName: string;
  familyName: string;
  dateOfBirth: IsoDate;
  address: string | null;
  postcode: string | null;
  section: SectionCode | null;
  detainedOn: IsoDate | null;
  leftHospitalOn: IsoDate | null;
  hospital: string | null;
  localAuthority: string | null;
  icb: string | null;
  keyworker: string | null;
  lastReview: IsoDate | null;
  nextReview: IsoDate | null;
  s117: boolean | null;
  service: ServiceLine | null;
  endDate: IsoDate | null;
  endReason: string | null;
  /** PLAN-3: the keyworker as the register knows them, by the email they sign in with (a name alone is not allocated). */
  keyworkerEmail?: string | null;
  /** RESP-2: where the person is ordinarily resident, and since when (both needed: never a guessed date). */
  residence?: { localAuthority: string; since: IsoDate } | null;
  /** RESP-5: the GP practice (ODS code, optional), its ICB and since when (ICB and date needed, as on the person page). */
  gp?: { practiceCode: string | null; icb: string; since: IsoDate } | null;
}

export interface DetentionRecord {
  row: number;
  nhsNumber: string | null;
  localId: string | null;
  section: SectionCode | null;
  startDate: IsoDate | null;
  endDate: IsoDate | null;
  admittedOn: IsoDate | null;
  dischargedOn: IsoDate | null;
  hospital: string | null;
}

/** Organisations the register knows, by code, with their names (a sheet may name a council instead of coding it). */
export interface KnownOrganisation { code: string; name: string; type: 'local-authority' | 'icb' | 'provider' }

export interface RowContext { today: IsoDate; organisations: readonly KnownOrganisation[] }

/** A row as read from the file: the header of each column and its cell. */
export type RawRow = { row: number; cells: Record<string, Cell> };

class RowReader {
  readonly findings: Finding[] = [];
  private readonly raw: RawRow;
  private readonly mapping: ColumnMapping;
  constructor(raw: RawRow, mapping: ColumnMapping) {
    this.raw = raw;
    this.mapping = mapping;
  }

  column(key: string): string {
    return this.mapping[key] ?? key;
  }

  cell(key: string): Cell {
    const header = this.mapping[key];
    return header === undefined ? null : (this.raw.cells[header] ?? null);
  }

  text(key: string, max = 200): string | null {
    const cell = this.cell(key);
    if (isBlank(cell)) return null;
    const text = cellText(cell).replace(/\s+/g, ' ');
    if (text.length > max) {
      this.error(key, text.slice(0, 40), `Longer than ${max} characters`, `Shorten it to ${max} characters or fewer`);
      return null;
    }
    return text;
  }

  read<T>(key: string, reader: (cell: Cell) => Reading<T>, rule?: string): T | null {
    const cell = this.cell(key);
    if (isBlank(cell)) return null;
    const reading = reader(cell);
    if (reading.ok) return reading.value;
    this.error(key, cellText(cell), reading.problem, reading.action, rule);
    return null;
  }

  date(key: string, today: IsoDate, label: string): IsoDate | null {
    const date = this.read(key, readUkDate);
    if (date && compareDates(date, today) > 0) {
      this.error(key, cellText(this.cell(key)), `The ${label} (${formatDate(date)}) is in the future`, `Check the ${label}: it cannot be after today`);
      return null;
    }
    return date;
  }

  error(key: string, value: string, problem: string, action: string, rule?: string): void {
    this.findings.push({ row: this.raw.row, column: this.column(key), value, problem, action, severity: 'error', ...(rule && { rule }) });
  }

  warning(key: string, value: string, problem: string, action: string, rule?: string): void {
    this.findings.push({ row: this.raw.row, column: this.column(key), value, problem, action, severity: 'warning', ...(rule && { rule }) });
  }

  /** An end date before its start is out of order: the problem is reported on the end's column. */
  order(startKey: string, start: IsoDate | null, endKey: string, end: IsoDate | null, startLabel: string, endLabel: string): void {
    if (start && end && compareDates(end, start) < 0) {
      this.error(endKey, cellText(this.cell(endKey)), `The ${endLabel} (${formatDate(end)}) is before the ${startLabel} (${formatDate(start)})`, `Check both dates: the ${endLabel} must be on or after the ${startLabel}`);
    }
  }
}

const LA_CODE = /^[EW]0[6-9]\d{6}$/;
const ICB_CODE = /^[A-Z0-9]{3,5}$/;

/** An organisation written as its code or its name: its code, or a problem. */
function readOrganisation(r: RowReader, key: string, type: 'local-authority' | 'icb', ctx: RowContext): string | null {
  const text = r.text(key);
  if (!text) return null;
  const known = ctx.organisations.filter((o) => o.type === type);
  const byName = known.find((o) => o.name.toLowerCase() === text.toLowerCase());
  if (byName) return byName.code;
  const code = text.toUpperCase();
  const label = type === 'local-authority' ? 'local authority' : 'ICB';
  if (!(type === 'local-authority' ? LA_CODE : ICB_CODE).test(code)) {
    r.error(key, text, `Not a ${label} code nor the name of a ${label} the register knows`, type === 'local-authority' ? 'Write the council’s ONS code, for example E09000007' : 'Write the ICB’s ODS code, for example QMJ');
    return null;
  }
  if (!known.some((o) => o.code === code)) r.warning(key, text, `${code} is not an organisation on the register`, `Check the code; ask an administrator to add the ${label} if it is right`);
  return code;
}

/** "Surname, Forename" or "Forename Surname". */
function splitName(full: string): { givenName: string; familyName: string } | null {
  if (full.includes(',')) {
    const [family, given] = full.split(',', 2).map((s) => s.trim());
    return family && given ? { givenName: given, familyName: family } : null;
  }
  const parts = full.split(' ');
  if (parts.length < 2) return null;
  return { givenName: parts.slice(0, -1).join(' '), familyName: parts.at(-1)! };
}

function identity(r: RowReader): { nhsNumber: string | null; localId: string | null } {
  const nhsNumber = r.read('nhsNumber', readNhsNumber);
  const localId = r.text('localId', 50);
  if (!nhsNumber && !localId && !r.findings.some((f) => f.column === r.column('nhsNumber'))) {
    r.error('nhsNumber', '', 'Neither an NHS number nor a local id: the row cannot be matched to a person', 'Add the NHS number (or the local id) to the row');
  }
  return { nhsNumber, localId };
}

/** A row of a council's register: one person, their qualifying detention, bodies, reviews and a service. */
export function readRegisterRow(raw: RawRow, mapping: ColumnMapping, ctx: RowContext): { record: RegisterRecord | null; findings: Finding[] } {
  const r = new RowReader(raw, mapping);
  const { nhsNumber, localId } = identity(r);
  let givenName = r.text('givenName', 100);
  let familyName = r.text('familyName', 100);
  if (!givenName || !familyName) {
    const full = r.text('name', 200);
    const split = full ? splitName(full) : null;
    if (split) ({ givenName, familyName } = split);
    else r.error(mapping['name'] ? 'name' : 'familyName', full ?? '', 'No given name and family name', 'Write the full name as "Family name, Given name", or fill both name columns');
  }
  const dateOfBirth = r.date('dateOfBirth', ctx.today, 'date of birth');
  if (!dateOfBirth && isBlank(r.cell('dateOfBirth'))) r.error('dateOfBirth', '', 'No date of birth', 'Add the date of birth');
  const detainedOn = r.date('detainedOn', ctx.today, 'detention date');
  // "informal" with no date says only that the person was never detained: nothing to record.
  const writtenSection = r.read('section', readSection);
  const section = writtenSection === 'informal' && isBlank(r.cell('detainedOn')) ? null : writtenSection;
  const leftHospitalOn = r.date('leftHospitalOn', ctx.today, 'date the person left hospital');
  r.order('detainedOn', detainedOn, 'leftHospitalOn', leftHospitalOn, 'detention date', 'date the person left hospital');
  if (section && isBlank(r.cell('detainedOn'))) r.error('detainedOn', '', `Section ${section} is given without the date the detention began`, 'Add the detention date, or leave the section blank');
  if (detainedOn && isBlank(r.cell('section'))) r.error('section', '', 'A detention date is given without the section', 'Add the section the person was detained under');
  if (dateOfBirth && detainedOn) r.order('dateOfBirth', dateOfBirth, 'detainedOn', detainedOn, 'date of birth', 'detention date');
  const localAuthority = readOrganisation(r, 'localAuthority', 'local-authority', ctx);
  const icb = readOrganisation(r, 'icb', 'icb', ctx);
  const lastReview = r.date('lastReview', ctx.today, 'last review date');
  const nextReview = r.read('nextReview', readUkDate);
  const s117 = r.read('s117', readYesNo);
  const endDate = r.date('endDate', ctx.today, 'end date');
  r.order('detainedOn', detainedOn, 'endDate', endDate, 'detention date', 'end date');
  const service = readService(r, s117);
  const residence = readResidence(r, ctx);
  const gp = readGp(r, ctx);
  const keyworker = r.text('keyworker', 100);
  const keyworkerEmail = keyworker && EMAIL.test(keyworker) ? keyworker.toLowerCase() : null;
  if (keyworker && !keyworkerEmail) {
    r.warning('keyworker', keyworker, 'The keyworker is named, not given by the email address they sign in with: the register’s keyworker is one of its users, so none is allocated', 'Write the keyworker’s email address instead, or allocate the keyworker on the person’s page after the import', 'PLAN-3');
  }
  const postcode = r.text('postcode', 10)?.toUpperCase() ?? null;
  if (postcode && !/^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$/.test(postcode)) r.error('postcode', postcode, 'Not a real postcode', 'Write the postcode, for example SW1A 1AA');
  const record: RegisterRecord = {
    row: raw.row,
    nhsNumber,
    localId,
    givenName: givenName ?? '',
    familyName: familyName ?? '',
    dateOfBirth: dateOfBirth ?? '',
    address: r.text('address'),
    postcode,
    section,
    detainedOn,
    leftHospitalOn,
    hospital: r.text('hospital'),
    localAuthority,
    icb,
    keyworker,
    keyworkerEmail,
    lastReview,
    nextReview,
    s117,
    service,
    endDate,
    endReason: r.text('endReason', 500),
    residence,
    gp,
  };
  return { record: r.findings.some((f) => f.severity === 'error') ? null : record, findings: r.findings };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const NOT_IMPORTED = 'It is not imported: the rules need the date';

/** RESP-2: the ordinary residence, imported only with the date it began (the rules ask where the person lived immediately before the detention). */
function readResidence(r: RowReader, ctx: RowContext): { localAuthority: string; since: IsoDate } | null {
  const localAuthority = readOrganisation(r, 'residenceLocalAuthority', 'local-authority', ctx);
  const since = r.date('residenceSince', ctx.today, 'date the residence began');
  if (localAuthority && !since && isBlank(r.cell('residenceSince'))) {
    r.warning('residenceLocalAuthority', cellText(r.cell('residenceLocalAuthority')), `The ordinary residence is given without the date it began. ${NOT_IMPORTED} to tell where the person lived immediately before the detention (RESP-2)`, 'Add a column with the date the person began to live there (“Resident since”), then import again', 'RESP-2');
  }
  if (since && !localAuthority && isBlank(r.cell('residenceLocalAuthority'))) {
    r.warning('residenceSince', cellText(r.cell('residenceSince')), 'A residence date is given without the local authority: it is not imported', 'Add the local authority the person lives in (its ONS code or name)', 'RESP-2');
  }
  return localAuthority && since ? { localAuthority, since } : null;
}

const PRACTICE_CODE = /^[A-Z0-9]{3,8}$/;

/** RESP-5: the GP registration, as the person page records it: the practice's ODS code (optional), its ICB and the date. */
function readGp(r: RowReader, ctx: RowContext): { practiceCode: string | null; icb: string; since: IsoDate } | null {
  const practiceText = r.text('gpPractice', 20);
  let practiceCode: string | null = null;
  if (practiceText) {
    const code = practiceText.replace(/\s+/g, '').toUpperCase();
    if (PRACTICE_CODE.test(code)) practiceCode = code;
    else r.error('gpPractice', practiceText, 'Not a GP practice’s ODS code', 'Write the practice’s ODS code, for example F84003');
  }
  const icb = readOrganisation(r, 'gpIcb', 'icb', ctx);
  const since = r.date('gpSince', ctx.today, 'date of the GP registration');
  const given = practiceCode !== null || icb !== null;
  if (given && !icb && isBlank(r.cell('gpIcb'))) {
    r.warning('gpPractice', practiceText ?? '', 'The GP practice is given without its ICB: the GP registration is not imported', 'Add a column with the ICB the practice belongs to (its ODS code, for example QMJ)', 'RESP-5');
  } else if (given && !since && isBlank(r.cell('gpSince'))) {
    r.warning(icb ? 'gpIcb' : 'gpPractice', icb ?? practiceText ?? '', `The GP registration is given without its date. ${NOT_IMPORTED} to tell the GP immediately before the detention (RESP-5)`, 'Add a column with the date the person registered with the practice (“Registered since”), then import again', 'RESP-5');
  }
  return icb && since ? { practiceCode, icb, since } : null;
}

function readService(r: RowReader, s117: boolean | null): ServiceLine | null {
  const weeklyCostPence = r.read('weeklyCost', readPounds);
  const laShare = r.read('laShare', readPercent);
  const icbShare = r.read('icbShare', readPercent);
  const chargePence = r.read('charge', readPounds);
  const name = r.text('service');
  if (laShare !== null && icbShare !== null && Math.abs(laShare + icbShare - 100) > 0.001) {
    r.error('icbShare', `${laShare} + ${icbShare}`, `The local authority’s and the ICB’s shares add up to ${laShare + icbShare}%, not 100%`, 'Correct the shares so that together they make 100%', 'RESP-1');
  }
  // With a named service the charge is refused by the service rules (CHG-1) when it is imported.
  if (!name && s117 === true && chargePence !== null && chargePence > 0) {
    r.warning('charge', cellText(r.cell('charge')), 'The person is charged for a service while the sheet marks them as s117: no charge may be made for s117 aftercare', 'Stop the charge and refund what was paid (the register imports no charge for an s117 service)', 'CHG-1');
  }
  if (!name) return null;
  return { name, provider: r.text('provider'), weeklyCostPence, laShare, icbShare, chargePence };
}

/** A row of an MHSDS-shaped detentions extract: an MHS401 legal status period and/or an MHS501 spell. */
export function readDetentionRow(raw: RawRow, mapping: ColumnMapping, ctx: RowContext): { record: DetentionRecord | null; findings: Finding[] } {
  const r = new RowReader(raw, mapping);
  const { nhsNumber, localId } = identity(r);
  const section = r.read('legalStatusCode', (cell) => {
    const reading = readMhsdsLegalStatus(cellText(cell));
    return reading.ok ? { ok: true, value: reading.section } : { ok: false, problem: reading.problem, action: 'Use a code from the MHSDS legal status table, or record this status by hand' };
  });
  const startDate = r.date('startDate', ctx.today, 'legal status start date');
  const endDate = r.date('endDate', ctx.today, 'legal status end date');
  r.order('startDate', startDate, 'endDate', endDate, 'legal status start date', 'legal status end date');
  const admittedOn = r.date('admittedOn', ctx.today, 'admission date');
  const dischargedOn = r.date('dischargedOn', ctx.today, 'discharge date');
  r.order('admittedOn', admittedOn, 'dischargedOn', dischargedOn, 'admission date', 'discharge date');
  if (section && !startDate) r.error('startDate', '', 'A legal status without its start date', 'Add the start date of the legal status period');
  if (isBlank(r.cell('legalStatusCode')) && startDate) r.error('legalStatusCode', '', 'A start date without a legal status code', 'Add the legal status code');
  if (!section && !admittedOn && !r.findings.some((f) => f.severity === 'error')) r.error('legalStatusCode', '', 'Neither a legal status nor a hospital spell', 'Fill the legal status code and start date, or the admission date');
  const record: DetentionRecord = { row: raw.row, nhsNumber, localId, section, startDate, endDate, admittedOn, dischargedOn, hospital: r.text('hospital') };
  return { record: r.findings.some((f) => f.severity === 'error') ? null : record, findings: r.findings };
}

/** The same person on more than one row of a register (by NHS number, or local id where there is none): every such row is a problem, since which row is right is for a person to say. */
export function duplicateFindings(kind: ImportKind, records: readonly { row: number; nhsNumber: string | null; localId: string | null }[], mapping: ColumnMapping): Finding[] {
  if (kind !== 'register') return []; // an extract has one row per period or spell: repeats are expected
  const groups = new Map<string, { row: number; column: string; value: string }[]>();
  for (const rec of records) {
    const key = rec.nhsNumber ? `nhs:${rec.nhsNumber}` : rec.localId ? `local:${rec.localId}` : null;
    if (!key) continue;
    const column = rec.nhsNumber ? (mapping['nhsNumber'] ?? 'nhsNumber') : (mapping['localId'] ?? 'localId');
    groups.set(key, [...(groups.get(key) ?? []), { row: rec.row, column, value: rec.nhsNumber ?? rec.localId ?? '' }]);
  }
  const findings: Finding[] = [];
  for (const rows of groups.values()) {
    if (rows.length < 2) continue;
    for (const r of rows) {
      const others = rows.filter((o) => o.row !== r.row).map((o) => o.row).join(', ');
      findings.push({ row: r.row, column: r.column, value: r.value, problem: `The same person is also on row ${others}`, action: 'Keep one row for each person: merge the rows, then import again', severity: 'error' });
    }
  }
  return findings.sort((a, b) => a.row - b.row);
}

/**
 * The rows about one person, together and in file order: rows sharing an NHS number or a local id
 * (directly, or through another row that has both) are one group. A dry run in chunks rolls back each
 * chunk, so a later chunk would not see the person an earlier row made; keeping a person's rows in one
 * chunk gives the report one transaction would give. Groups come in the order of their first row.
 */
export function rowsByPerson<R extends { row: number; nhsNumber: string | null; localId: string | null }>(rows: readonly R[]): R[][] {
  const parent = rows.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const firstWith = new Map<string, number>();
  rows.forEach((rec, i) => {
    for (const key of [rec.nhsNumber && `nhs:${rec.nhsNumber}`, rec.localId && `local:${rec.localId}`]) {
      if (!key) continue;
      const first = firstWith.get(key);
      if (first === undefined) firstWith.set(key, i);
      else {
        const [a, b] = [root(first), root(i)];
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b); // the earlier row stays the group's root
      }
    }
  });
  const groups = new Map<number, R[]>();
  rows.forEach((rec, i) => {
    const r = root(i);
    const group = groups.get(r);
    if (group) group.push(rec);
    else groups.set(r, [rec]);
  });
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
}
