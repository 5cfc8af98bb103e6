// Moving in (issue 10, round 3) on PGlite and PostgreSQL: a register's ordinary residence and GP
// columns are imported into the person's histories, so the rules propose the responsible bodies
// (RESP-2, RESP-5) and the reconciliation compares the sheet's bodies with them; a re-run adds nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { testEngines } from '../support/databases.ts';
import { IMPORT_TODAY } from '../support/import-fixtures.ts';
import { createServiceFixture, type ServiceFixture } from '../support/services.ts';

const A = testNhsNumber(7301);
const B = testNhsNumber(7302);
const C = testNhsNumber(7303);
const CSV = Buffer.from([
  'NHS number,Surname,Forename,DOB,Section,Date detained,Discharge date,Responsible LA,ICB,S117,Ordinary residence,Resident since,GP practice code,GP ICB,Registered since',
  // Resident in Northbridge with a Northbridge GP before the detention: the rules agree with the sheet.
  `${A},Ashby,Ann,01/02/1970,3,01/03/2024,20/04/2024,E09000099,QZZ,yes,E09000099,01/01/2010,F84003,QZZ,01/01/2012`,
  // Resident in Southvale before the detention: the sheet's Northbridge is not what the rules propose.
  `${B},Bell,Bo,02/03/1971,3,01/03/2024,20/04/2024,E09000099,QZZ,yes,E09000098,01/06/2015,,QZY,01/06/2015`,
  // The residence without its date: a warning, not imported; the person is.
  `${C},Cole,Cy,03/04/1972,3,01/03/2024,20/04/2024,E09000099,QZZ,yes,E09000099,,,,`,
].join('\n'));

for (const { engine, skip } of await testEngines()) {
  describe(`moving in: residence and GP on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    before(async () => {
      f = await createServiceFixture(engine, { clock: () => IMPORT_TODAY });
    });
    after(async () => {
      await f?.close();
    });
    const count = async (table: 'residences' | 'gp_registrations') => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(f.database.db)).rows[0]!.n);
    const request = (mode: 'dry-run' | 'commit') => ({ kind: 'register' as const, mode, fileName: 'residence.csv', content: CSV });

    test('RESP-2, RESP-5: a dry run reports what it would import and writes nothing', async () => {
      const report = await f.services.imports.run(f.actors.laApprover, request('dry-run'));
      assert.equal(report.rowsValid, 3);
      assert.equal(await count('residences'), 0);
      assert.equal(await count('gp_registrations'), 0);
      const warning = report.findings.find((x) => x.row === 4);
      assert.deepEqual([warning?.column, warning?.severity, warning?.rule], ['Ordinary residence', 'warning', 'RESP-2']);
    });

    test('RESP-2, RESP-5: a commit records the residence and GP histories, audited, and the rules propose the bodies from them', async () => {
      const report = await f.services.imports.run(f.actors.laApprover, request('commit'));
      assert.equal(report.created, 3);
      assert.equal(await count('residences'), 2);
      assert.equal(await count('gp_registrations'), 2);
      const gp = await f.database.db.selectFrom('gp_registrations').innerJoin('people', 'people.id', 'gp_registrations.person_id').select(['practice_code', 'icb_code', 'since']).where('people.nhs_number', '=', A).executeTakeFirstOrThrow();
      assert.deepEqual(gp, { practice_code: 'F84003', icb_code: 'QZZ', since: '2012-01-01' });
      const kinds = (row: number) => report.reconciliation.filter((r) => r.row === row).map((r) => r.kind);
      assert.deepEqual(kinds(2), []); // the rules agree with the sheet
      assert.deepEqual(kinds(3), ['responsible-la-differs', 'responsible-icb-differs']);
      assert.match(report.reconciliation.find((r) => r.row === 3 && r.rule === 'RESP-2')!.detail, /the rules propose E09000098/);
      assert.match(report.reconciliation.find((r) => r.row === 4 && r.rule === 'RESP-2')!.detail, /cannot propose one/);
      const audited = await f.database.db.selectFrom('audit_events').select('action').where('action', 'in', ['import.residence.create', 'import.gp-registration.create']).execute();
      assert.equal(audited.length, 4);
      const summary = await f.database.db.selectFrom('person_summaries').innerJoin('people', 'people.id', 'person_summaries.person_id').select(['local_authority_code', 'icb_code']).where('people.nhs_number', '=', B).executeTakeFirstOrThrow();
      assert.deepEqual(summary, { local_authority_code: 'E09000098', icb_code: 'QZY' });
    });

    test('RESP-2, RESP-5: the same file again adds no second residence or registration', async () => {
      const report = await f.services.imports.run(f.actors.laApprover, request('commit'));
      assert.deepEqual([report.created, report.updated, report.skipped], [0, 0, 3]);
      assert.equal(await count('residences'), 2);
      assert.equal(await count('gp_registrations'), 2);
    });
  });
}
