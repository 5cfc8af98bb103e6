// ADR 3: every answer carries the security headers (helmet), and the pages a Content Security Policy
// that lets no script run but the register's own files and those tagged with this answer's nonce: no
// other origin, no framing. Nothing else checked these headers, so a change to how they are set
// (security-headers.ts) could drop them unnoticed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/http/app.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { call, createPerson, nextNhsNumber, signedInBrowser, type PageBrowser } from './helpers.ts';

/** The policy's directives by name, each with its sources. */
function policyOf(res: LightMyRequestResponse): Map<string, string[]> {
  const header = String(res.headers['content-security-policy'] ?? '');
  return new Map(header.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
    const [name, ...sources] = d.split(/\s+/);
    return [name!, sources];
  }));
}

function assertHardened(res: LightMyRequestResponse, what: string): Map<string, string[]> {
  const policy = policyOf(res);
  assert.deepEqual(policy.get('default-src'), ["'self'"], what);
  assert.deepEqual(policy.get('frame-ancestors'), ["'none'"], what);
  assert.deepEqual(policy.get('object-src'), ["'none'"], what);
  assert.deepEqual(policy.get('form-action'), ["'self'"], what);
  assert.deepEqual(policy.get('base-uri'), ["'self'"], what);
  assert.equal(policy.get('script-src')?.[0], "'self'", what);
  assert.doesNotMatch(String(res.headers['content-security-policy']), /unsafe-inline|unsafe-eval|\*/, what);
  assert.equal(res.headers['x-content-type-options'], 'nosniff', what);
  assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN', what);
  assert.equal(res.headers['referrer-policy'], 'no-referrer', what);
  assert.equal(res.headers['cross-origin-opener-policy'], 'same-origin', what);
  return policy;
}

describe('security headers (ADR 3)', () => {
  let t: TestApp;
  let personId: string;
  let browser: PageBrowser;
  before(async () => {
    t = await createTestApp('pglite');
    personId = (await createPerson(t, { nhsNumber: nextNhsNumber() })).id;
    browser = await signedInBrowser(t.app, 'admin');
  });
  after(async () => t?.close());

  test('a page allows its own script by this answer’s nonce, and each answer has a nonce of its own', async () => {
    const nonces = [];
    for (const url of ['/register', `/people/${personId}`, `/people/${personId}`]) {
      const res = await browser.get(url);
      assert.equal(res.statusCode, 200, url);
      const policy = assertHardened(res, url);
      const tagged = /<script type="module" src="\/assets\/s117\/init.js" nonce="([0-9a-f]{32})"><\/script>/.exec(res.body)?.[1];
      assert.ok(tagged, `${url}: the page's script carries a nonce`);
      assert.deepEqual(policy.get('script-src'), ["'self'", `'nonce-${tagged}'`], url);
      assert.match(String(policy.get('style-src')), /^'self','nonce-[0-9a-f]{32}'$/, url);
      // An inline script runs only by the nonce: every script of the page carries this answer's.
      const scripts = res.body.match(/<script\b[^>]*>/g) ?? [];
      assert.ok(scripts.length >= 2, `${url}: ${scripts.length} scripts`);
      for (const script of scripts) assert.match(script, new RegExp(`\\bnonce="${tagged}"`), `${url}: ${script}`);
      nonces.push(tagged);
    }
    assert.equal(new Set(nonces).size, nonces.length, 'no nonce is used twice');
  });

  test('the sign-in page, a page not found and a refusal carry them too', async () => {
    assertHardened(await t.app.inject({ method: 'GET', url: '/sign-in' }), 'sign-in');
    const missing = await browser.get(`/people/${crypto.randomUUID()}`);
    assert.equal(missing.statusCode, 404);
    assertHardened(missing, 'a page not found');
    const signedOut = await t.app.inject({ method: 'GET', url: `/people/${personId}` });
    assert.ok(signedOut.statusCode >= 300, `signed out: ${signedOut.statusCode}`);
    assertHardened(signedOut, 'signed out');
  });

  test('API and FHIR answers, found or refused, carry them, without nonces', async () => {
    for (const [url, role, status] of [[`/api/v1/people/${personId}`, 'admin', 200], ['/api/v1/people', 'admin', 200], [`/api/v1/people/${crypto.randomUUID()}`, 'admin', 404]] as const) {
      const res = await call(t, 'GET', url, undefined, role);
      assert.equal(res.statusCode, status, url);
      // JSON is never run as a page: the policy without nonces, so no script or style at all but the register's own.
      const policy = assertHardened(res, url);
      assert.deepEqual(policy.get('script-src'), ["'self'"], url);
      assert.deepEqual(policy.get('style-src'), ["'self'"], url);
    }
    assertHardened(await t.app.inject({ method: 'GET', url: '/api/v1/people' }), 'no token');
    assertHardened(await t.app.inject({ method: 'GET', url: '/fhir/R4/metadata' }), 'FHIR');
  });

  test('Strict-Transport-Security in production only (a development server runs over plain HTTP)', async () => {
    assert.equal((await browser.get('/register')).headers['strict-transport-security'], undefined);
    const production = await buildApp({ services: t.services, sessionSecret: 'test-secret-that-is-long-enough-for-cookies', production: true, logLevel: 'silent', rateLimit: false });
    try {
      const res = await production.inject({ method: 'GET', url: '/sign-in' });
      assert.match(String(res.headers['strict-transport-security']), /max-age=\d{8,}/);
      assertHardened(res, 'sign-in in production');
    } finally {
      await production.close();
    }
  });
});
