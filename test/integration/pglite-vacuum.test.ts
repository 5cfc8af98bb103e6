// Issue 14 item 6, PGlite stays the easy default: the embedded database has no autovacuum, so the
// server's hourly maintenance on it is VACUUM ANALYZE (data/maintenance.ts vacuumAndAnalyse), not
// only ANALYZE. Rows deleted and replaced, as the reports' marks are all day, then leave their space
// to the next ones; with statistics alone the table grows by every row ever written.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { analyse, vacuumAndAnalyse } from '../../src/data/maintenance.ts';
import * as reports from '../../src/data/reports-repository.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';

describe('the embedded database\'s hourly maintenance', () => {
  let database: TestDatabase;
  before(async () => { database = await createTestDatabase('pglite'); });
  after(async () => { await database?.dispose(); });

  const size = async () => (await sql<{ bytes: number }>`SELECT pg_relation_size('report_dirty_people')::int AS bytes`.execute(database.db)).rows[0]!.bytes;

  /** A day's marks: 20,000 written, then all summarised (deleted), then the maintenance. */
  async function dayOfMarks(maintenance: typeof analyse): Promise<void> {
    const ids = Array.from({ length: 20_000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    for (let i = 0; i < ids.length; i += 2000) await reports.markPeople(database.db, ids.slice(i, i + 2000));
    await sql`DELETE FROM report_dirty_people`.execute(database.db);
    await maintenance(database.db);
  }

  test('VACUUM ANALYZE: the next day\'s marks reuse the space; ANALYZE alone: the table keeps growing', async () => {
    await dayOfMarks(analyse);
    const afterOneDay = await size();
    await dayOfMarks(analyse);
    const withStatisticsOnly = await size();
    assert.ok(withStatisticsOnly > afterOneDay * 1.5, `${afterOneDay} then ${withStatisticsOnly} bytes with ANALYZE alone`);
    await dayOfMarks(vacuumAndAnalyse);
    const vacuumed = await size();
    await dayOfMarks(vacuumAndAnalyse);
    assert.equal(await size(), vacuumed, 'a day of marks after VACUUM takes no new space');
  });
});
