// Moving in (issue 10, round 3) on PGlite and PostgreSQL: a register's keyworker column (PLAN-3).
// A keyworker given by the email a register user signs in with is allocated by the keyworker page's
// rules; a name alone, an unknown email, a finance officer or another council's worker is a warning
// and no keyworker is allocated, while the rest of the row imports. A re-run allocates nothing again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { testEngines } from '../support/databases.ts';
import { IMPORT_TODAY } from '../support/import-fixtures.ts';
import { createServiceFixture, type ServiceFixture } from '../support/services.ts';

const NHS = [7501, 7502, 7503, 7504, 7505].map(testNhsNumber);
const CSV = Buffer.from([
  'NHS number,Surname,Forename,DOB,Section,Date detained,Discharge date,Responsible LA,ICB,Care co-ordinator',
  `${NHS[0]},Ames,Al,01/02/1970,3,01/03/2024,20/04/2024,E09000099,QZZ,La-Practitioner@s117.test`,
  `${NHS[1]},Bose,Bea,01/02/1970,3,01/03/2024,20/04/2024,E09000099,QZZ,Kim Keyworker`,
  `${NHS[2]},Cass,Cal,01/02/1970,3,01/03/2024,20/04/2024,E09000099,QZZ,nobody@s117.test`,
  `${NHS[3]},Dove,Dan,01/02/1970,3,01/03/2024,20/04/2024,E09000099,QZZ,finance@s117.test`,
  `${NHS[4]},Egan,Em,01/02/1970,3,01/03/2024,20/04/2024,E09000099,QZZ,other-la@s117.test`,
].join('\n'));

for (const { engine, skip } of await testEngines()) {
  describe(`moving in: keyworkers on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    before(async () => {
      f = await createServiceFixture(engine, { clock: () => IMPORT_TODAY });
    });
    after(async () => {
      await f?.close();
    });
    const keyworkers = () => f.database.db.selectFrom('person_allocations').innerJoin('people', 'people.id', 'person_allocations.person_id').innerJoin('users', 'users.id', 'person_allocations.user_id')
      .select(['people.nhs_number', 'users.email', 'person_allocations.ended_at']).where('person_allocations.reason', '=', 'keyworker').execute();
    const request = (mode: 'dry-run' | 'commit') => ({ kind: 'register' as const, mode, fileName: 'keyworkers.csv', content: CSV });

    test('PLAN-3: a register user given by email is allocated; a name, an unknown email, a finance officer or another council’s worker is a warning', async () => {
      const dry = await f.services.imports.run(f.actors.laApprover, request('dry-run'));
      assert.equal(dry.rowsValid, 5);
      assert.deepEqual(await keyworkers(), []);
      const report = await f.services.imports.run(f.actors.laApprover, request('commit'));
      assert.equal(report.created, 5);
      const warnings = report.findings.filter((x) => x.rule === 'PLAN-3');
      assert.deepEqual(warnings.map((w) => [w.row, w.column, w.severity]), [[3, 'Care co-ordinator', 'warning'], [4, 'Care co-ordinator', 'warning'], [5, 'Care co-ordinator', 'warning'], [6, 'Care co-ordinator', 'warning']]);
      assert.match(warnings[0]!.problem, /named, not given by the email/);
      assert.match(warnings[1]!.problem, /No user of the register has this email/);
      assert.match(warnings[2]!.problem, /cannot be a keyworker/);
      assert.match(warnings[3]!.problem, /must work for your organisation/);
      assert.deepEqual(await keyworkers(), [{ nhs_number: NHS[0], email: 'la-practitioner@s117.test', ended_at: null }]);
      const audited = await f.database.db.selectFrom('audit_events').select('action').where('action', '=', 'import.keyworker.allocate').execute();
      assert.equal(audited.length, 1);
      // The keyworker's page shows them, as if allocated there.
      const person = await f.database.db.selectFrom('people').select('id').where('nhs_number', '=', NHS[0]!).executeTakeFirstOrThrow();
      const page = await f.services.keyworkers.get(f.actors.laApprover, person.id);
      assert.equal(page.current?.userId, f.actors.laPractitioner.userId);
    });

    test('PLAN-3: the same file again allocates nothing again', async () => {
      const report = await f.services.imports.run(f.actors.laApprover, request('commit'));
      assert.deepEqual([report.created, report.updated, report.skipped], [0, 0, 5]);
      assert.equal((await keyworkers()).length, 1);
    });
  });
}
