// Issue 14, item 5: two real server processes (`s117 serve`, as an operator starts them) on one
// PostgreSQL. They start at once on an empty database and migrate it once; what one process or the
// command line changes about a sign-in is honoured by the other as soon as the database announces it,
// although each keeps "who is asking" for a minute here; the sign-in throttle and the request rate
// limits count across both; a scheduled job runs on one process at a time.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { adminQuery, openPostgres, type DatabaseHandle } from '../../src/data/database.ts';
import { listMigrations } from '../../src/data/migrate.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { postgresAvailable, postgresRequired, postgresUrl } from '../support/databases.ts';
import { PASSWORD, seedAccounts, USERS, type UserKey } from '../support/app.ts';
import { eventually } from '../support/eventually.ts';
import { freePort } from '../support/ports.ts';

const BIN = path.resolve('bin/s117.js');
const API_LIMIT = 40;
const SWEEP_SECONDS = 1;
const available = await postgresAvailable();
if (!available && postgresRequired) throw new Error('PostgreSQL is required but not reachable');

interface Server { url: string; child: ChildProcess; output: () => string }

describe('two server processes on one PostgreSQL', { skip: available ? false : 'PostgreSQL is not reachable' }, () => {
  const name = `s117_test_multi_${process.pid}_${randomBytes(3).toString('hex')}`;
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  const env = {
    ...process.env,
    DATABASE_URL: url.toString(),
    S117_DATA_DIR: '',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SESSION_SECRET: 'a-session-secret-shared-by-both-processes-117',
    S117_API_RATE_LIMIT: String(API_LIMIT),
    S117_SIGN_IN_RATE_LIMIT: '1000',
    S117_SWEEP_SECONDS: String(SWEEP_SECONDS),
    S117_IDENTITY_CACHE_SECONDS: '60', // long, so that only the announcements can end what is kept
  };
  let a: Server;
  let b: Server;
  let handle: DatabaseHandle;
  let services: Services;
  let tokens: Record<UserKey, string>;
  let startedAt: number;

  async function serve(): Promise<Server> {
    const port = await freePort();
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'serve'], { env: { ...env, PORT: String(port) } });
      let out = '';
      const onData = (d: Buffer) => {
        out += d.toString();
        if (/is running at/.test(out)) resolve({ url: `http://127.0.0.1:${port}`, child, output: () => out });
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('error', reject);
      child.on('exit', (code) => reject(new Error(`the server stopped (${code}): ${out}`)));
    });
  }

  before(async () => {
    await adminQuery(postgresUrl, `CREATE DATABASE ${name}`);
    // Both at once, on an empty database.
    [a, b] = await Promise.all([serve(), serve()]);
    startedAt = Date.now();
    handle = openPostgres(url.toString());
    services = createServices(handle.db);
    tokens = await seedAccounts(services);
  });

  after(async () => {
    for (const server of [a, b]) server?.child.kill('SIGTERM');
    await Promise.all([a, b].map((server) => server && new Promise((r) => (server.child.exitCode !== null ? r(null) : server.child.once('exit', r)))));
    await handle?.close();
    await adminQuery(postgresUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  const get = (server: Server, path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers, redirect: 'manual' });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  /**
   * The status `server` answers once the change has been announced to it: the database's notification
   * reaches each process a moment after the commit (under a millisecond on an idle machine, longer on a
   * loaded one), so a request sent in that moment may still be answered from what was kept. Asks again
   * for up to 2 s, far inside the 60 s this suite keeps an answer: only the announcement can end it;
   * every 100 ms, so that the asking stays well inside the API's rate limit here (40 a minute).
   */
  const statusOnceAnnounced = (server: Server, path: string, headers: Record<string, string>, expected: number) =>
    eventually(async () => (await get(server, path, headers)).status, expected, { everyMs: 100 });


  test('both started at once on an empty database, which was migrated once, completely', async () => {
    const rows = await handle.db.selectFrom('schema_migrations').select('version').execute();
    assert.deepEqual(rows.map((r) => r.version).sort(), listMigrations().map((m) => m.version));
    for (const server of [a, b]) assert.equal((await get(server, '/healthz')).status, 200);
  });

  // The revocations below are made by this test's own process, a third one, as `s117 token revoke`
  // and `s117 user disable` do (the command line calls the same services).
  test('a token revoked by another process is refused by both servers as soon as it is announced', async () => {
    const token = await services.accounts.createToken(USERS.practitioner.email);
    for (const server of [a, b]) assert.equal((await get(server, '/api/v1/people', bearer(token))).status, 200); // now kept by each
    assert.equal(await services.accounts.revokeTokens({ token }), 1);
    for (const server of [b, a]) assert.equal(await statusOnceAnnounced(server, '/api/v1/people', bearer(token), 401), 401);
  });

  test('a user disabled by another process can use neither server', async () => {
    const token = tokens.finance;
    const cookie = await signIn(a, USERS.finance.email, PASSWORD);
    for (const server of [a, b]) {
      assert.equal((await get(server, '/api/v1/people', bearer(token))).status, 200);
      assert.equal((await get(server, '/register', { cookie })).status, 200);
    }
    await services.accounts.disableUser(USERS.finance.email);
    for (const server of [b, a]) {
      assert.equal(await statusOnceAnnounced(server, '/api/v1/people', bearer(token), 401), 401);
      assert.equal(await statusOnceAnnounced(server, '/register', { cookie }, 302), 302);
    }
  });

  test('signing out on one process ends the session on the other as soon as it is announced', async () => {
    const cookie = await signIn(a, USERS.auditor.email, PASSWORD);
    assert.equal((await get(b, '/register', { cookie })).status, 200); // kept by B
    const page = await get(a, '/register', { cookie });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const out = await fetch(`${a.url}/sign-out`, { method: 'POST', redirect: 'manual', headers: { cookie: `${cookie}; ${csrfCookie(page)}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf }) });
    assert.equal(out.status, 302);
    assert.equal(await statusOnceAnnounced(b, '/register', { cookie }, 302), 302);
  });

  test('a role changed in the database (as with psql) takes effect in both processes as soon as it is announced', async () => {
    const token = tokens.admin;
    for (const server of [a, b]) assert.equal((await get(server, '/api/v1/subscriptions', bearer(token))).status, 200);
    await sql`UPDATE users SET role = 'auditor' WHERE email = ${USERS.admin.email}`.execute(handle.db);
    for (const server of [b, a]) assert.equal(await statusOnceAnnounced(server, '/api/v1/subscriptions', bearer(token), 403), 403);
  });

  test('the sign-in throttle counts attempts on both processes together', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push(await signInStatus(i % 2 === 0 ? a : b, USERS.laApprover.email, 'not-the-password'));
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
    assert.equal(await signInStatus(b, USERS.laApprover.email, PASSWORD), 429, 'locked on both, even with the right password');
  });

  test('an API rate limit holds across both processes', async () => {
    const token = tokens.icbApprover;
    const statuses: number[] = [];
    for (let i = 0; i < API_LIMIT + 4; i++) statuses.push((await get(i % 2 === 0 ? a : b, '/api/v1/people', bearer(token))).status);
    assert.equal(statuses.filter((s) => s === 200).length, API_LIMIT, statuses.join(','));
    assert.deepEqual(statuses.slice(API_LIMIT), [429, 429, 429, 429]);
  });

  test('a scheduled job runs on one process at a time, once a period across both', async () => {
    const waited = Date.now() - startedAt;
    if (waited < 3500) await new Promise((r) => setTimeout(r, 3500 - waited));
    const runs = await services.housekeeping.jobRuns('sweep');
    assert.ok(runs.length >= 2, `the sweep ran ${runs.length} times`);
    for (let i = 1; i < runs.length; i++) {
      const previous = runs[i - 1]!;
      const run = runs[i]!;
      assert.ok(run.started_at.getTime() >= previous.finished_at.getTime(), 'no two runs at once');
      assert.ok(run.started_at.getTime() - previous.started_at.getTime() >= SWEEP_SECONDS * 1000 - 1, 'at most one run a period');
      assert.equal(run.error, null);
    }
    const span = runs.at(-1)!.started_at.getTime() - runs[0]!.started_at.getTime();
    assert.ok(runs.length <= Math.floor(span / (SWEEP_SECONDS * 1000)) + 1);
  });

  test('s117 serve --workers 2 starts two workers on one port, serves, and stops them all on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'serve', '--workers', '2'], { env: { ...env, PORT: String(port) } });
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if ((out.match(/is running at/g) ?? []).length === 2) resolve();
      });
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      void exited.then(() => reject(new Error(out)));
    });
    assert.match(out, /2 worker processes on port/);
    for (let i = 0; i < 4; i++) assert.equal((await fetch(`http://127.0.0.1:${port}/api/v1/people`, { headers: bearer(tokens.laApprover) })).status, 200);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  /** Signs in on `server` with the sign-in form (its CSRF cookie and token); the session cookie. */
  async function signIn(server: Server, email: string, password: string): Promise<string> {
    const response = await postSignIn(server, email, password);
    assert.equal(response.status, 302);
    const session = response.headers.getSetCookie().find((c) => c.startsWith('s117_session='));
    assert.ok(session, 'a session cookie');
    return session.split(';')[0]!;
  }

  async function signInStatus(server: Server, email: string, password: string): Promise<number> {
    return (await postSignIn(server, email, password)).status;
  }

  async function postSignIn(server: Server, email: string, password: string): Promise<Response> {
    const form = await get(server, '/sign-in');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    return fetch(`${server.url}/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: csrfCookie(form), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, email, password }),
    });
  }
});

/** The CSRF cookie a page set (name=value). */
function csrfCookie(response: Response): string {
  return response.headers.getSetCookie().find((c) => c.startsWith('_csrf='))?.split(';')[0] ?? '';
}
