// The person read model (issue 14, "fewer round trips"): ONE statement returns exactly what the
// per-table queries return (person, histories, projections, every fact the rules read), with the
// viewer's visibility applied in that statement, on PGlite and PostgreSQL, for the demonstration
// data (endings, reinstatements, confirmed responsibility, leave...) and for generated people.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadDemoData } from '../../src/cli/demo.ts';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import type { Db } from '../../src/data/database.ts';
import { listResponsibilityDecisions, loadLegalHistory } from '../../src/data/legal-history-repository.ts';
import * as people from '../../src/data/people-repository.ts';
import { loadPersonReadModel, type PersonReadModel } from '../../src/data/person-read-model.ts';
import { computeAftercare } from '../../src/domain/aftercare.ts';
import { todayInLondon } from '../../src/domain/dates.ts';
import { createServices } from '../../src/services/index.ts';
import { endingFacts } from '../../src/data/ending-repository.ts';
import { generate } from '../../bench/generate.ts';
import { testEngines, createTestDatabase, type TestDatabase } from '../support/databases.ts';

const byId = <T extends { id: string }>(rows: readonly T[]) => [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** Compares the read model of one person with what the per-table queries give, for one viewer. */
async function assertSameAsPerTable(db: Db, personId: string, viewer: people.Viewer): Promise<'visible' | 'hidden'> {
  const model = await loadPersonReadModel(db, personId, viewer, { summary: true, facts: true });
  const person = await people.findVisiblePerson(db, personId, viewer);
  if (!person) {
    assert.equal(model, undefined, `${personId}: hidden from the viewer, so no read model`);
    return 'hidden';
  }
  assert.ok(model, `${personId}: visible, so a read model`);
  assert.deepEqual(model.person, person);
  assert.deepEqual(model.residences, await people.listResidences(db, personId));
  assert.deepEqual(model.gps, await people.listGpRegistrations(db, personId));
  assert.deepEqual(model.summary, await people.findPersonSummary(db, personId));
  const facts = model.facts!;
  assert.deepEqual(facts.history, await loadLegalHistory(db, personId));
  // listResponsibilityDecisions has no order; the rules sort them (aftercare.ts): compare as sets.
  assert.deepEqual(byId(facts.decisions), byId(await listResponsibilityDecisions(db, personId)));
  const endings = await endingFacts(db, personId);
  const byEpisode = <T extends { episodeId: string }>(rows: readonly T[]) => [...rows].sort((a, b) => (a.episodeId < b.episodeId ? -1 : 1));
  assert.deepEqual(byEpisode(facts.endings.jointEndings), byEpisode(endings.jointEndings));
  assert.deepEqual(byEpisode(facts.endings.reinstatements), byEpisode(endings.reinstatements));
  // And so the rules decide exactly the same from either.
  const today = todayInLondon();
  const fromModel = people.factsFromRows(model.person, { residences: model.residences, gps: model.gps, ...facts });
  assert.deepEqual(computeAftercare(fromModel, today), computeAftercare(await people.loadFacts(db, person), today));
  return 'visible';
}

/** The parts not asked for are not read. */
function assertOnlyDetails(model: PersonReadModel | undefined): void {
  assert.ok(model);
  assert.equal(model.facts, undefined);
}

for (const { engine, skip } of await testEngines()) {
  describe(`person read model on ${engine}`, { skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(engine);
    });
    after(async () => {
      await database?.dispose();
    });

    test('the demonstration data: every person, as an admin and as four organisations, is read exactly as table by table', async () => {
      const services = createServices(database.db);
      await loadDemoData(services);
      const db = database.db;
      const ids = (await db.selectFrom('people').select('id').orderBy('id').execute()).map((r) => r.id);
      assert.ok(ids.length >= 10, 'the demonstration data has people');
      // A council, the other council, an ICB and the trust: who sees whom differs between them.
      const codes = (await db.selectFrom('organisations').select('code').where('code', 'in', ['E09000099', 'E09000098', 'QZZ', 'RZZ']).execute()).map((r) => r.code);
      assert.equal(codes.length, 4);
      const seen = { visible: 0, hidden: 0 };
      for (const id of ids) {
        seen[await assertSameAsPerTable(db, id, { everyone: true })] += 1;
        for (const code of codes) seen[await assertSameAsPerTable(db, id, { everyone: false, organisationCode: code })] += 1;
      }
      assert.ok(seen.visible > ids.length && seen.hidden > 0, `both answers were checked: ${JSON.stringify(seen)}`);
      // Endings and reinstatements are among the facts compared.
      const ended = await db.selectFrom('ending_proposals').select('person_id').where('status', '=', 'approved').executeTakeFirst();
      assert.ok(ended, 'the demonstration data has an approved ending');
      assertOnlyDetails(await loadPersonReadModel(db, ids[0]!, { everyone: true }, { summary: true }));
    });

    test('generated people (hospital stays, statuses, leave, confirmed responsibility): read exactly as table by table', async () => {
      const db = database.db;
      const trust = (await findUserByEmail(db, 'practitioner@demo.s117.test'))!;
      const approver = (await findUserByEmail(db, 'la-approver@demo.s117.test'))!;
      const org = (await db.selectFrom('organisations').select('code').where('id', '=', trust.organisation_id).executeTakeFirstOrThrow()).code;
      await generate(db, {
        people: 80, seed: 3, today: todayInLondon(),
        registeredBy: { userId: trust.id, organisationId: trust.organisation_id, organisationCode: org },
        approverUserId: approver.id,
      });
      const ids = (await db.selectFrom('people').select('id').where('local_id', 'like', 'RZZ1%').execute()).map((r) => r.id);
      assert.ok(ids.length >= 50, `generated people with a local id: ${ids.length}`);
      for (const id of ids) {
        await assertSameAsPerTable(db, id, { everyone: true });
        await assertSameAsPerTable(db, id, { everyone: false, organisationCode: 'E09000099' });
      }
    });

    test('no such person, or not a person id: no read model', async () => {
      assert.equal(await loadPersonReadModel(database.db, '00000000-0000-4000-8000-000000000000', { everyone: true }, { facts: true }), undefined);
    });
  });
}
