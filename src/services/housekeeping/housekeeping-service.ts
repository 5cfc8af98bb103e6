// What several processes share besides the records (issue 14, item 5): request rate limits counted in
// the database (PostgreSQL; PGlite, one process, keeps them in memory), and the sweep of what has run
// out (expired sessions, ended rate-limit windows and throttle counts, old job runs), a scheduled job.
import * as accounts from '../../data/accounts-repository.ts';
import type { Db } from '../../data/database.ts';
import * as identities from '../../data/identities-repository.ts';
import * as jobs from '../../data/jobs-repository.ts';
import * as rateLimits from '../../data/rate-limits-repository.ts';
import { FAILURE_WINDOW_MINUTES } from '../accounts/accounts-service.ts';

export interface HousekeepingOptions {
  clock: () => Date;
  /** Count request rate limits in the database, so that they hold across processes (PostgreSQL). */
  sharedRateLimits: boolean;
}

export function createHousekeepingService(db: Db, options: HousekeepingOptions) {
  return {
    /** True when rate limits are counted in the database; otherwise the server counts them in memory. */
    sharedRateLimits: options.sharedRateLimits,

    /** Counts `count` requests (default 1) against `key`'s window of `windowMs`: the count so far and the milliseconds left. */
    rateLimitHit: (key: string, windowMs: number, count = 1) => rateLimits.hit(db, key, windowMs, count),

    /** Removes what has run out; answers how many rows. Safe to run anywhere, any time. */
    async sweep(): Promise<number> {
      const now = options.clock();
      let removed = 0;
      removed += await accounts.deleteExpiredSessionsCounted(db, now);
      removed += await identities.deleteExpiredPersonSessionsCounted(db, now);
      removed += await accounts.deleteEndedSignInAttempts(db, new Date(now.getTime() - FAILURE_WINDOW_MINUTES * 60_000));
      removed += await rateLimits.deleteEnded(db);
      removed += await jobs.deleteOldRuns(db);
      return removed;
    },

    /** The record of a job's runs (which process, when, whether it failed). */
    jobRuns: (name: string) => jobs.listRuns(db, name),
  };
}

export type HousekeepingService = ReturnType<typeof createHousekeepingService>;
