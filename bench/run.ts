// Benchmarks of the register's reads, through the services as the API and the pages call them.
//
//   node bench/run.ts [--engine pglite|postgres|both] [--people 100000] [--iterations 200] [--warmup 20] [--seed 117]
//                     [--projections fast|services] [--no-analyze] [--database-url URL] [--data-dir DIR] [--keep]
//
// For each engine it generates the people into a fresh database (PGlite in a temporary folder;
// PostgreSQL: a new database s117_bench_run_<pid> on BENCH_DATABASE_URL's server, default
// postgres://postgres@127.0.0.1:5432/test, dropped at the end), or reuses one generated earlier
// (--database-url for PostgreSQL, --data-dir for PGlite, with --keep: bench/bench-database.ts), then times each operation many times
// after a warm-up, as a practitioner of E09000099 and as an admin. It prints the median and 95th
// percentile in milliseconds, the query plans of the register searches, and writes everything as
// JSON into bench/results/ (git-ignored). It reports figures; it never passes or fails.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setImmediate } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { CompiledQuery, sql } from 'kysely';
import { CaptureSql } from './capture-sql.ts';
import { appendAuditEvent } from '../src/data/audit-repository.ts';
import type { Db, Engine } from '../src/data/database.ts';
import * as people from '../src/data/people-repository.ts';
import { computeAftercare, DEFAULT_LAW_SETTINGS, type PersonFacts } from '../src/domain/aftercare.ts';
import { todayInLondon } from '../src/domain/dates.ts';
import { DEFAULT_REVIEW_SETTINGS } from '../src/domain/reviews.ts';
import type { Actor } from '../src/services/kernel/actor.ts';
import { createServices } from '../src/services/index.ts';
import { refreshProjections } from '../src/services/kernel/projections.ts';
import { openBenchDatabase } from './bench-database.ts';
import { BENCH_ICB, BENCH_LA, FAMILY_NAMES, GIVEN_NAMES, PLACE_SURNAMES, Prng, type GenerateResult } from './generate.ts';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
interface Options { engines: Engine[]; people: number; iterations: number; warmup: number; seed: number; projections: 'fast' | 'services'; analyze: boolean; databaseUrl: string | null; dataDir: string | null; keep: boolean }

interface Timing { operation: string; actor: string; iterations: number; medianMs: number; p95Ms: number; meanMs: number; minMs: number; maxMs: number; note?: string }

interface EngineReport {
  engine: Engine;
  databaseVersion: string;
  load: GenerateResult;
  vacuumAnalyzeSeconds: number;
  /** With fast projections: a sample re-derived by refreshProjections, and the people whose core projection differed. */
  consistency: { checked: number; mismatches: string[] } | null;
  /** True when an earlier run's kept database was reused (its load figures are that run's). */
  reused: boolean;
  /** The machine's 1-minute load average before and after the timings (other work on it skews them). */
  loadAverage: { before: number; after: number };
  timings: Timing[];
  plans: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Arguments

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      engine: { type: 'string', default: 'both' },
      people: { type: 'string', default: '100000' },
      iterations: { type: 'string', default: '200' },
      warmup: { type: 'string', default: '20' },
      seed: { type: 'string', default: '117' },
      projections: { type: 'string', default: 'fast' },
      'no-analyze': { type: 'boolean', default: false },
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  if (values.projections !== 'fast' && values.projections !== 'services') throw new Error('--projections must be fast or services');
  const engine = values.engine;
  if (engine !== 'pglite' && engine !== 'postgres' && engine !== 'both') throw new Error('--engine must be pglite, postgres or both');
  const number = (name: string, value: string, min: number) => {
    const n = Number(value.replace(/[_,]/g, ''));
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number of at least ${min}`);
    return n;
  };
  return {
    engines: engine === 'both' ? ['postgres', 'pglite'] : [engine],
    people: number('people', values.people, 100),
    iterations: number('iterations', values.iterations, 1),
    warmup: number('warmup', values.warmup, 0),
    seed: number('seed', values.seed, 0),
    projections: values.projections,
    analyze: !values['no-analyze'],
    databaseUrl: values['database-url'] ?? null,
    dataDir: values['data-dir'] ?? null,
    keep: values.keep,
  };
}

// The databases (bench/bench-database.ts): fresh and removed afterwards (also on Ctrl-C), or kept.

const cleanups = new Set<() => Promise<void>>();
/** On Ctrl-C: remove the databases at once, without waiting for queries in flight to finish. */
const forcedCleanups = new Set<() => Promise<void> | void>();

process.once('SIGINT', () => {
  process.stderr.write('\ninterrupted: removing the benchmark databases\n');
  // Dropping a database under a query in flight resets that connection; that is expected now.
  process.on('uncaughtException', () => {});
  void Promise.allSettled([...forcedCleanups].map(async (c) => c())).then(() => process.exit(130));
});

// ---------------------------------------------------------------------------------------------
// Timing

function summarise(operation: string, actor: string, samples: number[], note?: string): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  const round = (n: number) => Math.round(n * 10_000) / 10_000;
  return {
    operation, actor, iterations: samples.length,
    medianMs: round(sorted.length % 2 === 1 ? at(0.5) : ((sorted[sorted.length / 2 - 1] ?? 0) + (sorted[sorted.length / 2] ?? 0)) / 2),
    p95Ms: round(at(0.95)),
    meanMs: round(samples.reduce((s, x) => s + x, 0) / samples.length),
    minMs: round(sorted[0] ?? 0),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
    ...(note && { note }),
  };
}

async function measure(operation: string, actor: string, options: Options, run: (i: number) => Promise<unknown> | unknown, note?: string): Promise<Timing> {
  for (let i = 0; i < options.warmup; i++) await run(i);
  const samples: number[] = [];
  for (let i = 0; i < options.iterations; i++) {
    // PGlite answers without going back to the event loop, so Ctrl-C would wait for the end: yield.
    await setImmediate();
    const started = performance.now();
    await run(options.warmup + i);
    samples.push(performance.now() - started);
  }
  const timing = summarise(operation, actor, samples, note);
  process.stderr.write(`  ${operation} (${actor}): median ${timing.medianMs.toFixed(2)} ms, p95 ${timing.p95Ms.toFixed(2)} ms\n`);
  return timing;
}

/** Picks `n` items (repeating when there are fewer), in a seeded order. */
function sample<T>(rng: Prng, items: readonly T[], n: number): T[] {
  if (items.length === 0) throw new Error('nothing to sample from');
  const pool = [...items];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return Array.from({ length: n }, (_, i) => pool[i % pool.length] as T);
}

// ---------------------------------------------------------------------------------------------
// Query plans: the SQL the services send, captured on its way out and run again under EXPLAIN (capture-sql.ts).

/** The register's statements (selects from people) that `run` sends. */
async function capturedRegisterStatements(db: Db, run: (db: Db) => Promise<unknown>): Promise<CompiledQuery[]> {
  const capture = new CaptureSql(db);
  await run(db.withPlugin(capture));
  // A search with words is one WITH RECURSIVE statement (people-repository.ts namePrefixPage, written as SQL).
  return capture.statements.filter((s) => /^\s*(select|with)\b/i.test(s.sql) && /from "?people"?[\s,]/i.test(s.sql));
}

async function explain(db: Db, statement: CompiledQuery): Promise<string> {
  const result = await db.executeQuery<Record<string, string>>(CompiledQuery.raw(`EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`, [...statement.parameters]));
  return result.rows.map((r) => Object.values(r)[0]).join('\n');
}

async function explainSearch(db: Db, actor: Actor, input: Record<string, unknown>): Promise<string> {
  const [statement] = await capturedRegisterStatements(db, (d) => createServices(d).people.search(actor, input));
  return statement ? explain(db, statement) : '(no register query captured)';
}

/** The indexes (or sequential scans) a plan uses, for the summary table. */
function planAccess(plan: string): string {
  const found = new Set<string>();
  for (const m of plan.matchAll(/(Index Only Scan|Index Scan)(?: Backward)? using (\S+)|Bitmap Index Scan on (\S+)|Seq Scan on (\S+)/g)) {
    if (m[2]) found.add(`${m[2]}`);
    else if (m[3]) found.add(`${m[3]} (bitmap)`);
    else if (m[4]) found.add(`seq scan ${m[4]}`);
  }
  return [...found].join(', ');
}

// ---------------------------------------------------------------------------------------------
// One engine

async function benchEngine(engine: Engine, options: Options): Promise<EngineReport> {
  process.stderr.write(`\n== ${engine}: ${options.people.toLocaleString('en-GB')} people ==\n`);
  const bench = await openBenchDatabase({
    engine, people: options.people, seed: options.seed, keep: options.keep, label: 'run',
    databaseUrl: engine === 'postgres' ? options.databaseUrl : null,
    dataDir: engine === 'pglite' ? options.dataDir : null,
    projections: options.projections, analyze: options.analyze,
  });
  const dispose = async () => {
    cleanups.delete(dispose);
    forcedCleanups.delete(bench.forceRemove);
    await bench.dispose();
  };
  cleanups.add(dispose);
  forcedCleanups.add(bench.forceRemove);
  try {
    const db = bench.handle.db;
    const services = createServices(db);
    const { practitioner, admin } = bench.actors;
    const today = todayInLondon();
    const { load, vacuumAnalyzeSeconds } = bench;
    process.stderr.write(`  statuses ${JSON.stringify(load.statuses)}\n`);
    // Re-deriving a sample rewrites their projections: not in a kept database another run reuses.
    const consistency = options.projections === 'fast' && !bench.reused ? await checkProjections(db, new Prng(options.seed + 10), bench.generatedFor) : null;
    if (consistency && consistency.mismatches.length > 0) {
      process.stderr.write(`  WARNING: the generated projections differ from refreshProjections for ${consistency.mismatches.length} of ${consistency.checked} people sampled; `
        + 'bench/generate.ts projectionOf needs bringing into step (or run with --projections services)\n');
    }
    const loadBefore = os.loadavg()[0] ?? 0;

    const n = options.warmup + options.iterations;
    const rng = new Prng(options.seed + 20);
    const visibleIds = (await db.selectFrom('person_organisations').select('person_id').where('organisation_code', '=', BENCH_LA.north).execute()).map((r) => r.person_id);
    const allIds = (await db.selectFrom('people').select('id').execute()).map((r) => r.id);
    const subjects = { practitioner: sample(rng, visibleIds, n), admin: sample(rng, allIds, n) };
    const nhsOf = async (ids: string[]) => (await db.selectFrom('people').select('nhs_number').where('id', 'in', ids).where('nhs_number', 'is not', null).execute()).map((r) => r.nhs_number as string);
    const nhsNumbers = { practitioner: sample(rng, await nhsOf(subjects.practitioner), n), admin: sample(rng, await nhsOf(subjects.admin), n) };
    // What someone types to find a person on the register: the first 3 to 5 letters of the family
    // name of a person who is there (so common names are searched more often, as in life).
    const familyNames = (await db.selectFrom('people').select('family_name').where('id', 'in', subjects.practitioner).execute()).map((r) => r.family_name);
    const prefixes = sample(rng, familyNames, n).map((name) => name.slice(0, rng.int(3, 5)));
    const matching = await prefixMatches(db, prefixes.slice(0, 100));
    const localIdOf = async (ids: string[]) => (await db.selectFrom('people').select('local_id').where('id', 'in', ids).where('local_id', 'is not', null).execute()).map((r) => r.local_id as string);
    const localIds = { practitioner: sample(rng, await localIdOf(subjects.practitioner), n), admin: sample(rng, await localIdOf(subjects.admin), n) };
    // Common: the first 3 letters of the 20 commonest family names; rare: 5 letters of a place-name surname.
    const common = sample(rng, FAMILY_NAMES.slice(0, 20).map((name) => name.slice(0, 3)), n);
    const rare = sample(rng, PLACE_SURNAMES.map((name) => name.slice(0, 5)), n);
    // Given names: the first 3 letters of the 20 commonest (Oli matches Oliver and Olivia: 43,000 at 1,000,000).
    const commonGiven = sample(new Prng(options.seed + 21), GIVEN_NAMES.slice(0, 20).map((name) => name.slice(0, 3)), n);

    const timings: Timing[] = [];
    const plans: Record<string, string> = {};
    for (const [label, actor] of [['practitioner E09000099', practitioner], ['admin', admin]] as const) {
      const who = label === 'admin' ? 'admin' : 'practitioner';
      const search = (input: Record<string, unknown>) => services.people.search(actor, input);
      const searches: [string, (i: number) => Record<string, unknown>][] = [
        ['search: family-name prefix', (i) => ({ q: prefixes[i] })],
        ['search: common prefix (3 letters)', (i) => ({ q: common[i] })],
        ['search: rare prefix (5 letters)', (i) => ({ q: rare[i] })],
        ['search: common given-name prefix (3 letters)', (i) => ({ q: commonGiven[i] })],
        ['search: two words (given-name prefix, family-name prefix)', (i) => ({ q: `${commonGiven[i]} ${common[i]}` })],
        ['search: common prefix and status=active', (i) => ({ q: common[i], status: 'active' })],
        ['search: NHS number', (i) => ({ q: nhsNumbers[who][i] })],
        ['search: local id', (i) => ({ q: localIds[who][i] })],
        ['search: status=active', () => ({ status: 'active' })],
        ['search: status=in-custody', () => ({ status: 'in-custody' })],
        ['search: status=entitled-pending-discharge', () => ({ status: 'entitled-pending-discharge' })],
        ['search: reviewOverdue=true', () => ({ reviewOverdue: 'true' })],
        ['search: LA filter, page 1', () => ({ localAuthority: BENCH_LA.north })],
        ['search: ICB filter, page 1', () => ({ icb: BENCH_ICB.north })],
        ['search: LA filter + status=active', () => ({ localAuthority: BENCH_LA.north, status: 'active' })],
      ];
      for (const [operation, input] of searches) {
        const note = operation === 'search: family-name prefix' ? `3 to 5 letters; people matching a prefix (all organisations): median ${matching.median}, p95 ${matching.p95}` : undefined;
        timings.push(await measure(operation, label, options, (i) => search(input(i)), note));
        // The same search straight through the repository: the query alone, without the audit event.
        timings.push(await measure(`${operation} [query only]`, label, options, (i) => people.searchRegister(db, registerQuery(actor, input(i), today))));
        plans[`${operation} (${label})`] = await explainSearch(db, actor, input(0));
      }
      const first = await search({ localAuthority: BENCH_LA.north });
      if (!first.nextCursor) throw new Error('expected a second page');
      const secondPage = { localAuthority: BENCH_LA.north, cursor: first.nextCursor };
      timings.push(await measure('search: LA filter, page 2 (cursor)', label, options, () => search(secondPage)));
      plans[`search: LA filter, page 2 (cursor) (${label})`] = await explainSearch(db, actor, secondPage);

      // The register page: a numbered page in the chosen order, with the total (a count of every match).
      const registerPages: [string, (i: number) => Record<string, unknown>][] = [
        ['register page: everyone, page 1', () => ({})],
        ['register page: common prefix (3 letters)', (i) => ({ q: common[i] })],
        ['register page: common given-name prefix (3 letters)', (i) => ({ q: commonGiven[i] })],
        ['register page: common prefix, page 5', (i) => ({ q: common[i], page: '5' })],
        ['register page: status=active', () => ({ status: 'active' })],
        ['register page: LA filter, page 3', () => ({ localAuthority: BENCH_LA.north, page: '3' })],
      ];
      for (const [operation, input] of registerPages) {
        timings.push(await measure(operation, label, options, (i) => services.people.registerPage(actor, input(i))));
        const statements = await capturedRegisterStatements(db, (d) => createServices(d).people.registerPage(actor, input(0)));
        for (const [k, statement] of statements.entries()) plans[`${operation} #${k + 1} (${label})`] = await explain(db, statement);
      }

      const ids = subjects[who];
      timings.push(await measure('person page: people.get', label, options, (i) => services.people.get(actor, ids[i] as string)));
      timings.push(await measure('person page: legalHistory', label, options, (i) => services.legalHistory.legalHistory(actor, ids[i] as string)));
      timings.push(await measure('person page: aftercare', label, options, (i) => services.legalHistory.aftercare(actor, ids[i] as string), 'also re-derives and rewrites the projections'));
      timings.push(await measure('person page: all three', label, options, async (i) => {
        const id = ids[i] as string;
        await services.people.get(actor, id);
        await services.legalHistory.legalHistory(actor, id);
        await services.legalHistory.aftercare(actor, id);
      }));
    }

    // What every read and search adds: one audit event in its own transaction.
    timings.push(await measure('audit: append one event (own transaction)', 'admin', options, () =>
      db.transaction().execute((trx) => appendAuditEvent(trx, { userId: admin.userId, organisationId: admin.organisationId, action: 'bench.noop' }))));

    // The entitlement engine alone, on facts already loaded (people with some legal history).
    const withHistory = (await db.selectFrom('person_summaries').select('person_id').where('status', '!=', 'not-entitled').execute()).map((r) => r.person_id);
    const factIds = sample(rng, withHistory, Math.min(n, withHistory.length));
    const facts: PersonFacts[] = [];
    for (const id of factIds) facts.push(await people.loadFacts(db, (await people.findPerson(db, id))!));
    timings.push(await measure('computeAftercare (facts in memory)', '-', options, (i) => computeAftercare(facts[i % facts.length] as PersonFacts, today), 'people with at least one legal status'));

    const databaseVersion = (await sql<{ v: string }>`SELECT version() AS v`.execute(db)).rows[0]?.v ?? 'unknown';
    const loadAverage = { before: loadBefore, after: os.loadavg()[0] ?? 0 };
    return { engine, databaseVersion, load, vacuumAnalyzeSeconds, consistency, reused: bench.reused, loadAverage, timings, plans };
  } finally {
    await dispose();
  }
}

/** How many people a prefix search matches (family or given name), before paging. */
async function prefixMatches(db: Db, prefixes: string[]): Promise<{ median: number; p95: number }> {
  const counts: number[] = [];
  for (const prefix of prefixes) {
    const pattern = `${prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const row = await db.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => eb.or([eb(sql`lower(family_name)`, 'like', pattern), eb(sql`lower(given_name)`, 'like', pattern)])).executeTakeFirst();
    counts.push(Number(row?.n ?? 0));
  }
  const t = summarise('', '', counts);
  return { median: t.medianMs, p95: t.p95Ms };
}

/** The repository query that services.people.search makes for this input (people-service.ts). */
function registerQuery(actor: Actor, input: Record<string, unknown>, today: string): people.RegisterQuery {
  const q = typeof input['q'] === 'string' ? input['q'] : undefined;
  const digits = q?.replace(/[\s-]/g, '');
  return {
    ...(q && { text: { raw: q, nhsNumber: digits && /^\d{10}$/.test(digits) ? digits : null, words: q.split(/\s+/).filter((w) => w.length > 0 && !/^\d+$/.test(w)) } }),
    ...(typeof input['status'] === 'string' && { status: input['status'] }),
    ...(typeof input['localAuthority'] === 'string' && { localAuthority: input['localAuthority'] }),
    ...(typeof input['icb'] === 'string' && { icb: input['icb'] }),
    ...(input['reviewOverdue'] === 'true' && { reviewOverdueOn: today }),
    visibleTo: actor.role === 'admin' ? null : actor.organisationCode,
    limit: 51,
  };
}

/**
 * Re-derives the projections of a sample of people with the services' own refreshProjections and
 * compares the columns the register searches (the other features' columns are not generated).
 */
async function checkProjections(db: Db, rng: Prng, today: string): Promise<{ checked: number; mismatches: string[] }> {
  const ids = [...new Set(sample(rng, (await db.selectFrom('people').select('id').execute()).map((r) => r.id), 200))];
  const snapshot = async (id: string) => {
    const s = await db.selectFrom('person_summaries').select(['status', 'local_authority_code', 'icb_code', 'left_hospital_on', 'next_review_due']).where('person_id', '=', id).executeTakeFirst();
    return JSON.stringify({ ...s, organisations: (await people.organisationsWithSightOf(db, id)).sort() });
  };
  const mismatches: string[] = [];
  for (const id of ids) {
    const before = await snapshot(id);
    await db.transaction().execute(async (trx) => {
      await refreshProjections(trx, (await people.findPerson(trx, id))!, today, DEFAULT_REVIEW_SETTINGS, DEFAULT_LAW_SETTINGS);
    });
    const after = await snapshot(id);
    if (before !== after) mismatches.push(`${id}: generated ${before}, services ${after}`);
  }
  return { checked: ids.length, mismatches };
}

// ---------------------------------------------------------------------------------------------
// Report

function printReport(reports: EngineReport[]): void {
  const engines = reports.map((r) => r.engine);
  const keys = [...new Map(reports.flatMap((r) => r.timings.map((t) => [`${t.operation}|${t.actor}`, t] as const))).values()];
  const header = ['operation', 'actor', ...engines.flatMap((e) => [`${e} median`, `${e} p95`])];
  const lines = keys.map((k) => [k.operation, k.actor, ...reports.flatMap((r) => {
    const t = r.timings.find((x) => x.operation === k.operation && x.actor === k.actor);
    return t ? [t.medianMs.toFixed(3), t.p95Ms.toFixed(3)] : ['-', '-'];
  })]);
  console.log(`\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const line of lines) console.log(`| ${line.join(' | ')} |`);
  for (const r of reports) {
    const s = r.load.seconds;
    console.log(`\n${r.engine}: ${r.load.people.toLocaleString('en-GB')} people ${r.reused ? '(a kept database, reused) were loaded earlier' : 'loaded'} in ${s.total.toFixed(1)} s (make and derive in memory ${s.generate.toFixed(1)} s, insert facts ${s.insertFacts.toFixed(1)} s, projections ${s.projections.toFixed(1)} s) + VACUUM ANALYZE ${r.vacuumAnalyzeSeconds.toFixed(1)} s`);
    console.log(`  rows: ${JSON.stringify(r.load.rows)}`);
    console.log(`  person statuses: ${JSON.stringify(r.load.statuses)}`);
    console.log(`  episode statuses: ${JSON.stringify(r.load.episodes)}`);
    if (r.consistency) console.log(`  projections re-derived by refreshProjections for a sample: ${r.consistency.checked}, differing: ${r.consistency.mismatches.length}`);
    console.log(`  load average (1 min) before / after the timings: ${r.loadAverage.before.toFixed(1)} / ${r.loadAverage.after.toFixed(1)} on ${os.cpus().length} CPUs`);
    console.log('  register query plans (indexes used):');
    for (const [name, plan] of Object.entries(r.plans)) console.log(`    ${name}: ${planAccess(plan)} — ${/Execution Time: ([\d.]+ ms)/.exec(plan)?.[1] ?? ''}`);
  }
}

function machine() {
  const pglite = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string };
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    pglite: pglite.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const reports: EngineReport[] = [];
  for (const engine of options.engines) reports.push(await benchEngine(engine, options));
  printReport(reports);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(RESULTS_DIR, `${stamp}-${options.engines.join('+')}-${options.people}.json`);
  const output = { command: `node bench/run.ts ${process.argv.slice(2).join(' ')}`.trim(), at: new Date().toISOString(), machine: machine(), options, reports };
  writeFileSync(file, `${JSON.stringify(output, null, 2)}\n`);
  console.log(`\nResults written to ${path.relative(process.cwd(), file)}`);
}

main().catch(async (error: unknown) => {
  console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await Promise.allSettled([...cleanups].map((c) => c()));
  process.exitCode = 1;
});
