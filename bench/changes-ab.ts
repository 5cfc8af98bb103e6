// A change (an informal legal status recorded through the services) made by this checkout's code and
// by another's, alternating in ONE process on the same kept benchmark database: the two versions
// meet the same machine at the same moments, which requests a second over HTTP cannot promise on a
// machine shared with others (docs/performance.md, round 16). Writes go one at a time, in the order
// A B B A, each to another person; the first 40 warm the code and are not counted.
//
//   node bench/changes-ab.ts --before-root DIR [--writes 800] [--runs 3]
//                            [--database-url postgres://postgres@127.0.0.1:5432/s117_bench_1m]
//
// Reports, for each version, the mean and median wall time of a change and the CPU time it took in
// this process (process.cpuUsage). It reports figures; it never passes or fails.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql, type Kysely } from 'kysely';
import { BENCH_USERS } from './bench-database.ts';
import { BENCH_LA } from './generate.ts';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const WARM_UP = 40;

const { values } = parseArgs({
  options: {
    'before-root': { type: 'string' },
    writes: { type: 'string', default: '800' },
    runs: { type: 'string', default: '3' },
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/s117_bench_1m' },
  },
});
if (!values['before-root']) throw new Error('--before-root DIR: the other checkout (its node_modules linked or installed)');
const writes = Number(values.writes);
const runs = Number(values.runs);
if (!Number.isInteger(writes) || writes <= WARM_UP) throw new Error(`--writes must be a whole number above ${WARM_UP}`);

interface Version { root: string; db: Kysely<unknown>; close(): Promise<void>; write(personId: string, on: string): Promise<unknown>; wall: number[]; cpu: number[]; refused: number }

/** The other checkout's own modules, in this process: its database layer, services and use cases. */
async function version(root: string, databaseUrl: string): Promise<Version> {
  const { openPostgres } = await import(path.join(root, 'src/data/database.ts'));
  const { createServices } = await import(path.join(root, 'src/services/index.ts'));
  const { actorFromUser } = await import(path.join(root, 'src/services/kernel/actor.ts'));
  const { findUserByEmail } = await import(path.join(root, 'src/data/accounts-repository.ts'));
  const handle = openPostgres(databaseUrl, { max: 2 });
  const services = createServices(handle.db);
  const user = await findUserByEmail(handle.db, BENCH_USERS.practitioner.email);
  if (!user) throw new Error(`${databaseUrl} has no benchmark accounts: make it with node bench/prepare.ts`);
  const actor = actorFromUser(user, 'bench');
  return {
    root, db: handle.db, wall: [], cpu: [], refused: 0,
    close: () => handle.close(),
    write: (personId, on) => services.legalHistory.addLegalStatus(actor, personId, { section: 'informal', startDate: on, endDate: on }),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
const ms = (x: number) => Math.round(x * 1000) / 1000;

const databaseUrl = values['database-url'];
for (let run = 1; run <= runs; run++) {
  const versions = [await version(ROOT, databaseUrl), await version(path.resolve(values['before-root']), databaseUrl)];
  const [a, b] = versions as [Version, Version];
  // People the practitioner's council sees, a different draw each run, so no one gains statuses run after run.
  const { rows: people } = await sql<{ id: string }>`
    SELECT p.id FROM person_organisations po JOIN people p ON p.id = po.person_id
     WHERE po.organisation_code = ${BENCH_LA.north} ORDER BY md5(p.id::text || ${`${Date.now()}`}) LIMIT ${writes}`.execute(a.db);
  for (const [i, person] of people.entries()) {
    const next = i % 4 === 0 || i % 4 === 3 ? a : b; // A B B A
    const on = new Date(Date.UTC(2016, 0, 1) + (i % 3000) * 86_400_000).toISOString().slice(0, 10);
    const cpu = process.cpuUsage();
    const started = performance.now();
    // Refused (the person already has a stay that day, from an earlier run): not counted.
    const refused = await next.write(person.id, on).then(() => false, () => true);
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    if (refused) next.refused += 1;
    else if (i >= WARM_UP) {
      next.wall.push(wall);
      next.cpu.push((used.user + used.system) / 1000);
    }
  }
  for (const v of versions) {
    console.log(JSON.stringify({ run, version: v.root === ROOT ? 'this checkout' : v.root, changes: v.wall.length, refused: v.refused, wallMeanMs: ms(mean(v.wall)), wallMedianMs: ms(median(v.wall)), cpuMeanMs: ms(mean(v.cpu)), cpuMedianMs: ms(median(v.cpu)) }));
    await v.close();
  }
}
