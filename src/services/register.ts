// The one way in for the server and the command line: opens the database the configuration names,
// brings its schema up to date, and wires the services. Nothing outside src/services and src/data
// opens a database or runs migrations.
import { ConfigError, requireProductionSecrets, type Config } from '../config.ts';
import { openDatabase, type Engine } from '../data/database.ts';
import { analyse, grantApplicationRole, vacuumAndAnalyse } from '../data/maintenance.ts';
import { listMigrations, migrate } from '../data/migrate.ts';
import { todayInLondon } from '../domain/dates.ts';
import { DEFAULT_REVIEW_SETTINGS } from '../domain/reviews.ts';
import { createServices, type Services } from './index.ts';
import { reprojectEveryone } from './kernel/projections.ts';
import { createIdentityCache, IDENTITY_CHANNEL } from './kernel/identity-cache.ts';
import { createScheduler, type Scheduler } from './kernel/scheduler.ts';

export interface Register {
  services: Services;
  engine: Engine;
  /** The migrations this opening applied, and the schema version the database is now at. */
  migrations: { applied: string[]; current: string | null };
  maintenance: {
    /** Derives every person's projections again from the facts; returns how many people. */
    reproject(onProgress?: (done: number) => void): Promise<number>;
    /**
     * The query planner needs table statistics. PostgreSQL's autovacuum keeps them; PGlite never does,
     * and without them register searches are a hundred times slower: analyse now, and on PGlite every
     * hour VACUUM ANALYZE, which also makes the space of replaced rows reusable (autovacuum's other job).
     */
    keepStatisticsFresh(): Promise<void>;
    /**
     * PostgreSQL: creates or updates the application's role, which may only insert into and read the
     * audit trail (docs/adr/0016). PGlite has one user and no roles: refused with a reason.
     */
    applicationRole(role: string, password?: string): Promise<void>;
  };
  /**
   * Jobs the server runs on a timer, each on one process at a time (kernel/scheduler.ts): the sweep of
   * what has run out, PGlite's statistics, and any the server adds (`scheduleJob({ name, everyMs, run })`).
   * Nothing runs until the server calls `start()`; the command line never does.
   */
  scheduler: Scheduler;
  close(): Promise<void>;
}

export interface OpenRegisterOptions {
  clock?: () => Date;
  /**
   * New migrations may add projections or change how they are derived: unless told not to, derive them
   * again for everyone after applying any, reporting progress.
   */
  reprojectAfterMigrating?: boolean;
  onReprojectProgress?: (done: number) => void;
}

export async function openRegister(config: Config, options: OpenRegisterOptions = {}): Promise<Register> {
  requireProductionSecrets(config);
  const handle = await openDatabase(config);
  let stopListening: (() => Promise<void>) | undefined;
  try {
    const applied = await migrate(handle);
    // "Who is asking" kept a few seconds; the database announces every change to a sign-in (migration
    // 0090), here and in every other process. Until listening, and whenever the listener's connection
    // drops, nothing is kept (identity-cache.ts).
    const identityCache = createIdentityCache({ ttlMs: (config.identityCacheSeconds ?? 5) * 1000 });
    stopListening = handle.listen?.(IDENTITY_CHANNEL, {
      message: (payload) => identityCache.changed(payload),
      lost: () => identityCache.untrusted(),
      ready: () => identityCache.trusted(),
    });
    const services = createServices(handle.db, {
      clock: options.clock,
      reviews: config.reviews,
      sessionHours: config.sessionHours,
      freePrescriptions: config.freePrescriptions,
      mha2025JointNotice: config.mha2025JointNotice,
      mha2025DeemedResidence: config.mha2025DeemedResidence,
      mha2025Imha: config.mha2025Imha,
      refundInterestBasisPoints: config.refundInterestBasisPoints,
      dpCareHomeSch2: config.dpCareHomeSch2,
      production: config.production,
      identity: config.identity,
      audit: { key: config.audit.key ?? undefined, checkpointsDir: config.audit.checkpointsDir, checkpointEveryMs: config.audit.checkpointEveryMs, sealIntervalMs: config.audit.sealIntervalMs, onSealError: (error) => console.error(`audit sealer: ${(error as Error).message.split('\n')[0]}`) },
      identityCache,
      sharedRateLimits: handle.engine === 'postgres',
    });
    const settings = { ...DEFAULT_REVIEW_SETTINGS, ...config.reviews };
    const law = { deemedResidence: config.mha2025DeemedResidence };
    const scheduler = createScheduler(handle.db, { engine: handle.engine });
    scheduler.scheduleJob({ name: 'sweep', everyMs: (config.sweepSeconds ?? 300) * 1000, run: () => services.housekeeping.sweep() });
    let statisticsScheduled = false;
    const maintenance: Register['maintenance'] = {
      reproject: (onProgress) => reprojectEveryone(handle.db, todayInLondon(), settings, law, onProgress),
      async keepStatisticsFresh() {
        await analyse(handle.db);
        if (handle.engine === 'pglite' && !statisticsScheduled) {
          statisticsScheduled = true;
          scheduler.scheduleJob({ name: 'vacuum-analyse', everyMs: 3_600_000, run: () => vacuumAndAnalyse(handle.db) });
        }
      },
      async applicationRole(role, password) {
        if (handle.engine === 'pglite') throw new ConfigError('The embedded database (PGlite) has a single user and no roles: application roles need PostgreSQL (DATABASE_URL)');
        await grantApplicationRole(handle.db, role, password);
      },
    };
    if (applied.length > 0 && options.reprojectAfterMigrating !== false) await maintenance.reproject(options.onReprojectProgress);
    return {
      services,
      engine: handle.engine,
      migrations: { applied, current: listMigrations().at(-1)?.version ?? null },
      maintenance,
      scheduler,
      async close() {
        await services.audit.sealer.stop();
        await scheduler.stop();
        await stopListening?.();
        await handle.close();
      },
    };
  } catch (error) {
    await stopListening?.();
    await handle.close();
    throw error;
  }
}
