// Running the s117 command as an operator does, on a fresh embedded database or PostgreSQL database.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Engine } from '../../src/data/database.ts';
import { createPgliteDataDir, createTestDatabase, type TestDatabase } from './databases.ts';

const BIN = path.resolve('bin/s117.js');

export interface CliDatabase {
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

export async function cliDatabase(engine: Engine): Promise<CliDatabase> {
  if (engine === 'pglite') {
    // A copy of the migrated template: creating and migrating an empty folder takes a process seconds.
    const { dataDir, remove } = await createPgliteDataDir();
    return { env: { ...process.env, S117_DATA_DIR: dataDir, DATABASE_URL: '' }, cleanup: async () => remove() };
  }
  const database: TestDatabase = await createTestDatabase('postgres');
  return { env: { ...process.env, DATABASE_URL: (database.location as { databaseUrl: string }).databaseUrl }, cleanup: () => database.dispose() };
}

export function runS117(env: NodeJS.ProcessEnv, args: string[], input?: string) {
  return spawnSync(process.execPath, [BIN, ...args], { env, input, encoding: 'utf8', timeout: 60_000 });
}
