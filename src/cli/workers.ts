// `s117 serve --workers N` (issue 14, item 5): N server processes sharing one port (node:cluster), on
// one PostgreSQL. This process (the primary) has already migrated the database; it hands every worker
// the same SESSION_SECRET (the CSRF cookie signed by one must be read by another), starts a worker
// again when one dies, and stops them all on SIGINT or SIGTERM. Each worker is a whole server:
// what must be shared (sign-in throttle, rate limits, revocations, scheduled jobs) is in the database
// (docs/adr/0018-several-processes.md).
import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../config.ts';
import { ValidationError } from '../services/kernel/errors.ts';
import type { Register } from '../services/register.ts';

const MAX_WORKERS = 64;
const RESTART_DELAY_MS = 1000;

export async function serveWorkers(config: Config, register: Register, value: string): Promise<'keep-open'> {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > MAX_WORKERS) throw new ValidationError([{ field: 'workers', message: `--workers must be a whole number from 1 to ${MAX_WORKERS}` }]);
  if (register.engine === 'pglite' && count > 1) throw new ValidationError([{ field: 'workers', message: 'The embedded database belongs to one process: set DATABASE_URL (PostgreSQL) to run several' }]);
  await register.services.imports.failAbandoned(); // import jobs a stopped server left "running", once, before any worker starts
  await register.close(); // the primary serves nothing and keeps no connection
  process.env.SESSION_SECRET = config.sessionSecret;
  let stopping = false;
  const fork = (): Worker => cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`Worker ${worker.process.pid} stopped (${signal ?? `exit ${code}`}); starting another`);
    setTimeout(() => {
      if (!stopping) fork();
    }, RESTART_DELAY_MS).unref();
  });
  for (let i = 0; i < count; i++) fork();
  console.log(`Section 117 register: ${count} worker process${count === 1 ? '' : 'es'} on port ${config.port}`);
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => Boolean(w));
    let left = workers.length;
    if (left === 0) process.exit(0);
    for (const worker of workers) {
      worker.once('exit', () => {
        left -= 1;
        if (left === 0) process.exit(0);
      });
      worker.process.kill('SIGTERM');
    }
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return 'keep-open';
}
