// What the PostgreSQL benchmarks share: a fresh database dropped at the end, and timing a call
// with warm-up runs (median and 95th percentile).
import { adminQuery, openPostgres, type DatabaseHandle } from '../src/data/database.ts';
import { migrate } from '../src/data/migrate.ts';

export const ADMIN_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Runs `work` on a fresh, migrated database `name` on BENCH_DATABASE_URL's server, dropped afterwards. */
export async function withBenchDatabase<T>(name: string, work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  await adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminQuery(ADMIN_URL, `CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const handle = openPostgres(url.toString());
  try {
    await migrate(handle);
    return await work(handle);
  } finally {
    await handle.close();
    await adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

export interface Timing { operation: string; actor: string; iterations: number; medianMs: number; p95Ms: number; minMs: number; maxMs: number; rows: number }

/** Times `run` (which returns how many rows or people it covered) after `warmup` runs. */
export async function measure(operation: string, actor: string, counts: { iterations: number; warmup: number }, run: () => Promise<number>, unit = 'rows'): Promise<Timing> {
  let rows = 0;
  for (let i = 0; i < counts.warmup; i++) rows = await run();
  const samples: number[] = [];
  for (let i = 0; i < counts.iterations; i++) {
    const started = performance.now();
    rows = await run();
    samples.push(performance.now() - started);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  const median = sorted.length % 2 === 1 ? at(0.5) : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  const t = { operation, actor, iterations: samples.length, medianMs: Math.round(median), p95Ms: Math.round(at(0.95)), minMs: Math.round(sorted[0]!), maxMs: Math.round(sorted.at(-1)!), rows };
  process.stderr.write(`  ${operation} (${actor}): median ${t.medianMs} ms, p95 ${t.p95Ms} ms, ${rows} ${unit}\n`);
  return t;
}
