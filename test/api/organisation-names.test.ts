// Issue 9, names not codes: no page a person reads shows an organisation's ONS or ODS code without
// its name beside it. The pages of the demonstration data (every status and every kind of casework)
// are read as each of the seven demo users, following every link each one is shown (the navigation,
// the register, every person and their sub-pages, approvals, finance, reviews, reports, complaints,
// disputes, audit...), and their text is searched for the codes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_ORGANISATIONS, DEMO_PASSWORD, DEMO_USERS, loadDemoData } from '../../src/cli/demo.ts';
import { buildApp } from '../../src/http/app.ts';
import { SESSION_COOKIE } from '../../src/http/auth/index.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { formBody } from '../../src/http/web/forms.ts';
import { OTHER_ORGANISATION, organisationChoices, organisationNamesIn } from '../../src/http/web/organisations.ts';
import { codesWithoutNames, visibleText } from '../support/organisation-names.ts';

/** Of each kind of page other than a person's own, how many each user's crawl reads. */
const PAGES_OF_A_KIND = 4;

describe('organisations by name on the pages', () => {
  let database: TestDatabase;
  let services: Services;
  let app: FastifyInstance;
  let session: string;
  const sessions = new Map<string, string>();

  before(async () => {
    database = await createTestDatabase('pglite');
    services = createServices(database.db);
    await loadDemoData(services, () => {});
    app = await buildApp({ services, sessionSecret: 'test-secret-that-is-long-enough-for-cookies', production: false, logLevel: 'silent', rateLimit: false });
    for (const user of DEMO_USERS) sessions.set(user.email, (await services.accounts.signIn(user.email, DEMO_PASSWORD, null)).sessionToken);
    session = sessions.get('admin@demo.s117.test')!;
  });

  after(async () => {
    await app?.close();
    await database?.dispose();
  });

  async function page(url: string): Promise<string> {
    const res = await app.inject({ method: 'GET', url, cookies: { [SESSION_COOKIE]: session } });
    assert.equal(res.statusCode, 200, `${url} answered ${res.statusCode}`);
    return visibleText(res.body);
  }

  test('the check finds a bare code and accepts a named one', () => {
    const orgs = [{ code: 'E09000099', name: 'Northbridge Borough Council' }];
    assert.equal(codesWithoutNames('Responsible: E09000099 (confirmed)', orgs).length, 1);
    assert.deepEqual(codesWithoutNames('Responsible: Northbridge Borough Council E09000099 (confirmed)', orgs), []);
    assert.deepEqual(codesWithoutNames('Northbridge Borough Council (E09000099)', orgs), []);
  });

  test('names are put beside codes once: a text already naming the organisation is left as it is', () => {
    const directory = new Map(DEMO_ORGANISATIONS.map((o) => [o.code, o]));
    const once = organisationNamesIn(directory, 'ordinarily resident in E09000099, a GP in QZY');
    assert.equal(once, 'ordinarily resident in Northbridge Borough Council (E09000099), a GP in NHS Southvale Integrated Care Board (QZY)');
    assert.equal(organisationNamesIn(directory, once), once);
  });

  test('a list of organisations offers the known ones by name and takes the code of another from its box', () => {
    const directory = new Map(DEMO_ORGANISATIONS.map((o) => [o.code, o]));
    const items = organisationChoices(directory, 'icb', 'QZY');
    assert.deepEqual(items.map((i) => i.text), ['Choose an ICB', 'NHS Northbridge Integrated Care Board (QZZ)', 'NHS Southvale Integrated Care Board (QZY)', 'Another ICB (enter its ODS code below)']);
    assert.equal(items.find((i) => i.selected)?.value, 'QZY');
    // A code the register does not know yet stays a choice, so that nothing typed is lost.
    assert.deepEqual(organisationChoices(directory, 'icb', 'QAA').find((i) => i.selected), { value: 'QAA', text: 'QAA', selected: true });
    const read = (body: Record<string, string>) => formBody({ body } as unknown as FastifyRequest);
    assert.equal(read({ 'gp-icb': OTHER_ORGANISATION, 'gp-icb-other': ' qaa ' })['gp-icb'], 'QAA');
    assert.equal(read({ 'gp-icb': '', 'gp-icb-other': 'QAA' })['gp-icb'], 'QAA');
    assert.equal(read({ 'gp-icb': 'QZZ', 'gp-icb-other': 'QAA' })['gp-icb'], 'QZZ', 'a chosen organisation wins over the box');
  });

  /**
   * Pages a user reaches by following the links they are shown, from the home page and the whole
   * register: every person's page, and of each other kind of page (a sub-page of a person, a record's
   * page) the first few found, so that seven users' crawls stay short (the admin, who sees everyone,
   * reads every person's sub-pages); a list's filters, sorting and
   * paging are one page. Downloads and letters (PDF, CSV, Excel) are not pages; sign-out is a form.
   */
  async function pagesReachedBy(cookie: string, everyPersonWhole = false): Promise<Map<string, { status: number; text: string }>> {
    const reached = new Map<string, { status: number; text: string }>();
    const queue = ['/', '/register?limit=500'];
    const ofKind = new Map<string, number>();
    const enqueue = (href: string) => {
      const link = pageAddress(href.replace(/&amp;/g, '&'));
      if (link === null || reached.has(link) || queue.includes(link)) return;
      const kind = link.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id');
      const seen = ofKind.get(kind) ?? 0;
      // The admin sees everyone: their crawl reads every person's pages (ending, money, plan...) in full.
      const whole = kind === '/people/:id' || (everyPersonWhole && /^\/people\/:id\/[a-z-]+$/.test(kind));
      if (!whole && seen >= PAGES_OF_A_KIND) return;
      ofKind.set(kind, seen + 1);
      queue.push(link);
    };
    while (queue.length > 0) {
      const url = queue.shift()!;
      const res = await app.inject({ method: 'GET', url, cookies: { [SESSION_COOKIE]: cookie } });
      const html = String(res.headers['content-type'] ?? '').startsWith('text/html');
      reached.set(url, { status: res.statusCode, text: html ? visibleText(res.body) : '' });
      if (res.statusCode >= 300 && res.statusCode < 400) enqueue(String(res.headers.location));
      if (html) for (const m of res.body.matchAll(/<a\s[^>]*href="(\/[^"#]*)/g)) enqueue(m[1]!);
    }
    return reached;
  }

  function pageAddress(href: string): string | null {
    const [path, query] = href.split('?') as [string, string | undefined];
    if (/^\/(assets|api|sign-out|sign-in)\b/.test(path) || /(\.pdf|\.csv|\.xlsx|\/letter)$/.test(path)) return null;
    // A few of a person's pages differ by their query (the kind of service to add); lists do not.
    if (!path.startsWith('/people/') || !query) return path;
    return `${path}?${query}`;
  }

  for (const user of DEMO_USERS) {
    test(`every page ${user.email} can reach names every organisation beside its code`, async () => {
      const reached = await pagesReachedBy(sessions.get(user.email)!, user.role === 'admin');
      const people = new Set([...reached.keys()].map((u) => /^\/people\/([0-9a-f-]{36})/.exec(u)?.[1]).filter(Boolean));
      assert.ok(people.size >= 5, `${user.email} reads several people (${people.size})`);
      const problems: string[] = [];
      for (const [url, { status, text }] of reached) {
        if (status >= 400) problems.push(`${url}: answered ${status} to a link the page showed`);
        for (const p of codesWithoutNames(text, DEMO_ORGANISATIONS)) problems.push(`${url}: ${p}`);
      }
      assert.deepEqual(problems, [], `${reached.size} pages read`);
    });
  }

  test('the register, the reviews, the funding policies and each person’s pages name every organisation', async () => {
    const register = await app.inject({ method: 'GET', url: '/register?limit=500', cookies: { [SESSION_COOKIE]: session } });
    const ids = [...new Set([...register.body.matchAll(/href="\/people\/([0-9a-f-]{36})"/g)].map((m) => m[1]!))];
    assert.ok(ids.length >= 10, 'the register lists the demonstration people');
    const urls = ['/register', '/reviews', '/funding-policies', '/people/new'];
    for (const id of ids) urls.push(`/people/${id}`, `/people/${id}/edit`);
    const problems: string[] = [];
    for (const url of urls) for (const p of codesWithoutNames(await page(url), DEMO_ORGANISATIONS)) problems.push(`${url}: ${p}`);
    assert.deepEqual(problems, []);
  });

  test('the money page says a running entitlement has no end yet, and the finance page lists people by name', async () => {
    const register = await app.inject({ method: 'GET', url: '/register?status=active&limit=500', cookies: { [SESSION_COOKIE]: session } });
    const ids = [...new Set([...register.body.matchAll(/href="\/people\/([0-9a-f-]{36})"/g)].map((m) => m[1]!))];
    assert.ok(ids.length > 0);
    let withPeriod = 0;
    for (const id of ids) {
      const text = await page(`/people/${id}/money`);
      if (!text.includes('The person was entitled to free aftercare')) continue;
      withPeriod++;
      assert.match(text, /, and still is/, `${id}: a running entitlement`);
    }
    assert.ok(withPeriod > 0, 'some active person has an entitlement period');
    const finance = await app.inject({ method: 'GET', url: '/finance', cookies: { [SESSION_COOKIE]: session } });
    const names = [...finance.body.matchAll(/<a href="\/people\/[0-9a-f-]{36}\/money">([^<]+)<span/g)].map((m) => m[1]!);
    assert.ok(names.length > 0, 'the recharge statement lists people');
    for (const name of names) assert.match(name, /^[A-Z][a-z]+ [A-Z]/, `listed by name, not "${name}"`);
  });
});
