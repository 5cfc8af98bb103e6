// Benchmark of the register's reports (issue 13) on PostgreSQL.
//
//   node bench/reports.ts [--people 10000] [--iterations 3] [--warmup 1] [--seed 117] [--before] [--in-step]
//   node bench/reports.ts --people 1000000 --database-url postgres://postgres@127.0.0.1:5432/s117_bench_1m
//     (reuses, and keeps, a database generated once with the same people and seed: bench/prepare.ts;
//     --reuse-summaries times against the summaries an earlier run made today instead of refreshing)
//
// Generates the people with bench/generate.ts into a fresh database s117_bench_reports_<pid> on
// BENCH_DATABASE_URL's server (default postgres://postgres@127.0.0.1:5432/test, dropped at the end;
// bench/harness.ts),
// then times, as an admin (everyone) and as an s117 lead of E09000099 (the people that council may
// see): the register report JSON (12 month ends), the /reports page's service call (the report, its
// charts as SVG, the filter lists) and the board pack PDF. With --before, first once each worked out
// from every person's facts (no summaries yet: the way before ADR 0014's summaries); then the nightly
// refresh of the summaries (`s117 reports refresh`), timed, and the same operations from the summaries.
// With --in-step (issue 13 item 5, migration 0130), only: the report from the summaries with 0, 100 and
// 1,000 people marked (changed, not yet summarised: the report works them out from their facts), the
// summariser's people per second, and what a write pays for its mark (a complaint recorded through the
// service with the marking triggers on, then off). Load average printed beside every figure.
// Prints the median and 95th percentile and writes JSON into bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEMO_ORGANISATIONS } from '../src/cli/demo.ts';
import { sql } from 'kysely';
import { openBenchDatabase } from './bench-database.ts';
import { findUserByEmail } from '../src/data/accounts-repository.ts';
import { latestSnapshot, markPeople, visiblePeoplePage } from '../src/data/reports-repository.ts';
import type { Db } from '../src/data/database.ts';
import type { Services } from '../src/services/index.ts';
import { todayInLondon, type IsoDate } from '../src/domain/dates.ts';
import { actorFromUser, type Actor } from '../src/services/kernel/actor.ts';
import { createServices } from '../src/services/index.ts';
import { BENCH_LA, generate } from './generate.ts';
import { measure, withBenchDatabase, type Timing } from './harness.ts';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '10000' },
    iterations: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    seed: { type: 'string', default: '117' },
    before: { type: 'boolean', default: false },
    'in-step': { type: 'boolean', default: false },
    // A database generated once and kept (bench/bench-database.ts): `--database-url postgres://.../s117_bench_1m`.
    'database-url': { type: 'string' },
    // With --database-url: time against the summaries an earlier run made today, without refreshing again.
    'reuse-summaries': { type: 'boolean', default: false },
  },
});
const options = { people: Number(values.people), iterations: Number(values.iterations), warmup: Number(values.warmup), seed: Number(values.seed), before: values.before, inStep: values['in-step'] };

async function main(): Promise<void> {
  if (values['database-url']) return onKeptDatabase(values['database-url']);
  await withBenchDatabase(`s117_bench_reports_${process.pid}`, async ({ db }) => {
    const services = createServices(db);
    for (const org of DEMO_ORGANISATIONS) await services.accounts.addOrganisation(org);
    const users = {
      admin: { email: 'admin@bench.s117.test', name: 'Bench Admin', role: 'admin', organisationCode: BENCH_LA.north },
      trust: { email: 'trust@bench.s117.test', name: 'Ward Practitioner', role: 'practitioner', organisationCode: 'RZZ' },
      approver: { email: 'approver@bench.s117.test', name: 'Council Lead', role: 'approver', organisationCode: BENCH_LA.north },
    } as const;
    for (const u of Object.values(users)) await services.accounts.addUser(u);
    const actor = async (email: string): Promise<Actor> => actorFromUser((await findUserByEmail(db, email))!, 'bench');
    const [admin, trust, approver] = await Promise.all([actor(users.admin.email), actor(users.trust.email), actor(users.approver.email)]);
    const today = todayInLondon();
    process.stderr.write(`== postgres: ${options.people} people ==\n`);
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
    await timeReports(db, services, { admin, approver }, today, load);
  });
}

/** The same, on a database generated once and kept (generated first if it does not hold these people yet). */
async function onKeptDatabase(databaseUrl: string): Promise<void> {
  const bench = await openBenchDatabase({ engine: 'postgres', people: options.people, seed: options.seed, keep: true, databaseUrl, label: 'reports' });
  try {
    process.stderr.write(`== postgres: ${options.people} people (${bench.reused ? 'reused' : 'generated'}) ==\n`);
    await timeReports(bench.handle.db, createServices(bench.handle.db), { admin: bench.actors.admin, approver: bench.actors.approver }, todayInLondon(), bench.load);
  } finally {
    await bench.dispose();
  }
}

async function timeReports(db: Db, services: Services, { admin, approver }: { admin: Actor; approver: Actor }, today: IsoDate, load: unknown): Promise<void> {
  const timings: Timing[] = [];
  const time = (operation: string, who: string, run: () => Promise<number>) => measure(operation, who, options, run, 'people read');
  const once = (operation: string, who: string, run: () => Promise<number>) => measure(operation, who, { iterations: 1, warmup: 0 }, run, 'people read');
  if (options.before) {
    for (const [who, a] of [['s117 lead E09000099', approver], ['admin (everyone)', admin]] as const) {
      process.stderr.write(`  from the facts, ${who}\n`);
      timings.push(await once('from the facts: register report (JSON, 12 month ends)', who, async () => (await services.reports.register(a, { asOf: today })).peopleRead));
      timings.push(await once('from the facts: /reports page', who, async () => (await services.reports.page(a, { asOf: today })).report.peopleRead));
    }
  }
  const kept = values['reuse-summaries'] ? await latestSnapshot(db) : undefined;
  if (kept && kept.built_on === today) process.stderr.write(`  reusing the summaries made at ${new Date(kept.finished_at!).toISOString()}\n`);
  else {
    process.stderr.write('  refreshing the summaries\n');
    const refresh = await once('refresh of the summaries (s117 reports refresh: 25 periods)', 'job', async () => (await services.reports.refreshSummaries((n) => process.stderr.write(`\r  ${n} people   `))).people);
    process.stderr.write('\n');
    timings.push(refresh);
  }
  if (options.inStep) {
    timings.push(...(await inStep(db, services, { admin, approver })));
    return write(load, timings);
  }
  for (const [who, a] of [['s117 lead E09000099', approver], ['admin (everyone)', admin]] as const) {
    timings.push(await time('register report (JSON, 12 month ends)', who, async () => (await services.reports.register(a, { asOf: today })).peopleRead));
    timings.push(await time('/reports page (report, 9 SVG charts, filter lists)', who, async () => (await services.reports.page(a, { asOf: today })).report.peopleRead));
    timings.push(await time('board pack (tagged PDF)', who, async () => (await services.reports.boardPack(a, { asOf: today })).peopleRead));
  }
  write(load, timings);
}

const load1 = () => os.loadavg()[0]!.toFixed(1);

/** Issue 13 item 5: what keeping the summaries in step costs the reader, the summariser and a writer. */
async function inStep(db: Db, services: Services, actors: { admin: Actor; approver: Actor }): Promise<(Timing & { loadAverage: string })[]> {
  const out: (Timing & { loadAverage: string })[] = [];
  const withLoad = (t: Timing) => {
    const row = { ...t, loadAverage: load1() };
    process.stderr.write(`    load average ${row.loadAverage}\n`);
    out.push(row);
  };
  const lead = (await visiblePeoplePage(db, 'E09000099', null, 5000)).map((p) => p.id);
  const everyone = (await visiblePeoplePage(db, null, null, 20000)).map((p) => p.id);
  const marked = async (n: number) => {
    await sql`DELETE FROM report_dirty_people`.execute(db);
    // Marks without a change read what a changed person's would: their old contribution and their facts.
    await markPeople(db, everyone.filter((_, i) => i % Math.floor(everyone.length / n) === 0).slice(0, n));
  };
  for (const n of [0, 100, 1000]) {
    await marked(n);
    for (const [who, a] of [['s117 lead E09000099', actors.approver], ['admin (everyone)', actors.admin]] as const) {
      withLoad(await measure(`register report (JSON, 12 month ends), ${n} people marked`, who, options, async () => (await services.reports.register(a, {})).peopleRead, 'people read'));
    }
  }
  for (const [n, foldAt] of [[1000, Infinity], [1000, undefined], [5000, undefined]] as const) {
    await marked(n);
    let people = 0;
    let folds = 0;
    const label = foldAt === Infinity ? 'never folding' : 'folding past 5,000 difference rows';
    withLoad(await measure(`summariser: ${n} marked people, rounds of 2,000, ${label} (people per second = people / s)`, 'job', { iterations: 1, warmup: 0 }, async () => {
      for (;;) {
        const round = await services.reports.summarise(foldAt === Infinity ? { foldAt } : {});
        people += round.people;
        if (round.folded) folds++;
        if (round.marks === 0) return people;
      }
    }, 'people summarised'));
    process.stderr.write(`    folds: ${folds}\n`);
  }
  const rows = await sql<{ sums: string; deltas: string }>`SELECT (SELECT count(*) FROM report_summaries)::text AS sums, (SELECT count(*) FROM report_summary_deltas)::text AS deltas`.execute(db);
  process.stderr.write(`  summary rows: ${rows.rows[0]!.sums}, difference rows: ${rows.rows[0]!.deltas}\n`);
  // What a trigger costs a statement, inside the database (no client round trip): 2,000 one-row inserts, trigger on and off.
  const person = lead[0]!;
  const inserts = async () => {
    const started = performance.now();
    await sql`DO $$ BEGIN FOR i IN 1..2000 LOOP INSERT INTO complaints (id, person_id, against, route, received_on, aware_on, subject, recorded_by) SELECT gen_random_uuid(), ${sql.lit(person)}::uuid, 'both', 'formal', DATE '2026-01-05', DATE '2026-01-01', 'Bench', id FROM users LIMIT 1; END LOOP; END $$`.execute(db);
    return performance.now() - started;
  };
  for (const on of [true, false, true, false]) {
    if (!on) await sql`ALTER TABLE complaints DISABLE TRIGGER report_mark_insert`.execute(db);
    const ms = await inserts();
    if (!on) await sql`ALTER TABLE complaints ENABLE TRIGGER report_mark_insert`.execute(db);
    process.stderr.write(`  2,000 one-row inserts in the database, marking trigger ${on ? 'on' : 'off'}: ${Math.round(ms)} ms (${(ms / 2000).toFixed(3)} ms each), load average ${load1()}\n`);
    out.push({ operation: `2,000 one-row inserts in the database, marking trigger ${on ? 'on' : 'off'}`, actor: 'sql', iterations: 1, medianMs: Math.round(ms), p95Ms: Math.round(ms), minMs: Math.round(ms), maxMs: Math.round(ms), rows: 2000, loadAverage: load1() });
  }
  // The write's cost of its mark: the same service write with the marking triggers on and off.
  const complaint = (personId: string) => services.complaints.create(actors.approver, personId, { against: 'both', route: 'formal', receivedOn: '2026-01-05', awareOn: '2026-01-01', subject: 'Bench' });
  let i = 0;
  withLoad(await measure('a complaint recorded (service call), marking trigger on', 's117 lead E09000099', { iterations: 200, warmup: 20 }, async () => (await complaint(lead[i++ % lead.length]!), 1)));
  await sql`ALTER TABLE complaints DISABLE TRIGGER report_mark_insert`.execute(db);
  withLoad(await measure('a complaint recorded (service call), marking trigger off', 's117 lead E09000099', { iterations: 200, warmup: 20 }, async () => (await complaint(lead[i++ % lead.length]!), 1)));
  await sql`ALTER TABLE complaints ENABLE TRIGGER report_mark_insert`.execute(db);
  const size = await sql<{ contributions: string; bytes: string }>`SELECT count(*)::text AS contributions, pg_size_pretty(pg_total_relation_size('report_person_contributions')) AS bytes FROM report_person_contributions`.execute(db);
  process.stderr.write(`  contributions kept: ${size.rows[0]!.contributions} people, ${size.rows[0]!.bytes}\n`);
  return out;
}

function write(load: unknown, timings: Timing[]): void {
    const loadAfter = os.loadavg();
    const result = { loadAverageAtEnd: loadAfter, benchmark: 'reports', engine: 'postgres', people: options.people, generated: load, machine: { cpus: os.cpus().length, loadAverage: os.loadavg() }, timings, at: new Date().toISOString() };
    mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
    const file = path.join(ROOT, 'bench', 'results', `reports-${options.people}-${Date.now()}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    process.stderr.write(`written ${path.relative(ROOT, file)}\n`);
}

await main();
