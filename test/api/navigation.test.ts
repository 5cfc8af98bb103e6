// Issue 9 item 5: the header follows the role and fits. Each role has the few lists it uses most in
// the header and "More" (a plain page, no JavaScript needed) for the rest; every list a role had in
// the header before is still reachable, from the header or the More page, and answers 200; no role
// is shown a list it cannot open.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SESSION_COOKIE } from '../../src/http/auth/index.ts';
import { createTestApp, PASSWORD, USERS, type TestApp, type UserKey } from '../support/app.ts';

const EVERYONE = ['/register', '/reviews', '/caseload', '/planning/tasks', '/funding-policies'];
/** The lists each role had in the header before it was grouped (the old base.njk). */
const LISTS: Partial<Record<UserKey, string[]>> = {
  practitioner: [...EVERYONE, '/people/new'],
  laPractitioner: [...EVERYONE, '/people/new'],
  laApprover: [...EVERYONE, '/approvals', '/imports', '/people/duplicates', '/reports', '/complaints', '/disputes'],
  icbApprover: [...EVERYONE, '/approvals', '/imports', '/people/duplicates', '/reports', '/complaints', '/disputes'],
  finance: [...EVERYONE, '/finance', '/reports', '/disputes'],
  auditor: [...EVERYONE, '/finance', '/audit', '/reports', '/complaints', '/disputes'],
  admin: [...EVERYONE, '/people/new', '/imports', '/people/duplicates', '/finance', '/audit', '/subscriptions', '/users', '/organisations', '/reports', '/complaints', '/disputes'],
};
const ALL = [...new Set(Object.values(LISTS).flat())];

describe('the navigation by role (issue 9 item 5)', () => {
  let t: TestApp;
  const sessions: Partial<Record<UserKey, string>> = {};
  async function get(url: string, as: UserKey) {
    sessions[as] ??= (await t.services.accounts.signIn(USERS[as].email, PASSWORD, null)).sessionToken;
    return t.app.inject({ method: 'GET', url, cookies: { [SESSION_COOKIE]: sessions[as]! } });
  }
  /** The header's links, in order. */
  const headerLinks = (html: string) =>
    [...html.matchAll(/<a\s[^>]*class="nhsuk-header__navigation-link[^"]*"[^>]*>/g)].map((m) => /href="([^"]+)"/.exec(m[0])![1]!);
  /** The links in the page's main content. */
  const mainLinks = (html: string) => [...(/<main[\s\S]*<\/main>/.exec(html)?.[0] ?? '').matchAll(/<a\s[^>]*href="([^"]+)"/g)].map((m) => m[1]!);

  before(async () => {
    t = await createTestApp('pglite');
  });
  after(async () => {
    await t?.close();
  });

  for (const [user, lists] of Object.entries(LISTS) as [UserKey, string[]][]) {
    test(`${user}: a short header and "More"; every list they had is reachable and opens; none they cannot open`, async () => {
      const register = await get('/register', user);
      assert.equal(register.statusCode, 200);
      const header = headerLinks(register.body);
      assert.ok(header.length <= 6, `${user}: ${header.length} links in the header (${header.join(', ')})`);
      const more = await get('/more', user);
      assert.equal(more.statusCode, 200);
      assert.match(more.body, /<h1>More<\/h1>/);
      const onMore = mainLinks(more.body);
      const reachable = [...header.filter((h) => h !== '/more'), ...onMore];
      assert.deepEqual([...new Set(reachable)].sort(), [...lists].sort(), `${user}: the header and the More page together`);
      assert.equal(reachable.length, new Set(reachable).size, 'each list once: in the header or on the More page');
      assert.equal(header.at(-1), '/more', 'More comes last');
      for (const href of lists) assert.equal((await get(href, user)).statusCode, 200, `${user}: ${href}`);
      // The lists they were never offered stay closed to them (403), so no link is missing by mistake.
      for (const href of ALL.filter((h) => !lists.includes(h))) assert.equal((await get(href, user)).statusCode, 403, `${user}: ${href}`);
    });
  }

  test('the header marks the current list, and "More" while on the More page or one of its lists', async () => {
    const current = (html: string) => [...html.matchAll(/<li class="nhsuk-header__navigation-item[^"]*nhsuk-header__navigation-item--current[^"]*"[\s\S]*?href="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(current((await get('/audit', 'auditor')).body), ['/audit']);
    assert.deepEqual(current((await get('/complaints', 'auditor')).body), ['/more']);
    assert.deepEqual(current((await get('/more', 'auditor')).body), ['/more']);
  });

  test('the More page needs a sign-in', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/more' });
    assert.equal(res.statusCode, 302);
    assert.match(String(res.headers.location), /^\/sign-in/);
  });
});
