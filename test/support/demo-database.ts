// A suite's database with the demonstration data: made before its tests, dropped after them.
import { after, before } from 'node:test';
import { loadDemoData } from '../../src/cli/demo.ts';
import type { Db, Engine } from '../../src/data/database.ts';
import { createServices } from '../../src/services/index.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';

/** Call inside a describe: the suite's hooks make and drop the database; the result gives its handle once made. */
export function demoDatabaseForSuite(engine: Engine): () => Db {
  let database: TestDatabase | undefined;
  before(async () => {
    database = await createTestDatabase(engine);
    await loadDemoData(createServices(database.db));
  });
  after(async () => {
    await database?.dispose();
  });
  return () => {
    if (!database) throw new Error('the demonstration database is made before the suite runs');
    return database.db;
  };
}
