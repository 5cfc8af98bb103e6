// Scheduled jobs shared by several processes (migration 0090): a job's lease, taken by one UPDATE when
// its period has passed and nobody holds it, so that of several processes asking at once one gets it.
// Times are the database's (now()), so that the clocks of several machines need not agree.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from './database.ts';

export async function ensureJob(db: Db, name: string): Promise<void> {
  await db.insertInto('scheduled_jobs').values({ name }).onConflict((oc) => oc.column('name').doNothing()).execute();
}

/**
 * Takes the job's lease for `leaseMs` when its last run started at least `everyMs` ago (or never) and
 * no live lease is held; answers the database's time it was taken at, or null when not taken. Under READ COMMITTED a second UPDATE waiting on the row
 * re-checks the conditions on the row the first left, and so finds the lease held.
 */
export async function claimJob(db: Db, name: string, holder: string, everyMs: number, leaseMs: number): Promise<Date | null> {
  const row = await db
    .updateTable('scheduled_jobs')
    .set({ locked_by: holder, locked_until: sql<Date>`now() + ${leaseMs} * interval '1 millisecond'`, last_started_at: sql<Date>`now()` })
    .where('name', '=', name)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', sql<Date>`now()`)]))
    .where((eb) => eb.or([eb('last_started_at', 'is', null), eb('last_started_at', '<=', sql<Date>`now() - ${everyMs} * interval '1 millisecond'`)]))
    .returning('last_started_at')
    .executeTakeFirst();
  return row?.last_started_at ?? null;
}

/** Keeps the lease while the job runs; false when it is no longer this holder's (it ran out and another took it). */
export async function renewJob(db: Db, name: string, holder: string, leaseMs: number): Promise<boolean> {
  const result = await db
    .updateTable('scheduled_jobs')
    .set({ locked_until: sql<Date>`now() + ${leaseMs} * interval '1 millisecond'` })
    .where('name', '=', name)
    .where('locked_by', '=', holder)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Gives the lease back and records the run. */
export async function finishJob(db: Db, name: string, holder: string, run: { startedAt: Date; error: string | null }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('scheduled_jobs')
      .set((eb) => ({ locked_by: null, locked_until: null, last_finished_at: sql<Date>`now()`, last_error: run.error, runs: eb('runs', '+', 1) }))
      .where('name', '=', name)
      .where('locked_by', '=', holder)
      .execute();
    await trx.insertInto('scheduled_job_runs').values({ id: randomUUID(), name, process: holder, started_at: run.startedAt, finished_at: sql<Date>`now()`, error: run.error }).execute();
  });
}

/** Records a run of a job that needs no lease (PGlite: one process). */
export async function recordRun(db: Db, name: string, holder: string, run: { startedAt: Date; error: string | null }): Promise<void> {
  await db.insertInto('scheduled_jobs').values({ name, last_started_at: run.startedAt, last_finished_at: new Date(), last_error: run.error, runs: 1 })
    .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ last_started_at: run.startedAt, last_finished_at: new Date(), last_error: run.error, runs: eb('scheduled_jobs.runs', '+', 1) })))
    .execute();
  await db.insertInto('scheduled_job_runs').values({ id: randomUUID(), name, process: holder, started_at: run.startedAt, finished_at: new Date(), error: run.error }).execute();
}

export function listRuns(db: Db, name: string): Promise<{ process: string; started_at: Date; finished_at: Date; error: string | null }[]> {
  return db.selectFrom('scheduled_job_runs').select(['process', 'started_at', 'finished_at', 'error']).where('name', '=', name).orderBy('started_at').execute();
}

/** The database's time now (a job's runs are timed by it). */
export async function databaseNow(db: Db): Promise<Date> {
  return (await sql<{ now: Date }>`SELECT now() AS now`.execute(db)).rows[0]!.now;
}

/** Removes the record of runs older than a week; answers how many. */
export async function deleteOldRuns(db: Db): Promise<number> {
  const result = await db.deleteFrom('scheduled_job_runs').where('started_at', '<', sql<Date>`now() - interval '7 days'`).executeTakeFirst();
  return Number(result.numDeletedRows);
}
