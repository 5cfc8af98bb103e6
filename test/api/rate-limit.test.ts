// Rate limits: too many sign-ins from one address, or API calls with one token, in a minute answer 429
// (a page for sign-in, problem+json on the API) until the minute is over. The other tests build the
// app without limits (test/support/app.ts); these build it with small ones.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.ts';
import { createServices } from '../../src/services/index.ts';
import { seedAccounts, USERS, PASSWORD } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';

describe('rate limits', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let tokens: Awaited<ReturnType<typeof seedAccounts>>;
  before(async () => {
    database = await createTestDatabase('pglite');
    const services = createServices(database.db);
    tokens = await seedAccounts(services);
    app = await buildApp({ services, sessionSecret: 'test-secret-that-is-long-enough-for-cookies', production: false, logLevel: 'silent', rateLimit: { signInPerMinute: 3, apiPerMinute: 5 } });
    await app.ready();
  });
  after(async () => {
    await app?.close();
    await database?.dispose();
  });

  async function signIn(remoteAddress: string) {
    const form = await app.inject({ method: 'GET', url: '/sign-in', remoteAddress });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const cookies = form.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    return app.inject({ method: 'POST', url: '/sign-in', remoteAddress, headers: { cookie: cookies }, payload: { _csrf: csrf, email: USERS.practitioner.email, password: PASSWORD } });
  }

  test('sign-in: the fourth attempt in a minute from one address is refused with a page; another address is not', async () => {
    for (let i = 0; i < 3; i += 1) assert.equal((await signIn('203.0.113.1')).statusCode, 302);
    const refused = await signIn('203.0.113.1');
    assert.equal(refused.statusCode, 429);
    assert.match(refused.headers['content-type'] as string, /text\/html/);
    assert.ok(Number(refused.headers['retry-after']) > 0);
    assert.equal((await signIn('203.0.113.2')).statusCode, 302);
  });

  test('API: the sixth call in a minute with one token answers 429 problem+json; another token is not limited', async () => {
    const call = (token: string) => app.inject({ method: 'GET', url: '/api/v1/people', headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 5; i += 1) assert.equal((await call(tokens.practitioner)).statusCode, 200);
    const refused = await call(tokens.practitioner);
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(refused.json().status, 429);
    assert.ok(Number(refused.headers['retry-after']) > 0);
    assert.equal((await call(tokens.laPractitioner)).statusCode, 200);
  });
});
