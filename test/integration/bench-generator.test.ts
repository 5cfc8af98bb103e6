// The benchmark's generator (bench/generate.ts, its 'fast' projections) leaves each person as the
// services would have: a re-derivation by the services changes nothing they were told, so the first
// change to a generated person costs what a change to any registered person costs (issue 14: without
// the notification state, each first change looked up the subscriptions and saved the state too).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generate } from '../../bench/generate.ts';
import { DEFAULT_LAW_SETTINGS } from '../../src/domain/aftercare.ts';
import { todayInLondon } from '../../src/domain/dates.ts';
import { DEFAULT_REVIEW_SETTINGS } from '../../src/domain/reviews.ts';
import { refreshProjectionsOf } from '../../src/services/kernel/projections.ts';
import { testEngines } from '../support/databases.ts';
import { createServiceFixture, type ServiceFixture } from '../support/services.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`the benchmark's generated people on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    before(async () => {
      f = await createServiceFixture(engine);
    });
    after(async () => {
      await f?.close();
    });

    test('each has the notification state the services derive: re-deriving changes no state', async () => {
      const db = f.database.db;
      const { practitioner, laApprover } = f.actors;
      const today = todayInLondon();
      await generate(db, { people: 60, seed: 5, today, registeredBy: { userId: practitioner.userId, organisationId: practitioner.organisationId, organisationCode: practitioner.organisationCode }, approverUserId: laApprover.userId });
      // The fixture registers nobody: every person here is a generated one.
      const generated = await db.selectFrom('people').selectAll().execute();
      assert.equal(generated.length, 60);
      const states = async () => new Map((await db.selectFrom('notification_states').select(['person_id', 'state']).execute()).map((r) => [r.person_id, r.state]));
      const written = await states();
      assert.equal(written.size, generated.length, 'a state for every generated person');
      assert.ok([...written.values()].every((state) => state !== null), 'none left as recorded before notifications existed');
      await db.transaction().execute((trx) => refreshProjectionsOf(trx, generated, today, DEFAULT_REVIEW_SETTINGS, DEFAULT_LAW_SETTINGS, 'with'));
      assert.deepEqual(await states(), written, 'the services derive the same states');
    });
  });
}
