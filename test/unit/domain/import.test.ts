// Moving in (issue 10): the mapping, the reading of cells, each finding, the MHSDS table and the
// reconciliation. Rows are the spreadsheet's own row numbers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computeAftercare } from '../../../src/domain/aftercare.ts';
import { mappingProblems, suggestMapping } from '../../../src/domain/import-mapping.ts';
import { duplicateFindings, readDetentionRow, readRegisterRow, rowsByPerson, type RowContext } from '../../../src/domain/import-rows.ts';
import { readNhsNumber, readPercent, readPounds, readSection, readUkDate, readYesNo } from '../../../src/domain/import-values.ts';
import { MHSDS_LEGAL_STATUSES, readMhsdsLegalStatus } from '../../../src/domain/mhsds.ts';
import { testNhsNumber } from '../../../src/domain/nhs-number.ts';
import { reconcileMissingPerson, reconcileNextReview, reconcileRegisterRow } from '../../../src/domain/reconciliation.ts';
import { SECTION_CODES } from '../../../src/domain/sections.ts';

const NHS = testNhsNumber(1);
const spaced = `${NHS.slice(0, 3)} ${NHS.slice(3, 6)} ${NHS.slice(6)}`;
const wrongCheck = NHS.slice(0, 9) + String((Number(NHS[9]) + 1) % 10);
const ctx: RowContext = {
  today: '2025-06-01',
  organisations: [
    { code: 'E09000099', name: 'Northbridge Borough Council', type: 'local-authority' },
    { code: 'QZZ', name: 'NHS Northbridge ICB', type: 'icb' },
  ],
};

describe('moving in: the column mapping', () => {
  test('REG-1: headers are matched whatever their case, spacing, punctuation or common synonym', () => {
    const headers = ['NHS No.', ' Surname ', 'Forename', 'D.O.B', 'MHA Section', 'Date Detained', 'Discharge date', 'Responsible LA', 'CCG', 'S117 Y/N', 'Weekly cost', 'Something else'];
    const mapping = suggestMapping('register', headers);
    assert.equal(mapping['nhsNumber'], 'NHS No.');
    assert.equal(mapping['familyName'], ' Surname ');
    assert.equal(mapping['givenName'], 'Forename');
    assert.equal(mapping['dateOfBirth'], 'D.O.B');
    assert.equal(mapping['section'], 'MHA Section');
    assert.equal(mapping['detainedOn'], 'Date Detained');
    assert.equal(mapping['leftHospitalOn'], 'Discharge date');
    assert.equal(mapping['localAuthority'], 'Responsible LA');
    assert.equal(mapping['icb'], 'CCG');
    assert.equal(mapping['s117'], 'S117 Y/N');
    assert.equal(mapping['weeklyCost'], 'Weekly cost');
    assert.equal(Object.values(mapping).includes('Something else'), false);
    assert.deepEqual(mappingProblems('register', mapping, headers), []);
  });

  test('REG-1: a mapping without a date of birth, a name or a way to match the person says what it needs', () => {
    const problems = mappingProblems('register', { postcode: 'Postcode', dateOfBirth: 'Missing' }, ['Postcode']);
    const fields = problems.map((p) => p.field);
    assert.ok(fields.includes('dateOfBirth'));
    assert.ok(fields.includes('nhsNumber'));
    assert.ok(fields.includes('name'));
    assert.match(problems.find((p) => p.field === 'dateOfBirth')!.message, /no column headed "Missing"/);
  });

  test('REG-1: an MHSDS extract’s own column names are suggested', () => {
    const mapping = suggestMapping('detentions', ['NHSNumber', 'LegalStatusCode', 'StartDateMHALegalStatusClass', 'ExpiryDateMHALegalStatusClass', 'StartDateHospProvSpell', 'DischDateHospProvSpell']);
    assert.deepEqual(mapping, {
      nhsNumber: 'NHSNumber', legalStatusCode: 'LegalStatusCode', startDate: 'StartDateMHALegalStatusClass', endDate: 'ExpiryDateMHALegalStatusClass', admittedOn: 'StartDateHospProvSpell', dischargedOn: 'DischDateHospProvSpell',
    });
  });
});

describe('moving in: reading cells', () => {
  test('REG-1: UK dates, month names, ISO dates, Excel serials and workbook dates are read', () => {
    for (const [cell, expected] of [
      ['01/03/2024', '2024-03-01'], ['1/3/2024', '2024-03-01'], ['1 Mar 2024', '2024-03-01'], ['1st March 2024', '2024-03-01'],
      ['2024-03-01', '2024-03-01'], [45352, '2024-03-01'], ['45352', '2024-03-01'], [new Date(Date.UTC(2024, 2, 1)), '2024-03-01'], ['29/02/2024', '2024-02-29'],
    ] as const) {
      assert.deepEqual(readUkDate(cell), { ok: true, value: expected }, String(cell));
    }
  });

  test('REG-1: an ambiguous date is a finding, never a guess', () => {
    for (const cell of ['01/03/24', '03/25/2024', '1 Mar 24']) {
      const reading = readUkDate(cell);
      assert.equal(reading.ok, false, cell);
      assert.match(!reading.ok ? reading.problem : '', /two-digit year|American/);
    }
    for (const cell of ['31/02/2024', 'soon', 12.5, 3]) assert.equal(readUkDate(cell).ok, false, String(cell));
  });

  test('REG-1: NHS numbers with spaces are read; a wrong check digit is named', () => {
    assert.deepEqual(readNhsNumber(spaced), { ok: true, value: NHS });
    assert.deepEqual(readNhsNumber(Number(NHS)), { ok: true, value: NHS });
    const wrong = readNhsNumber(wrongCheck);
    assert.equal(wrong.ok, false);
    assert.match(!wrong.ok ? wrong.problem : '', /check digit/);
  });

  test('REG-1: amounts, shares, yes/no and sections as councils write them', () => {
    assert.deepEqual(readPounds('£1,234.50'), { ok: true, value: 123450 });
    assert.deepEqual(readPercent('50%'), { ok: true, value: 50 });
    assert.deepEqual(readPercent(0.25), { ok: true, value: 25 });
    assert.equal(readPercent('150').ok, false);
    assert.deepEqual(readYesNo('Y'), { ok: true, value: true });
    assert.deepEqual(readYesNo('no'), { ok: true, value: false });
    assert.equal(readYesNo('maybe').ok, false);
    assert.deepEqual(readSection('S3'), { ok: true, value: '3' });
    assert.deepEqual(readSection('Section 37/41'), { ok: true, value: '37/41' });
    assert.deepEqual(readSection('s.45a'), { ok: true, value: '45A' });
    assert.equal(readSection('s99').ok, false);
  });
});

describe('moving in: the MHSDS legal status codes', () => {
  test('ELIG-1: every code maps to a register section or is refused with its reason, and the qualifying ones map to qualifying sections', () => {
    for (const status of MHSDS_LEGAL_STATUSES) {
      const reading = readMhsdsLegalStatus(status.code);
      if (status.section) assert.deepEqual(reading.ok && reading.section, status.section);
      else assert.match(!reading.ok ? reading.problem : '', new RegExp(`Code ${status.code}`));
      if (status.section) assert.ok((SECTION_CODES as readonly string[]).includes(status.section));
    }
    assert.equal(readMhsdsLegalStatus('3').ok && readMhsdsLegalStatus('3').ok, true);
    const s3 = readMhsdsLegalStatus('3');
    assert.equal(s3.ok && s3.section, '3');
    const s37_41 = readMhsdsLegalStatus('09');
    assert.equal(s37_41.ok && s37_41.section, '37/41');
  });

  test('ELIG-1: an unknown code is refused by name', () => {
    const reading = readMhsdsLegalStatus('77');
    assert.equal(reading.ok, false);
    assert.match(!reading.ok ? reading.problem : '', /"77" is not an MHSDS legal status code/);
  });
});

const row = (cells: Record<string, string | number | null>, n = 2) => ({ row: n, cells });
const REGISTER_MAPPING = suggestMapping('register', ['NHS number', 'Surname', 'Forename', 'DOB', 'Section', 'Date detained', 'Discharge date', 'Responsible LA', 'ICB', 'S117', 'Service', 'Weekly cost', 'LA share', 'ICB share', 'Charge', 'Next review', 'End date']);
const good = { 'NHS number': spaced, Surname: 'Example', Forename: 'Sam', DOB: '01/05/1980', Section: '3', 'Date detained': '01/02/2024', 'Discharge date': '1 Apr 2024', 'Responsible LA': 'Northbridge Borough Council', ICB: 'QZZ', S117: 'yes', Service: 'Supported living', 'Weekly cost': '450', 'LA share': '50', 'ICB share': '50', Charge: null, 'Next review': '01/04/2025', 'End date': null };

describe('moving in: the findings of a register row', () => {
  test('REG-1: a good row is read into a record, with a council named instead of coded', () => {
    const { record, findings } = readRegisterRow(row(good), REGISTER_MAPPING, ctx);
    assert.deepEqual(findings, []);
    assert.equal(record?.nhsNumber, NHS);
    assert.equal(record?.localAuthority, 'E09000099');
    assert.equal(record?.detainedOn, '2024-02-01');
    assert.equal(record?.leftHospitalOn, '2024-04-01');
    assert.equal(record?.service?.weeklyCostPence, 45000);
  });

  const problemOf = (cells: Record<string, string | number | null>) => {
    const { record, findings } = readRegisterRow(row({ ...good, ...cells }, 7), REGISTER_MAPPING, ctx);
    return { record, findings };
  };

  test('REG-1: a wrong NHS number check digit is an error on its column, with the value and what to do', () => {
    const { record, findings } = problemOf({ 'NHS number': wrongCheck });
    assert.equal(record, null);
    assert.deepEqual(findings.map((f) => [f.row, f.column, f.value, f.severity]), [[7, 'NHS number', wrongCheck, 'error']]);
    assert.match(findings[0]!.action, /Check the NHS number/);
  });

  test('REG-1: a date in the future or out of order is an error', () => {
    assert.match(problemOf({ 'Date detained': '01/01/2030' }).findings[0]!.problem, /in the future/);
    const out = problemOf({ 'Discharge date': '01/01/2024' }).findings;
    assert.equal(out[0]!.column, 'Discharge date');
    assert.match(out[0]!.problem, /before the detention date/);
  });

  test('ELIG-1: an unknown section or organisation code is an error; a well-formed code the register does not hold is a warning', () => {
    assert.match(problemOf({ Section: '99' }).findings[0]!.problem, /not a Mental Health Act section/);
    const bad = problemOf({ 'Responsible LA': 'Somewhere' });
    assert.equal(bad.record, null);
    assert.match(bad.findings[0]!.problem, /Not a local authority code/);
    const unknown = problemOf({ 'Responsible LA': 'E09000001' });
    assert.notEqual(unknown.record, null);
    assert.equal(unknown.findings[0]!.severity, 'warning');
  });

  test('CHG-1: a charge while marked s117 with no service named is reported (and the row still imported); with a service, the service rules decide', () => {
    const { record, findings } = problemOf({ Charge: '25.00', Service: null });
    assert.notEqual(record, null);
    assert.deepEqual(findings.map((f) => [f.column, f.rule, f.severity]), [['Charge', 'CHG-1', 'warning']]);
    const named = problemOf({ Charge: '25.00' });
    assert.deepEqual(named.findings, []);
    assert.equal(named.record?.service?.chargePence, 2500);
  });

  test('RESP-1: a split that does not add to 100 is an error', () => {
    const { record, findings } = problemOf({ 'ICB share': '40' });
    assert.equal(record, null);
    assert.equal(findings[0]!.rule, 'RESP-1');
    assert.match(findings[0]!.problem, /add up to 90%/);
  });

  test('REG-1: the same person twice in the file is an error on every row concerned', () => {
    const findings = duplicateFindings('register', [{ row: 2, nhsNumber: NHS, localId: null }, { row: 3, nhsNumber: testNhsNumber(2), localId: null }, { row: 5, nhsNumber: NHS, localId: null }], REGISTER_MAPPING);
    assert.deepEqual(findings.map((f) => [f.row, f.problem]), [[2, 'The same person is also on row 5'], [5, 'The same person is also on row 2']]);
  });
});

describe('moving in: a detentions row', () => {
  const mapping = { nhsNumber: 'NHS', legalStatusCode: 'Code', startDate: 'Start', endDate: 'End' };
  test('ELIG-1: a legal status period is read with its MHSDS code', () => {
    const { record, findings } = readDetentionRow(row({ NHS: NHS, Code: '03', Start: '01/02/2024', End: '2024-04-01' }), mapping, ctx);
    assert.deepEqual(findings, []);
    assert.deepEqual([record?.section, record?.startDate, record?.endDate], ['3', '2024-02-01', '2024-04-01']);
  });
  test('ELIG-1: an unknown code is an error naming it', () => {
    const { record, findings } = readDetentionRow(row({ NHS: NHS, Code: '77', Start: '01/02/2024', End: null }), mapping, ctx);
    assert.equal(record, null);
    assert.match(findings[0]!.problem, /"77"/);
  });
});

describe('moving in: the reconciliation', () => {
  const facts = (legal: boolean) => ({
    dateOfDeath: null,
    residences: [{ localAuthority: 'E09000098', since: '2010-01-01' }],
    gpRegistrations: [{ practiceCode: null, icb: 'QZZ', since: '2010-01-01' }],
    admissions: legal ? [{ id: 'a1', hospital: 'H', admittedOn: '2024-02-01', dischargedOn: '2024-04-01' }] : [],
    legalStatuses: legal ? [{ id: 'l1', section: '3' as const, startDate: '2024-02-01', endDate: '2024-04-01', admissionId: 'a1' }] : [],
    leaves: [], responsibilityDecisions: [], jointEndings: [],
  });
  const record = readRegisterRow(row(good), REGISTER_MAPPING, ctx).record!;

  test('ELIG-1: marked s117 but never detained under a qualifying section', () => {
    const items = reconcileRegisterRow(record, 'p1', computeAftercare(facts(false), ctx.today), ctx.today);
    assert.deepEqual(items.map((i) => [i.kind, i.rule]), [['marked-s117-not-detained', 'ELIG-1']]);
  });

  test('RESP-2, REV-1, END-1, CHG-1: body differs, review overdue, ended without a joint decision, charged', () => {
    const items = reconcileRegisterRow({ ...record, endDate: '2025-01-01', service: { ...record.service!, chargePence: 2500 } }, 'p1', computeAftercare(facts(true), ctx.today), ctx.today);
    assert.deepEqual(items.map((i) => [i.kind, i.rule]), [
      ['ended-without-joint-decision', 'END-1'], ['responsible-la-differs', 'RESP-2'], ['review-overdue', 'REV-1'], ['s117-service-charged', 'CHG-1'],
    ]);
    assert.match(items[1]!.detail, /E09000099.*E09000098/);
  });

  test('REV-1: the sheet’s next review against the review the register expects', () => {
    const settings = { firstReviewDays: 42, reviewIntervalMonths: 12, requestedReviewDays: 28 };
    const item = reconcileNextReview({ ...record, nextReview: '2025-01-01' }, 'p1', '2025-04-01', settings);
    assert.deepEqual([item?.kind, item?.rule, item?.row, item?.personId], ['review-date-differs', 'REV-1', record.row, 'p1']);
    assert.match(item!.detail, /1 January 2025.*42 days.*12 months.*1 April 2025/);
    assert.equal(reconcileNextReview({ ...record, nextReview: '2025-04-01' }, 'p1', '2025-04-01', settings), null, 'the same date');
    assert.equal(reconcileNextReview({ ...record, nextReview: '2025-01-01' }, 'p1', null, settings), null, 'no review due: nothing to compare');
    assert.equal(reconcileNextReview({ ...record, nextReview: null }, 'p1', '2025-04-01', settings), null, 'the sheet gives none');
  });

  test('ELIG-1: detained but the sheet says not s117; a qualifying detention missing from the register', () => {
    const items = reconcileRegisterRow({ ...record, s117: false, localAuthority: null, nextReview: null }, 'p1', computeAftercare(facts(true), ctx.today), ctx.today);
    assert.deepEqual(items.map((i) => i.kind), ['detained-not-marked-s117']);
    const missing = reconcileMissingPerson({ row: 4, nhsNumber: NHS, localId: null, section: '37', startDate: '2024-01-01', endDate: null, admittedOn: null, dischargedOn: null, hospital: null });
    assert.equal(missing?.kind, 'detained-missing-from-register');
    assert.equal(reconcileMissingPerson({ row: 4, nhsNumber: NHS, localId: null, section: '2', startDate: '2024-01-01', endDate: null, admittedOn: null, dischargedOn: null, hospital: null }), null);
  });
});

describe('REG-1: the rows about one person, kept together for a dry run in chunks (rowsByPerson)', () => {
  const row = (n: number, nhsNumber: string | null, localId: string | null) => ({ row: n, nhsNumber, localId });

  test('rows sharing an NHS number or a local id, directly or through a row with both, are one group in file order', () => {
    const a = testNhsNumber(8801);
    const b = testNhsNumber(8802);
    const rows = [row(2, a, null), row(3, b, 'L-9'), row(4, null, 'L-1'), row(5, a, 'L-1'), row(6, null, null), row(7, b, null), row(8, null, 'L-9')];
    assert.deepEqual(rowsByPerson(rows).map((g) => g.map((r) => r.row)), [[2, 4, 5], [3, 7, 8], [6]]);
  });

  test('every row is in exactly one group, and the groups come in the order of their first row', () => {
    const rows = Array.from({ length: 40 }, (_, i) => row(i + 2, i % 3 === 0 ? testNhsNumber(8900 + (i % 7)) : null, i % 4 === 0 ? `L-${i % 5}` : null));
    const groups = rowsByPerson(rows);
    assert.deepEqual(groups.flat().map((r) => r.row).sort((x, y) => x - y), rows.map((r) => r.row));
    const firsts = groups.map((g) => g[0]!.row);
    assert.deepEqual(firsts, [...firsts].sort((x, y) => x - y));
    for (const g of groups) assert.deepEqual(g.map((r) => r.row), [...g.map((r) => r.row)].sort((x, y) => x - y));
  });
});
