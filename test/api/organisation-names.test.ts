// Issue 9, names not codes: no page a person reads shows an organisation's ONS or ODS code without
// its name beside it. The pages of the demonstration data (every status and every kind of casework)
// are read as the demo admin, who sees everyone, and their text is searched for the codes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_ORGANISATIONS, DEMO_PASSWORD, loadDemoData } from '../../src/cli/demo.ts';
import { buildApp } from '../../src/http/app.ts';
import { SESSION_COOKIE } from '../../src/http/auth/index.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { formBody } from '../../src/http/web/forms.ts';
import { OTHER_ORGANISATION, organisationChoices } from '../../src/http/web/organisations.ts';
import { codesWithoutNames, visibleText } from '../support/organisation-names.ts';

describe('organisations by name on the pages', () => {
  let database: TestDatabase;
  let services: Services;
  let app: FastifyInstance;
  let session: string;

  before(async () => {
    database = await createTestDatabase('pglite');
    services = createServices(database.db);
    await loadDemoData(services, () => {});
    app = await buildApp({ services, sessionSecret: 'test-secret-that-is-long-enough-for-cookies', production: false, logLevel: 'silent', rateLimit: false });
    ({ sessionToken: session } = await services.accounts.signIn('admin@demo.s117.test', DEMO_PASSWORD, null));
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
