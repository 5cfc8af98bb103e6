// A change (an informal legal status recorded through the services) made by this checkout's code and
// by another's, alternating in ONE process on the same kept benchmark database: the two versions
// meet the same machine at the same moments, which requests a second over HTTP cannot promise on a
// machine shared with others (docs/performance.md, round 16). Writes go one at a time, in the order
// A B B A, each to another person; the first 40 warm the code and are not counted. With
// --operation prefix-search, the same for the API's register search by a name prefix (audited),
// common (3 letters of the commonest family names) and rare (5 of a place name) in turn; with
// --operation filter-search, its search by filters (status active and in custody, a local authority,
// an ICB) in turn.
//
//   node bench/changes-ab.ts --before-root DIR [--writes 800] [--runs 3] [--operation legal-status|prefix-search|filter-search]
//                            [--database-url postgres://postgres@127.0.0.1:5432/s117_bench_1m]
//
// Reports, for each version, the mean and median wall time of an operation and the CPU time it took
// in this process (process.cpuUsage). It reports figures; it never passes or fails.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql, type Kysely } from 'kysely';
import { BENCH_USERS } from './bench-database.ts';
import { BENCH_ICB, BENCH_LA, FAMILY_NAMES, PLACE_SURNAMES } from './generate.ts';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const WARM_UP = 40;

const { values } = parseArgs({
  options: {
    'before-root': { type: 'string' },
    writes: { type: 'string', default: '800' },
    runs: { type: 'string', default: '3' },
    operation: { type: 'string', default: 'legal-status' },
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/s117_bench_1m' },
  },
});
if (!values['before-root']) throw new Error('--before-root DIR: the other checkout (its node_modules linked or installed)');
const writes = Number(values.writes);
const runs = Number(values.runs);
if (!Number.isInteger(writes) || writes <= WARM_UP) throw new Error(`--writes must be a whole number above ${WARM_UP}`);
const operation = values.operation;
const OPERATIONS = ['legal-status', 'prefix-search', 'filter-search'];
if (!OPERATIONS.includes(operation)) throw new Error(`--operation is one of ${OPERATIONS.join(', ')}`);
// The prefixes bench/http.ts searches for: the commonest family names' first three letters, and place names' first five.
const prefixes = FAMILY_NAMES.slice(0, 20).flatMap((name, i) => [name.slice(0, 3), PLACE_SURNAMES[(i * 7) % PLACE_SURNAMES.length]!.slice(0, 5)]);
// The filters bench/http.ts searches by.
const filters = [{ status: 'active' }, { status: 'in-custody' }, { localAuthority: BENCH_LA.north }, { icb: BENCH_ICB.north }];

interface Version { root: string; db: Kysely<unknown>; close(): Promise<void>; write(personId: string, on: string, i: number): Promise<unknown>; wall: number[]; cpu: number[]; refused: number }

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
    write: {
      'legal-status': (personId: string, on: string) => services.legalHistory.addLegalStatus(actor, personId, { section: 'informal', startDate: on, endDate: on }),
      'prefix-search': (_personId: string, _on: string, i: number) => services.people.search(actor, { q: prefixes[i % prefixes.length] }),
      'filter-search': (_personId: string, _on: string, i: number) => services.people.search(actor, filters[i % filters.length]),
    }[operation]!,
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
    // A search's prefix or filter by pair (A B, B A): each version searches for the same.
    const refused = await next.write(person.id, on, Math.floor(i / 2)).then(() => false, () => true);
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    if (refused) next.refused += 1;
    else if (i >= WARM_UP) {
      next.wall.push(wall);
      next.cpu.push((used.user + used.system) / 1000);
    }
  }
  for (const v of versions) {
    console.log(JSON.stringify({ run, operation, version: v.root === ROOT ? 'this checkout' : v.root, counted: v.wall.length, refused: v.refused, wallMeanMs: ms(mean(v.wall)), wallMedianMs: ms(median(v.wall)), cpuMeanMs: ms(mean(v.cpu)), cpuMedianMs: ms(median(v.cpu)) }));
    await v.close();
  }
}
