// The register's name searches and the register page's count at scale, in the database alone:
// EXPLAIN (ANALYZE, BUFFERS) of each statement the repository sends, read-only (no audit event, no
// write), on a kept database (bench/bench-database.ts), as a practitioner of E09000099 and as an admin.
//
//   node bench/register-prefix.ts --database-url postgres://postgres@127.0.0.1:5432/s117_bench_1m [--repeat 5]
//          [--repository /work/main/src/data/people-repository.ts]   (another checkout's code: "before")
//          [--only <part of a case's name>] [--plans] [--cap 10000]   (the register page's count cap)
//
// It does not run migrations: the indexes are whatever the database has. Prints, per search and
// viewer, each statement's execution time (the median of --repeat runs) and its plan's access paths.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { CompiledQuery } from 'kysely';
import { CaptureSql } from './capture-sql.ts';
import { openPostgres, type Db } from '../src/data/database.ts';
import type * as Repository from '../src/data/people-repository.ts';

const { values } = parseArgs({ options: { 'database-url': { type: 'string' }, repeat: { type: 'string', default: '5' }, repository: { type: 'string' }, plans: { type: 'boolean', default: false }, only: { type: 'string' }, cap: { type: 'string', default: '10000' } } });
const url = values['database-url'];
if (!url) throw new Error('--database-url is required');
const repeat = Number(values.repeat);
const people = (await import(values.repository ? pathToFileURL(path.resolve(values.repository)).href : '../src/data/people-repository.ts')) as typeof Repository;


const text = (raw: string) => ({ raw, nhsNumber: null, words: raw.split(/\s+/).filter((w) => w.length > 0) });
type Case = [string, (db: Db, visibleTo: string | null) => Promise<unknown>];
const search = (extra: Partial<Repository.RegisterQuery>) => (db: Db, visibleTo: string | null) => people.searchRegister(db, { visibleTo, limit: 51, ...extra });
const page = (filters: Partial<Repository.RegisterFilters>, offset = 0) => (db: Db, visibleTo: string | null) => people.registerPage(db, { visibleTo, ...filters }, { sort: 'name', descending: false, offset, limit: 50 });
// The checkout before this change has only the exact count.
const countUpTo = (people as Partial<typeof Repository>).countRegisterUpTo;
const capped = (filters: Partial<Repository.RegisterFilters>) => (db: Db, visibleTo: string | null) =>
  countUpTo ? countUpTo(db, { visibleTo, ...filters }, Number(values.cap)) : people.countRegister(db, { visibleTo, ...filters });

const cases: Case[] = [
  ['search Smi (family name, 12,000)', search({ text: text('Smi') })],
  ['search Oli (given name, 43,000)', search({ text: text('Oli') })],
  ['search Ashby (rare)', search({ text: text('Ashby') })],
  ['search S (one letter)', search({ text: text('S') })],
  ['search "oli smi" (two words)', search({ text: text('oli smi') })],
  ['search Smi, status=active', search({ text: text('Smi'), status: 'active' })],
  ['search Smi, status=in-custody', search({ text: text('Smi'), status: 'in-custody' })],
  ['search Oli, LA E09000098', search({ text: text('Oli'), localAuthority: 'E09000098' })],
  ['register page: Smi, page 1', page({ text: text('Smi') })],
  ['register page: Oli, page 5', page({ text: text('Oli') }, 200)],
  ['register page count: everyone', capped({})],
  ['register page count: Smi', capped({ text: text('Smi') })],
  ['register page count: Oli', capped({ text: text('Oli') })],
  ['register page count: status=active', capped({ status: 'active' })],
];

const handle = openPostgres(url, { max: 2 });
const db = handle.db;
const access = (plan: string) => [...new Set([...plan.matchAll(/(?:Index Only Scan|Index Scan)(?: Backward)? using (\S+)|Bitmap Index Scan on (\S+)|Seq Scan on (\S+)/g)].map((m) => m[1] ?? (m[2] ? `${m[2]} (bitmap)` : `seq ${m[3]}`)))].join(', ');
console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${values.repository ?? 'this checkout'}`);
try {
  for (const [name, run] of cases.filter(([name]) => !values.only || name.includes(values.only))) {
    for (const [viewer, visibleTo] of [['practitioner E09000099', 'E09000099'], ['admin', null]] as const) {
      const capture = new CaptureSql(db);
      await run(db.withPlugin(capture), visibleTo);
      const figures: string[] = [];
      for (const statement of capture.statements) {
        const times: number[] = [];
        let plan = '';
        for (let i = 0; i < repeat; i++) {
          const result = await db.executeQuery<Record<string, string>>(CompiledQuery.raw(`EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`, [...statement.parameters]));
          plan = result.rows.map((r) => Object.values(r)[0]).join('\n');
          times.push(Number(/Execution Time: ([\d.]+)/.exec(plan)?.[1] ?? NaN));
        }
        times.sort((a, b) => a - b);
        const buffers = /Buffers: ([^\n]+)/.exec(plan)?.[1] ?? '';
        figures.push(`${times[Math.floor(times.length / 2)]!.toFixed(1)} ms (min ${times[0]!.toFixed(1)}, max ${times.at(-1)!.toFixed(1)}; ${buffers}; ${access(plan)})`);
        if (values.plans) console.log(plan);
      }
      console.log(`${name} | ${viewer} | ${figures.join(' + ')}`);
    }
  }
} finally {
  await handle.close();
}
