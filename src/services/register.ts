// The one way in for the server and the command line: opens the database the configuration names,
// brings its schema up to date, and wires the services. Nothing outside src/services and src/data
// opens a database or runs migrations.
import type { Config } from '../config.ts';
import { openDatabase, type Engine } from '../data/database.ts';
import { analyse } from '../data/maintenance.ts';
import { listMigrations, migrate } from '../data/migrate.ts';
import { todayInLondon } from '../domain/dates.ts';
import { DEFAULT_REVIEW_SETTINGS } from '../domain/reviews.ts';
import { createServices, type Services } from './index.ts';
import { reprojectEveryone } from './kernel/person-record.ts';

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
     * and without them register searches are a hundred times slower: analyse now and every hour.
     */
    keepStatisticsFresh(): Promise<void>;
  };
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
  const handle = await openDatabase(config);
  try {
    const applied = await migrate(handle);
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
    });
    const settings = { ...DEFAULT_REVIEW_SETTINGS, ...config.reviews };
    let statisticsTimer: NodeJS.Timeout | undefined;
    const maintenance: Register['maintenance'] = {
      reproject: (onProgress) => reprojectEveryone(handle.db, todayInLondon(), settings, onProgress),
      async keepStatisticsFresh() {
        await analyse(handle.db);
        if (handle.engine === 'pglite' && !statisticsTimer) statisticsTimer = setInterval(() => void analyse(handle.db).catch(() => {}), 3_600_000).unref();
      },
    };
    if (applied.length > 0 && options.reprojectAfterMigrating !== false) await maintenance.reproject(options.onReprojectProgress);
    return {
      services,
      engine: handle.engine,
      migrations: { applied, current: listMigrations().at(-1)?.version ?? null },
      maintenance,
      async close() {
        clearInterval(statisticsTimer);
        await handle.close();
      },
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
