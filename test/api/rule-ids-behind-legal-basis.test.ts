// Issue 9 item 6: people read plain sentences; the rule ids are for those who want them, behind a
// "Legal basis" detail that names each rule and its source. The main pages of the demonstration data
// (every status and every kind of casework) are read as the demo users, and their text, outside the
// legal-basis details, is searched for a rule id (ELIG-1, SCOPE-3, RESP-6, END-7, DP-1...).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD, DEMO_USERS, loadDemoData } from '../../src/cli/demo.ts';
import { buildApp } from '../../src/http/app.ts';
import { SESSION_COOKIE } from '../../src/http/auth/index.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';

const RULE_ID = /\b(?:ELIG|RESP|SCOPE|CHG|DP|PLAN|REV|END|REG|ADV|CMP|MHA25)-\d+[a-z]?\b/g;

/**
 * The text a person reads outside the legal-basis details: those details (and scripts, styles and
 * tags with their attribute values) removed.
 */
export function textOutsideLegalBasis(html: string): string {
  let out = html.replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ');
  // A legal-basis detail holds no other details, so its first </details> closes it.
  out = out.replace(/<details[^>]*\bs117-legal-basis\b[^>]*>[\s\S]*?<\/details>/g, ' ');
  return out.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}

/** Each rule id in the text, with a little of the sentence around it. */
export function ruleIdsIn(text: string): string[] {
  return [...text.matchAll(RULE_ID)].map((m) => `${m[0]} in “…${text.slice(Math.max(0, m.index - 70), m.index + m[0].length + 10)}…”`);
}

describe('rule ids only behind a legal basis detail', () => {
  let database: TestDatabase;
  let services: Services;
  let app: FastifyInstance;
  const sessions = new Map<string, string>();

  before(async () => {
    database = await createTestDatabase('pglite');
    services = createServices(database.db);
    await loadDemoData(services, () => {});
    app = await buildApp({ services, sessionSecret: 'test-secret-that-is-long-enough-for-cookies', production: false, logLevel: 'silent', rateLimit: false });
    for (const user of DEMO_USERS) sessions.set(user.email, (await services.accounts.signIn(user.email, DEMO_PASSWORD, null)).sessionToken);
  });

  after(async () => {
    await app?.close();
    await database?.dispose();
  });

  async function html(url: string, email: string): Promise<string> {
    const res = await app.inject({ method: 'GET', url, cookies: { [SESSION_COOKIE]: sessions.get(email)! } });
    assert.equal(res.statusCode, 200, `${url} as ${email} answered ${res.statusCode}`);
    return res.body;
  }

  test('the check finds an id in a sentence and passes one inside the detail', () => {
    assert.equal(ruleIdsIn(textOutsideLegalBasis('<p>Health or social care? (SCOPE-3)</p>')).length, 1);
    assert.equal(ruleIdsIn(textOutsideLegalBasis('<p>Ended (END-1).</p><details class="nhsuk-details s117-legal-basis"><summary>Legal basis</summary><ul><li>END-1: Joint decision</li></ul></details>')).length, 1);
    assert.deepEqual(ruleIdsIn(textOutsideLegalBasis('<p>Ended.</p><details class="nhsuk-details s117-legal-basis"><summary>Legal basis</summary><ul><li>END-1: Joint decision</li></ul></details>')), []);
  });

  test('the main pages, read as the demo users, show no rule id outside a legal basis detail', async () => {
    const admin = 'admin@demo.s117.test';
    const register = await html('/register?limit=500', admin);
    const ids = [...new Set([...register.matchAll(/href="\/people\/([0-9a-f-]{36})"/g)].map((m) => m[1]!))];
    assert.ok(ids.length >= 10, 'the register lists the demonstration people');
    const pages: [string, string][] = [];
    for (const user of DEMO_USERS) for (const url of ['/register', '/reviews', '/caseload', '/planning/tasks']) pages.push([url, user.email]);
    pages.push(['/complaints', admin], ['/disputes', admin], ['/approvals', 'la-approver@demo.s117.test'], ['/approvals', 'icb-approver@demo.s117.test'], ['/finance', 'finance@demo.s117.test'], ['/funding-policies', admin]);
    for (const id of ids) {
      for (const part of ['', '/plan', '/services', '/money', '/reviews', '/complaints', '/ending', '/meetings', '/advocacy']) pages.push([`/people/${id}${part}`, admin]);
    }
    const problems: string[] = [];
    for (const [url, email] of pages) for (const p of ruleIdsIn(textOutsideLegalBasis(await html(url, email)))) problems.push(`${url} (${email}): ${p}`);
    assert.deepEqual(problems, []);
  });
});
