// Moving in (issue 10, round 3): a register's ordinary residence (RESP-2) and GP practice (RESP-5)
// columns: the mapping, and what a row says when they are incomplete or wrong. Never a guessed date.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { suggestMapping } from '../../../src/domain/import-mapping.ts';
import { readRegisterRow, type RowContext } from '../../../src/domain/import-rows.ts';
import { testNhsNumber } from '../../../src/domain/nhs-number.ts';

const ctx: RowContext = {
  today: '2025-06-01',
  organisations: [
    { code: 'E09000099', name: 'Northbridge Borough Council', type: 'local-authority' },
    { code: 'QZZ', name: 'NHS Northbridge ICB', type: 'icb' },
  ],
};
const HEADERS = ['NHS number', 'Surname', 'Forename', 'DOB', 'Section', 'Date detained', 'Discharge date', 'Responsible LA', 'ICB', 'Ordinary residence', 'Resident since', 'GP practice code', 'GP ICB', 'Registered since'];
const MAPPING = suggestMapping('register', HEADERS);
const good = {
  'NHS number': testNhsNumber(1), Surname: 'Example', Forename: 'Sam', DOB: '01/05/1980', Section: '3', 'Date detained': '01/02/2024', 'Discharge date': '1 Apr 2024',
  'Responsible LA': 'E09000099', ICB: 'QZZ', 'Ordinary residence': 'Northbridge Borough Council', 'Resident since': '01/01/2015', 'GP practice code': 'f84 003', 'GP ICB': 'QZZ', 'Registered since': '3 Mar 2016',
};
const read = (cells: Record<string, string | null>) => readRegisterRow({ row: 5, cells: { ...good, ...cells } }, MAPPING, ctx);

describe('moving in: ordinary residence and GP columns', () => {
  test('RESP-2, RESP-5: the usual headers are suggested for the residence and GP fields', () => {
    assert.equal(MAPPING['residenceLocalAuthority'], 'Ordinary residence');
    assert.equal(MAPPING['residenceSince'], 'Resident since');
    assert.equal(MAPPING['gpPractice'], 'GP practice code');
    assert.equal(MAPPING['gpIcb'], 'GP ICB');
    assert.equal(MAPPING['gpSince'], 'Registered since');
    // The responsible bodies keep their own columns.
    assert.equal(MAPPING['localAuthority'], 'Responsible LA');
    assert.equal(MAPPING['icb'], 'ICB');
  });

  test('RESP-2, RESP-5: a row with both is read, a council named instead of coded, the ODS code tidied', () => {
    const { record, findings } = read({});
    assert.deepEqual(findings, []);
    assert.deepEqual(record?.residence, { localAuthority: 'E09000099', since: '2015-01-01' });
    assert.deepEqual(record?.gp, { practiceCode: 'F84003', icb: 'QZZ', since: '2016-03-03' });
  });

  test('RESP-2: a residence without its date is a warning and is not imported (never a guessed date); the row still imports', () => {
    const { record, findings } = read({ 'Resident since': null });
    assert.notEqual(record, null);
    assert.equal(record?.residence, null);
    assert.deepEqual(findings.map((f) => [f.column, f.severity, f.rule]), [['Ordinary residence', 'warning', 'RESP-2']]);
    assert.match(findings[0]!.problem, /without the date it began/);
  });

  test('RESP-2: a residence date in the future, or a council the register cannot read, is an error on its column', () => {
    const future = read({ 'Resident since': '01/01/2030' });
    assert.equal(future.record, null);
    assert.deepEqual(future.findings.map((f) => [f.column, f.severity]), [['Resident since', 'error']]);
    const unknown = read({ 'Ordinary residence': 'Atlantis' });
    assert.equal(unknown.record, null);
    assert.deepEqual(unknown.findings.map((f) => [f.column, f.value]), [['Ordinary residence', 'Atlantis']]);
  });

  test('RESP-5: a GP practice without its ICB, or without its date, is a warning and is not imported', () => {
    const noIcb = read({ 'GP ICB': null });
    assert.equal(noIcb.record?.gp, null);
    assert.deepEqual(noIcb.findings.map((f) => [f.column, f.severity, f.rule]), [['GP practice code', 'warning', 'RESP-5']]);
    const noDate = read({ 'Registered since': null });
    assert.equal(noDate.record?.gp, null);
    assert.deepEqual(noDate.findings.map((f) => [f.column, f.severity, f.rule]), [['GP ICB', 'warning', 'RESP-5']]);
  });

  test('RESP-5: a practice code that is not an ODS code is an error naming the column and value', () => {
    const { record, findings } = read({ 'GP practice code': 'Dr Smith’s surgery' });
    assert.equal(record, null);
    assert.deepEqual(findings.map((f) => [f.column, f.value, f.severity]), [['GP practice code', 'Dr Smith’s surgery', 'error']]);
    assert.match(findings[0]!.action, /ODS code/);
  });

  test('RESP-5: the practice is optional, as on the person page: the ICB and the date are enough', () => {
    const { record, findings } = read({ 'GP practice code': null });
    assert.deepEqual(findings, []);
    assert.deepEqual(record?.gp, { practiceCode: null, icb: 'QZZ', since: '2016-03-03' });
  });

  test('PLAN-3: a keyworker given by email is kept (lower case) for allocation; a name alone is a warning, the row still imports', () => {
    const withKeyworker = (value: string) => readRegisterRow({ row: 6, cells: { ...good, Keyworker: value } }, suggestMapping('register', [...HEADERS, 'Keyworker']), ctx);
    const byEmail = withKeyworker('Kim.Keyworker@Northbridge.gov.uk');
    assert.deepEqual(byEmail.findings, []);
    assert.equal(byEmail.record?.keyworkerEmail, 'kim.keyworker@northbridge.gov.uk');
    const byName = withKeyworker('Kim Keyworker');
    assert.notEqual(byName.record, null);
    assert.equal(byName.record?.keyworkerEmail, null);
    assert.deepEqual(byName.findings.map((f) => [f.column, f.value, f.severity, f.rule]), [['Keyworker', 'Kim Keyworker', 'warning', 'PLAN-3']]);
  });
});
