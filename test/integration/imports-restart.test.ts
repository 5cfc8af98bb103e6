// Moving in (issue 10): an import job cut off by a restart does not stay "running" for ever. The
// server (`s117 serve`, spawned as an operator would start it) marks the jobs a stopped process left
// queued or running as failed when it starts; a job waiting for a person's mapping keeps its file.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openPglite } from '../../src/data/database.ts';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { insertImportJob } from '../../src/data/imports-repository.ts';
import { createServices } from '../../src/services/index.ts';
import { seedAccounts } from '../support/app.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../support/databases.ts';
import { freePort } from '../support/ports.ts';

const BIN = path.resolve('bin/s117.js');
const SHA = 'a'.repeat(64);

for (const { engine, skip } of await testEngines()) {
  describe(`s117 serve after a restart on ${engine}`, { skip }, () => {
    let database: TestDatabase;
    const ids = { running: randomUUID(), queued: randomUUID(), mapping: randomUUID(), done: randomUUID() };

    before(async () => {
      database = await createTestDatabase(engine);
      await seedAccounts(createServices(database.db));
      const lead = (await findUserByEmail(database.db, 'la-approver@s117.test'))!;
      for (const [key, status] of [['running', 'running'], ['queued', 'queued'], ['mapping', 'mapping'], ['done', 'done']] as const) {
        await insertImportJob(database.db, {
          id: ids[key], kind: 'register', mode: 'commit', status, file_name: `${key}.csv`, sha256: SHA, size_bytes: 10,
          file_base64: key === 'mapping' ? Buffer.from('NHS number\n').toString('base64') : null, mapping: {}, created_by: lead.id, organisation_id: lead.organisation_id, dry_run_id: null,
        });
      }
      // The embedded database belongs to one process at a time: hand it to the server.
      if (engine === 'pglite') await database.close();
    });

    after(async () => {
      if (engine === 'pglite') rmSync((database.location as { dataDir: string }).dataDir, { recursive: true, force: true });
      else await database?.dispose();
    });

    /** Starts the server, waits until it says it is running, and stops it as an operator would. */
    async function serveOnce(): Promise<{ stdout: string; stderr: string }> {
      const where = 'dataDir' in database.location ? { S117_DATA_DIR: database.location.dataDir, DATABASE_URL: '' } : { DATABASE_URL: database.location.databaseUrl };
      const env = { ...process.env, ...where, PORT: String(await freePort()), HOST: '127.0.0.1', LOG_LEVEL: 'silent' };
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, 'serve'], { env });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          if (/is running at/.test(stdout)) child.kill('SIGTERM');
        });
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', () => resolve({ stdout, stderr }));
      });
    }

    test('REG-1: starting the server fails the jobs a stopped server left queued or running, and only those', async () => {
      const run = await serveOnce();
      assert.match(run.stdout, /is running at/, run.stderr);
      const db = engine === 'pglite' ? await openPglite((database.location as { dataDir: string }).dataDir) : database;
      try {
        const jobs = await db.db.selectFrom('import_jobs').select(['id', 'status', 'error', 'file_base64']).execute();
        const by = (id: string) => jobs.find((j) => j.id === id)!;
        assert.equal(by(ids.running).status, 'failed');
        assert.match(by(ids.running).error ?? '', /server restarted/);
        assert.equal(by(ids.queued).status, 'failed');
        assert.equal(by(ids.mapping).status, 'mapping');
        assert.notEqual(by(ids.mapping).file_base64, null);
        assert.equal(by(ids.done).status, 'done');
      } finally {
        if (engine === 'pglite') await db.close();
      }
    });
  });
}
