// Issue 14 (migration 0138): the reports' marks are written by static SQL in one trigger function for
// each way of finding a changed row's person. Each statement marks exactly the people of the rows it
// inserted, updated (before and after) or deleted, and a statement that changes nothing marks no one,
// on PGlite and PostgreSQL. The whole-report check after every kind of write is report-summaries.test.ts.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { testEngines } from '../support/databases.ts';
import { createServiceFixture, NORTHBRIDGE_PERSON, type ServiceFixture } from '../support/services.ts';

class RolledBack {
  readonly marked: string[];
  constructor(marked: string[]) {
    this.marked = marked;
  }
}

for (const { engine, skip } of await testEngines()) {
  describe(`the reports' marks on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    let personId: string;
    let otherId: string;
    let serviceId: string;
    let budgetId: string;
    let teamId: string;

    before(async () => {
      f = await createServiceFixture(engine, { clock: () => new Date('2025-06-30T12:00:00Z') });
      const { people, careServices, budgets, keyworkers } = f.services;
      personId = (await people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: testNhsNumber(7501), givenName: 'Marked' })).id;
      otherId = (await people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: testNhsNumber(7502), givenName: 'Unmarked' })).id;
      serviceId = (await careServices.create(f.actors.laPractitioner, personId, { description: 'Personal assistant hours', category: 'social-care', s117: true, provider: 'Self-employed PA', weeklyCostPence: 20000, startDate: '2024-07-01', funding: { localAuthorityPercent: 100, icbPercent: 0 } })).id;
      budgetId = (await budgets.create(f.actors.laPractitioner, personId, { kind: 'direct-payment', serviceIds: [serviceId], startDate: '2024-07-01', amountPencePerWeek: 20000 })).id;
      await keyworkers.allocate(f.actors.admin, personId, { userId: f.actors.otherLaPractitioner.userId, jobTitle: 'Care co-ordinator', phone: '01632 960 001' });
      teamId = f.actors.otherLaPractitioner.organisationId;
    });
    after(async () => f?.close());

    /** The people marked by one statement, from no marks before it; the statement is rolled back. */
    async function marksOf(statement: ReturnType<typeof sql>): Promise<string[]> {
      try {
        await f.database.db.transaction().execute(async (trx) => {
          await trx.deleteFrom('report_dirty_people').execute();
          await statement.execute(trx);
          const rows = await trx.selectFrom('report_dirty_people').select('person_id').execute();
          throw new RolledBack([...new Set(rows.map((r) => r.person_id))].sort());
        });
      } catch (error) {
        if (error instanceof RolledBack) return error.marked;
        throw error;
      }
      throw new Error('unreachable');
    }

    test('a fact with its own person column marks that person on insert, update and delete', async () => {
      assert.deepEqual(await marksOf(sql`INSERT INTO residences (id, person_id, local_authority_code, since) VALUES (${randomUUID()}, ${otherId}, 'E09000099', '2024-01-01')`), [otherId]);
      assert.deepEqual(await marksOf(sql`UPDATE residences SET since = since WHERE person_id = ${personId}`), [personId]);
      assert.deepEqual(await marksOf(sql`DELETE FROM residences WHERE person_id = ${personId}`), [personId]);
    });

    test('an update that moves a row to another person marks both', async () => {
      assert.deepEqual(await marksOf(sql`UPDATE services SET person_id = ${otherId} WHERE id = ${serviceId}`), [personId, otherId].sort());
    });

    test('a statement that changes no row marks no one', async () => {
      assert.deepEqual(await marksOf(sql`UPDATE legal_statuses SET section = section WHERE person_id = ${otherId}`), []);
      assert.deepEqual(await marksOf(sql`UPDATE people SET given_name = given_name WHERE id = ${randomUUID()}`), []);
    });

    test('the people table marks the person of each row changed', async () => {
      assert.deepEqual(await marksOf(sql`UPDATE people SET given_name = given_name WHERE id IN (${personId}, ${otherId})`), [personId, otherId].sort());
    });

    test('a service’s cost marks the service’s person', async () => {
      assert.deepEqual(await marksOf(sql`UPDATE service_costs SET weekly_cost_pence = weekly_cost_pence WHERE service_id = ${serviceId}`), [personId]);
    });

    test('a budget’s review marks the budget’s person, on insert and delete', async () => {
      const reviewId = randomUUID();
      assert.deepEqual(await marksOf(sql`INSERT INTO budget_reviews (id, budget_id, held_on, reason, recorded_by) VALUES (${reviewId}, ${budgetId}, '2025-06-01', 'scheduled', ${f.actors.laPractitioner.userId})`), [personId]);
      await sql`INSERT INTO budget_reviews (id, budget_id, held_on, reason, recorded_by) VALUES (${reviewId}, ${budgetId}, '2025-06-01', 'scheduled', ${f.actors.laPractitioner.userId})`.execute(f.database.db);
      assert.deepEqual(await marksOf(sql`DELETE FROM budget_reviews WHERE id = ${reviewId}`), [personId]);
    });

    test('RPT-7: renaming a keyworker’s team marks the people they are keyworker to', async () => {
      assert.deepEqual(await marksOf(sql`UPDATE organisations SET name = name WHERE id = ${teamId}`), [personId]);
    });

    test('every mark trigger runs written SQL, not SQL built as text', async () => {
      const { rows } = await sql<{ table: string; fn: string; source: string }>`
        SELECT c.relname AS table, p.proname AS fn, p.prosrc AS source
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
        WHERE t.tgname LIKE 'report_mark_%'`.execute(f.database.db);
      assert.equal(rows.length, 25 * 3 + 1, 'insert, update and delete on 25 tables, and the organisations’ update');
      for (const row of rows) assert.doesNotMatch(row.source, /\bEXECUTE\b/i, `${row.table}: ${row.fn}`);
    });
  });
}
