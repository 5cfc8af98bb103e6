// Issue 10 (speed): refreshProjectionsOf derives many people's projections with set-based queries.
// It must write exactly what refreshProjections writes person by person: checked on the
// demonstration register (people with reviews, plans, services, budgets, meetings, endings), on
// PGlite and PostgreSQL.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_LAW_SETTINGS } from '../../src/domain/aftercare.ts';
import { DEFAULT_REVIEW_SETTINGS } from '../../src/domain/reviews.ts';
import * as people from '../../src/data/people-repository.ts';
import { refreshProjections, refreshProjectionsOf } from '../../src/services/kernel/projections.ts';
import { testEngines } from '../support/databases.ts';
import { demoDatabaseForSuite } from '../support/demo-database.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`projections of many people at once on ${engine}`, { skip }, () => {
    const demoDb = demoDatabaseForSuite(engine);

    async function snapshot() {
      const db = demoDb();
      const summaries = await db.selectFrom('person_summaries').selectAll().orderBy('person_id').execute();
      const sight = await db.selectFrom('person_organisations').selectAll().orderBy('person_id').orderBy('organisation_code').execute();
      const states = await db.selectFrom('notification_states').selectAll().orderBy('person_id').execute();
      return { summaries: summaries.map(({ refreshed_at: _r, ...rest }) => rest), sight, states };
    }

    test('REV-1, REV-4, PLAN-1, PLAN-7, DP-1: the same projections as refreshProjections, person by person', async () => {
      const db = demoDb();
      const today = new Date().toISOString().slice(0, 10);
      const everyone = await db.selectFrom('people').selectAll().orderBy('id').execute();
      assert.ok(everyone.length >= 10, `demonstration people: ${everyone.length}`);
      await db.transaction().execute(async (trx) => {
        for (const person of everyone) await refreshProjections(trx, (await people.findPerson(trx, person.id))!, today, DEFAULT_REVIEW_SETTINGS, DEFAULT_LAW_SETTINGS);
      });
      const one = await snapshot();
      assert.ok(one.summaries.some((s) => s.discharge_warning !== null || s.planning_needed_since !== null || s.replan_needed), 'the demonstration has projections beyond the status');
      // Spoil every projection, then derive them all at once.
      await db.updateTable('person_summaries').set({ status: 'spoilt', next_review_due: '2000-01-01', replan_needed: true, discharge_warning: 'spoilt', planning_needed_since: '2000-01-01', budget_review_due: '2000-01-01' }).execute();
      await db.deleteFrom('person_organisations').execute();
      await db.transaction().execute(async (trx) => {
        await refreshProjectionsOf(trx, everyone, today, DEFAULT_REVIEW_SETTINGS, DEFAULT_LAW_SETTINGS);
      });
      assert.deepEqual(await snapshot(), one);
    });
  });
}
