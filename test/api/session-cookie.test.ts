// Issue 15, probe 3: the session cookie is Secure whenever the request is HTTPS (directly, or behind a
// trusted proxy that says X-Forwarded-Proto: https) or the configuration says so, and then carries the
// __Host- prefix (Secure, Path=/, no Domain: no other host or plain-HTTP page can set or read it). Over
// plain http://127.0.0.1 (development, the browser tests) it stays a plain cookie so sign-in still works.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../src/http/app.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { seedAccounts, USERS, PASSWORD } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';

describe('the session cookie', () => {
  let database: TestDatabase;
  let services: Services;
  const apps: FastifyInstance[] = [];
  before(async () => {
    database = await createTestDatabase('pglite');
    services = createServices(database.db);
    await seedAccounts(services);
  });
  after(async () => {
    for (const app of apps) await app.close();
    await database?.dispose();
  });

  async function appWith(options: Partial<AppOptions>) {
    const app = await buildApp({ services, sessionSecret: 'test-secret-that-is-long-enough-for-cookies', production: false, logLevel: 'silent', rateLimit: false, ...options });
    await app.ready();
    apps.push(app);
    return app;
  }

  async function signIn(app: FastifyInstance, headers: Record<string, string> = {}) {
    const form = await app.inject({ method: 'GET', url: '/sign-in', headers });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const cookie = form.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const res = await app.inject({ method: 'POST', url: '/sign-in', headers: { ...headers, cookie }, payload: { _csrf: csrf, email: USERS.practitioner.email, password: PASSWORD } });
    assert.equal(res.statusCode, 302, res.body);
    const session = res.cookies.find((c) => /s117_session$/.test(c.name));
    assert.ok(session, `a session cookie is set: ${JSON.stringify(res.cookies.map((c) => c.name))}`);
    return session;
  }

  test('behind a trusted proxy saying HTTPS: __Host- name, Secure, Path=/, no Domain; it signs the user in', async () => {
    const app = await appWith({ trustProxy: true });
    const https = { 'x-forwarded-proto': 'https' };
    const session = await signIn(app, https);
    assert.equal(session.name, '__Host-s117_session');
    assert.equal(session.secure, true);
    assert.equal(session.path, '/');
    assert.equal(session.domain, undefined);
    assert.equal(session.httpOnly, true);
    const page = await app.inject({ method: 'GET', url: '/register', headers: https, cookies: { [session.name]: session.value } });
    assert.equal(page.statusCode, 200);
    // The plain name is not a credential where cookies are secure: a plain-HTTP page cannot plant one.
    const planted = await app.inject({ method: 'GET', url: '/register', headers: https, cookies: { s117_session: session.value } });
    assert.equal(planted.statusCode, 302);
  });

  test('X-Forwarded-Proto is not believed from an untrusted client', async () => {
    const app = await appWith({});
    const session = await signIn(app, { 'x-forwarded-proto': 'https' });
    assert.equal(session.name, 's117_session');
    assert.notEqual(session.secure, true);
  });

  test('the configuration can make it Secure over any connection (TLS ended before a proxy that does not say so)', async () => {
    const app = await appWith({ secureCookies: true });
    const session = await signIn(app);
    assert.equal(session.name, '__Host-s117_session');
    assert.equal(session.secure, true);
  });

  test('over plain http://127.0.0.1 (development) a plain cookie signs in and out', async () => {
    const app = await appWith({});
    const session = await signIn(app);
    assert.equal(session.name, 's117_session');
    assert.equal((await app.inject({ method: 'GET', url: '/register', cookies: { s117_session: session.value } })).statusCode, 200);
  });
});
