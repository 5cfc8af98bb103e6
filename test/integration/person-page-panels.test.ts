// The person page's panels from the read model (issue 14 item 2): the plan summary, keyworker,
// planning meetings and review clocks that the page derives from the rows its one read-model
// statement returns are exactly what planSummaryPart, keyworkerPart, planningMeetingsPart and
// reviewClocksPart give from their own queries, and the rows are those the per-table queries
// return, for every person of the demonstration data, on PGlite and PostgreSQL.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Db } from '../../src/data/database.ts';
import { keyworkerHistory } from '../../src/data/keyworkers-repository.ts';
import { loadFacts } from '../../src/data/people-repository.ts';
import { loadPersonReadModel } from '../../src/data/person-read-model.ts';
import { listInvitees, listMeetings } from '../../src/data/planning-repository.ts';
import { latestPlanVersionNumber } from '../../src/data/plans-repository.ts';
import { computeAftercare, DEFAULT_LAW_SETTINGS } from '../../src/domain/aftercare.ts';
import { addDays, todayInLondon } from '../../src/domain/dates.ts';
import { keyworkerPart } from '../../src/services/keyworkers/keyworkers-service.ts';
import { personPagePanels } from '../../src/services/person-page/person-page-service.ts';
import { planningMeetingsPart } from '../../src/services/planning/planning-service.ts';
import { planSummaryPart } from '../../src/services/plans/plans-service.ts';
import { reviewClocksPart } from '../../src/services/reviews/reviews-service.ts';
import { testEngines } from '../support/databases.ts';
import { demoDatabaseForSuite } from '../support/demo-database.ts';

/** What was not empty among the people compared, so that the test shows it compared something. */
type Seen = Record<'plans' | 'finalPlans' | 'keyworkers' | 'meetings' | 'invitees' | 'budgets', number>;

async function assertPanelsSameAsParts(db: Db, personId: string, today: string, seen: Seen): Promise<void> {
  const model = await loadPersonReadModel(db, personId, { everyone: true }, { summary: true, facts: true, panels: true });
  assert.ok(model?.panels, personId);
  const person = model.person;
  const aftercare = computeAftercare(await loadFacts(db, person), today);
  const panels = personPagePanels(model, today, aftercare, true);
  assert.deepEqual(panels.plan, await planSummaryPart(db, person, today, DEFAULT_LAW_SETTINGS, aftercare), `${personId}: plan`);
  assert.deepEqual(panels.keyworker, await keyworkerPart(db, person), `${personId}: keyworker`);
  assert.deepEqual(panels.meetings, await planningMeetingsPart(db, person, today, DEFAULT_LAW_SETTINGS, null, aftercare), `${personId}: meetings`);
  assert.deepEqual(panels.reviewClocks, await reviewClocksPart(db, person, today), `${personId}: review clocks`);
  assert.equal(personPagePanels(model, today, aftercare, false).plan, null, 'no plan for those who may not read it');
  // The rows themselves, as the repositories read them.
  const rows = model.panels;
  assert.deepEqual(rows.keyworkers, await keyworkerHistory(db, personId));
  const meetings = await listMeetings(db, personId);
  assert.deepEqual(rows.meetings, meetings);
  assert.deepEqual(rows.invitees, await listInvitees(db, meetings.map((m) => m.id)));
  assert.equal(rows.latestFinalVersion, await latestPlanVersionNumber(db, personId));
  seen.plans += rows.plan ? 1 : 0;
  seen.finalPlans += rows.latestFinalVersion > 0 ? 1 : 0;
  seen.keyworkers += rows.keyworkers.length;
  seen.meetings += rows.meetings.length;
  seen.invitees += rows.invitees.length;
  seen.budgets += rows.budgets.length;
}

for (const { engine, skip } of await testEngines()) {
  describe(`person page panels from the read model on ${engine}`, { skip }, () => {
    const demoDb = demoDatabaseForSuite(engine);

    test('every person of the demonstration data, today and in a year: the panels are those of the per-panel queries', async () => {
      const db = demoDb();
      const ids = (await db.selectFrom('people').select('id').where('merged_into', 'is', null).orderBy('id').execute()).map((r) => r.id);
      assert.ok(ids.length >= 10, 'the demonstration data has people');
      const seen: Seen = { plans: 0, finalPlans: 0, keyworkers: 0, meetings: 0, invitees: 0, budgets: 0 };
      // A year on, services and budgets have ended and reviews fall due: other branches of the same rules.
      for (const today of [todayInLondon(), addDays(todayInLondon(), 365)]) {
        for (const id of ids) await assertPanelsSameAsParts(db, id, today, seen);
      }
      for (const [what, n] of Object.entries(seen)) assert.ok(n > 0, `the demonstration data has ${what}: ${JSON.stringify(seen)}`);
    });
  });
}
