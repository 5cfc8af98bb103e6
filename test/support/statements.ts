// Counting the statements a request sends (issue 14 item 3, "fewer round trips"): every statement
// Kysely compiles, through a plugin, and every BEGIN, COMMIT and ROLLBACK, which do not pass through
// plugins, through the drivers (patched once, when this module loads; not timed).
import { PGliteDriver, PostgresDriver, type Kysely, type KyselyPlugin } from 'kysely';

/** Whether BEGIN, COMMIT and ROLLBACK are being recorded, and where ('begin', 'commit', 'rollback'). */
export const transactions: { counting: boolean; seen: string[] } = { counting: false, seen: [] };
for (const driver of [PostgresDriver.prototype, PGliteDriver.prototype]) {
  for (const method of ['beginTransaction', 'commitTransaction', 'rollbackTransaction'] as const) {
    const original = driver[method] as (...args: unknown[]) => Promise<void>;
    (driver as unknown as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
      if (transactions.counting) transactions.seen.push(method === 'beginTransaction' ? 'begin' : method === 'commitTransaction' ? 'commit' : 'rollback');
      return original.apply(this, args);
    };
  }
}

/** A plugin that pushes the compiled SQL of each statement onto `seen` while `counting()` (compiled once more, outside the count). */
export function statementRecorder<DB>(db: Kysely<DB>, counting: () => boolean, seen: string[]): KyselyPlugin {
  return {
    transformQuery(args) {
      if (counting()) seen.push(db.getExecutor().compileQuery(args.node, args.queryId).sql);
      return args.node;
    },
    async transformResult(args) {
      return args.result;
    },
  };
}
