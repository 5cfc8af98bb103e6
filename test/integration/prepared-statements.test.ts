// Issue 14: the read models' statements (marked PREPARED in data/database.ts) are prepared once on a
// PostgreSQL connection and executed by name afterwards. Checked here on one connection: they are
// prepared, give the same answer as before, and survive another process adding a column to a table
// they read with `p.*` (PostgreSQL refuses such a prepared statement until it is prepared again).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { genericPlansBeside, openPostgres, PREPARED_FEW, PREPARED_FEW_AT_MOST, PREPARED_PAGES_AT_MOST, PREPARED_READ_MODEL, PREPARED_READ_MODELS_AT_MOST, type DatabaseHandle } from '../../src/data/database.ts';
import { MERGED_NAME_READING, nameReadingFor, searchRegister } from '../../src/data/people-repository.ts';
import { loadFactRows, loadPersonReadModel } from '../../src/data/person-read-model.ts';
import { createServices } from '../../src/services/index.ts';
import { actorFromUser } from '../../src/services/kernel/actor.ts';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../support/databases.ts';
import { seedAccounts, USERS } from '../support/app.ts';
import { NORTHBRIDGE_PERSON } from '../support/services.ts';

const postgres = (await testEngines()).find((e) => e.engine === 'postgres')!;

describe('prepared read models on PostgreSQL', { skip: postgres.skip }, () => {
  let database: TestDatabase;
  let one: DatabaseHandle;
  let personId: string;

  before(async () => {
    database = await createTestDatabase('postgres');
    const services = createServices(database.db);
    await seedAccounts(services);
    const practitioner = actorFromUser((await findUserByEmail(database.db, USERS.practitioner.email))!, 'test');
    personId = (await services.people.create(practitioner, NORTHBRIDGE_PERSON)).id;
    // One connection, so that what it has prepared can be seen from it.
    one = openPostgres((database.location as { databaseUrl: string }).databaseUrl, { max: 1 });
  });
  after(async () => {
    await one?.close();
    await database?.dispose();
  });

  const prepared = async () => (await sql<{ name: string }>`SELECT name FROM pg_prepared_statements WHERE name LIKE 's117_%'`.execute(one.db)).rows.map((r) => r.name);

  test('a read model is prepared on the connection once, and answers as an unprepared read does', async () => {
    assert.deepEqual(await prepared(), []);
    const first = await loadPersonReadModel(one.db, personId, { everyone: true }, { summary: true, facts: true });
    const names = await prepared();
    assert.equal(names.length, 1, `prepared: ${names.join(', ')}`);
    const second = await loadPersonReadModel(one.db, personId, { everyone: true }, { summary: true, facts: true });
    assert.deepEqual(await prepared(), names, 'executed by name the second time, not prepared again');
    assert.deepEqual(second, first);
    // The pool of the test database prepares nothing on this connection: the same answer from another connection.
    assert.deepEqual(await loadPersonReadModel(database.db, personId, { everyone: true }, { summary: true, facts: true }), first);
    await loadFactRows(one.db, personId);
    assert.equal((await prepared()).length, 2, 'each fixed text is prepared under its own name');
  });

  test('statements of many shapes (PREPARED_FEW): a connection keeps at most a few, and the others still answer', async () => {
    const shapes = async () => (await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%s117:prepared-few%'`.execute(one.db)).rows.length;
    const before = await shapes();
    for (let i = 0; i < PREPARED_FEW_AT_MOST + 4; i++) {
      const { rows } = await sql<{ n: number }>`${PREPARED_FEW}SELECT ${sql.lit(i)}::int + ${1}::int AS n`.execute(one.db);
      assert.equal(rows[0]!.n, i + 1);
    }
    assert.equal(await shapes(), PREPARED_FEW_AT_MOST, 'no more than the cap, whatever was asked before');
    assert.ok(before <= PREPARED_FEW_AT_MOST);
    // One kept is executed by name again; one past the cap is answered unnamed, and nothing is added.
    const { rows } = await sql<{ n: number }>`${PREPARED_FEW}SELECT ${sql.lit(PREPARED_FEW_AT_MOST + 2)}::int + ${1}::int AS n`.execute(one.db);
    assert.equal(rows[0]!.n, PREPARED_FEW_AT_MOST + 3);
    assert.equal(await shapes(), PREPARED_FEW_AT_MOST);
  });

  test('the read models with a part (PREPARED_READ_MODEL) have slots of their own: filling them leaves the searches theirs', async () => {
    const fresh = openPostgres((database.location as { databaseUrl: string }).databaseUrl, { max: 1 });
    const kept = async (mark: string) => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE ${`%${mark}%`}`.execute(fresh.db)).rows[0]!.n;
    try {
      for (let i = 0; i < PREPARED_READ_MODELS_AT_MOST + 3; i++) {
        const { rows } = await sql<{ n: number }>`${PREPARED_READ_MODEL}SELECT ${sql.lit(i)}::int + ${1}::int AS n`.execute(fresh.db);
        assert.equal(rows[0]!.n, i + 1, 'one past the cap still answers');
      }
      assert.equal(await kept('s117:prepared-read-model'), PREPARED_READ_MODELS_AT_MOST);
      await sql`${PREPARED_FEW}SELECT 1 AS n`.execute(fresh.db);
      assert.equal(await kept('s117:prepared-few'), 1, 'a search is still prepared after the read models filled their slots');
    } finally {
      await fresh.close();
    }
  });

  test('a name search keeps its names statement and its merged page prepared, and the names statement’s kept plan is bounded by the prefix', async () => {
    const search = { text: { raw: 'Exa', nhsNumber: null, words: ['Exa'] }, visibleTo: null, limit: 51 }; // Sam Example: one name, and the identifiers
    const fresh = openPostgres((database.location as { databaseUrl: string }).databaseUrl, { max: 1 }); // none of the few taken yet
    try {
      for (let i = 0; i < 3; i++) assert.equal((await searchRegister(fresh.db, search, MERGED_NAME_READING)).length, 1);
      const statements = (await sql<{ name: string; statement: string }>`SELECT name, statement FROM pg_prepared_statements`.execute(fresh.db)).rows;
      const names = statements.filter((s) => /WITH RECURSIVE/.test(s.statement));
      assert.equal(names.length, 1, 'the names statement is prepared, once');
      assert.equal(statements.filter((s) => /UNION ALL/.test(s.statement) && /s117:prepared-few/.test(s.statement)).length, 1, 'the merged page is prepared, once');
      // Its kept (generic) plan: every probe of the name indexes is bounded by the prefix and its
      // upper bound as index conditions, never a whole index walked and filtered (ADR 27).
      await sql`SET plan_cache_mode = force_generic_plan`.execute(fresh.db);
      const bounds = ['exa', 'exb', 'exb', 'exa', 'exb', 'exb'].map((b) => sql.lit(b));
      const plan = (await sql<{ 'QUERY PLAN': string }>`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE ${sql.raw(names[0]!.name)}(${sql.join(bounds)})`.execute(fresh.db)).rows.map((r) => r['QUERY PLAN']).join('\n');
      const probes = plan.match(/Index (Only )?Scan using \S+/g) ?? [];
      const bounded = plan.match(/Index Cond: .*~>=?~ .*~<~ \$\d+/g) ?? [];
      assert.equal(probes.length, 4, plan);
      assert.equal(bounded.length, 4, plan);
      assert.doesNotMatch(plan, /Filter: .*~~/, plan);
    } finally {
      await fresh.close();
    }
  });

  test('a name search’s merged first page runs on connections that keep its generic plan from the first search; everything else keeps planning as before', async () => {
    const search = { text: { raw: 'Exa', nhsNumber: null, words: ['Exa'] }, visibleTo: null, limit: 51 };
    const fresh = openPostgres((database.location as { databaseUrl: string }).databaseUrl, { max: 1 });
    try {
      const generic = genericPlansBeside(fresh.db)!;
      assert.ok(generic, 'PostgreSQL has the generic-plan connections beside the pool');
      const mode = async (db: typeof fresh.db) => (await sql<{ plan_cache_mode: string }>`SHOW plan_cache_mode`.execute(db)).rows[0]!.plan_cache_mode;
      assert.equal(await mode(fresh.db), 'auto', 'the pool plans as PostgreSQL chooses');
      assert.equal(await mode(generic), 'force_generic_plan');
      for (let i = 0; i < 3; i++) assert.equal((await searchRegister(fresh.db, search, nameReadingFor(fresh.db))).length, 1);
      const plans = (db: typeof fresh.db) => sql<{ generic_plans: number; custom_plans: number }>`SELECT generic_plans::int, custom_plans::int FROM pg_prepared_statements WHERE statement LIKE '%s117:prepared-few%'`.execute(db);
      assert.deepEqual((await plans(generic)).rows, [{ generic_plans: 3, custom_plans: 0 }], 'the page: prepared once, its generic plan from the first search');
      assert.deepEqual((await plans(fresh.db)).rows, [], 'not on the pool');
    } finally {
      await fresh.close();
    }
  });

  /** The register's pages by filters a connection keeps prepared (PREPARED_PAGE), and how each was planned. */
  const preparedPages = async (db: DatabaseHandle['db']) =>
    (await sql<{ statement: string; generic_plans: number; custom_plans: number }>`SELECT statement, generic_plans::int, custom_plans::int FROM pg_prepared_statements WHERE statement LIKE '%s117:prepared-page%'`.execute(db)).rows;

  test('a register page by filters has its page size written in (PREPARED_PAGE): prepared once a shape and size, capped, and answering as unprepared', async () => {
    const fresh = openPostgres((database.location as { databaseUrl: string }).databaseUrl, { max: 1 });
    const pages = () => preparedPages(fresh.db);
    const notEntitled = (limit: number) => ({ status: 'not-entitled', visibleTo: 'E09000099', limit });
    try {
      const unprepared = await searchRegister(database.db, notEntitled(51));
      assert.equal(unprepared.length, 1, 'the person Northbridge council sees, not entitled');
      for (let i = 0; i < 8; i++) assert.deepEqual(await searchRegister(fresh.db, notEntitled(51)), unprepared);
      const [page, ...others] = await pages();
      assert.equal(others.length, 0, 'one text for one shape and size');
      // LIMIT $n would make PostgreSQL price the kept plan for a tenth of the matches (docs/performance.md, round 19).
      assert.match(page!.statement, /limit 51\b/);
      assert.doesNotMatch(page!.statement, /limit \$\d/);
      assert.equal(page!.generic_plans + page!.custom_plans, 8, 'executed by name every time');
      // Another size is a text of its own; past the cap a page still answers, unnamed.
      for (let limit = 1; limit <= PREPARED_PAGES_AT_MOST + 2; limit++) assert.equal((await searchRegister(fresh.db, notEntitled(limit))).length, 1);
      assert.equal((await pages()).length, PREPARED_PAGES_AT_MOST);
    } finally {
      await fresh.close();
    }
  });

  test('a page by the projections’ filters alone runs where its generic plan is kept from the first search; with other filters it stays on the pool', async () => {
    const fresh = openPostgres((database.location as { databaseUrl: string }).databaseUrl, { max: 1 });
    try {
      const generic = genericPlansBeside(fresh.db)!;
      const reading = nameReadingFor(fresh.db);
      for (let i = 0; i < 3; i++) assert.equal((await searchRegister(fresh.db, { status: 'not-entitled', visibleTo: 'E09000099', limit: 51 }, reading)).length, 1);
      assert.deepEqual((await preparedPages(generic)).map(({ generic_plans, custom_plans }) => ({ generic_plans, custom_plans })), [{ generic_plans: 3, custom_plans: 0 }], 'prepared once, its generic plan from the first search');
      assert.deepEqual(await preparedPages(fresh.db), [], 'not on the pool');
      // A review overdue compares a date: PostgreSQL's own choice of plan, on the pool.
      assert.equal((await searchRegister(fresh.db, { status: 'not-entitled', reviewOverdueOn: '2026-01-01', visibleTo: 'E09000099', limit: 51 }, reading)).length, 0);
      assert.equal((await preparedPages(fresh.db)).length, 1);
      assert.equal((await preparedPages(generic)).length, 1);
    } finally {
      await fresh.close();
    }
  });

  test('a column added to people by another connection: the read is prepared again and answers with it', async () => {
    await loadPersonReadModel(one.db, personId, { everyone: true });
    await sql`ALTER TABLE people ADD COLUMN prepared_statements_test text`.execute(database.db);
    try {
      const model = await loadPersonReadModel(one.db, personId, { everyone: true });
      assert.ok(model, 'read');
      assert.ok('prepared_statements_test' in model.person, 'the new column is read');
      // Inside a transaction the refusal fails the transaction; the next one uses the new name.
      await sql`ALTER TABLE people DROP COLUMN prepared_statements_test`.execute(database.db);
      await assert.rejects(one.db.transaction().execute((trx) => loadPersonReadModel(trx, personId, { everyone: true })));
      const again = await one.db.transaction().execute((trx) => loadPersonReadModel(trx, personId, { everyone: true }));
      assert.ok(again && !('prepared_statements_test' in again.person));
    } finally {
      await sql`ALTER TABLE people DROP COLUMN IF EXISTS prepared_statements_test`.execute(database.db);
    }
  });
});
