// `s117 reports refresh` (ADR 0014): the nightly job that makes the reports' summaries, as an operator
// runs it, on the embedded database and on PostgreSQL; and `s117 reports summarise`, which keeps them in step.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliDatabase, runS117, type CliDatabase } from '../support/cli.ts';
import { testEngines } from '../support/databases.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`s117 reports refresh on ${engine}`, { skip }, () => {
    let database: CliDatabase;
    before(async () => {
      database = await cliDatabase(engine);
    });
    after(async () => {
      await database?.cleanup();
    });

    test('reports refresh makes the summaries as of today and says how many people and rows; a wrong subcommand is refused', () => {
      assert.equal(runS117(database.env, ['migrate']).status, 0);
      const run = runS117(database.env, ['reports', 'refresh']);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^Reports' summaries as of \d{4}-\d\d-\d\d: 0 people, 0 rows, [\d.]+ s$/m);
      assert.notEqual(runS117(database.env, ['reports', 'rebuild']).status, 0);
    });

    test('reports summarise (issue 13 item 5) brings the summaries in step with the changes since and says how many people it summarised', () => {
      const run = runS117(database.env, ['reports', 'summarise']);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^Reports' summaries in step: 0 people summarised$/m);
    });
  });
}
