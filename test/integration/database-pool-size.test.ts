// S117_DATABASE_POOL_SIZE (issue 14): how many connections to PostgreSQL a server process keeps open
// at most. On two cores running the database too, 4 served the mixed workload about a fifth faster
// than 10 (docs/performance.md, round 9). Twelve statements sent at once are answered by at most that
// many server processes of PostgreSQL, read from the setting as the server reads it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config.ts';
import { openDatabase, type DatabaseHandle } from '../../src/data/database.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../support/databases.ts';

// PostgreSQL's alone (PGlite has no pool); required, not skipped, where the tests require PostgreSQL.
const { skip } = (await testEngines()).find((e) => e.engine === 'postgres')!;

describe('the pool of connections to PostgreSQL', { skip }, () => {
  let database: TestDatabase;
  before(async () => { database = await createTestDatabase('postgres'); });
  after(async () => { await database?.dispose(); });

  /** The distinct PostgreSQL processes that answered twelve statements sent together. */
  async function backendsAnswering(handle: DatabaseHandle): Promise<number> {
    const statements = Array.from({ length: 12 }, () => sql<{ pid: number }>`SELECT pg_backend_pid() AS pid, pg_sleep(0.05)`.execute(handle.db));
    return new Set((await Promise.all(statements)).map((r) => r.rows[0]!.pid)).size;
  }

  for (const [setting, most] of [['3', 3], ['', 10]] as const) {
    test(`S117_DATABASE_POOL_SIZE=${setting || '(unset)'}: at most ${most} connections`, async () => {
      const config = loadConfig({ DATABASE_URL: (database.location as { databaseUrl: string }).databaseUrl, S117_DATABASE_POOL_SIZE: setting });
      const handle = await openDatabase(config);
      try {
        const backends = await backendsAnswering(handle);
        assert.ok(backends <= most, `${backends} connections`);
        assert.ok(backends >= Math.min(most, 3), `${backends} connections: the statements ran side by side`);
      } finally {
        await handle.close();
      }
    });
  }
});
