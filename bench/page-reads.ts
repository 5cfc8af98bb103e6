// What one page view costs the database: transactions, queries and audit events for each composite
// page of a person, on the embedded database with the demonstration data, through the real server.
//
//   node bench/page-reads.ts
//
// It reports figures; it never passes or fails. The architecture aims at one transaction and one
// audit event for each page view (docs/adr/0009-layout-and-use-cases.md).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { Kysely } from 'kysely';
import type { Database } from '../src/data/schema.ts';
import { loadDemoData } from '../src/cli/demo.ts';
import { openPglite } from '../src/data/database.ts';
import { migrate } from '../src/data/migrate.ts';
import { buildApp } from '../src/http/app.ts';
import { createServices } from '../src/services/index.ts';

/** Counts every statement Kysely sends (transaction control is counted separately below). */
class QueryCounter implements KyselyPlugin {
  queries = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.queries += 1;
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

const dir = mkdtempSync(path.join(os.tmpdir(), 's117-page-reads-'));
const handle = await openPglite(dir);
try {
  await migrate(handle);
  const counter = new QueryCounter();
  const db = handle.db.withPlugin(counter);
  let transactions = 0;
  const original = Kysely.prototype.transaction;
  Kysely.prototype.transaction = function (this: Kysely<never>) {
    transactions += 1;
    return original.call(this);
  } as typeof original;
  const services = createServices(db);
  await loadDemoData(services);
  const app = await buildApp({ services, sessionSecret: 'bench-secret-that-is-long-enough-for-cookies', production: false, logLevel: 'silent' });
  await app.ready();
  const cookie = await signIn(app, 'practitioner@demo.s117.test');
  const register = await app.inject({ method: 'GET', url: '/register', headers: { cookie } });
  const personId = /href="\/people\/([0-9a-f-]{36})"/.exec(register.body)?.[1];
  if (!personId) throw new Error('no person on the register page');
  const pages = ['', '/plan', '/services', '/reviews', '/money', '/keyworker', '/meetings', '/advocacy', '/ending', '/complaints'].map((p) => `/people/${personId}${p}`);
  console.log('page | status | transactions | queries | audit events');
  console.log('---|---|---|---|---');
  for (const url of pages) {
    const before = await auditCount(db);
    const start = { transactions, queries: counter.queries };
    const response = await app.inject({ method: 'GET', url, headers: { cookie } });
    const t = transactions - start.transactions;
    const q = counter.queries - start.queries - 1; // less the count of audit events below
    const after = await auditCount(db);
    console.log(`${url.replace(personId, '{id}')} | ${response.statusCode} | ${t} | ${q} | ${after - before}`);
  }
  await app.close();
} finally {
  await handle.close();
  rmSync(dir, { recursive: true, force: true });
}

async function auditCount(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function signIn(app: Awaited<ReturnType<typeof buildApp>>, email: string): Promise<string> {
  const form = await app.inject({ method: 'GET', url: '/sign-in' });
  const csrfCookie = form.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  const response = await app.inject({
    method: 'POST', url: '/sign-in', headers: { cookie: csrfCookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: token, email, password: 'demo-password-117' }).toString(),
  });
  return [csrfCookie, ...response.cookies.map((c) => `${c.name}=${c.value}`)].join('; ');
}
