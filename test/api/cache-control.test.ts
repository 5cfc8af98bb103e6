// Issue 15, probe 5: after "Sign out" the browser's Back button must not show a person's record from
// its cache (a shared ward computer). Every page and file for a signed-in user, every API answer and
// the sign-in page answer Cache-Control: no-store; only the static assets are cached.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, PASSWORD, USERS, type TestApp } from '../support/app.ts';
import { call, createPerson, nextNhsNumber } from './helpers.ts';

describe('Cache-Control on personal data', () => {
  let t: TestApp;
  let personId: string;
  let session: string;
  before(async () => {
    t = await createTestApp('pglite');
    personId = (await createPerson(t, { nhsNumber: nextNhsNumber() })).id;
    session = (await t.services.accounts.signIn(USERS.admin.email, PASSWORD, null)).sessionToken;
  });
  after(async () => t?.close());

  const page = (url: string) => t.app.inject({ method: 'GET', url, cookies: { s117_session: session } });

  test('every page of a signed-in user answers no-store, found or not', async () => {
    for (const url of ['/register', `/people/${personId}`, `/people/${personId}/plan`, '/reviews', '/finance', '/approvals', `/people/${crypto.randomUUID()}`]) {
      const res = await page(url);
      assert.ok(res.statusCode < 500, `${url}: ${res.statusCode}`);
      assert.equal(res.headers['cache-control'], 'no-store', `${url} (${res.statusCode})`);
    }
  });

  test('files and API answers with personal data answer no-store', async () => {
    assert.equal((await page('/finance/no-charge.csv')).headers['cache-control'], 'no-store');
    for (const url of [`/api/v1/people/${personId}`, '/api/v1/people', `/api/v1/people/${personId}/aftercare`]) {
      const res = await call(t, 'GET', url, undefined, 'admin');
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers['cache-control'], 'no-store', url);
    }
  });

  test('the sign-in page and a signed-out redirect answer no-store; the static assets are cached', async () => {
    assert.equal((await t.app.inject({ method: 'GET', url: '/sign-in' })).headers['cache-control'], 'no-store');
    assert.equal((await t.app.inject({ method: 'GET', url: `/people/${personId}` })).headers['cache-control'], 'no-store');
    const asset = await t.app.inject({ method: 'GET', url: '/assets/nhsuk/nhsuk-frontend-dynamic-type.css', cookies: { s117_session: session } });
    assert.equal(asset.statusCode, 200);
    assert.match(String(asset.headers['cache-control']), /max-age=86400/);
  });
});
