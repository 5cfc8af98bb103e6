// Moving in (issue 10), several servers on one database: an import job names the process running it
// and that process renews a heartbeat (a lease). A server starting fails only the queued or running
// jobs whose heartbeat is stale, never another live server's job; reading a stale job fails it too.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { insertImportJob } from '../../src/data/imports-repository.ts';
import { DEFAULT_LAW_SETTINGS } from '../../src/domain/aftercare.ts';
import { DEFAULT_REVIEW_SETTINGS } from '../../src/domain/reviews.ts';
import { createImportsService } from '../../src/services/imports/imports-service.ts';
import { createServices } from '../../src/services/index.ts';
import { createUseCases } from '../../src/services/kernel/use-case.ts';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { openPostgres } from '../../src/data/database.ts';
import { testEngines } from '../support/databases.ts';
import { createServiceFixture, type ServiceFixture } from '../support/services.ts';

const SHA = 'b'.repeat(64);

function registerCsv(rows: number): Buffer {
  const lines = ['NHS number,Surname,Forename,Date of birth,Section,Date detained,Discharge date,Responsible LA,ICB,S117'];
  for (let i = 0; i < rows; i += 1) lines.push(`${testNhsNumber(400_000 + i)},Family${i},Given${i},01/02/1970,3,01/03/2020,20/03/2020,E09000099,QZZ,yes`);
  return Buffer.from(`${lines.join('\n')}\n`);
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const { engine, skip } of await testEngines()) {
  describe(`import jobs with several servers on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    before(async () => {
      f = await createServiceFixture(engine);
    });
    after(async () => {
      await f?.close();
    });

    const statusOf = async (id: string) => (await f.database.db.selectFrom('import_jobs').select(['status', 'owner', 'heartbeat_at', 'error']).where('id', '=', id).executeTakeFirstOrThrow());
    const job = async (status: 'running' | 'queued', owner: string | null, heartbeatAt: Date | null) => {
      const id = randomUUID();
      await insertImportJob(f.database.db, {
        id, kind: 'register', mode: 'commit', status, file_name: 'x.csv', sha256: SHA, size_bytes: 1, file_base64: null, mapping: {},
        created_by: f.actors.laApprover.userId, organisation_id: f.actors.laApprover.organisationId, dry_run_id: null,
      });
      await f.database.db.updateTable('import_jobs').set({ owner, heartbeat_at: heartbeatAt }).where('id', '=', id).execute();
      return id;
    };

    test('REG-1: a server starting fails the jobs whose heartbeat is stale (or missing), not a live one of another server', async () => {
      const live = await job('running', 'server-a', new Date());
      const stale = await job('running', 'server-a', new Date(Date.now() - 10 * 60_000));
      const queuedStale = await job('queued', 'server-a', new Date(Date.now() - 10 * 60_000));
      const never = await job('running', null, null);
      const serverB = createServices(f.database.db);
      await serverB.imports.failAbandoned();
      assert.equal((await statusOf(live)).status, 'running');
      assert.equal((await statusOf(stale)).status, 'failed');
      assert.match((await statusOf(stale)).error ?? '', /server restarted/);
      assert.equal((await statusOf(queuedStale)).status, 'failed');
      assert.equal((await statusOf(never)).status, 'failed');
    });

    test('REG-1: reading a job whose server has gone (stale heartbeat) shows it failed, at once', async () => {
      const stale = await job('running', 'gone', new Date(Date.now() - 10 * 60_000));
      const live = await job('running', 'elsewhere', new Date());
      const serverB = createServices(f.database.db);
      assert.equal((await serverB.imports.get(f.actors.laApprover, stale)).status, 'failed');
      assert.equal((await serverB.imports.get(f.actors.laApprover, live)).status, 'running');
    });

    test('REG-1: a running job renews its heartbeat and names its owner', async () => {
      const clock = () => new Date();
      const useCases = createUseCases(f.database.db, { clock, reviews: DEFAULT_REVIEW_SETTINGS, law: DEFAULT_LAW_SETTINGS });
      const serverA = createImportsService(f.database.db, { clock, reviews: DEFAULT_REVIEW_SETTINGS, useCases, lease: { heartbeatMs: 20, staleMs: 60_000 }, owner: 'server-a' });
      const started = await serverA.start(f.actors.laApprover, { kind: 'register', mode: 'dry-run', fileName: 'beat.csv', content: registerCsv(60) });
      const first = await statusOf(started.id);
      assert.equal(first.owner, 'server-a');
      assert.ok(first.heartbeat_at);
      const finished = await until(() => serverA.get(f.actors.laApprover, started.id), (j) => j.status !== 'running');
      assert.equal(finished.status, 'done');
    });

    // On PostgreSQL only: needs a second connection to hold the import back.
    if (engine === 'postgres') test('REG-1: two servers on one PostgreSQL database: one starting does not fail the other’s running import', async () => {
      // Hold the import back (a lock on the people table from another connection) so that it is surely running
      // when the second server starts.
      const blocker = openPostgres((f.database.location as { databaseUrl: string }).databaseUrl);
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => (locked = r));
      const holding = blocker.db.transaction().execute(async (trx) => {
        await sql`LOCK TABLE people IN ACCESS EXCLUSIVE MODE`.execute(trx);
        locked();
        await released;
      });
      try {
        await isLocked;
        const serverA = createServices(f.database.db);
        const started = await serverA.imports.start(f.actors.laApprover, { kind: 'register', mode: 'commit', fileName: 'a.csv', content: registerCsv(20) });
        assert.equal(started.status, 'running');
        const serverB = createServices(f.database.db); // a second server starts, as `s117 serve` does
        await serverB.imports.failAbandoned();
        assert.equal((await statusOf(started.id)).status, 'running');
        assert.equal((await serverB.imports.get(f.actors.laApprover, started.id)).status, 'running');
        release();
        await holding;
        const finished = await until(() => serverA.imports.get(f.actors.laApprover, started.id), (j) => j.status !== 'running');
        assert.equal(finished.status, 'done');
        assert.equal(finished.report?.created, 20);
      } finally {
        release();
        await holding.catch(() => undefined);
        await blocker.close();
      }
    });
  });
}
