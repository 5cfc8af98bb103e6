// The benchmark's generator (bench/generate.ts, its 'fast' projections) leaves each person as the
// services would have: a re-derivation by the services changes nothing they were told, so the first
// change to a generated person costs what a change to any registered person costs (issue 14: without
// the notification state, each first change looked up the subscriptions and saved the state too).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generate } from '../../bench/generate.ts';
import { loadDemoData } from '../../src/cli/demo.ts';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { DEFAULT_LAW_SETTINGS } from '../../src/domain/aftercare.ts';
import { todayInLondon } from '../../src/domain/dates.ts';
import { DEFAULT_REVIEW_SETTINGS } from '../../src/domain/reviews.ts';
import { createServices } from '../../src/services/index.ts';
import { refreshProjectionsOf } from '../../src/services/kernel/projections.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../support/databases.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`the benchmark's generated people on ${engine}`, { skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(engine);
    });
    after(async () => {
      await database?.dispose();
    });

    test('each has the notification state the services derive: re-deriving changes no state', async () => {
      const db = database.db;
      await loadDemoData(createServices(db));
      const trust = (await findUserByEmail(db, 'practitioner@demo.s117.test'))!;
      const approver = (await findUserByEmail(db, 'la-approver@demo.s117.test'))!;
      const org = (await db.selectFrom('organisations').select('code').where('id', '=', trust.organisation_id).executeTakeFirstOrThrow()).code;
      const today = todayInLondon();
      await generate(db, { people: 60, seed: 5, today, registeredBy: { userId: trust.id, organisationId: trust.organisation_id, organisationCode: org }, approverUserId: approver.id });
      const generated = await db.selectFrom('people').selectAll().where('local_id', 'like', 'RZZ1%').execute();
      assert.ok(generated.length >= 40, `generated people: ${generated.length}`);
      const states = async () => new Map((await db.selectFrom('notification_states').select(['person_id', 'state']).where('person_id', 'in', generated.map((p) => p.id)).execute()).map((r) => [r.person_id, r.state]));
      const written = await states();
      assert.equal(written.size, generated.length, 'a state for every generated person');
      assert.ok([...written.values()].every((state) => state !== null), 'none left as recorded before notifications existed');
      await db.transaction().execute((trx) => refreshProjectionsOf(trx, generated, today, DEFAULT_REVIEW_SETTINGS, DEFAULT_LAW_SETTINGS, 'with'));
      assert.deepEqual(await states(), written, 'the services derive the same states');
    });
  });
}
