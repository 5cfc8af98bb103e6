// Test databases. PGlite: one migrated template per set of migrations, copied for each test file
// (a fresh PGlite takes seconds to start; a copy opens in well under one). PostgreSQL: a new
// database per test file, dropped afterwards. Where PostgreSQL is not reachable the PostgreSQL
// tests are skipped with a reason, except in CI or when TEST_DATABASE_URL is set: then they fail.
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { adminQuery as runAdminQuery, openPglite, openPostgres, type DatabaseHandle, type Engine } from '../../src/data/database.ts';
import { listMigrations, migrate } from '../../src/data/migrate.ts';

const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const postgresUrl = process.env.TEST_DATABASE_URL || DEFAULT_POSTGRES_URL;
export const postgresRequired = Boolean(process.env.TEST_DATABASE_URL) || process.env.CI === 'true';

export interface TestDatabase extends DatabaseHandle {
  /** Where another process can reach the same database: DATABASE_URL or S117_DATA_DIR. */
  location: { databaseUrl: string } | { dataDir: string };
  dispose(): Promise<void>;
}

export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  return engine === 'pglite' ? createPgliteDatabase() : createPostgresDatabase();
}

/**
 * A migrated PGlite data folder for another process (the s117 command) to open, copied from the
 * template; removed by the returned function.
 */
export async function createPgliteDataDir(): Promise<{ dataDir: string; remove(): void }> {
  const template = await pgliteTemplate();
  const dir = path.join(tmpdir(), `s117-test-${process.pid}-${randomBytes(4).toString('hex')}`);
  cpSync(template, dir, { recursive: true });
  return { dataDir: dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

async function createPgliteDatabase(): Promise<TestDatabase> {
  const { dataDir: dir } = await createPgliteDataDir();
  const handle = await openPglite(dir);
  return {
    ...handle,
    location: { dataDir: dir },
    async dispose() {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function pgliteTemplate(): Promise<string> {
  const key = createHash('sha256').update(listMigrations().map((m) => m.version + m.sql).join('\n')).digest('hex').slice(0, 16);
  const dir = path.join(tmpdir(), `s117-pglite-template-${key}`);
  if (existsSync(path.join(dir, 'PG_VERSION'))) return dir;
  // Build beside it and rename, so that parallel test files never see a half-made template.
  const building = `${dir}.${process.pid}.${randomBytes(4).toString('hex')}`;
  mkdirSync(building, { recursive: true });
  const handle = await openPglite(building);
  await migrate(handle);
  await handle.close();
  try {
    renameSync(building, dir);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another process won the race
  }
  return dir;
}

async function createPostgresDatabase(): Promise<TestDatabase> {
  const name = `s117_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  const handle = openPostgres(url.toString());
  await migrate(handle);
  return {
    ...handle,
    location: { databaseUrl: url.toString() },
    async dispose() {
      await handle.close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** CREATE and DROP DATABASE on the server, from its admin connection. */
const adminQuery = (text: string) => runAdminQuery(postgresUrl, text);

let postgresCheck: Promise<boolean> | null = null;
export function postgresAvailable(): Promise<boolean> {
  postgresCheck ??= (async () => {
    try {
      await adminQuery('SELECT 1');
      return true;
    } catch {
      return false;
    }
  })();
  return postgresCheck;
}

/**
 * The engines a database test should run on, with the reason for any it must skip.
 * Throws when PostgreSQL is required (CI, TEST_DATABASE_URL) but not reachable.
 */
export async function testEngines(): Promise<{ engine: Engine; skip: string | false }[]> {
  const available = await postgresAvailable();
  if (!available && postgresRequired) throw new Error(`PostgreSQL is required (CI or TEST_DATABASE_URL) but not reachable at ${new URL(postgresUrl).host}`);
  return [
    { engine: 'pglite', skip: false },
    { engine: 'postgres', skip: available ? false : `PostgreSQL is not reachable at ${new URL(postgresUrl).host}` },
  ];
}
