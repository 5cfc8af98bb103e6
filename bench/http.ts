// The HTTP benchmark (issue 14): the real server, over a socket, driven by autocannon.
//
//   npm run bench:http -- --people N [--engine postgres|pglite] [--duration 10] [--connections 1,10,50]
//                         [--endpoint-connections 10] [--seed 117] [--no-log-compare] [--workers 1] [--raw-sql-inputs 200]
//                         [--database-url URL | --data-dir DIR] [--keep]
//                         [--only 'mixed,page /people'] [--server-node-options='--cpu-prof --cpu-prof-dir=/tmp/prof']
//
// 1. Loads N generated people (bench/generate.ts) into a fresh database: PostgreSQL (a new database
//    s117_bench_http_<pid> on BENCH_DATABASE_URL's server, dropped at the end) or PGlite (a
//    temporary folder), then VACUUM ANALYZE, as run.ts does; or reuses one generated earlier
//    (--database-url / --data-dir with --keep: bench/bench-database.ts).
// 2. Times the raw SQL each read endpoint needs, with pg directly (PostgreSQL) or the PGlite handle:
//    the statements the repositories send for that request, captured once and replayed, one at a time.
// 3. Starts a Fastify hello-world in its own process and drives it: the ceiling of this machine.
// 4. Starts the real server (`node bin/s117.js serve --workers N`) in its own process(es), listening on a free port,
//    with structured request logging on (LOG_LEVEL=info, written to a file, from which each request's
//    server-side responseTime is read), signs in through the sign-in form (a session cookie for the
//    pages) and makes an API token, then drives: each API read (register searches by NHS number,
//    local id, common and rare name prefixes, status/LA/ICB filters and a second page; person;
//    aftercare; plan; reviews; legal history; services) and the main pages at
//    --endpoint-connections, the mixed workload's three writes each alone at
//    --endpoint-connections, and a mixed workload
//    (80 % reads across register, person, aftercare, plan and reviews; 20 % writes: legal statuses,
//    reviews, plan drafts) at each of --connections.
// 5. Unless --no-log-compare: the server again with LOG_LEVEL=warn (no request log lines) for two
//    reads, to show what the request logging costs.
// Beside each figure: the CPU milliseconds a request took, in the server's processes and in PostgreSQL's
// (bench/cpu.ts, from /proc on Linux), steadier than requests a second on a machine shared with others;
// PostgreSQL's count whatever else the machine's PostgreSQL is doing.
// Prints a table and writes everything as JSON into bench/results/ (git-ignored). It reports
// figures; it never passes or fails (except when a request answers other than expected: the
// non-2xx column says so).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon, { type Request, type Result } from 'autocannon';
import { sql, type CompiledQuery } from 'kysely';
import { CaptureSql } from './capture-sql.ts';
import pg from 'pg';
import type { Db, Engine } from '../src/data/database.ts';
import * as people from '../src/data/people-repository.ts';
import { loadPersonReadModel } from '../src/data/person-read-model.ts';
import { createServices } from '../src/services/index.ts';
import { BENCH_PASSWORD, BENCH_USERS, openBenchDatabase, reportSummariesForToday, vacuumWhereNothingElseDoes, type BenchDatabase } from './bench-database.ts';
import { cpuPerRequest, cpuTimes } from './cpu.ts';
import { BENCH_ICB, BENCH_LA, FAMILY_NAMES, PLACE_SURNAMES, Prng } from './generate.ts';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
const PASSWORD = BENCH_PASSWORD;
const USERS = BENCH_USERS;

interface Options {
  engine: Engine; people: number; duration: number; connections: number[]; endpointConnections: number; seed: number; logCompare: boolean; keep: boolean;
  databaseUrl: string | null; dataDir: string | null; workers: number;
  /** How many inputs the raw SQL of each read is timed with (a common prefix at 1,000,000 people takes a second each). */
  rawSqlInputs: number;
  /** Another checkout (e.g. /work/main) whose server is driven too, on the same data: "before". */
  beforeRoot: string | null;
  /** Only the scenarios whose names contain one of these (lower case), e.g. `mixed,page /people`. */
  only: string[] | null;
  /** NODE_OPTIONS for the register's server processes, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
  serverNodeOptions: string | null;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      engine: { type: 'string', default: 'postgres' },
      people: { type: 'string', default: '10000' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '1,10,50' },
      'endpoint-connections': { type: 'string', default: '10' },
      seed: { type: 'string', default: '117' },
      'no-log-compare': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
      workers: { type: 'string', default: '1' },
      'raw-sql-inputs': { type: 'string', default: '200' },
      'before-root': { type: 'string' },
      only: { type: 'string' },
      'server-node-options': { type: 'string' },
    },
  });
  if (values.engine !== 'postgres' && values.engine !== 'pglite') throw new Error('--engine must be postgres or pglite');
  const number = (name: string, value: string, min: number) => {
    const n = Number(value.replace(/[_,]/g, ''));
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number of at least ${min}`);
    return n;
  };
  return {
    engine: values.engine,
    people: number('people', values.people, 20),
    duration: number('duration', values.duration, 1),
    connections: values.connections.split(',').map((c) => number('connections', c.trim(), 1)),
    endpointConnections: number('endpoint-connections', values['endpoint-connections'], 1),
    seed: number('seed', values.seed, 0),
    logCompare: !values['no-log-compare'],
    keep: values.keep,
    databaseUrl: values['database-url'] ?? null,
    dataDir: values['data-dir'] ?? null,
    workers: number('workers', values.workers, 1),
    rawSqlInputs: number('raw-sql-inputs', values['raw-sql-inputs'], 1),
    beforeRoot: values['before-root'] ? path.resolve(values['before-root']) : null,
    only: values.only ? values.only.split(',').map((part) => part.trim().toLowerCase()).filter(Boolean) : null,
    serverNodeOptions: values['server-node-options'] ?? null,
  };
}

const log = (message: string) => process.stderr.write(`${message}\n`);

// ---------------------------------------------------------------------------------------------
// The database: fresh, removed at the end (also on Ctrl-C).

interface Target { location: BenchDatabase['location'] }

const cleanups: (() => void | Promise<void>)[] = [];
const children = new Set<ChildProcess>();

process.once('SIGINT', () => {
  log('\ninterrupted: stopping the servers and removing the benchmark database');
  for (const child of children) child.kill('SIGKILL');
  process.on('uncaughtException', () => {});
  void Promise.allSettled(cleanups.map(async (c) => c())).then(() => process.exit(130));
});

// ---------------------------------------------------------------------------------------------
// The raw SQL each endpoint needs: captured on its way out of Kysely, replayed with pg directly (capture-sql.ts).

interface Stat { n: number; p50: number; p95: number; p99: number; mean: number }

function stat(samples: number[]): Stat {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  const r = (x: number) => Math.round(x * 100) / 100;
  return { n: sorted.length, p50: r(at(0.5)), p95: r(at(0.95)), p99: r(at(0.99)), mean: r(samples.reduce((s, x) => s + x, 0) / Math.max(1, samples.length)) };
}

/** The raw SQL of a read: its statements alone, and audited (in one transaction with one audit event, as every read must be). */
type RawSql = Stat & { statements: number; audited: Stat };

/**
 * Captures the statements `run(i)` sends for each of `n` inputs, then times replaying each input's
 * statements: alone, and as the least a read of the register may do (BEGIN, the statements, one audit
 * event's INSERT, COMMIT: the event in the same transaction, made durable by the COMMIT).
 */
async function timeRawSql(db: Db, replay: (statement: CompiledQuery) => Promise<unknown>, n: number, run: (db: Db, i: number) => Promise<unknown>): Promise<RawSql> {
  const perInput: CompiledQuery[][] = [];
  for (let i = 0; i < n; i++) {
    const capture = new CaptureSql(db);
    await run(db.withPlugin(capture), i);
    perInput.push(capture.statements);
  }
  for (const statements of perInput.slice(0, Math.min(20, n))) for (const s of statements) await replay(s); // warm-up
  const samples: number[] = [];
  for (const statements of perInput) {
    const started = performance.now();
    for (const s of statements) await replay(s);
    samples.push(performance.now() - started);
  }
  const begin = sql`begin`.compile(db);
  const commit = sql`commit`.compile(db);
  const auditEvent = sql`insert into audit_events (at, action, record_type, details) values (now(), 'bench.raw-sql', 'benchmark', '{}')`.compile(db);
  const audited: number[] = [];
  for (const statements of perInput) {
    const started = performance.now();
    await replay(begin);
    for (const s of statements) await replay(s);
    await replay(auditEvent);
    await replay(commit);
    audited.push(performance.now() - started);
  }
  return { ...stat(samples), statements: perInput[0]?.length ?? 0, audited: stat(audited) };
}

// ---------------------------------------------------------------------------------------------
// Processes: the server and the hello-world, each in a process of its own, on a free port.

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, child: ChildProcess, errors: () => string, seconds = 300): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the process stopped (${child.exitCode}): ${errors()}`);
    try {
      const res = await fetch(url, { redirect: 'manual' });
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`nothing answered at ${url} within ${seconds} s: ${errors()}`);
}

/** usesPostgres: its database is the machine's PostgreSQL (whose CPU time counts for it, bench/cpu.ts). */
interface Server { url: string; logFile: string; child: ChildProcess; usesPostgres?: boolean; stop(): Promise<void> }

async function startProcess(args: string[], env: NodeJS.ProcessEnv, logFile: string, probe: string, port: number, cwd = ROOT): Promise<Server> {
  const out = openSync(logFile, 'w');
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', out, 'pipe'] });
  closeSync(out);
  children.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(url + probe, child, () => stderr);
  } catch (error) {
    child.kill('SIGKILL'); // not answering in time (the other checkout re-deriving every projection, say): stop it
    throw error;
  }
  return {
    url, logFile, child,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) { children.delete(child); resolve(); return; }
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => { clearTimeout(timer); children.delete(child); resolve(); });
      child.kill('SIGTERM');
    }),
  };
}

/** --server-node-options, for the register's servers only (not the hello-world, not this process). */
let serverNodeOptions: string | null = null;

async function startServer(target: Target, logLevel: string, label: string, root = ROOT, workers = 1): Promise<Server> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, ...target.location, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: logLevel, S117_API_RATE_LIMIT: '1000000000', S117_SIGN_IN_RATE_LIMIT: '1000', NODE_ENV: 'development' };
  if (serverNodeOptions) env.NODE_OPTIONS = [env.NODE_OPTIONS, serverNodeOptions].filter(Boolean).join(' ');
  if (!('DATABASE_URL' in target.location)) delete env.DATABASE_URL;
  mkdirSync(RESULTS_DIR, { recursive: true });
  const server = await startProcess(['bin/s117.js', 'serve', ...(workers > 1 ? ['--workers', String(workers)] : [])], env, path.join(RESULTS_DIR, `http-server-${process.pid}-${label}.log`), '/healthz', port, root);
  return { ...server, usesPostgres: 'DATABASE_URL' in target.location };
}

const HELLO = `import Fastify from 'fastify';
const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });`;

async function startHello(): Promise<Server> {
  const port = await freePort();
  return startProcess(['--input-type=module', '-e', HELLO], { ...process.env, PORT: String(port) }, path.join(RESULTS_DIR, `http-hello-${process.pid}.log`), '/', port);
}

// ---------------------------------------------------------------------------------------------
// Signing in as a browser would: the form's CSRF token and cookie, then the session cookie.

function cookiesOf(res: Response, jar: Map<string, string>): void {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    if (eq > 0) jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
  }
}

async function signIn(url: string, email: string): Promise<string> {
  const jar = new Map<string, string>();
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const form = await fetch(`${url}/sign-in`, { redirect: 'manual' });
  cookiesOf(form, jar);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!csrf) throw new Error('no CSRF token on the sign-in form');
  const res = await fetch(`${url}/sign-in`, {
    method: 'POST', redirect: 'manual',
    headers: { cookie: header(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password: PASSWORD, _csrf: csrf }).toString(),
  });
  await res.arrayBuffer();
  if (res.status !== 302) throw new Error(`sign-in answered ${res.status}`);
  cookiesOf(res, jar);
  return header();
}

// ---------------------------------------------------------------------------------------------
// Driving the server.

interface Scenario { name: string; kind: 'api' | 'page' | 'mixed' | 'hello'; requests: () => Request; rawSql?: RawSql }

interface Row {
  scenario: string; kind: string; connections: number; requests: number; requestsPerSecond: number; latency: { p50: number; p97_5: number; p99: number; mean: number };
  server: Stat | null; non2xx: number; errors: number; timeouts: number; statusCodes: Record<string, number>; rawSqlP50: number | null; ratioToRawSql: number | null; rawSqlAuditedP50: number | null; ratioToAuditedSql: number | null; ratioToHello: number | null; loadAverage: number;
  /** CPU milliseconds a request: the server's processes, and every PostgreSQL process on the machine (bench/cpu.ts). */
  cpuMsPerRequest: { server: number; postgres: number | null } | null;
}

/** Server-side responseTime (ms) of the request log lines written from `offset` on. */
function serverTimes(logFile: string, offset: number): { times: number[]; end: number } {
  let text = '';
  try { text = readFileSync(logFile, 'utf8'); } catch { return { times: [], end: offset }; }
  const times: number[] = [];
  for (const line of text.slice(offset).split('\n')) {
    if (!line.includes('"responseTime"')) continue;
    try {
      const entry = JSON.parse(line) as { responseTime?: number };
      if (typeof entry.responseTime === 'number') times.push(entry.responseTime);
    } catch { /* a partial line */ }
  }
  return { times, end: text.length };
}

async function drive(server: Server, scenario: Scenario, connections: number, duration: number, hello: number | null): Promise<Row> {
  const before = serverTimes(server.logFile, 0).end;
  const cpuBefore = cpuTimes(server.child.pid, server.usesPostgres === true);
  const result: Result = await autocannon({
    url: server.url, connections, duration, timeout: 30,
    // autocannon hands setupRequest its defaults (host, port...): the scenario's request goes over them.
    requests: [{
      setupRequest: (request, context) => {
        const r = scenario.requests();
        context.sent = { method: r.method ?? 'GET', path: r.path ?? '' };
        return { ...request, ...r, headers: { ...request.headers, ...r.headers } };
      },
      // Each plan's version, from every plan read or saved, for the next PUT's If-Match.
      onResponse: (status, body, context) => notePlanVersion(status, body, context.sent as { method: string; path: string } | undefined),
    }],
  });
  const cpu = cpuPerRequest(cpuBefore, cpuTimes(server.child.pid, server.usesPostgres === true), result.requests.total);
  // The log line is written after the answer, and the server writes its log at least once a second
  // (app.ts, bufferedStandardOutput): give the last ones time to land.
  await new Promise((r) => setTimeout(r, 1300));
  const { times } = serverTimes(server.logFile, before);
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]));
  const rps = Math.round(result.requests.average * 10) / 10;
  const row: Row = {
    scenario: scenario.name, kind: scenario.kind, connections, requests: result.requests.total, requestsPerSecond: rps,
    latency: { p50: result.latency.p50, p97_5: result.latency.p97_5, p99: result.latency.p99, mean: Math.round(result.latency.mean * 100) / 100 },
    server: times.length > 0 ? stat(times) : null,
    non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts, statusCodes,
    rawSqlP50: scenario.rawSql?.p50 ?? null,
    ratioToRawSql: null,
    rawSqlAuditedP50: scenario.rawSql?.audited.p50 ?? null,
    ratioToAuditedSql: null,
    ratioToHello: hello && rps > 0 ? Math.round((hello / rps) * 10) / 10 : null,
    loadAverage: Math.round((os.loadavg()[0] ?? 0) * 10) / 10,
    cpuMsPerRequest: cpu,
  };
  // The endpoint's latency against the SQL it needs: the server-side median, one request at a time.
  if (scenario.rawSql && connections === 1 && row.server) {
    row.ratioToRawSql = Math.round((row.server.p50 / Math.max(0.01, scenario.rawSql.p50)) * 10) / 10;
    row.ratioToAuditedSql = Math.round((row.server.p50 / Math.max(0.01, scenario.rawSql.audited.p50)) * 10) / 10;
  }
  log(`  ${scenario.name} @${connections}: ${rps} req/s, p50 ${row.latency.p50} ms, p99 ${row.latency.p99} ms${row.server ? `, server p95 ${row.server.p95} ms` : ''}${result.non2xx ? `, non-2xx ${result.non2xx} ${JSON.stringify(statusCodes)}` : ''}`);
  return row;
}

/** The latest version of each person's plan the benchmark has seen (person id to version). */
const planVersions = new Map<string, number>();
const PLAN_PATH = /^\/api\/v1\/people\/([0-9a-f-]{36})\/plan$/;

function notePlanVersion(status: number, body: string, sent: { method: string; path: string } | undefined): void {
  const person = sent ? PLAN_PATH.exec(sent.path)?.[1] : undefined;
  if (!person || status !== 200) return;
  try {
    const version = (JSON.parse(body) as { version?: unknown }).version;
    if (typeof version === 'number') planVersions.set(person, version);
  } catch { /* not JSON: leave it */ }
}

function cycle<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length] as T;
}

/** Requests in the given proportions, interleaved (a fixed order: every run sends the same mix). */
function mix(parts: [number, () => Request][]): () => Request {
  const order: (() => Request)[] = [];
  const rng = new Prng(7);
  for (const [weight, make] of parts) for (let k = 0; k < weight; k++) order.push(make);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const next = cycle(order);
  return () => next()();
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  serverNodeOptions = options.serverNodeOptions;
  const chosen = (scenario: { name: string }) => !options.only || options.only.some((part) => scenario.name.toLowerCase().includes(part));
  const started = new Date();
  mkdirSync(RESULTS_DIR, { recursive: true });
  log(`== HTTP benchmark: ${options.people.toLocaleString('en-GB')} people on ${options.engine} ==`);
  const bench = await openBenchDatabase({
    engine: options.engine, people: options.people, seed: options.seed, keep: options.keep, label: 'http',
    databaseUrl: options.engine === 'postgres' ? options.databaseUrl : null,
    dataDir: options.engine === 'pglite' ? options.dataDir : null,
  });
  cleanups.push(bench.forceRemove);
  const target: Target = bench;
  const handle = bench.handle;
  const servers: Server[] = [];
  try {
    const db = handle.db;
    const services = createServices(db);
    const { practitioner } = bench.actors;
    const { load, vacuumAnalyzeSeconds: vacuumSeconds } = bench;
    const reportSummaries = await reportSummariesForToday(db);
    const vacuumed = await vacuumWhereNothingElseDoes(db, options.engine);
    const token = await services.accounts.createToken(USERS.practitioner.email);

    // Whom and what the requests ask about: people the practitioner (Northbridge council) can see.
    const rng = new Prng(options.seed + 30);
    const pick = async (extra: string, n = 500, order = sql`md5(p.id::text)`) => (await sql<{ id: string; nhs_number: string | null; local_id: string | null }>`
      SELECT p.id, p.nhs_number, p.local_id FROM person_organisations po JOIN people p ON p.id = po.person_id
      LEFT JOIN person_summaries s ON s.person_id = p.id
      WHERE po.organisation_code = ${BENCH_LA.north} ${sql.raw(extra)} ORDER BY ${order} LIMIT ${n}`.execute(db)).rows;
    const visible = await pick('');
    const active = await pick(`AND s.status = 'active'`);
    // The legal statuses and reviews written go to other people, new ones each run: on a kept database
    // every run added them to the same 500 people the reads ask about (80 legal statuses each after a
    // day of runs), and the reads that derive aftercare slowed down run after run.
    const writtenTo = (await pick('', 5000, sql`random()`)).map((r) => r.id);
    const reviewedTo = (await pick(`AND s.status = 'active'`, 5000, sql`random()`)).map((r) => r.id);
    if (visible.length === 0 || active.length === 0) throw new Error('no visible or active people to ask about: load more people');
    const ids = visible.map((r) => r.id);
    const activeIds = active.map((r) => r.id);
    const nhsNumbers = visible.flatMap((r) => (r.nhs_number ? [r.nhs_number] : []));
    const localIds = visible.flatMap((r) => (r.local_id ? [r.local_id] : []));
    const common = FAMILY_NAMES.slice(0, 20).map((n) => n.slice(0, 3));
    const rare = Array.from({ length: 50 }, () => rng.pick(PLACE_SURNAMES).slice(0, 5));

    const api = { authorization: `Bearer ${token}` };
    const get = (pathOf: () => string) => () => ({ method: 'GET', path: pathOf(), headers: api });
    const nextId = cycle(ids);
    const nextActive = cycle(activeIds);
    const nextWrittenTo = cycle(writtenTo);
    const nextReviewedTo = cycle(reviewedTo);
    const nextNhs = cycle(nhsNumbers);
    const nextLocal = cycle(localIds);
    const nextCommon = cycle(common);
    const nextRare = cycle(rare);
    const people1 = `/api/v1/people?localAuthority=${BENCH_LA.north}`;

    // The raw SQL of each read, as the repositories send it, for the same inputs.
    const n = Math.min(options.rawSqlInputs, ids.length);
    const viewer = { everyone: false as const, organisationCode: BENCH_LA.north };
    const pgClient = options.engine === 'postgres' ? new pg.Client({ connectionString: (target.location as { DATABASE_URL: string }).DATABASE_URL }) : null;
    await pgClient?.connect();
    const replay = pgClient
      ? (s: CompiledQuery) => pgClient.query(s.sql, [...s.parameters] as unknown[])
      : (s: CompiledQuery) => db.executeQuery(s);
    const search = (q: Omit<people.RegisterQuery, 'visibleTo' | 'limit'>) => (d: Db) => people.searchRegister(d, { ...q, visibleTo: BENCH_LA.north, limit: 51 });
    const text = (raw: string) => ({ raw, nhsNumber: /^\d{10}$/.test(raw) ? raw : null, words: raw.split(/\s+/).filter((w) => w && !/^\d+$/.test(w)) });
    log('  timing the raw SQL of each read');
    const raw = {
      nhs: await timeRawSql(db, replay, n, (d, i) => search({ text: text(nhsNumbers[i % nhsNumbers.length]!) })(d)),
      local: await timeRawSql(db, replay, n, (d, i) => search({ text: text(localIds[i % localIds.length]!) })(d)),
      common: await timeRawSql(db, replay, n, (d, i) => search({ text: text(common[i % common.length]!) })(d)),
      rare: await timeRawSql(db, replay, n, (d, i) => search({ text: text(rare[i % rare.length]!) })(d)),
      active: await timeRawSql(db, replay, n, (d) => search({ status: 'active' })(d)),
      custody: await timeRawSql(db, replay, n, (d) => search({ status: 'in-custody' })(d)),
      la: await timeRawSql(db, replay, n, (d) => search({ localAuthority: BENCH_LA.north })(d)),
      icb: await timeRawSql(db, replay, n, (d) => search({ icb: BENCH_ICB.north })(d)),
      person: await timeRawSql(db, replay, n, (d, i) => loadPersonReadModel(d, ids[i]!, viewer, { summary: true })),
      aftercare: await timeRawSql(db, replay, n, (d, i) => loadPersonReadModel(d, ids[i]!, viewer, { facts: true })),
    };
    for (const [k, v] of Object.entries(raw)) log(`    ${k}: ${v.statements} statement(s), p50 ${v.p50} ms, p95 ${v.p95} ms; audited p50 ${v.audited.p50} ms`);
    await pgClient?.end();
    // The second page of the council's list: its cursor, from the first.
    const firstPage = await services.people.search(practitioner, { localAuthority: BENCH_LA.north });
    const page2 = firstPage.nextCursor ? `${people1}&cursor=${encodeURIComponent(firstPage.nextCursor)}` : people1;

    // The plans' versions as they stand (plans saved by earlier runs), as a client would have read them:
    // the mixed workload's plan saves send them as If-Match (and every plan answer updates them).
    const plans = await db.selectFrom('plans').select(['person_id', 'version']).where('person_id', 'in', activeIds).execute();
    for (const plan of plans) planVersions.set(plan.person_id, plan.version);

    // PGlite belongs to one process: hand the folder to the server.
    await handle.close();

    const loadBefore = os.loadavg();
    const rows: Row[] = [];
    // The ceiling: Fastify answering hello-world, in a process of its own, on the same machine.
    const hello = await startHello();
    servers.push(hello);
    const helloRate: Record<number, number> = {};
    for (const c of [...new Set([...options.connections, options.endpointConnections])]) {
      const row = await drive(hello, { name: 'Fastify hello-world', kind: 'hello', requests: () => ({ method: 'GET', path: '/' }) }, c, options.duration, null);
      helloRate[c] = row.requestsPerSecond;
      rows.push(row);
    }
    await hello.stop();

    const server = await startServer(target, 'info', 'info', ROOT, options.workers);
    servers.push(server);
    const cookie = await signIn(server.url, USERS.practitioner.email);
    const page = (pathOf: () => string) => () => ({ method: 'GET', path: pathOf(), headers: { cookie } });
    const json = (method: string, pathOf: () => string, body: () => unknown) => () => ({ method, path: pathOf(), headers: { ...api, 'content-type': 'application/json' }, body: JSON.stringify(body()) });
    const day = (back: number) => new Date(Date.now() - back * 86_400_000).toISOString().slice(0, 10);
    let writes = 0;

    const reads: Scenario[] = [
      { name: 'GET /api/v1/people?q=<NHS number>', kind: 'api', requests: get(() => `/api/v1/people?q=${nextNhs()}`), rawSql: raw.nhs },
      { name: 'GET /api/v1/people?q=<local id>', kind: 'api', requests: get(() => `/api/v1/people?q=${nextLocal()}`), rawSql: raw.local },
      { name: 'GET /api/v1/people?q=<common prefix, 3 letters>', kind: 'api', requests: get(() => `/api/v1/people?q=${nextCommon()}`), rawSql: raw.common },
      { name: 'GET /api/v1/people?q=<rare prefix, 5 letters>', kind: 'api', requests: get(() => `/api/v1/people?q=${nextRare()}`), rawSql: raw.rare },
      { name: 'GET /api/v1/people?status=active', kind: 'api', requests: get(() => '/api/v1/people?status=active'), rawSql: raw.active },
      { name: 'GET /api/v1/people?status=in-custody', kind: 'api', requests: get(() => '/api/v1/people?status=in-custody'), rawSql: raw.custody },
      { name: 'GET /api/v1/people?localAuthority=<LA>', kind: 'api', requests: get(() => people1), rawSql: raw.la },
      { name: 'GET /api/v1/people?localAuthority=<LA>&cursor=<page 2>', kind: 'api', requests: get(() => page2) },
      { name: 'GET /api/v1/people?icb=<ICB>', kind: 'api', requests: get(() => `/api/v1/people?icb=${BENCH_ICB.north}`), rawSql: raw.icb },
      { name: 'GET /api/v1/people/{id}', kind: 'api', requests: get(() => `/api/v1/people/${nextId()}`), rawSql: raw.person },
      { name: 'GET /api/v1/people/{id}/aftercare', kind: 'api', requests: get(() => `/api/v1/people/${nextId()}/aftercare`), rawSql: raw.aftercare },
      { name: 'GET /api/v1/people/{id}/plan', kind: 'api', requests: get(() => `/api/v1/people/${nextId()}/plan`) },
      { name: 'GET /api/v1/people/{id}/reviews', kind: 'api', requests: get(() => `/api/v1/people/${nextId()}/reviews`) },
      // Two reads through useCases.read (ADR 26: autocommit, the person, the work, the event).
      { name: 'GET /api/v1/people/{id}/legal-history', kind: 'api', requests: get(() => `/api/v1/people/${nextId()}/legal-history`) },
      { name: 'GET /api/v1/people/{id}/services', kind: 'api', requests: get(() => `/api/v1/people/${nextId()}/services`) },
      { name: 'page /register?q=<common prefix>', kind: 'page', requests: page(() => `/register?q=${nextCommon()}`) },
      { name: 'page /people/{id}', kind: 'page', requests: page(() => `/people/${nextId()}`) },
      { name: 'page /people/{id}/plan', kind: 'page', requests: page(() => `/people/${nextId()}/plan`) },
      { name: 'page /people/{id}/reviews', kind: 'page', requests: page(() => `/people/${nextId()}/reviews`) },
    ];
    // The writes of the mixed workload, each also driven alone (what one costs, beside the reads).
    const addLegalStatus = json('POST', () => `/api/v1/people/${nextWrittenTo()}/legal-statuses`, () => { const d = day(1 + (writes++ % 300)); return { section: 'informal', startDate: d, endDate: d }; });
    const recordReview = json('POST', () => `/api/v1/people/${nextReviewedTo()}/reviews`, () => ({ heldOn: day(0), attendees: ['Keyworker', 'The person'], outcome: 'continue', notes: 'Benchmark review: aftercare continues.' }));
    // A draft replaced at the version last seen (If-Match), as a client would: no 428 for a plan that exists.
    const saveDraft = () => {
      const person = nextActive();
      const version = planVersions.get(person);
      const request = json('PUT', () => `/api/v1/people/${person}/plan`, () => ({ goals: `Benchmark goals ${writes++}`, personViews: 'Wants to stay near family.' }))();
      return version === undefined ? request : { ...request, headers: { ...request.headers, 'if-match': String(version) } };
    };
    const writeScenarios: Scenario[] = [
      { name: 'POST /api/v1/people/{id}/legal-statuses', kind: 'api', requests: addLegalStatus },
      { name: 'POST /api/v1/people/{id}/reviews', kind: 'api', requests: recordReview },
      { name: 'PUT /api/v1/people/{id}/plan', kind: 'api', requests: saveDraft },
    ];
    const mixed: Scenario = {
      name: 'mixed: 80 % reads, 20 % writes', kind: 'mixed',
      requests: mix([
        [8, get(() => `/api/v1/people?q=${nextNhs()}`)],
        [6, get(() => `/api/v1/people?q=${nextCommon()}`)],
        [6, get(() => `/api/v1/people?status=active`)],
        [15, get(() => `/api/v1/people/${nextId()}`)],
        [15, get(() => `/api/v1/people/${nextId()}/aftercare`)],
        [15, get(() => `/api/v1/people/${nextId()}/plan`)],
        [15, get(() => `/api/v1/people/${nextId()}/reviews`)],
        [7, addLegalStatus],
        [7, recordReview],
        [6, saveDraft],
      ]),
    };

    log('  API reads and pages');
    for (const scenario of reads.filter(chosen)) rows.push(await drive(server, scenario, options.endpointConnections, options.duration, helloRate[options.endpointConnections] ?? null));
    log('  writes alone');
    for (const scenario of writeScenarios.filter(chosen)) rows.push(await drive(server, scenario, options.endpointConnections, options.duration, helloRate[options.endpointConnections] ?? null));
    for (const scenario of reads.filter((s) => s.rawSql && chosen(s))) rows.push(await drive(server, scenario, 1, options.duration, helloRate[1] ?? null));
    log('  mixed workload');
    if (chosen(mixed)) for (const c of options.connections) rows.push(await drive(server, mixed, c, options.duration, helloRate[c] ?? null));

    // PGlite belongs to one process: each server stops before the next opens the folder.
    await server.stop();

    // Before: the other checkout's server on the same data, the same reads and the mixed workload.
    if (options.beforeRoot) {
      log(`  before: the server of ${options.beforeRoot}`);
      const other = await startServer(target, 'info', 'before', options.beforeRoot);
      servers.push(other);
      const label = (sc: Scenario): Scenario => ({ ...sc, name: `${sc.name} [before]` });
      for (const sc of reads.filter((x) => x.kind === 'api' && chosen(x))) rows.push(await drive(other, label(sc), options.endpointConnections, options.duration, helloRate[options.endpointConnections] ?? null));
      for (const sc of reads.filter((x) => x.rawSql && chosen(x))) rows.push(await drive(other, label(sc), 1, options.duration, helloRate[1] ?? null));
      if (chosen(mixed)) for (const c of options.connections) rows.push(await drive(other, label(mixed), c, options.duration, helloRate[c] ?? null));
      await other.stop();
    }

    // What the request logging costs: the same two reads with request logging on, then off.
    const logging: { scenario: string; info: number; warn: number; costPercent: number }[] = [];
    if (options.logCompare) {
      log('  request logging: on (info) against off (warn)');
      const compared = [reads[0]!, reads[9]!];
      const on = [];
      const logged = await startServer(target, 'info', 'info-again', ROOT, options.workers);
      servers.push(logged);
      for (const s of compared) on.push(await drive(logged, s, options.endpointConnections, options.duration, null));
      await logged.stop();
      const quiet = await startServer(target, 'warn', 'warn', ROOT, options.workers);
      servers.push(quiet);
      for (const [k, s] of compared.entries()) {
        const off = await drive(quiet, s, options.endpointConnections, options.duration, null);
        const info = on[k]!.requestsPerSecond;
        logging.push({ scenario: s.name, info, warn: off.requestsPerSecond, costPercent: Math.round(((off.requestsPerSecond - info) / Math.max(1, off.requestsPerSecond)) * 1000) / 10 });
      }
      await quiet.stop();
    }
    const loadAfter = os.loadavg();

    // The table.
    const line = (cells: (string | number | null)[]) => `| ${cells.map((c) => (c === null ? '–' : String(c))).join(' | ')} |`;
    const out = [
      line(['request', 'conns', 'req/s', 'p50 ms', 'p97.5 ms', 'p99 ms', 'server p50', 'server p95', 'non-2xx', 'raw SQL p50', '× raw SQL', 'raw SQL audited p50', '× audited SQL', 'hello ÷ this', 'CPU ms/req server', 'CPU ms/req PostgreSQL']),
      line(Array(16).fill('---')),
      ...rows.map((r) => line([r.scenario, r.connections, r.requestsPerSecond, r.latency.p50, r.latency.p97_5, r.latency.p99, r.server?.p50 ?? null, r.server?.p95 ?? null, r.non2xx, r.rawSqlP50, r.ratioToRawSql, r.rawSqlAuditedP50, r.ratioToAuditedSql, r.ratioToHello, r.cpuMsPerRequest?.server ?? null, r.cpuMsPerRequest?.postgres ?? null])),
    ];
    process.stdout.write(`\n${out.join('\n')}\n`);
    if (logging.length) process.stdout.write(`\nrequest logging: ${logging.map((l) => `${l.scenario}: ${l.info} req/s logged, ${l.warn} not logged (${l.costPercent} %)`).join('; ')}\n`);
    process.stdout.write(`load average before ${loadBefore.map((x) => x.toFixed(1)).join(' ')}, after ${loadAfter.map((x) => x.toFixed(1)).join(' ')}\n`);

    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = path.join(RESULTS_DIR, `http-${started.toISOString().replace(/[:.]/g, '-')}-${options.engine}-${options.people}.json`);
    writeFileSync(file, JSON.stringify({
      startedAt: started.toISOString(), options, engine: options.engine, people: options.people,
      machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
      load, vacuumAnalyzeSeconds: vacuumSeconds, reportSummaries, vacuumed, databasePoolSize: process.env.S117_DATABASE_POOL_SIZE || 'default', rawSql: raw, rows, logging, writes,
    }, null, 2));
    log(`\nwritten to ${path.relative(ROOT, file)}`);
  } finally {
    for (const s of servers) await s.stop().catch(() => {});
    await bench.dispose().catch(() => {});
  }
}

await main();
