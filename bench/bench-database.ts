// The database the benchmarks run on: fresh and dropped at the end (the default), or named and kept
// so that later runs reuse it (`--database-url URL --keep`): generating 1,000,000 people takes more
// than half an hour on this machine, timing them a few minutes.
//
// A generated database records what it holds in a table of its own, bench_generated (people, seed,
// the day it was generated for, how the load went), written only after the load and VACUUM ANALYZE
// finished. A later run asking for the same people and seed finds that row and skips generating;
// any other content (a different size or seed, or a load that was interrupted) is dropped and made
// again, and only in a database whose name starts with s117_bench, so a real register is never dropped.
// Reusing runs the migrations again (a new index arrives that way) and adds the bench users if missing.
// Writes made by an earlier run (the HTTP benchmark's mixed workload adds legal statuses, reviews and
// plan drafts) stay in a kept database: they are a few thousand rows beside millions.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { DEMO_ORGANISATIONS } from '../src/cli/demo.ts';
import { findOrganisationByCode, findUserByEmail } from '../src/data/accounts-repository.ts';
import { adminQuery, openPglite, openPostgres, type DatabaseHandle, type Db, type Engine } from '../src/data/database.ts';
import { migrate } from '../src/data/migrate.ts';
import { todayInLondon } from '../src/domain/dates.ts';
import { actorFromUser, type Actor } from '../src/services/kernel/actor.ts';
import { createServices } from '../src/services/index.ts';
import { BENCH_LA, generate, type GenerateResult } from './generate.ts';

export const ADMIN_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
export const BENCH_PASSWORD = 'bench-http-password-117';

/** Everyone the benchmarks act as (each with a password, so the HTTP benchmark can sign in). */
export const BENCH_USERS = {
  practitioner: { email: 'practitioner@bench.s117.test', name: 'Council Practitioner', role: 'practitioner', organisationCode: BENCH_LA.north, password: BENCH_PASSWORD },
  trust: { email: 'trust@bench.s117.test', name: 'Ward Practitioner', role: 'practitioner', organisationCode: 'RZZ', password: BENCH_PASSWORD },
  approver: { email: 'approver@bench.s117.test', name: 'Council Lead', role: 'approver', organisationCode: BENCH_LA.north, password: BENCH_PASSWORD },
  admin: { email: 'admin@bench.s117.test', name: 'Bench Admin', role: 'admin', organisationCode: BENCH_LA.north, password: BENCH_PASSWORD },
} as const;

export interface BenchDatabaseOptions {
  engine: Engine;
  people: number;
  seed: number;
  /** PostgreSQL: the database to use (its name must start with s117_bench); default a fresh s117_bench_<label>_<pid>. */
  databaseUrl?: string | null;
  /** PGlite: the folder to use; default a fresh temporary folder. */
  dataDir?: string | null;
  /** Keep the database at the end (so a later run reuses it). */
  keep: boolean;
  /** Names the fresh database (s117_bench_<label>_<pid>). */
  label: string;
  projections?: 'fast' | 'services';
  analyze?: boolean;
  batchSize?: number;
  concurrency?: number;
}

export interface BenchDatabase {
  handle: DatabaseHandle;
  /** Where the server finds it. */
  location: { DATABASE_URL: string } | { S117_DATA_DIR: string };
  /** True when an earlier run's data was reused; `load` is then that run's. */
  reused: boolean;
  load: GenerateResult;
  vacuumAnalyzeSeconds: number;
  /** The day the people were generated for. */
  generatedFor: string;
  actors: Record<keyof typeof BENCH_USERS, Actor>;
  /** Closes the handle (if still open) and removes the database unless kept. */
  dispose(): Promise<void>;
  /** On Ctrl-C: removes the database at once unless kept. */
  forceRemove(): Promise<void> | void;
}

const log = (message: string) => process.stderr.write(message);
/** Seconds since a performance.now() reading, to a tenth. */
const secondsSince = (started: number) => Math.round((performance.now() - started) / 100) / 10;

interface Marker { people: number; seed: number; generated_for: string; projections: string; load: string; vacuum_seconds: number }

async function markerOf(db: Db): Promise<Marker | null> {
  try {
    const { rows } = await sql<Marker>`SELECT people, seed, generated_for::text AS generated_for, projections, load::text AS load, vacuum_seconds FROM bench_generated`.execute(db);
    return rows[0] ?? null;
  } catch {
    return null; // no such table: nothing generated here (or an older database)
  }
}

async function openDatabase(options: BenchDatabaseOptions): Promise<{ handle: DatabaseHandle; location: BenchDatabase['location']; remove: () => Promise<void> | void; recreate: () => Promise<DatabaseHandle> }> {
  if (options.engine === 'pglite') {
    const dir = options.dataDir ? path.resolve(options.dataDir) : mkdtempSync(path.join(os.tmpdir(), `s117-bench-${options.label}-`));
    const remove = () => rmSync(dir, { recursive: true, force: true });
    const handle = await openPglite(dir);
    return {
      handle, location: { S117_DATA_DIR: dir }, remove,
      recreate: async () => {
        await handle.close();
        remove();
        return openPglite(dir);
      },
    };
  }
  const url = new URL(options.databaseUrl ?? ADMIN_URL);
  if (!options.databaseUrl) url.pathname = `/s117_bench_${options.label}_${process.pid}`;
  const name = url.pathname.slice(1);
  if (!/^s117_bench\w*$/.test(name)) throw new Error(`--database-url: the database's name must start with s117_bench (it may be dropped and made again), not ${name}`);
  const admin = new URL(url);
  admin.pathname = new URL(ADMIN_URL).pathname;
  const drop = () => adminQuery(admin.toString(), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  const create = async () => {
    await drop();
    await adminQuery(admin.toString(), `CREATE DATABASE ${name}`);
    return openPostgres(url.toString());
  };
  let handle: DatabaseHandle;
  if (options.databaseUrl) {
    try {
      await adminQuery(url.toString(), 'SELECT 1');
      handle = openPostgres(url.toString());
    } catch {
      handle = await create(); // it does not exist yet
    }
  } else {
    handle = await create();
  }
  return {
    handle, location: { DATABASE_URL: url.toString() }, remove: drop,
    recreate: async () => {
      await handle.close();
      return create();
    },
  };
}

async function notificationStatesOf(db: Db): Promise<number> {
  return Number((await sql<{ n: string }>`SELECT count(*) AS n FROM notification_states`.execute(db)).rows[0]!.n);
}

async function ensureAccounts(db: Db): Promise<BenchDatabase['actors']> {
  const services = createServices(db);
  for (const org of DEMO_ORGANISATIONS) if (!(await findOrganisationByCode(db, org.code))) await services.accounts.addOrganisation(org);
  for (const user of Object.values(BENCH_USERS)) if (!(await findUserByEmail(db, user.email))) await services.accounts.addUser(user);
  const entries = await Promise.all(Object.entries(BENCH_USERS).map(async ([key, user]) => [key, actorFromUser((await findUserByEmail(db, user.email))!, 'bench')] as const));
  return Object.fromEntries(entries) as BenchDatabase['actors'];
}

/** Opens the benchmark's database with `options.people` generated people: reused when it already holds them. */
export async function openBenchDatabase(options: BenchDatabaseOptions): Promise<BenchDatabase> {
  const opened = await openDatabase(options);
  let handle = opened.handle;
  const named = Boolean(options.databaseUrl || (options.dataDir && existsSync(options.dataDir)));
  const where = 'DATABASE_URL' in opened.location ? new URL(opened.location.DATABASE_URL).pathname.slice(1) : opened.location.S117_DATA_DIR;
  const found = named ? await markerOf(handle.db) : null;
  const projections = options.projections ?? 'fast';
  const dispose = async () => {
    await handle.close().catch(() => {});
    if (!options.keep) await opened.remove();
  };
  const forceRemove = () => (options.keep ? undefined : opened.remove());

  // A load made before the generator recorded each person's notification state (issue 14, round 10)
  // would make every first change dearer than the register's own: it is made again.
  const current = found !== null && (await notificationStatesOf(handle.db)) >= found.people;
  if (found && !current) log(`  ${where} was made before the generator recorded notification states\n`);
  if (found && current && found.people === options.people && found.seed === options.seed && found.projections === projections) {
    log(`  reusing ${where}: ${options.people.toLocaleString('en-GB')} people, seed ${options.seed}, generated for ${found.generated_for}\n`);
    await migrate(handle);
    const actors = await ensureAccounts(handle.db);
    return { handle, location: opened.location, reused: true, load: JSON.parse(found.load) as GenerateResult, vacuumAnalyzeSeconds: found.vacuum_seconds, generatedFor: found.generated_for, actors, dispose, forceRemove };
  }
  if (named) {
    log(`  ${where} ${found ? `holds ${found.people} people (seed ${found.seed})` : 'holds no finished load'}: making it again\n`);
    handle = await opened.recreate();
  }
  await migrate(handle);
  const actors = await ensureAccounts(handle.db);
  const today = todayInLondon();
  const load = await generate(handle.db, {
    people: options.people, seed: options.seed, today, projections,
    registeredBy: { userId: actors.trust.userId, organisationId: actors.trust.organisationId, organisationCode: actors.trust.organisationCode },
    approverUserId: actors.approver.userId,
    batchSize: options.batchSize ?? 2000,
    concurrency: options.concurrency ?? (options.engine === 'postgres' ? 3 : 1),
    progress: (m) => log(`\r  ${m}   `),
  });
  log('\n');
  const vacuumStarted = performance.now();
  // What autovacuum does on PostgreSQL soon after a bulk load; PGlite never does it by itself
  // (see docs/performance.md). --no-analyze shows the register without statistics.
  if (options.analyze ?? true) await sql`VACUUM ANALYZE`.execute(handle.db);
  const vacuumAnalyzeSeconds = secondsSince(vacuumStarted);
  log(`  loaded in ${load.seconds.total.toFixed(1)} s (+ VACUUM ANALYZE ${vacuumAnalyzeSeconds} s)\n`);
  if (options.keep) {
    // The marker last: an interrupted load leaves none, and the next run makes the database again.
    await sql`CREATE TABLE bench_generated (people integer NOT NULL, seed integer NOT NULL, generated_for date NOT NULL, projections text NOT NULL, load jsonb NOT NULL, vacuum_seconds real NOT NULL, finished_at timestamptz NOT NULL DEFAULT now())`.execute(handle.db);
    await sql`INSERT INTO bench_generated (people, seed, generated_for, projections, load, vacuum_seconds) VALUES (${options.people}, ${options.seed}, ${today}, ${projections}, ${JSON.stringify(load)}, ${vacuumAnalyzeSeconds})`.execute(handle.db);
    log(`  kept as ${where}: later runs with --people ${options.people} --seed ${options.seed} reuse it\n`);
  }
  return { handle, location: opened.location, reused: false, load, vacuumAnalyzeSeconds, generatedFor: today, actors, dispose, forceRemove };
}

/**
 * The reports' summaries made for today before anything is timed, as the nightly job leaves them.
 * Otherwise the server under test starts that job itself (`reports-refresh`, due when there is no
 * snapshot of today): at 1,000,000 people it works out every person's contribution for about a
 * quarter of an hour on one of the two cores, and every figure taken meanwhile is a fraction of the
 * settled one. A benchmark killed mid-refresh leaves no snapshot, so the next one started it again.
 */
export async function reportSummariesForToday(db: Db): Promise<{ seconds: number; made: boolean }> {
  const started = performance.now();
  const result = await createServices(db).reports.refreshSummariesIfStale();
  const seconds = secondsSince(started);
  log(`  the reports' summaries for today: ${'skipped' in result ? 'already made' : `made in ${seconds} s`}\n`);
  return { seconds, made: !('skipped' in result) };
}

/**
 * VACUUM ANALYZE before anything is timed where nothing else would do it: PGlite, and a PostgreSQL
 * whose autovacuum is off (this machine's CI configuration turns it off). Otherwise the rows deleted
 * and replaced by earlier runs stay as dead rows: after the reports' refresh, 6,540,723 deleted marks
 * were still in report_dirty_people, read past by the summariser every five seconds.
 */
export async function vacuumWhereNothingElseDoes(db: Db, engine: Engine): Promise<{ seconds: number } | null> {
  const autovacuum = engine === 'postgres' && (await sql<{ on: string }>`SELECT current_setting('autovacuum') AS on`.execute(db)).rows[0]?.on === 'on';
  if (autovacuum) return null;
  const started = performance.now();
  await sql`VACUUM ANALYZE`.execute(db);
  const seconds = secondsSince(started);
  log(`  VACUUM ANALYZE (${engine === 'postgres' ? 'autovacuum is off on this server' : 'PGlite has no autovacuum'}): ${seconds} s\n`);
  return { seconds };
}
