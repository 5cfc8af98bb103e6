// Jobs run on a timer by the server (issue 14, item 5): the statistics for PGlite's query planner, the
// sweep of what has run out, the review reminders, and later the audit sealer. With several processes
// on one PostgreSQL each job runs on exactly one process at a time: every process asks, each period,
// to take the job's lease in the database (jobs-repository.ts claimJob, one atomic UPDATE), the one that
// gets it runs the job, renewing the lease while it runs, and gives it back with the run recorded.
// The period is the installation's, not each process's: a job every hour runs once an hour however
// many processes there are, and a process that dies mid-run loses its lease when it runs out. On
// PGlite (one process) a job runs directly on its timer.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db, Engine } from '../../data/database.ts';
import * as jobs from '../../data/jobs-repository.ts';

export interface Job {
  /** Unique: the lease and the record of runs are kept by it. */
  name: string;
  /** How often it runs, in milliseconds. */
  everyMs: number;
  run: () => Promise<unknown>;
  /** How long a lease lasts before it must be renewed (default 60 s; renewed every third of it while running). */
  leaseMs?: number;
}

export interface SchedulerOptions {
  engine: Engine;
  /** Names this process in the record of runs (default host:pid:random). */
  holder?: string;
  /** Reports a failed run (the error's type and message, never data). */
  onError?: (job: string, error: unknown) => void;
}

const DEFAULT_LEASE_MS = 60_000;

export function createScheduler(db: Db, options: SchedulerOptions) {
  const holder = options.holder ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const registered = new Map<string, Job>();
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Map<string, Promise<boolean>>();
  const ensured = new Set<string>();
  let started = false;

  async function runJob(job: Job, startedAt: Date, record: (run: { startedAt: Date; error: string | null }) => Promise<void>): Promise<void> {
    let error: string | null = null;
    try {
      await job.run();
    } catch (e) {
      error = describe(e);
      options.onError?.(job.name, e);
    }
    await record({ startedAt, error });
  }

  /** One attempt: runs the job when it is due and this process gets its lease; true when it ran here. */
  async function attempt(job: Job): Promise<boolean> {
    if (options.engine === 'pglite') {
      await runJob(job, new Date(), (run) => jobs.recordRun(db, job.name, holder, run));
      return true;
    }
    const leaseMs = job.leaseMs ?? DEFAULT_LEASE_MS;
    if (!ensured.has(job.name)) {
      await jobs.ensureJob(db, job.name);
      ensured.add(job.name);
    }
    const startedAt = await jobs.claimJob(db, job.name, holder, job.everyMs, leaseMs);
    if (!startedAt) return false;
    const renew = setInterval(() => void jobs.renewJob(db, job.name, holder, leaseMs).catch(() => {}), Math.max(1000, leaseMs / 3));
    renew.unref();
    try {
      await runJob(job, startedAt, (run) => jobs.finishJob(db, job.name, holder, run));
    } finally {
      clearInterval(renew);
    }
    return true;
  }

  function tick(job: Job): Promise<boolean> {
    const current = running.get(job.name);
    if (current) return current.then(() => false);
    const next = attempt(job)
      .catch((e) => {
        options.onError?.(job.name, e);
        return false;
      })
      .finally(() => running.delete(job.name));
    running.set(job.name, next);
    return next;
  }

  function arm(job: Job): void {
    // PGlite: every period. PostgreSQL: ask twice a period (at most every 30 s), so that a job runs
    // close to its time whichever process gets it.
    const interval = options.engine === 'pglite' ? job.everyMs : Math.min(30_000, Math.max(250, Math.floor(job.everyMs / 2)));
    const timer = setInterval(() => void tick(job), interval);
    timer.unref();
    timers.set(job.name, timer);
    if (options.engine === 'postgres') void tick(job);
  }

  return {
    holder,
    /** Registers a job; once started, it runs on its timer (a job registered later starts at once). */
    scheduleJob(job: Job): void {
      if (registered.has(job.name)) throw new Error(`A job named ${job.name} is already scheduled`);
      if (!(job.everyMs > 0)) throw new Error(`Job ${job.name} needs a period`);
      registered.set(job.name, job);
      if (started) arm(job);
    },
    start(): void {
      if (started) return;
      started = true;
      for (const job of registered.values()) arm(job);
    },
    /** Runs the named job now if it is due and this process gets it (tests, and the command line). */
    runNow(name: string): Promise<boolean> {
      const job = registered.get(name);
      if (!job) throw new Error(`No job named ${name}`);
      return tick(job);
    },
    /** Stops the timers and waits for any run in progress. */
    async stop(): Promise<void> {
      started = false;
      for (const timer of timers.values()) clearInterval(timer);
      timers.clear();
      await Promise.all([...running.values()]);
    },
    jobs: () => [...registered.keys()],
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;

/** A failure's type and first line, at most 200 characters: never a row's values. */
function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message.split('\n')[0] ?? ''}`.slice(0, 200);
  return 'failed';
}
