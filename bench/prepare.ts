// Generates a benchmark database once and keeps it, for run.ts and http.ts to reuse
// (see bench/bench-database.ts and docs/performance.md, "One database for every run").
//
//   node bench/prepare.ts --people 1000000 [--seed 117] [--database-url postgres://postgres@127.0.0.1:5432/s117_bench_1m]
//                         [--engine postgres|pglite] [--data-dir DIR]
import { parseArgs } from 'node:util';
import { openBenchDatabase } from './bench-database.ts';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'postgres' },
    people: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '117' },
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/s117_bench_1m' },
    'data-dir': { type: 'string' },
  },
});
if (values.engine !== 'postgres' && values.engine !== 'pglite') throw new Error('--engine must be postgres or pglite');
if (values.engine === 'pglite' && !values['data-dir']) throw new Error('--engine pglite needs --data-dir');
const people = Number(values.people.replace(/[_,]/g, ''));
const started = performance.now();
const bench = await openBenchDatabase({
  engine: values.engine, people, seed: Number(values.seed), keep: true, label: 'prepare',
  databaseUrl: values.engine === 'postgres' ? values['database-url'] : null,
  dataDir: values['data-dir'] ?? null,
});
await bench.dispose();
process.stderr.write(`${bench.reused ? 'already there' : 'generated'} in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
