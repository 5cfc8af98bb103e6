// Benchmark of the register's reports (issue 13) on PostgreSQL.
//
//   node bench/reports.ts [--people 10000] [--iterations 3] [--warmup 1] [--seed 117] [--before]
//
// Generates the people with bench/generate.ts into a fresh database s117_bench_reports_<pid> on
// BENCH_DATABASE_URL's server (default postgres://postgres@127.0.0.1:5432/test, dropped at the end;
// bench/harness.ts),
// then times, as an admin (everyone) and as an s117 lead of E09000099 (the people that council may
// see): the register report JSON (12 month ends), the /reports page's service call (the report, its
// charts as SVG, the filter lists) and the board pack PDF. With --before, first once each worked out
// from every person's facts (no summaries yet: the way before ADR 0014's summaries); then the nightly
// refresh of the summaries (`s117 reports refresh`), timed, and the same operations from the summaries.
// Prints the median and 95th percentile and writes JSON into bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEMO_ORGANISATIONS } from '../src/cli/demo.ts';
import { findUserByEmail } from '../src/data/accounts-repository.ts';
import { todayInLondon } from '../src/domain/dates.ts';
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
  },
});
const options = { people: Number(values.people), iterations: Number(values.iterations), warmup: Number(values.warmup), seed: Number(values.seed), before: values.before };

async function main(): Promise<void> {
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
    process.stderr.write('  refreshing the summaries\n');
    const refresh = await once('refresh of the summaries (s117 reports refresh: 25 periods)', 'job', async () => (await services.reports.refreshSummaries((n) => process.stderr.write(`\r  ${n} people   `))).people);
    process.stderr.write('\n');
    timings.push(refresh);
    for (const [who, a] of [['s117 lead E09000099', approver], ['admin (everyone)', admin]] as const) {
      timings.push(await time('register report (JSON, 12 month ends)', who, async () => (await services.reports.register(a, { asOf: today })).peopleRead));
      timings.push(await time('/reports page (report, 9 SVG charts, filter lists)', who, async () => (await services.reports.page(a, { asOf: today })).report.peopleRead));
      timings.push(await time('board pack (tagged PDF)', who, async () => (await services.reports.boardPack(a, { asOf: today })).peopleRead));
    }
    const loadAfter = os.loadavg();
    const result = { loadAverageAtEnd: loadAfter, benchmark: 'reports', engine: 'postgres', people: options.people, generated: load, machine: { cpus: os.cpus().length, loadAverage: os.loadavg() }, timings, at: new Date().toISOString() };
    mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
    const file = path.join(ROOT, 'bench', 'results', `reports-${options.people}-${Date.now()}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    process.stderr.write(`written ${path.relative(ROOT, file)}\n`);
  });
}

await main();
