// Benchmark of the recharge statement and spend report (RESP-1, RESP-7) on PostgreSQL.
//
//   node bench/recharges.ts [--people 20000] [--services 100000] [--iterations 10] [--warmup 2] [--seed 117]
//   node bench/recharges.ts --demo [--iterations 10] [--warmup 2]
//
// --demo: the demonstration data (npm run demo's people, services and payments) instead of the
// generated set, timed as its finance officer (E09000099) and its admin.
// Generates the people with bench/generate.ts into a fresh database s117_bench_recharges_<pid> on
// BENCH_DATABASE_URL's server (default postgres://postgres@127.0.0.1:5432/test, dropped at the end),
// adds the services (spread over the people, 1 to 9 each) and one payment per body per half-year of
// each service, then times services.money.recharges, rechargesCsv and spend for the year to
// yesterday, as a finance user of E09000099 (the people of that council and its ICB) and as an admin
// (everyone). Prints the median and 95th percentile and writes JSON into bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql, type Insertable } from 'kysely';
import { DEMO_ORGANISATIONS, loadDemoData } from '../src/cli/demo.ts';
import { findUserByEmail } from '../src/data/accounts-repository.ts';
import { adminQuery as runAdminQuery, openPostgres, type DatabaseHandle } from '../src/data/database.ts';
import { migrate } from '../src/data/migrate.ts';
import type { ServicesTable } from '../src/data/schema.ts';
import { addDays, addMonths, maxDate, minDate, todayInLondon } from '../src/domain/dates.ts';
import { SERVICE_CATEGORIES } from '../src/domain/funding.ts';
import { actorFromUser, type Actor } from '../src/services/kernel/actor.ts';
import { createServices } from '../src/services/index.ts';
import { BENCH_LA, Prng, generate } from './generate.ts';
import { measure as timeCall, type Timing } from './harness.ts';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const ADMIN_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '20000' },
    services: { type: 'string', default: '100000' },
    iterations: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    seed: { type: 'string', default: '117' },
    demo: { type: 'boolean', default: false },
  },
});
const options = { people: Number(values.people), services: Number(values.services), iterations: Number(values.iterations), warmup: Number(values.warmup), seed: Number(values.seed), demo: values.demo };

/** CREATE and DROP DATABASE on the server, from its admin connection. */
const adminQuery = (text: string) => runAdminQuery(ADMIN_URL, text);

/** Times `run` with this run's iterations and warm-up (bench/harness.ts). */
const measure = (operation: string, actor: string, run: () => Promise<number>): Promise<Timing> => timeCall(operation, actor, options, run);

const PROVIDERS = Array.from({ length: 60 }, (_, i) => `Provider ${String(i + 1).padStart(2, '0')} Ltd`);
const SPLITS: [number, number][] = [[50, 50], [100, 0], [0, 100], [60, 40], [33, 67], [70, 30]];

async function main(): Promise<void> {
  const name = `s117_bench_recharges_${process.pid}`;
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const handle = openPostgres(url.toString());
  try {
    const db = handle.db;
    await migrate(handle);
    const services = createServices(db);
    if (options.demo) {
      await benchDemo(db, services);
      return;
    }
    for (const org of DEMO_ORGANISATIONS) await services.accounts.addOrganisation(org);
    const users = {
      finance: { email: 'finance@bench.s117.test', name: 'Finance Officer', role: 'finance', organisationCode: BENCH_LA.north },
      admin: { email: 'admin@bench.s117.test', name: 'Bench Admin', role: 'admin', organisationCode: BENCH_LA.north },
      trust: { email: 'trust@bench.s117.test', name: 'Ward Practitioner', role: 'practitioner', organisationCode: 'RZZ' },
      approver: { email: 'approver@bench.s117.test', name: 'Council Lead', role: 'approver', organisationCode: BENCH_LA.north },
    } as const;
    for (const u of Object.values(users)) await services.accounts.addUser(u);
    const actor = async (email: string): Promise<Actor> => actorFromUser((await findUserByEmail(db, email))!, 'bench');
    const [finance, admin, trust, approver] = await Promise.all([actor(users.finance.email), actor(users.admin.email), actor(users.trust.email), actor(users.approver.email)]);
    const today = todayInLondon();
    process.stderr.write(`== postgres: ${options.people} people, ${options.services} services ==\n`);
    const load = await generate(db, {
      people: options.people,
      seed: options.seed,
      today,
      registeredBy: { userId: trust.userId, organisationId: trust.organisationId, organisationCode: trust.organisationCode },
      approverUserId: approver.userId,
      concurrency: 4,
      progress: (m) => process.stderr.write(`\r  ${m}   `),
    });
    process.stderr.write('\n');

    // Services: 1 to 9 per person (about services/people on average), starting in the last 3 years.
    const started = performance.now();
    const rng = new Prng(options.seed + 30);
    const personIds = (await db.selectFrom('people').select('id').orderBy('id').execute()).map((r) => r.id);
    const to = addDays(today, -1);
    const from = addDays(addMonths(to, -12), 1);
    let serviceRows: Insertable<ServicesTable>[] = [];
    let paymentRows: { id: string; service_id: string; body: 'local-authority' | 'icb'; organisation_code: string; period_from: string; period_to: string; amount_pence: number; paid_on: string; created_by: string }[] = [];
    let services_ = 0;
    let payments = 0;
    const flush = async (force: boolean) => {
      // Services first: a payment refers to its service.
      if (serviceRows.length >= 2000 || paymentRows.length >= 4000 || (force && serviceRows.length > 0)) {
        await db.insertInto('services').values(serviceRows).execute();
        serviceRows = [];
      }
      if (paymentRows.length >= 4000 || (force && paymentRows.length > 0)) {
        await db.insertInto('service_payments').values(paymentRows).execute();
        paymentRows = [];
      }
    };
    for (let i = 0; i < options.services; i++) {
      const personId = personIds[Math.floor((i * personIds.length) / options.services + rng.int(0, 3)) % personIds.length]!;
      const [la, icb] = SPLITS[rng.int(0, SPLITS.length - 1)]!;
      const category = la === 0 ? 'healthcare' : SERVICE_CATEGORIES.filter((c) => c !== 'healthcare' && c !== 'medication')[rng.int(0, 4)]!;
      const start = addDays(today, -rng.int(0, 3 * 365));
      const end = rng.chance(0.3) ? addDays(start, rng.int(30, 700)) : null;
      const weekly = rng.int(2_000, 180_000);
      const id = rng.uuid();
      serviceRows.push({
        id, person_id: personId, description: `Service ${i}`, category, care_type: la === 0 ? 'health' : 'social', s117: rng.chance(0.9),
        provider: PROVIDERS[rng.int(0, PROVIDERS.length - 1)]!, la_percent: la, icb_percent: icb, weekly_cost_pence: weekly,
        start_date: start, end_date: end && end > today ? null : end, created_by: admin.userId,
      });
      services_ += 1;
      // One payment per body per half-year of the service inside the year, roughly what was due.
      for (const [hFrom, hTo] of [[from, addDays(addMonths(from, 6), -1)], [addMonths(from, 6), to]] as const) {
        const pFrom = maxDate(hFrom, start);
        const pTo = minDate(hTo, end ?? hTo);
        if (pFrom > pTo) continue;
        const days = (Date.parse(pTo) - Date.parse(pFrom)) / 86_400_000 + 1;
        for (const [body, pct, code] of [['local-authority', la, BENCH_LA.north], ['icb', icb, 'QZZ']] as const) {
          if (pct === 0 || rng.chance(0.1)) continue;
          paymentRows.push({ id: rng.uuid(), service_id: id, body, organisation_code: code, period_from: pFrom, period_to: pTo, amount_pence: Math.round((weekly * days * pct) / 700 * (rng.chance(0.2) ? 1.1 : 1)), paid_on: pTo, created_by: admin.userId });
          payments += 1;
        }
      }
      await flush(false);
    }
    await flush(true);
    await sql`VACUUM ANALYZE`.execute(db);
    const loadSeconds = (performance.now() - started) / 1000;
    process.stderr.write(`  services ${services_}, payments ${payments}, loaded in ${loadSeconds.toFixed(1)} s\n`);

    const period = { from, to };
    const timings: Timing[] = [];
    for (const [label, who] of [['finance E09000099', finance], ['admin', admin]] as const) {
      timings.push(await measure('recharge statement (JSON)', label, async () => (await services.money.recharges(who, period)).lines.length));
      timings.push(await measure('recharge statement (CSV)', label, async () => (await services.money.rechargesCsv(who, period)).split('\r\n').length - 3));
      timings.push(await measure('spend report (JSON)', label, async () => (await services.money.spend(who, period)).items.length));
    }
    const databaseVersion = (await sql<{ v: string }>`SELECT version() AS v`.execute(db)).rows[0]?.v ?? 'unknown';
    console.log(`\n| operation | actor | rows | median ms | p95 ms |\n|---|---|---|---|---|`);
    for (const t of timings) console.log(`| ${t.operation} | ${t.actor} | ${t.rows} | ${t.medianMs} | ${t.p95Ms} |`);
    const dir = path.join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-recharges-postgres-${options.people}-${options.services}.json`);
    writeFileSync(file, `${JSON.stringify({ command: `node bench/recharges.ts ${process.argv.slice(2).join(' ')}`.trim(), at: new Date().toISOString(), cpus: os.cpus().length, loadAverage: os.loadavg(), databaseVersion, options, period, load: { ...load.rows, services: services_, payments, servicesSeconds: loadSeconds }, timings }, null, 2)}\n`);
    console.log(`\nwritten to ${path.relative(ROOT, file)}`);
  } finally {
    await handle.close().catch(() => {});
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

/** The statement, its CSV and the spend report for the year to yesterday on the demonstration data. */
async function benchDemo(db: DatabaseHandle['db'], services: ReturnType<typeof createServices>): Promise<void> {
  const started = performance.now();
  await loadDemoData(services, (m) => process.stderr.write(`\r  ${m}   `));
  process.stderr.write(`\n  demo data loaded in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  const counts = await sql<{ people: string; services: string; payments: string }>`SELECT (SELECT count(*) FROM people) AS people, (SELECT count(*) FROM services) AS services, (SELECT count(*) FROM service_payments) AS payments`.execute(db);
  process.stderr.write(`  ${JSON.stringify(counts.rows[0])}\n`);
  const actor = async (email: string): Promise<Actor> => actorFromUser((await findUserByEmail(db, email))!, 'bench');
  const today = todayInLondon();
  const to = addDays(today, -1);
  const period = { from: addDays(addMonths(to, -12), 1), to };
  const timings: Timing[] = [];
  for (const [label, email] of [['finance E09000099', 'finance@demo.s117.test'], ['admin', 'admin@demo.s117.test']] as const) {
    const who = await actor(email);
    timings.push(await measure('recharge statement (JSON)', label, async () => (await services.money.recharges(who, period)).lines.length));
    timings.push(await measure('recharge statement (CSV)', label, async () => (await services.money.rechargesCsv(who, period)).split('\r\n').length - 3));
    timings.push(await measure('spend report (JSON)', label, async () => (await services.money.spend(who, period)).items.length));
  }
  console.log(`\n| operation | actor | rows | median ms | p95 ms |\n|---|---|---|---|---|`);
  for (const t of timings) console.log(`| ${t.operation} | ${t.actor} | ${t.rows} | ${t.medianMs} | ${t.p95Ms} |`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
