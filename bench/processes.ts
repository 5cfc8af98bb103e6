// Two server processes against one (issue 14, item 5): the real server (`s117 serve --workers N`,
// node:cluster sharing one port) on one PostgreSQL with generated people, driven over HTTP by
// autocannon with an API token: a person read (GET /api/v1/people/{id}) and a register search by
// NHS number (GET /api/v1/people?q=), at 10 and 50 connections, with 1 and 2 workers; and one worker
// with "who is asking" not kept (S117_IDENTITY_CACHE_SECONDS=0), to show what the cache saves.
// Rate limits are on (a limit no one reaches), so that their count in the database is in every figure.
//
//   node bench/processes.ts [--people 20000] [--seconds 10]
//
// It reports figures (docs/performance.md, "Several processes"); it never passes or fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { DEMO_ORGANISATIONS } from '../src/cli/demo.ts';
import { findUserByEmail } from '../src/data/accounts-repository.ts';
import { adminQuery, openPostgres } from '../src/data/database.ts';
import { migrate } from '../src/data/migrate.ts';
import { todayInLondon } from '../src/domain/dates.ts';
import { createServices } from '../src/services/index.ts';
import { generate, Prng } from './generate.ts';
import { reportSummariesForToday } from './bench-database.ts';
import { ADMIN_URL } from './harness.ts';

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p97_5: number; p99: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const { values } = parseArgs({ options: { people: { type: 'string', default: '20000' }, seconds: { type: 'string', default: '10' } } });
const PEOPLE = Number(values.people);
const SECONDS = Number(values.seconds);
const NAME = 's117_bench_processes';
const BIN = path.resolve('bin/s117.js');
const url = new URL(ADMIN_URL);
url.pathname = `/${NAME}`;

await adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`);
await adminQuery(ADMIN_URL, `CREATE DATABASE ${NAME}`);
const handle = openPostgres(url.toString());
try {
  await migrate(handle);
  const services = createServices(handle.db);
  for (const o of DEMO_ORGANISATIONS) await services.accounts.addOrganisation(o);
  await services.accounts.addUser({ email: 'trust@bench.s117.test', name: 'Ward Practitioner', role: 'practitioner', organisationCode: 'RZZ' });
  const u = (await findUserByEmail(handle.db, 'trust@bench.s117.test'))!;
  const started = performance.now();
  await generate(handle.db, { people: PEOPLE, seed: 117, today: todayInLondon(), registeredBy: { userId: u.id, organisationId: u.organisation_id, organisationCode: 'RZZ' }, approverUserId: u.id, progress: (m) => process.stderr.write(`\r${m}`) });
  process.stderr.write(`\ngenerated ${PEOPLE} people in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  await sql`VACUUM ANALYZE`.execute(handle.db);
  await reportSummariesForToday(handle.db);
  const token = await services.accounts.createToken('trust@bench.s117.test');
  const rng = new Prng(7);
  const sample = await handle.db.selectFrom('people').select(['id', 'nhs_number']).orderBy('id').execute();
  const pick = () => sample[rng.int(0, sample.length - 1)]!;
  const paths = {
    'GET /api/v1/people/{id}': () => `/api/v1/people/${pick().id}`,
    'GET /api/v1/people?q=<NHS number>': () => `/api/v1/people?q=${pick().nhs_number}`,
  };

  const rows: string[] = [];
  const runs: { workers: number; cacheSeconds: number; connections: number[] }[] = [
    { workers: 1, cacheSeconds: 5, connections: [10, 50] },
    { workers: 2, cacheSeconds: 5, connections: [10, 50] },
    { workers: 1, cacheSeconds: 0, connections: [10] },
  ];
  for (const run of runs) {
    const port = 41000 + Math.floor(Math.random() * 10000);
    const server = await startServer(port, run.workers, run.cacheSeconds);
    try {
      for (const [name, next] of Object.entries(paths)) {
        // Warm up: plans cached, connections open, "who is asking" kept.
        await autocannon({ url: `http://127.0.0.1:${port}`, connections: 10, duration: 2, headers: { authorization: `Bearer ${token}` }, requests: [{ setupRequest: (r: object) => ({ ...r, path: next() }) }] });
        for (const connections of run.connections) {
          const result = await autocannon({ url: `http://127.0.0.1:${port}`, connections, duration: SECONDS, headers: { authorization: `Bearer ${token}` }, requests: [{ setupRequest: (r: object) => ({ ...r, path: next() }) }] });
          const row = `| ${run.workers} | ${run.cacheSeconds} s | \`${name}\` | ${connections} | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p97_5} | ${result.latency.p99} | ${result.non2xx + result.errors} |`;
          rows.push(row);
          process.stderr.write(`${row}\n`);
        }
      }
    } finally {
      await stopServer(server);
    }
  }
  const [load1, load5] = os.loadavg();
  console.log(`\n${PEOPLE} people on PostgreSQL, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), load average ${load1!.toFixed(1)} / ${load5!.toFixed(1)} at the end, ${SECONDS} s a figure\n`);
  console.log('| workers | identity kept | request | connections | requests/s | p50 ms | p97.5 ms | p99 ms | not 2xx |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
} finally {
  await handle.close();
  await adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`);
}

function startServer(port: number, workers: number, cacheSeconds: number): Promise<ChildProcess> {
  const env = { ...process.env, DATABASE_URL: url.toString(), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', S117_API_RATE_LIMIT: '100000000', S117_IDENTITY_CACHE_SECONDS: String(cacheSeconds), SESSION_SECRET: 'bench-secret-that-is-long-enough-for-cookies' };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--workers', String(workers)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if ((out.match(/is running at/g) ?? []).length >= workers) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`the server stopped (${code}): ${out}`)));
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
